package engine

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler"
)

// The record of an idle connection stays small: what a request in progress
// needs across batches is in a connWork, attached only meanwhile. 128 bytes
// is a size class of Go's allocator; one field more moves conn to the next.
func TestConnRecordIsSmall(t *testing.T) {
	assert.LessOrEqual(t, unsafe.Sizeof(conn{}), uintptr(128))
	assert.LessOrEqual(t, unsafe.Sizeof(connWork{}), uintptr(64))
}

// loopWork reports, on the loop, how many of its connections have a
// connWork attached, how many of those track output that waits for the
// client, and how many spare connWorks the loop keeps.
func loopWork(t *testing.T, ws *workspace) (attached, spare, waitingOutput int) {
	t.Helper()
	done := make(chan struct{})
	require.NoError(t, ws.loop.Execute(context.Background(), runnable(func() {
		for _, cn := range ws.conns {
			if cn.w != nil {
				attached++
				if cn.w.outSeen > 0 {
					waitingOutput++
				}
			}
		}
		spare = len(ws.spare)
		close(done)
	})))
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not run the count")
	}
	return attached, spare, waitingOutput
}

// Each kind of request that needs a connWork while it is in progress gives
// it back when it is over and the connection is idle again, and the next
// one reuses it.
func TestIdleConnectionsKeepNoWork(t *testing.T) {
	h := handler.New().Handle("GET", later).Handle("PUT", func(r *handler.Request) {
		body, err := io.ReadAll(r.BodyReader())
		if err != nil {
			r.SendError(500, err.Error(), "")
			return
		}
		r.SendResponse(200, "")
		r.EndHeaders()
		_, _ = r.Write(body)
	})
	srv := &Server{Handler: h, BodyMemoryBytes: 16}
	addr := startServer(t, srv)
	ws := func() *workspace {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		require.Len(t, srv.workspaces, 1)
		return srv.workspaces[0]
	}
	// A small receive buffer keeps the kernel from taking the whole of the
	// large answer below, which must wait in the server's outbound buffer.
	c := dialSmallWindow(t, addr)
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	rc := &rawConn{t: t, c: c, r: bufio.NewReader(c)}
	check := func(what string, run func()) {
		t.Helper()
		run()
		// A connection whose output had to wait gives its connWork back
		// when its timer next finds the output gone (or its next write
		// does).
		assert.Eventually(t, func() bool { a, _, _ := loopWork(t, ws()); return a == 0 }, 2*time.Second, time.Millisecond,
			"%s: the idle connection keeps its connWork", what)
		_, spare, _ := loopWork(t, ws())
		assert.Equal(t, 1, spare, "%s: the connWork is kept for the next request", what)
	}
	check("a header block in two pieces", func() {
		rc.send("GET /now?i=1 HTTP/1.1\r\nHo")
		require.Eventually(t, func() bool { a, _, _ := loopWork(t, ws()); return a == 1 }, 5*time.Second, time.Millisecond,
			"a partial header block is kept in a connWork")
		rc.send("st: x\r\n\r\n")
		assert.Equal(t, "1", bodyOf(t, rc.response("GET")))
	})
	check("a body kept whole, in two pieces", func() {
		rc.send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")
		time.Sleep(20 * time.Millisecond)
		rc.send("world")
		assert.Equal(t, "helloworld", bodyOf(t, rc.response("PUT")))
	})
	check("a streamed body", func() {
		body := strings.Repeat("b", 100)
		rc.send("PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + body[:50])
		time.Sleep(20 * time.Millisecond)
		rc.send(body[50:] + "\r\n0\r\n\r\n")
		assert.Equal(t, body, bodyOf(t, rc.response("PUT")))
	})
	check("an answer that comes later", func() {
		rc.send("GET /delay?ms=30&i=2 HTTP/1.1\r\nHost: x\r\n\r\n")
		assert.Equal(t, "2", bodyOf(t, rc.response("GET")))
	})
	check("a stream", func() {
		rc.send("GET /stream?n=3&ms=10 HTTP/1.1\r\nHost: x\r\n\r\n")
		assert.Equal(t, "piece 0\npiece 1\npiece 2\n", bodyOf(t, rc.response("GET")))
	})
	check("a response the client reads late", func() {
		body := strings.Repeat("w", 8<<20)
		rc.send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 8388608\r\n\r\n" + body)
		require.Eventually(t, func() bool { _, _, w := loopWork(t, ws()); return w == 1 }, 5*time.Second, time.Millisecond,
			"output that waits for the client is tracked in a connWork")
		assert.Equal(t, body, bodyOf(t, rc.response("PUT")))
	})
	check("a request that needs none", func() {
		rc.send("GET /now?i=3 HTTP/1.1\r\nHost: x\r\n\r\n")
		assert.Equal(t, "3", bodyOf(t, rc.response("GET")))
	})
}
