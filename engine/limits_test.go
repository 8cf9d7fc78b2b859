package engine

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/examples"
)

func TestHeaderTimeoutAnswers408(t *testing.T) {
	addr := startServer(t, &Server{Handler: examples.Hello(), HeaderTimeout: 300 * time.Millisecond})
	rc := dial(t, addr)
	start := time.Now()
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n")
	// Trickle a header field byte by byte: the deadline does not move.
	for i := 0; i < 4; i++ {
		time.Sleep(100 * time.Millisecond)
		rc.send("X")
	}
	resp := rc.response("GET")
	assert.Equal(t, 408, resp.StatusCode)
	assert.True(t, resp.Close, "Connection: close")
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.True(t, rc.closed())
}

func TestHeaderTimeoutClosesSilentConnection(t *testing.T) {
	addr := startServer(t, &Server{Handler: examples.Hello(), HeaderTimeout: 200 * time.Millisecond})
	rc := dial(t, addr)
	assert.True(t, rc.closed(), "a connection that sends nothing is closed without an answer")
}

func TestIdleTimeout(t *testing.T) {
	addr := startServer(t, &Server{Handler: examples.Hello(), IdleTimeout: 300 * time.Millisecond})
	rc := dial(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 200, rc.response("GET").StatusCode)
	start := time.Now()
	assert.True(t, rc.closed())
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
}

func TestBodyTimeout(t *testing.T) {
	addr := startServer(t, &Server{Handler: postEcho(), HeaderTimeout: 300 * time.Millisecond})
	rc := dial(t, addr)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
	resp := rc.response("POST")
	assert.Equal(t, 408, resp.StatusCode)
}

func TestMaxConns(t *testing.T) {
	addr := startServer(t, &Server{Handler: examples.Hello(), MaxConns: 2})
	a, b := dial(t, addr), dial(t, addr)
	a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 200, a.response("GET").StatusCode)
	c := dial(t, addr)
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := c.response("GET")
	assert.Equal(t, 503, resp.StatusCode)
	assert.True(t, c.closed())
	b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 200, b.response("GET").StatusCode)
}

// TestBackPressure floods pipelined requests for large responses without
// reading: the server must stop answering once the unsent output passes its
// cap, then answer everything in order once the client reads.
func TestBackPressure(t *testing.T) {
	const respSize = 256 << 10
	big := bytes.Repeat([]byte{'b'}, respSize)
	h := handler.New().Handle("GET", func(r *handler.Request) {
		r.SendResponse(200, "")
		r.EndHeaders()
		_, _ = r.Write(big)
	})
	srv := &Server{Handler: h, MaxOutboundBytes: 1 << 20}
	addr := startServer(t, srv)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	const n = 64 // 16 MiB of responses
	_, err = io.WriteString(c, strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", n))
	require.NoError(t, err)
	time.Sleep(500 * time.Millisecond)
	out := srv.Stats().BytesOut
	assert.Less(t, out, uint64(8<<20), "the server kept answering a client that does not read")

	rc := &rawConn{t: t, c: c, r: bufioReader(c)}
	for i := 0; i < n; i++ {
		resp := rc.response("GET")
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, respSize, len(bodyOf(t, resp)), "response %d", i)
	}
}

func TestStatsCount(t *testing.T) {
	srv := &Server{Handler: examples.Echo()}
	addr := startServer(t, srv)
	rc := dial(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	rc.response("GET")
	rc.response("GET")
	exchange(t, addr, "BREW / HTTP/1.1\r\nHost: x\r\n\r\n")
	exchange(t, addr, "GARBAGE\r\n\r\n")
	st := srv.Stats()
	assert.Contains(t, st.Requests, RequestCount{Method: "GET", Status: 200, Count: 2})
	assert.Contains(t, st.Requests, RequestCount{Method: "other", Status: 501, Count: 1})
	assert.Contains(t, st.ParseErrors, StatusCount{Status: 400, Count: 1})
	assert.GreaterOrEqual(t, st.ConnsAccepted, uint64(3))
	assert.Greater(t, st.BytesIn, uint64(0))
	assert.Greater(t, st.BytesOut, uint64(0))
}

// TestNonReadingPipelinerIsCut pipelines requests without reading any
// answer: once the unsent output passes its cap the server stops
// answering, and once the unread requests pass MaxInboundBytes it cuts the
// connection, since gnet cannot stop reading it. Other clients are served.
func TestNonReadingPipelinerIsCut(t *testing.T) {
	srv := &Server{Handler: examples.Hello(), MaxOutboundBytes: 16 << 10, MaxInboundBytes: 16 << 10,
		Limits: codec.Limits{MaxHeaderBytes: 4 << 10}}
	addr := startServer(t, srv)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.(*net.TCPConn).SetReadBuffer(4096))
	require.NoError(t, c.SetWriteDeadline(time.Now().Add(10*time.Second)))
	batch := strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 256)
	for err == nil {
		_, err = io.WriteString(c, batch)
	}
	assert.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the server cut the connection: %v", err)
	assert.Equal(t, uint64(1), srv.Stats().ConnsCut)
	assert.Equal(t, 200, exchangeStatus(t, addr))
}

// exchangeStatus asks for / on a new connection and returns the status.
func exchangeStatus(t *testing.T, addr string) int {
	rc := dial(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	return rc.response("GET").StatusCode
}

// TestBudgetCutsTheConnectionHoldingTheMost keeps two requests waiting for
// their bodies: the one holding the most is cut once the two are over
// MaxBufferedBytes, the other is answered.
func TestBudgetCutsTheConnectionHoldingTheMost(t *testing.T) {
	srv := &Server{Handler: postEcho(), MaxBufferedBytes: 100 << 10}
	addr := startServer(t, srv)
	small := dial(t, addr)
	small.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + strings.Repeat("s", 1000))
	big := dial(t, addr)
	big.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 120000\r\n\r\n" + strings.Repeat("b", 110000))
	assert.True(t, big.closed(), "the connection holding the most is cut")
	small.send(strings.Repeat("s", 1000))
	resp := small.response("POST")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 2000, len(bodyOf(t, resp)))
	assert.Equal(t, uint64(1), srv.Stats().ConnsCut)
}

// TestBudgetSpillsBodiesInsteadOfCutting streams a body bigger than
// MaxInboundBytes into memory past the budget: it moves to its spool file
// and arrives whole; nothing is cut.
func TestBudgetSpillsBodiesInsteadOfCutting(t *testing.T) {
	create := spoolCreate
	t.Cleanup(func() { spoolCreate = create })
	var spooled atomic.Int32
	spoolCreate = func(dir, pattern string) (*os.File, error) {
		spooled.Add(1)
		return create(dir, pattern)
	}
	dir := t.TempDir()
	srv := &Server{Handler: digestHandler(), MaxBufferedBytes: 256 << 10, BodyTempDir: dir}
	addr := startServer(t, srv)
	body := strings.Repeat("0123456789abcdef", 40<<10) // 640 KiB, under BodyMemoryBytes
	rc := dial(t, addr)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	for i := 0; i < len(body); i += 32 << 10 {
		rc.send(body[i : i+32<<10])
	}
	assert.Equal(t, digest(body), bodyOf(t, rc.response("POST")))
	assert.Zero(t, srv.Stats().ConnsCut)
	assert.Equal(t, int32(1), spooled.Load(), "the body went to a file although it is under BodyMemoryBytes")
}

// Each header block has the header timeout from its own first byte, also
// when it begins in the same read as the end of the block before it: a
// client whose writes each finish one request and begin the next is not
// cut off while every block arrives in time.
func TestHeaderTimeoutStartsWithEachRequest(t *testing.T) {
	addr := startServer(t, &Server{Handler: examples.Hello(), HeaderTimeout: 500 * time.Millisecond})
	rc := dial(t, addr)
	req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	half := len(req) / 2
	rc.send(req[:half])
	// Every block is whole 150 ms after its first byte; the connection
	// lives for ten header timeouts.
	for i := range 10 {
		time.Sleep(150 * time.Millisecond)
		rc.send(req[half:] + req[:half])
		require.Equal(t, 200, rc.response("GET").StatusCode, "request %d", i+1)
	}
}
