package conformance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/examples"
	"github.com/fastbase/fastbase/handler/httpbin"
)

// Limits of the servers under test, small enough for cases to cross them
// cheaply.
const (
	maxBodyBytes    = 4096
	bodyMemoryBytes = 1024 // bodies above this are spooled to a file
	headerTimeout   = time.Second
)

// serverKind says which of the two servers a case talks to.
type serverKind uint8

const (
	// appServer answers GET, HEAD, POST, PUT and OPTIONS with what it
	// received (appHandler).
	appServer serverKind = iota
	// echoServer runs the built-in examples.Echo.
	echoServer
	// laterServer runs httpbin, whose answers may come later (delay=,
	// /drip, /stream/{n}).
	laterServer
)

// appHandler is a small handler built the seed's way: it answers
//
//	METHOD PATH
//	x-test=[value of X-Test]
//	body=[the request body]
//
// so that a case can see how the request was read, field values and body
// included.
func appHandler() *handler.Handler {
	answer := func(r *handler.Request) {
		body, err := io.ReadAll(r.BodyReader())
		if err != nil {
			r.SendError(500, "Body read failed", err.Error())
			return
		}
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "text/plain")
		r.EndHeaders()
		fmt.Fprintf(r, "%s %s\nx-test=[%s]\nbody=[%s]", r.Command(), r.Path(), r.Header("X-Test"), body)
	}
	h := handler.New()
	for _, method := range []string{"GET", "HEAD", "POST", "PUT", "OPTIONS"} {
		h.Handle(method, answer)
	}
	return h
}

// laterHandler is httpbin, for the cases whose answers come later.
func laterHandler(t *testing.T) *handler.Handler {
	h, err := httpbin.New(httpbin.Options{})
	require.NoError(t, err)
	return h
}

// answered is appHandler's answer to a request.
func answered(method, path, xTest, body string) string {
	return fmt.Sprintf("%s %s\nx-test=[%s]\nbody=[%s]", method, path, xTest, body)
}

// startServer runs srv on a free loopback port until the test ends and
// returns its address.
func startServer(t *testing.T, srv *engine.Server) string {
	t.Helper()
	srv.Addr, srv.Loops = "127.0.0.1:0", 1
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	select {
	case <-srv.Ready():
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop within 10s")
		}
	})
	return srv.ListenAddr().String()
}

// conformanceCase is one exchange on a fresh connection: the client's
// steps, and whether the server must close the connection after the last
// response. A case whose last response is not an error and that does not
// expect a close also checks that the connection is still usable and in
// step: a further request must be answered as the next one.
type conformanceCase struct {
	name   string
	rfc    string // the section the case checks, e.g. "RFC 9112 §6.3"
	server serverKind
	steps  []step
	closed bool
}

// step is bytes the client sends and the responses it then reads.
type step struct {
	send string
	// pieces > 1 sends the bytes in that many pieces with a pause between
	// them, so that the server sees them arrive in parts.
	pieces int
	want   []want
}

// want is one expected response.
type want struct {
	status int
	// method is the method of the request answered; "HEAD" responses have
	// no body. Empty means GET.
	method string
	// body, when not empty, is the exact body; contains are substrings.
	body     string
	contains []string
	// maybe100: a "100 Continue" may come before this response. A want of
	// status 100 reads the "100 Continue" alone.
	maybe100 bool
}

// send is a step that writes raw and reads the given responses.
func send(raw string, w ...want) step { return step{send: raw, want: w} }

// sendInPieces is send with raw split into n pieces.
func sendInPieces(raw string, n int, w ...want) step { return step{send: raw, pieces: n, want: w} }

// ok is a 200 response with the given body.
func ok(body string) want { return want{status: 200, body: body} }

// okContaining is a 200 response whose body holds each of parts.
func okContaining(parts ...string) want { return want{status: 200, contains: parts} }

// refused is an error response with the given status.
func refused(status int) want { return want{status: status} }

// run plays c against the server at addr.
func (c *conformanceCase) run(t *testing.T, addr string) {
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(15*time.Second)))
	br := bufio.NewReader(conn)
	last := 0
	for i, s := range c.steps {
		writePieces(t, conn, s.send, s.pieces)
		for j, w := range s.want {
			last = readWant(t, br, w, fmt.Sprintf("step %d response %d", i, j))
		}
	}
	if last >= 400 && !c.closed {
		t.Fatalf("case error: a %d must close the connection; set closed", last)
	}
	if c.closed {
		assertClosed(t, conn, br)
		return
	}
	// Still open, and in step: the next request is answered as such
	// (httpbin's /anything tells the path back, as the other two do).
	_, err = io.WriteString(conn, "GET /anything/alive HTTP/1.1\r\nHost: conformance\r\n\r\n")
	require.NoError(t, err)
	readWant(t, br, okContaining("/alive"), "the request after the case")
}

// writePieces writes raw in n pieces (at least one), pausing between them.
func writePieces(t *testing.T, conn net.Conn, raw string, n int) {
	n = max(n, 1)
	size := (len(raw) + n - 1) / n
	for i := 0; i < len(raw); i += size {
		if i > 0 {
			time.Sleep(2 * time.Millisecond)
		}
		_, err := io.WriteString(conn, raw[i:min(i+size, len(raw))])
		require.NoError(t, err)
	}
}

// readWant reads one response (after a "100 Continue" when w allows one)
// and checks it against w. It returns the status read.
func readWant(t *testing.T, br *bufio.Reader, w want, where string) int {
	t.Helper()
	method := w.method
	if method == "" {
		method = "GET"
	}
	resp, body := readResponse(t, br, method, where)
	if w.status == 100 {
		require.Equal(t, 100, resp.StatusCode, "%s: status; body %q", where, body)
		return 100
	}
	if resp.StatusCode == 100 {
		require.True(t, w.maybe100, "%s: unexpected 100 Continue", where)
		resp, body = readResponse(t, br, method, where)
	}
	require.Equal(t, w.status, resp.StatusCode, "%s: status; body %q", where, body)
	if w.body != "" {
		assert.Equal(t, w.body, body, "%s: body", where)
	}
	for _, part := range w.contains {
		assert.Contains(t, body, part, "%s: body", where)
	}
	// RFC 9110 §6.6.1: an origin server with a clock sends Date. Every
	// fastbase error response has a length and closes (RFC 9112 §9.6).
	assert.NotEmpty(t, resp.Header.Get("Date"), "%s: Date", where)
	if resp.StatusCode >= 400 {
		cl := resp.Header.Get("Content-Length")
		require.NotEmpty(t, cl, "%s: Content-Length of an error", where)
		if method != "HEAD" {
			assert.Equal(t, strconv.Itoa(len(body)), cl, "%s: Content-Length of an error", where)
		}
		assert.True(t, resp.Close, "%s: Connection: close on an error", where)
	}
	if method == "HEAD" {
		assert.NotEmpty(t, resp.Header.Get("Content-Length"), "%s: HEAD keeps the GET length", where)
		assert.Empty(t, body, "%s: HEAD has no body", where)
	}
	return resp.StatusCode
}

// readResponse reads one response and its body.
func readResponse(t *testing.T, br *bufio.Reader, method, where string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	require.NoError(t, err, "%s: reading the response", where)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "%s: reading the response body", where)
	return resp, string(body)
}

// assertClosed checks that the server closes the connection with nothing
// more to say: no bytes of a response to anything sent after the request
// that ended the exchange.
func assertClosed(t *testing.T, conn net.Conn, br *bufio.Reader) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	rest, err := io.ReadAll(br)
	require.Empty(t, string(rest), "bytes after the last response")
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the connection is still open")
	}
	// io.ReadAll's nil is EOF; a reset after everything was read is a close
	// too.
}

// TestConformance runs every case against a real server.
func TestConformance(t *testing.T) {
	addrs := map[serverKind]string{
		appServer: startServer(t, &engine.Server{Handler: appHandler(), MaxBodyBytes: maxBodyBytes,
			BodyMemoryBytes: bodyMemoryBytes, HeaderTimeout: headerTimeout, BodyTempDir: t.TempDir()}),
		echoServer:  startServer(t, &engine.Server{Handler: examples.Echo(), HeaderTimeout: headerTimeout}),
		laterServer: startServer(t, &engine.Server{Handler: laterHandler(t), HeaderTimeout: headerTimeout}),
	}
	seen := map[string]bool{}
	for i := range cases {
		c := &cases[i]
		require.False(t, seen[c.name], "two cases named %q", c.name)
		seen[c.name] = true
		require.True(t, strings.HasPrefix(c.rfc, "RFC "), "%q cites no RFC section", c.name)
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, addrs[c.server])
		})
	}
}
