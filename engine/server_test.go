package engine

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/examples"
	"github.com/fastbase/fastbase/internal/seedref"
)

// startServer runs srv on a free loopback port until the test ends and
// returns its address.
func startServer(t *testing.T, srv *Server) string {
	t.Helper()
	if srv.Addr == "" {
		srv.Addr = "127.0.0.1:0"
	}
	if srv.Loops == 0 {
		srv.Loops = 1
	}
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
		case err := <-done:
			assert.ErrorIs(t, err, ErrServerClosed)
		case <-time.After(10 * time.Second):
			t.Error("server did not stop within 10s")
		}
	})
	return srv.ListenAddr().String()
}

func serve(t *testing.T, h *handler.Handler) string {
	t.Helper()
	return startServer(t, &Server{Handler: h})
}

// exchange sends raw on a new connection and returns everything the server
// sends until it closes the connection.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(c, raw)
	require.NoError(t, err)
	got, err := io.ReadAll(c)
	require.NoError(t, err, "the server must close the connection after its answer")
	return string(got)
}

// rawConn is a client connection that reads responses one at a time.
type rawConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

// onLoop runs f on ws's loop and waits for it.
func onLoop(t *testing.T, ws *workspace, f func()) {
	t.Helper()
	done := make(chan struct{})
	require.NoError(t, ws.loop.Execute(t.Context(), gnet.RunnableFunc(func(context.Context) error {
		f()
		close(done)
		return nil
	})))
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not run the check")
	}
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	return &rawConn{t: t, c: c, r: bufio.NewReader(c)}
}

func (rc *rawConn) send(raw string) {
	rc.t.Helper()
	_, err := io.WriteString(rc.c, raw)
	require.NoError(rc.t, err)
}

// response reads one response framed by Content-Length.
func (rc *rawConn) response(method string) *http.Response {
	rc.t.Helper()
	resp, err := http.ReadResponse(rc.r, &http.Request{Method: method})
	require.NoError(rc.t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(rc.t, err)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// closed reports whether the server closed the connection (EOF with nothing
// more to read).
func (rc *rawConn) closed() bool {
	rc.t.Helper()
	require.NoError(rc.t, rc.c.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err := rc.r.ReadByte()
	return errors.Is(err, io.EOF)
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// splitHead splits a raw response into its head (status line and headers)
// and body.
func splitHead(t *testing.T, raw string) (head, body string) {
	t.Helper()
	i := strings.Index(raw, "\r\n\r\n")
	require.GreaterOrEqual(t, i, 0, "no end of header block in %q", raw)
	return raw[:i+2], raw[i+4:]
}

// seedBody returns the body of the response in a seed transcript.
func seedBody(name string) string { return seedref.Body(name) }

func TestEchoGET(t *testing.T) {
	addr := serve(t, examples.Echo())
	rc := dial(t, addr)
	rc.send("GET /?foo=bar HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := rc.response("GET")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "HTTP/1.1", resp.Proto)
	assert.NotEmpty(t, resp.Header.Get("Server"))
	assert.NotEmpty(t, resp.Header.Get("Date"))
	body := bodyOf(t, resp)
	assert.Equal(t, strconv.Itoa(len(body)), resp.Header.Get("Content-Length"))
	local := rc.c.LocalAddr().(*net.TCPAddr)
	assert.Contains(t, body, "CLIENT VALUES:\nclient_address=('127.0.0.1', "+strconv.Itoa(local.Port)+") (127.0.0.1)\n")
	assert.Contains(t, body, "command=GET\npath=/?foo=bar\nreal path=/\nquery=foo=bar\nrequest_version=HTTP/1.1\n\nSERVER VALUES:\n")
	assert.Contains(t, body, "protocol_version=HTTP/1.1\n")

	// The connection stays open: a second request on it is answered.
	rc.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
	resp = rc.response("GET")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, bodyOf(t, resp), "path=/again\n")
}

func TestEchoHEADHasLengthButNoBody(t *testing.T) {
	addr := serve(t, examples.Echo())
	rc := dial(t, addr)
	rc.send("HEAD /?foo=bar HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := rc.response("HEAD")
	assert.Equal(t, 200, resp.StatusCode)
	n, err := strconv.Atoi(resp.Header.Get("Content-Length"))
	require.NoError(t, err)
	assert.Greater(t, n, 100)
	// Nothing follows the head: the next response starts right away.
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 200, rc.response("GET").StatusCode)
}

func TestHelloKeepAliveAndPipelined(t *testing.T) {
	addr := serve(t, examples.Hello())
	rc := dial(t, addr)
	const n = 16
	rc.send(strings.Repeat("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n", n))
	for i := 0; i < n; i++ {
		resp := rc.response("GET")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "text/plain", resp.Header.Get("Content-Type"))
		assert.Equal(t, "13", resp.Header.Get("Content-Length"))
		assert.Equal(t, "Hello, World!", bodyOf(t, resp))
	}
}

func TestRequestSplitAcrossWrites(t *testing.T) {
	addr := serve(t, examples.Echo())
	rc := dial(t, addr)
	req := "GET /split?x=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: test\r\n\r\n"
	for _, cut := range []int{1, 5, 16, 30, len(req) - 2, len(req) - 1} {
		rc.send(req[:cut])
		time.Sleep(5 * time.Millisecond)
		rc.send(req[cut:])
		resp := rc.response("GET")
		assert.Equal(t, 200, resp.StatusCode, "cut at %d", cut)
		assert.Contains(t, bodyOf(t, resp), "path=/split?x=1\n", "cut at %d", cut)
	}
}

func TestBREWIsNotImplemented(t *testing.T) {
	addr := serve(t, examples.Echo())
	raw := exchange(t, addr, "BREW / HTTP/1.1\r\nHost: x\r\n\r\n")
	head, body := splitHead(t, raw)
	assert.True(t, strings.HasPrefix(head, "HTTP/1.1 501 Unsupported method ('BREW')\r\n"), head)
	assert.Contains(t, head, "\r\nConnection: close\r\n")
	assert.Contains(t, head, "\r\nContent-Type: text/html;charset=utf-8\r\n")
	assert.Equal(t, seedBody("get_brew.txt"), body)
}

func TestErrorHandlerPageMatchesSeed(t *testing.T) {
	addr := serve(t, examples.NotFound())
	raw := exchange(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	head, body := splitHead(t, raw)
	assert.True(t, strings.HasPrefix(head, "HTTP/1.1 404 Not Found\r\n"), head)
	assert.Contains(t, head, "\r\nContent-Length: 330\r\n")
	assert.Equal(t, seedBody("error.txt"), body)
}

func TestThreadsNamesItsLoop(t *testing.T) {
	addr := serve(t, examples.Threads())
	for i := 0; i < 3; i++ {
		rc := dial(t, addr)
		rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp := rc.response("GET")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "loop 0 pid "+strconv.Itoa(os.Getpid())+"\n", bodyOf(t, resp))
	}
}

// TestMalformedRequests checks the status of each parse failure and that the
// connection closes after the answer, so nothing behind a rejected request is
// read as a request.
func TestMalformedRequests(t *testing.T) {
	addr := serve(t, examples.Echo())
	tests := []struct {
		name   string
		raw    string
		status string
	}{
		{"garbage", "GARBAGE\r\n\r\n", "400"},
		{"bad version", "GET / FOO/1.0\r\n\r\n", "400"},
		{"four words", "GET / x HTTP/1.1\r\n\r\n", "400"},
		{"HTTP/0.9 POST", "POST /\r\n\r\n", "400"},
		{"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", "505"},
		{"URI too long", "GET /" + strings.Repeat("a", 65536) + " HTTP/1.1\r\n\r\n", "414"},
		{"header line too long", "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", 65536) + "\r\n\r\n", "431"},
		{"too many headers", "GET / HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", 100) + "\r\n", "431"},
		{"body too large", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", "413"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := exchange(t, addr, tt.raw+"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
			head, body := splitHead(t, raw)
			assert.True(t, strings.HasPrefix(head, "HTTP/1.1 "+tt.status+" "), head)
			assert.Contains(t, head, "\r\nConnection: close\r\n")
			assert.Contains(t, head, "\r\nDate: ")
			assert.Contains(t, body, "<p>Error code: "+tt.status+"</p>")
			assert.NotContains(t, raw, "smuggled")
		})
	}
}

func TestSeedLimitsAccepted(t *testing.T) {
	// With the whole-block limit raised, a request line of exactly 65536
	// bytes with its CRLF, 99 header fields and a header line of 65536 bytes
	// all pass, as in http.server.
	addr := startServer(t, &Server{Handler: examples.Echo(), Limits: codec.Limits{MaxHeaderBytes: 1 << 20}})
	target := "/" + strings.Repeat("a", 65536-len("GET  HTTP/1.1\r\n")-1)
	tests := map[string]string{
		"request line 65536": "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"99 headers":         "GET / HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", 98) + "Host: x\r\n\r\n",
		"header line 65536":  "GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 65536-len("X: \r\n")) + "\r\n\r\n",
	}
	for name, raw := range tests {
		rc := dial(t, addr)
		rc.send(raw)
		assert.Equal(t, 200, rc.response("GET").StatusCode, name)
	}
}

