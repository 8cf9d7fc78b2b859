package httpbin_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/httpbin"
	"github.com/stretchr/testify/require"
)

var testConn = &handler.ConnInfo{
	Remote: netip.MustParseAddrPort("127.0.0.1:40000"),
	Local:  netip.MustParseAddrPort("127.0.0.1:8080"),
	Runner: "loop 0",
}

func newApp(t testing.TB, opts httpbin.Options) *handler.Handler {
	t.Helper()
	h, err := httpbin.New(opts)
	require.NoError(t, err)
	return h
}

// answer is one request run through the handler as the engine runs it,
// read back with net/http's response parser.
type answer struct {
	*http.Response
	body []byte
	raw  string
	keep bool
	// What came later: the delay before anything was sent, the wait
	// before each piece of a streamed body, and whether the handler asked
	// for a reset instead of an answer.
	delay time.Duration
	waits []time.Duration
	reset bool
}

// do answers the raw request (head and body) with h. The request's body
// is what follows the head.
func do(t testing.TB, h *handler.Handler, raw string) answer {
	t.Helper()
	var p codec.Parser
	var req codec.Request
	n, err := p.Parse([]byte(raw), &req)
	require.NoError(t, err, raw)
	var body []byte
	if n < len(raw) {
		body = []byte(raw[n:])
	}
	var r handler.Exchange
	r.Begin(h, testConn, &req, body, nil)
	h.Serve(r.Request())
	out, keep := r.Finish()
	a := answer{keep: keep, reset: r.Aborted()}
	if a.reset {
		return a
	}
	var s *handler.Continuation
	a.delay, s = r.Later()
	for s != nil {
		a.waits = append(a.waits, s.Wait())
		var done bool
		if out, done = s.Next(out); done {
			a.keep = s.KeepAlive()
			break
		}
		require.Less(t, len(a.waits), 100000, "the stream does not end")
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(out)), &http.Request{Method: string(req.Method)})
	require.NoError(t, err, string(out))
	b, err := io.ReadAll(resp.Body)
	if !a.keep && errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil // a body cut short, then the close: what a truncated answer is
	}
	require.NoError(t, err)
	a.Response, a.body, a.raw = resp, b, string(out)
	return a
}

// waited is the time a streamed answer took after its head.
func (a answer) waited() time.Duration {
	var d time.Duration
	for _, w := range a.waits {
		d += w
	}
	return d
}

// get answers "METHOD target" with the given extra header lines.
func get(t testing.TB, h *handler.Handler, method, target string, headers ...string) answer {
	t.Helper()
	raw := method + " " + target + " HTTP/1.1\r\nHost: localhost:8080\r\n"
	for _, l := range headers {
		raw += l + "\r\n"
	}
	return do(t, h, raw+"\r\n")
}

// post answers a request with a body of the given Content-Type.
func post(t testing.TB, h *handler.Handler, method, target, contentType, body string) answer {
	t.Helper()
	raw := method + " " + target + " HTTP/1.1\r\nHost: localhost:8080\r\n"
	if contentType != "" {
		raw += "Content-Type: " + contentType + "\r\n"
	}
	return do(t, h, raw+"Content-Length: "+itoa(len(body))+"\r\n\r\n"+body)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// jsonBody decodes the answer's body as a JSON object.
func (a answer) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), string(a.body))
	return m
}

// withinBinomial checks that hits out of n trials is within five standard
// deviations of n·p: a check that a correct implementation fails about
// once in two million runs, and that a wrong percentage fails at once.
func withinBinomial(t testing.TB, hits, n int, p float64, what string) {
	t.Helper()
	mean := float64(n) * p
	sd := math.Sqrt(float64(n) * p * (1 - p))
	lo, hi := mean-5*sd, mean+5*sd
	if float64(hits) < lo || float64(hits) > hi {
		t.Errorf("%s: %d of %d, want %.0f ± %.0f (p = %v)", what, hits, n, mean, 5*sd, p)
	}
}

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }
