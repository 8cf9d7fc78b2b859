package peerdiff

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"fortio.org/fortio/fhttp"
	fbhttpbin "github.com/fastbase/fastbase/handler/httpbin"
	"github.com/stretchr/testify/require"
)

// echoCase is one request to fortio's echo; the payload of size= is
// pseudo-random in both, so only its length is compared.
type echoCase struct {
	method, target string
	headers        map[string]string
	body           string
	compare        []string
	lengthOnly     bool
}

type echoAnswer struct {
	Status  int
	Headers map[string][]string
	Close   bool
	Body    any
}

func askEcho(t *testing.T, base string, c echoCase) echoAnswer {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, base+c.target, body)
	require.NoError(t, err)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	require.NoError(t, err, c.target)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := echoAnswer{Status: resp.StatusCode, Headers: map[string][]string{}, Close: resp.Close}
	for _, h := range append([]string{"Content-Type", "Content-Encoding"}, c.compare...) {
		if v := resp.Header.Values(h); len(v) > 0 {
			a.Headers[h] = v
		}
	}
	plain := decodeBody(t, resp.Header.Get("Content-Encoding"), "", raw).(string)
	if c.lengthOnly {
		a.Body = len(plain)
	} else {
		a.Body = plain
	}
	return a
}

var gzipOK = map[string]string{"Accept-Encoding": "gzip"}

var echoCases = map[string]echoCase{
	"body":                {method: "POST", target: "/", headers: map[string]string{"Content-Type": "text/x"}, body: "hello"},
	"body on a path":      {method: "PUT", target: "/some/where?x=1", headers: map[string]string{"Content-Type": "application/json"}, body: `{"a":1}`},
	"get":                 {method: "GET", target: "/"},
	"status":              {method: "GET", target: "/?status=418"},
	"status with body":    {method: "POST", target: "/?status=201", headers: map[string]string{"Content-Type": "text/plain"}, body: "b"},
	"status every time":   {method: "GET", target: "/?status=503:100"},
	"status never":        {method: "GET", target: "/?status=503:0"},
	"status percent sign": {method: "GET", target: "/?status=429:100%25"},
	"size":                {method: "GET", target: "/?size=100", lengthOnly: true},
	"size zero":           {method: "POST", target: "/?size=0", body: "dropped", lengthOnly: true},
	"size every time":     {method: "GET", target: "/?size=10:100", lengthOnly: true},
	"size never":          {method: "POST", target: "/?size=10:0", headers: map[string]string{"Content-Type": "text/plain"}, body: "echoed"},
	"size and status":     {method: "GET", target: "/?size=7&status=202", lengthOnly: true},
	"header":              {method: "GET", target: "/?header=X-A:b&header=x-b:%20c&header=X-A:again", compare: []string{"X-A", "X-B"}},
	"header type":         {method: "GET", target: "/?size=5&header=Content-Type:text/x", lengthOnly: true},
	"header over echo":    {method: "POST", target: "/?header=Content-Type:text/y", headers: map[string]string{"Content-Type": "text/x"}, body: "z"},
	"close":               {method: "GET", target: "/?close=true"},
	"close number":        {method: "GET", target: "/?close=100"},
	"close word":          {method: "GET", target: "/?close=yes"},
	"close false":         {method: "GET", target: "/?close=false"},
	"close never":         {method: "GET", target: "/?close=0"},
	"gzip":                {method: "POST", target: "/?gzip=true", headers: map[string]string{"Accept-Encoding": "gzip", "Content-Type": "text/plain"}, body: strings.Repeat("zip ", 50)},
	"gzip not accepted":   {method: "POST", target: "/?gzip=true", headers: map[string]string{"Content-Type": "text/plain"}, body: "plain"},
	"gzip never":          {method: "GET", target: "/?gzip=0", headers: gzipOK},
	"gzip size":           {method: "GET", target: "/?gzip=100&size=50", headers: gzipOK, lengthOnly: true},
	"other parameters":    {method: "GET", target: "/?foo=bar&status=204"},
	"status bad":          {method: "GET", target: "/?status=abc"},
	"size bad":            {method: "GET", target: "/?size=abc"},
	"size negative":       {method: "GET", target: "/?size=-5", lengthOnly: true},
	"size over fortio's":  {method: "GET", target: "/?size=300000", lengthOnly: true},
	"header bad":          {method: "GET", target: "/?header=nocolon"},
}

// echoDepartures are answered otherwise on purpose (see the package
// documentation of handler/httpbin); each must still differ.
var echoDepartures = map[string]string{
	"status bad":         "fastbase answers 400 with what was wrong; fortio answers 400 with the echo",
	"size bad":           "fastbase answers 400; fortio ignores the size and echoes",
	"size negative":      "fastbase answers 400; fortio sends no payload",
	"size over fortio's": "fastbase cuts size= to -httpbin-max-body-size (1 MiB); fortio to -maxpayloadsizekb (256 KiB)",
	"header bad":         "fastbase answers 400; fortio drops the header and answers 200",
}

func TestEchoAgainstFortio(t *testing.T) {
	ours, err := fbhttpbin.New(fbhttpbin.Options{})
	require.NoError(t, err)
	fb := serveFastbase(t, ours)
	peer := httptest.NewServer(http.HandlerFunc(fhttp.EchoHandler))
	t.Cleanup(peer.Close)

	for name, c := range echoCases {
		want, got := askEcho(t, peer.URL, c), askEcho(t, fb, c)
		same := reflect.DeepEqual(want, got)
		if reason, ok := echoDepartures[name]; ok {
			if same {
				t.Errorf("%s: listed as a departure (%s) but both answer the same", name, reason)
			}
			continue
		}
		if !same {
			t.Errorf("%s: %s %s\n fortio:   %+v\n fastbase: %+v", name, c.method, c.target, want, got)
		}
	}
}