func TestKeepAliveDecision(t *testing.T) {
	addr := serve(t, examples.Hello())
	tests := []struct {
		name      string
		raw       string
		keepAlive bool
	}{
		{"HTTP/1.1", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{"HTTP/1.1 close", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false},
		{"HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", false},
		{"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := dial(t, addr)
			rc.send(tt.raw)
			assert.Equal(t, 200, rc.response("GET").StatusCode)
			if tt.keepAlive {
				rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				assert.Equal(t, 200, rc.response("GET").StatusCode)
			} else {
				assert.True(t, rc.closed())
			}
		})
	}
}

func TestProtocolHTTP10ClosesLikeHTTPServer(t *testing.T) {
	h := examples.Echo()
	h.ProtocolVersion = "HTTP/1.0"
	addr := serve(t, h)
	raw := exchange(t, addr, "GET /?foo=bar HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\n\r\n")
	head, body := splitHead(t, raw)
	assert.True(t, strings.HasPrefix(head, "HTTP/1.0 200 OK\r\n"), head)
	assert.NotContains(t, head, "Content-Length")
	assert.Contains(t, body, "protocol_version=HTTP/1.0\n")
	assert.NotContains(t, raw, "/second", "a pipelined second request is not answered")
}

func TestHTTP09(t *testing.T) {
	addr := serve(t, examples.Echo())
	raw := exchange(t, addr, "GET /?foo=bar\r\n\r\n")
	assert.True(t, strings.HasPrefix(raw, "CLIENT VALUES:\n"), raw)
	assert.Contains(t, raw, "request_version=HTTP/0.9\n")
}

func TestLeadingEmptyLinesAreSkipped(t *testing.T) {
	addr := serve(t, examples.Hello())
	rc := dial(t, addr)
	rc.send("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 200, rc.response("GET").StatusCode)
}

// postEcho answers POST with the body it received.
func postEcho() *handler.Handler {
	return handler.New().Handle("POST", func(r *handler.Request) {
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "application/octet-stream")
		r.EndHeaders()
		_, _ = r.Write(r.Body())
	})
}

func TestContentLengthBodyArrivingInPieces(t *testing.T) {
	addr := serve(t, postEcho())
	rc := dial(t, addr)
	body := strings.Repeat("0123456789", 10000)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	for i := 0; i < len(body); i += 7000 {
		time.Sleep(time.Millisecond)
		rc.send(body[i:min(i+7000, len(body))])
	}
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
	resp := rc.response("POST")
	assert.Equal(t, body, bodyOf(t, resp))
	assert.Equal(t, "abc", bodyOf(t, rc.response("POST")))
}

func TestExpectContinue(t *testing.T) {
	addr := serve(t, postEcho())
	rc := dial(t, addr)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	line, err := rc.r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 100 Continue\r\n", line)
	blank, err := rc.r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "\r\n", blank)
	rc.send("hello")
	assert.Equal(t, "hello", bodyOf(t, rc.response("POST")))
}

// TestLargeResponseBeforeCloseIsNotTruncated writes a response far larger
// than the socket buffers and then closes: gnet's own close would drop what
// is still unsent.
func TestLargeResponseBeforeCloseIsNotTruncated(t *testing.T) {
	const size = 10 << 20
	h := handler.New().Handle("GET", func(r *handler.Request) {
		r.SendResponse(200, "")
		r.SendHeader("Connection", "close")
		r.EndHeaders()
		_, _ = r.Write(bytes.Repeat([]byte{'x'}, size))
	})
	addr := serve(t, h)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // let the server fill its buffers first
	got, err := io.ReadAll(c)
	require.NoError(t, err)
	_, body := splitHead(t, string(got))
	assert.Equal(t, size, len(body))
}

func TestErrorAfterUnreadBytesIsDelivered(t *testing.T) {
	// The rejected request's body is never read; the answer must still reach
	// the client intact rather than be lost to a reset.
	addr := serve(t, examples.Echo())
	raw := exchange(t, addr, "GET / FOO/1.0\r\n\r\n"+strings.Repeat("z", 200000))
	assert.Contains(t, raw, "<p>Error code: 400</p>")
}

