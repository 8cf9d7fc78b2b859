// Package peerdiff answers the same requests with fastbase's httpbin
// handler and with the servers it stands in for (go-httpbin, fortio's
// echo), each on a socket of 127.0.0.1, and requires the same statuses,
// headers that matter and bodies, except for the departures listed with
// their reason, which must still show.
package peerdiff

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler"
	fbhttpbin "github.com/fastbase/fastbase/handler/httpbin"
	gohttpbin "github.com/mccutchen/go-httpbin/v2/httpbin"
	"github.com/stretchr/testify/require"
)

// serveFastbase runs h on a free port until the test ends and returns its
// base URL.
func serveFastbase(t *testing.T, h *handler.Handler) string {
	t.Helper()
	srv := &engine.Server{Addr: "127.0.0.1:0", Handler: h, Loops: 1}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(context.Background()) }()
	select {
	case <-srv.Ready():
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	return "http://" + srv.ListenAddr().String()
}

// peerCase is one request; what is compared of the answer.
type peerCase struct {
	method, target string
	headers        map[string]string
	body           string
	compare        []string // headers compared besides Content-Type
	ignoreBody     bool     // a body that differs on every answer (a uuid, a date)
}

// answerOf is what two servers must agree on.
type answerOf struct {
	Status  int
	Headers map[string][]string
	Body    any // decoded JSON, or the bytes as a string
}

// client follows no redirects and does not ask for compression, so that
// both servers see the same request and their answers are read as sent.
var client = &http.Client{
	Transport:     &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

func ask(t *testing.T, base string, c peerCase) answerOf {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.target, strings.NewReader(c.body))
	require.NoError(t, err)
	if c.body == "" {
		req.Body, req.ContentLength = nil, 0
	}
	req.Host = "example.test"
	req.Header.Set("User-Agent", "peerdiff/1")
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	require.NoError(t, err, c.target)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answerOf{Status: resp.StatusCode, Headers: map[string][]string{}}
	for _, h := range append([]string{"Content-Type"}, c.compare...) {
		if v := resp.Header.Values(h); len(v) > 0 {
			a.Headers[h] = v
		}
	}
	if c.ignoreBody {
		return a
	}
	a.Body = decodeBody(t, resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"), raw)
	return a
}

func decodeBody(t *testing.T, encoding, contentType string, raw []byte) any {
	t.Helper()
	var r io.Reader = bytes.NewReader(raw)
	var err error
	switch encoding {
	case "gzip":
		r, err = gzip.NewReader(r)
	case "deflate":
		r, err = zlib.NewReader(r)
	}
	require.NoError(t, err)
	plain, err := io.ReadAll(r)
	require.NoError(t, err)
	if strings.HasPrefix(contentType, "application/json") {
		var v any
		if json.Unmarshal(plain, &v) == nil {
			return v
		}
	}
	return string(plain)
}

var cors = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"}

func with(extra ...string) []string { return append(append([]string(nil), cors...), extra...) }

// httpbinCases are requests every route of both answers the same, or
// differently for a reason in httpbinDepartures.
var httpbinCases = map[string]peerCase{
	"get":                   {method: "GET", target: "/get?a=1&a=2&b=x+y", compare: cors},
	"get with proxy":        {method: "GET", target: "/get", headers: map[string]string{"X-Forwarded-For": "203.0.113.9, 10.0.0.1", "X-Forwarded-Proto": "https"}},
	"head":                  {method: "HEAD", target: "/get", compare: with("Content-Length")},
	"head route":            {method: "HEAD", target: "/head"},
	"post form":             {method: "POST", target: "/post?q=1", headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "x=1&y=2&x=3"},
	"post multipart":        {method: "POST", target: "/post", headers: map[string]string{"Content-Type": "multipart/form-data; boundary=b"}, body: "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--b\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n--b--\r\n"},
	"post json":             {method: "POST", target: "/post", headers: map[string]string{"Content-Type": "application/json"}, body: `{"n": 1.5, "s": ["a", null], "o": {"k": true}}`},
	"post bad json":         {method: "POST", target: "/post", headers: map[string]string{"Content-Type": "application/json"}, body: `{"n":`},
	"post text":             {method: "POST", target: "/post", headers: map[string]string{"Content-Type": "text/plain"}, body: "hello"},
	"post binary":           {method: "POST", target: "/post", headers: map[string]string{"Content-Type": "image/png"}, body: "\x89PNG\x00"},
	"put":                   {method: "PUT", target: "/put", headers: map[string]string{"Content-Type": "text/plain"}, body: "p"},
	"patch":                 {method: "PATCH", target: "/patch", body: "x"},
	"delete":                {method: "DELETE", target: "/delete?d=1"},
	"post to get":           {method: "POST", target: "/get", compare: []string{"Allow"}},
	"get to post":           {method: "GET", target: "/post", compare: []string{"Allow"}},
	"anything":              {method: "GET", target: "/anything"},
	"anything deep":         {method: "PUT", target: "/anything/a/b?c=d", headers: map[string]string{"Content-Type": "text/plain"}, body: "b"},
	"anything head":         {method: "HEAD", target: "/anything/x"},
	"options preflight":     {method: "OPTIONS", target: "/get", headers: map[string]string{"Origin": "http://a.example", "Access-Control-Request-Headers": "X-Custom"}, compare: with("Access-Control-Allow-Methods", "Access-Control-Max-Age", "Access-Control-Allow-Headers")},
	"headers":               {method: "GET", target: "/headers", headers: map[string]string{"X-Thing": "1"}},
	"headers post":          {method: "POST", target: "/headers"},
	"ip":                    {method: "GET", target: "/ip"},
	"ip cdn":                {method: "GET", target: "/ip", headers: map[string]string{"CF-Connecting-IP": "198.51.100.2"}},
	"user-agent":            {method: "GET", target: "/user-agent"},
	"hostname":              {method: "GET", target: "/hostname"},
	"uuid":                  {method: "GET", target: "/uuid", ignoreBody: true},
	"status 200":            {method: "GET", target: "/status/200"},
	"status 204":            {method: "GET", target: "/status/204"},
	"status 302":            {method: "GET", target: "/status/302", compare: []string{"Location"}},
	"status 401":            {method: "GET", target: "/status/401", compare: []string{"WWW-Authenticate"}},
	"status 402":            {method: "GET", target: "/status/402", compare: []string{"X-More-Info"}},
	"status 406":            {method: "GET", target: "/status/406"},
	"status 407":            {method: "GET", target: "/status/407", compare: []string{"Proxy-Authenticate"}},
	"status 418":            {method: "POST", target: "/status/418", compare: []string{"X-More-Info"}},
	"status 503":            {method: "GET", target: "/status/503"},
	"status bad":            {method: "GET", target: "/status/abc"},
	"status range":          {method: "GET", target: "/status/600"},
	"status weighted":       {method: "GET", target: "/status/200:0,503:1"},
	"status bad weight":     {method: "GET", target: "/status/200:x,500:1"},
	"unstable never":        {method: "GET", target: "/unstable?failure_rate=0"},
	"unstable always":       {method: "GET", target: "/unstable?failure_rate=1"},
	"unstable seed 1":       {method: "GET", target: "/unstable?seed=1"},
	"unstable seed 2":       {method: "GET", target: "/unstable?seed=2"},
	"unstable seed 7":       {method: "GET", target: "/unstable?seed=7"},
	"unstable bad":          {method: "GET", target: "/unstable?failure_rate=x"},
	"bytes seeded":          {method: "GET", target: "/bytes/64?seed=5", compare: []string{"Content-Length"}},
	"bytes zero":            {method: "GET", target: "/bytes/0", compare: []string{"Content-Length"}},
	"bytes negative":        {method: "GET", target: "/bytes/-1"},
	"bytes too many":        {method: "GET", target: "/bytes/2000000"},
	"range":                 {method: "GET", target: "/range/30", compare: []string{"ETag", "Accept-Ranges"}},
	"range one":             {method: "GET", target: "/range/30", headers: map[string]string{"Range": "bytes=2-5"}, compare: []string{"Content-Range", "ETag"}},
	"range suffix":          {method: "GET", target: "/range/30", headers: map[string]string{"Range": "bytes=-4"}, compare: []string{"Content-Range"}},
	"range open":            {method: "GET", target: "/range/30", headers: map[string]string{"Range": "bytes=25-"}, compare: []string{"Content-Range"}},
	"range outside":         {method: "GET", target: "/range/30", headers: map[string]string{"Range": "bytes=40-"}, compare: []string{"Content-Range"}},
	"range zero":            {method: "GET", target: "/range/0"},
	"gzip":                  {method: "GET", target: "/gzip?a=1", compare: []string{"Content-Encoding"}},
	"deflate":               {method: "GET", target: "/deflate", compare: []string{"Content-Encoding"}},
	"response-headers":      {method: "GET", target: "/response-headers?X-Foo=1&X-Foo=2", compare: []string{"X-Foo"}},
	"response-headers html": {method: "GET", target: "/response-headers?Content-Type=text/html&X-A=%3Cb%3E", compare: []string{"X-A"}},
	"redirect":              {method: "GET", target: "/redirect/3", compare: []string{"Location"}},
	"redirect last":         {method: "GET", target: "/redirect/1", compare: []string{"Location"}},
	"redirect absolute":     {method: "GET", target: "/redirect/2?absolute=true", compare: []string{"Location"}},
	"relative-redirect":     {method: "GET", target: "/relative-redirect/2", compare: []string{"Location"}},
	"absolute-redirect":     {method: "GET", target: "/absolute-redirect/2", compare: []string{"Location"}},
	"redirect zero":         {method: "GET", target: "/redirect/0"},
	"redirect-to":           {method: "GET", target: "/redirect-to?url=http%3A%2F%2Fexample.com%2Fx&status_code=307", compare: []string{"Location"}},
	"redirect-to plain":     {method: "POST", target: "/redirect-to?url=/get", compare: []string{"Location"}},
	"redirect-to no url":    {method: "GET", target: "/redirect-to"},
	"redirect-to status":    {method: "GET", target: "/redirect-to?url=/x&status_code=200"},
	"basic-auth":            {method: "GET", target: "/basic-auth/ann/pw", headers: map[string]string{"Authorization": "Basic YW5uOnB3"}},
	"basic-auth wrong":      {method: "GET", target: "/basic-auth/ann/pw", headers: map[string]string{"Authorization": "Basic YW5uOng="}, compare: []string{"WWW-Authenticate"}},
	"basic-auth none":       {method: "GET", target: "/basic-auth/ann/pw", compare: []string{"WWW-Authenticate"}},
	"hidden-basic-auth":     {method: "GET", target: "/hidden-basic-auth/ann/pw", headers: map[string]string{"Authorization": "Basic YW5uOnB3"}},
	"hidden wrong":          {method: "GET", target: "/hidden-basic-auth/ann/pw"},
	"bearer":                {method: "GET", target: "/bearer", headers: map[string]string{"Authorization": "Bearer tok"}},
	"bearer none":           {method: "GET", target: "/bearer", compare: []string{"WWW-Authenticate"}},
	"cache":                 {method: "GET", target: "/cache", ignoreBody: true},
	"cache conditional":     {method: "GET", target: "/cache", headers: map[string]string{"If-None-Match": `"x"`}},
	"cache since":           {method: "GET", target: "/cache", headers: map[string]string{"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}},
	"cache n":               {method: "GET", target: "/cache/60", compare: []string{"Cache-Control"}},
	"cache n bad":           {method: "GET", target: "/cache/x"},
	"etag":                  {method: "GET", target: "/etag/abc", compare: []string{"ETag"}},
	"etag match":            {method: "GET", target: "/etag/abc", headers: map[string]string{"If-None-Match": `"abc"`}, compare: []string{"ETag"}},
	"etag weak match":       {method: "GET", target: "/etag/abc", headers: map[string]string{"If-None-Match": `W/"abc"`}, compare: []string{"ETag"}},
	"etag if-match":         {method: "GET", target: "/etag/abc", headers: map[string]string{"If-Match": `"x"`}},
	"cookies":               {method: "GET", target: "/cookies", headers: map[string]string{"Cookie": "a=1; b=two"}},
	"cookies none":          {method: "GET", target: "/cookies"},
	"cookies set":           {method: "GET", target: "/cookies/set?k=v", compare: []string{"Location", "Set-Cookie"}},
	"base64":                {method: "GET", target: "/base64/aGVsbG8gd29ybGQ="},
	"base64 encode":         {method: "GET", target: "/base64/encode/hi%3F%3F"},
	"base64 html":           {method: "GET", target: "/base64/PGI-?content-type=text/html"},
	"base64 bad op":         {method: "GET", target: "/base64/rot13/abc"},
	"robots":                {method: "GET", target: "/robots.txt"},
	"deny":                  {method: "GET", target: "/deny"},
	"xml":                   {method: "GET", target: "/xml", ignoreBody: true},
	"html":                  {method: "GET", target: "/html", ignoreBody: true},
	"json":                  {method: "GET", target: "/json", ignoreBody: true},
	"utf8":                  {method: "GET", target: "/encoding/utf8", ignoreBody: true},
}

// httpbinDepartures are the cases where fastbase answers otherwise on
// purpose, with the reason; each must still differ.
var httpbinDepartures = map[string]string{
	"range several": "fastbase answers several ranges with the whole body (200), as RFC 9110 §14.2 allows; go-httpbin's net/http sends multipart/byteranges",
	"head":          "fastbase's HEAD answer says the Content-Length a GET would get (RFC 9110 §9.3.2 lets it); net/http under go-httpbin sends none for a HEAD handler that wrote a body",
}

func TestHTTPBinAgainstGoHTTPBin(t *testing.T) {
	host, err := os.Hostname()
	require.NoError(t, err)
	ours, err := fbhttpbin.New(fbhttpbin.Options{})
	require.NoError(t, err)
	fb := serveFastbase(t, ours)
	peer := httptest.NewServer(gohttpbin.New(gohttpbin.WithHostname(host)))
	t.Cleanup(peer.Close)

	for name, c := range httpbinCases {
		want, got := ask(t, peer.URL, c), ask(t, fb, c)
		same := reflect.DeepEqual(want, got)
		if reason, ok := httpbinDepartures[name]; ok {
			if same {
				t.Errorf("%s: listed as a departure (%s) but both answer the same", name, reason)
			}
			continue
		}
		if !same {
			t.Errorf("%s: %s %s\n go-httpbin: %+v\n fastbase:   %+v", name, c.method, c.target, want, got)
		}
	}
}