func TestManyConnectionsConcurrently(t *testing.T) {
	addr := startServer(t, &Server{Handler: examples.Hello(), Loops: 2})
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if !assert.NoError(t, err) {
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			r := bufio.NewReader(c)
			for j := 0; j < 50; j++ {
				_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				if !assert.NoError(t, err) {
					return
				}
				resp, err := http.ReadResponse(r, nil)
				if !assert.NoError(t, err) {
					return
				}
				b, _ := io.ReadAll(resp.Body)
				assert.Equal(t, "Hello, World!", string(b))
			}
		}()
	}
	wg.Wait()
}

func TestAccessLog(t *testing.T) {
	var mu sync.Mutex
	var log bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return log.Write(p)
	})
	addr := startServer(t, &Server{Handler: examples.NotFound(), AccessLog: w})
	exchange(t, addr, "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(log.String(), `"GET /missing HTTP/1.1" 404`)
	}, 5*time.Second, 10*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, log.String(), "127.0.0.1 - - [")
	assert.Contains(t, log.String(), "code 404, message Not Found\n")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	srv := &Server{Addr: ln.Addr().String(), Handler: examples.Hello(), Loops: 1}
	err = srv.ListenAndServe(context.Background())
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrServerClosed)
}

func TestHeaderBlockLimit(t *testing.T) {
	addr := serve(t, examples.Echo())
	raw := exchange(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n"+strings.Repeat("X-Filler: "+strings.Repeat("f", 1000)+"\r\n", 70)+"\r\n")
	assert.True(t, strings.HasPrefix(raw, "HTTP/1.1 431 "), raw[:min(len(raw), 80)])
}

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

// TestPreparedAnswers checks a Prepared answer on the wire, with the access
// log off (the loop appends it without an Exchange) and on: pipelined GET,
// HEAD and a GET that closes get their three answers, the last saying
// "Connection: close" before the server closes, each is counted, and with
// the log on each has its line.
func TestPreparedAnswers(t *testing.T) {
	for _, logged := range []bool{false, true} {
		var mu sync.Mutex
		var log bytes.Buffer
		srv := &Server{Handler: examples.Hello()}
		if logged {
			srv.AccessLog = writerFunc(func(p []byte) (int, error) {
				mu.Lock()
				defer mu.Unlock()
				return log.Write(p)
			})
		}
		rc := dial(t, startServer(t, srv))
		rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		for i, method := range []string{"GET", "HEAD", "GET"} {
			resp := rc.response(method)
			assert.Equal(t, 200, resp.StatusCode, "logged %v, answer %d", logged, i)
			assert.Equal(t, "13", resp.Header.Get("Content-Length"), "logged %v, answer %d", logged, i)
			assert.NotEmpty(t, resp.Header.Get("Date"), "logged %v, answer %d", logged, i)
			assert.Equal(t, i == 2, resp.Close, "logged %v, answer %d", logged, i)
			if method == "GET" {
				assert.Equal(t, "Hello, World!", bodyOf(t, resp), "logged %v, answer %d", logged, i)
			}
		}
		assert.True(t, rc.closed(), "logged %v: the server must close after Connection: close", logged)
		st := srv.Stats()
		assert.Contains(t, st.Requests, RequestCount{Method: "GET", Status: 200, Count: 2}, "logged %v", logged)
		assert.Contains(t, st.Requests, RequestCount{Method: "HEAD", Status: 200, Count: 1}, "logged %v", logged)
		if logged {
			require.Eventually(t, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return strings.Count(log.String(), `" 200 `) == 3
			}, 5*time.Second, 10*time.Millisecond, "one line per request")
		}
	}
}

// TestClientAddressPerConnection checks that each answer names the address
// of the connection it came on when one loop serves several connections in
// turn, among them requests answered with a Prepared that needs none: the
// addresses are taken per batch, on first use.
func TestClientAddressPerConnection(t *testing.T) {
	h := examples.Echo()
	h.HandlePrepared("HEAD", handler.NewPrepared(200, "", handler.HeaderField{Name: "X-Prepared", Value: "1"}))
	addr := serve(t, h)
	conns := []*rawConn{dial(t, addr), dial(t, addr), dial(t, addr)}
	for round := range 3 {
		for i, rc := range conns {
			rc.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
			assert.Equal(t, "1", rc.response("HEAD").Header.Get("X-Prepared"))
			rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			body := bodyOf(t, rc.response("GET"))
			port := rc.c.LocalAddr().(*net.TCPAddr).Port
			assert.Contains(t, body, "client_address=('127.0.0.1', "+strconv.Itoa(port)+")", "round %d, connection %d", round, i)
		}
	}
}
