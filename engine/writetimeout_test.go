package engine

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler"
)

// bigAnswer answers GET with size bytes, far more than the socket buffers
// of a loopback connection hold.
func bigAnswer(size int) *handler.Handler {
	body := []byte(strings.Repeat("x", size))
	return handler.New().Handle("GET", func(r *handler.Request) {
		r.SendResponse(200, "")
		r.SendHeader("Content-Length", strconv.Itoa(len(body)))
		r.EndHeaders()
		_, _ = r.Write(body)
	})
}

// dialSmallWindow connects with a 16 KB receive buffer, set before the
// connection is made: the kernel then holds little of an answer the client
// does not read, and the rest waits in the server's outbound buffer, where
// the write timeout looks (a loopback socket's receive buffer may otherwise
// grow to tcp_rmem's maximum, 32 MB on some machines).
func dialSmallWindow(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		if e := rc.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10)
		}); e != nil {
			return e
		}
		return err
	}}
	c, err := d.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// askAndStopReading sends a GET on a connection with a small receive
// buffer (dialSmallWindow) and returns once the answer has begun to
// arrive, with the connection and its reader, which holds its first bytes.
func askAndStopReading(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c := dialSmallWindow(t, addr)
	_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(c)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = br.Peek(1)
	require.NoError(t, err)
	return c, br
}

// bodyLength reads one response from br and returns how many bytes of its
// body came before the body ended or the connection did.
func bodyLength(t *testing.T, c net.Conn, br *bufio.Reader) int {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	return int(n)
}

// A client that stops reading is cut off once it has read nothing for the
// write timeout.
func TestWriteTimeoutCutsAClientThatStopsReading(t *testing.T) {
	const size = 32 << 20
	addr := startServer(t, &Server{Handler: bigAnswer(size), WriteTimeout: 300 * time.Millisecond})
	// Once the answer has begun to arrive, the client reads nothing for
	// five times the write timeout.
	c, br := askAndStopReading(t, addr)
	time.Sleep(1500 * time.Millisecond)
	assert.Less(t, bodyLength(t, c, br), size, "the stalled client got the whole answer")
}

// A client that pauses for less than the write timeout gets all of it, also
// when an earlier answer had to wait for it and then left: that wait is
// over, and the write timeout is counted afresh. The answer may be written
// by the loop or, with workers, by AsyncWrite on a worker's behalf.
func TestWriteTimeoutCountsEachStallAfresh(t *testing.T) {
	for _, workers := range []int{0, 2} {
		t.Run("workers="+strconv.Itoa(workers), func(t *testing.T) {
			const size = 32 << 20
			srv := &Server{Handler: bigAnswer(size), WriteTimeout: time.Second, Workers: workers}
			addr := startServer(t, srv)
			c := dialSmallWindow(t, addr)
			br := bufio.NewReader(c)
			get := func(pause time.Duration) int {
				_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				require.NoError(t, err)
				time.Sleep(pause)
				return bodyLength(t, c, br)
			}
			// The first answer waits 300 ms for the client: the loop's
			// checks see its output waiting.
			require.Equal(t, size, get(300*time.Millisecond))
			// Long after that stall, before any check could see the output
			// gone, a second answer waits 300 ms too.
			srv.mu.Lock()
			ws := srv.workspaces[0]
			srv.mu.Unlock()
			done := make(chan struct{})
			require.NoError(t, ws.loop.Execute(context.Background(), runnable(func() {
				// What the checks of the first answer may have left: output
				// seen waiting, long ago.
				cn := ws.conns[0]
				w := cn.work()
				w.outSeen, w.outSince = 1, time.Now().Add(-10*time.Second).UnixNano()
				close(done)
			})))
			<-done
			assert.Equal(t, size, get(300*time.Millisecond), "a live client was cut off")
		})
	}
}

// streamForever answers GET with a stream whose pieces never end, 64 KB
// every 5 ms.
func streamForever() *handler.Handler {
	piece := strings.Repeat("s", 64<<10)
	return handler.New().Handle("GET", func(r *handler.Request) {
		r.SendResponse(200, "")
		r.EndHeaders()
		_, _ = r.WriteString("first\n")
		var next handler.StreamFunc
		next = func(s *handler.Stream) {
			_, _ = s.WriteString(piece)
			s.After(5*time.Millisecond, next)
		}
		r.Stream(5*time.Millisecond, next)
	})
}

// A stream to a client that stops reading is cut off by the write timeout,
// like any other answer: its pieces are written outside a batch, on the
// loop or (with workers) after the worker handed the stream to the loop,
// and the connection's timer must look at the output all the same.
func TestWriteTimeoutCutsAStreamThatIsNotRead(t *testing.T) {
	for _, workers := range []int{0, 2} {
		t.Run("workers="+strconv.Itoa(workers), func(t *testing.T) {
			srv := &Server{Handler: streamForever(), Workers: workers,
				WriteTimeout: 300 * time.Millisecond, IdleTimeout: 20 * time.Second}
			addr := startServer(t, srv)
			askAndStopReading(t, addr)
			// From here on the client reads nothing until the connection
			// is gone, which the server's count of open ones shows.
			start := time.Now()
			require.Eventually(t, func() bool { return srv.Stats().ConnsOpen == 0 },
				10*time.Second, 20*time.Millisecond, "a client that reads nothing is still connected")
			assert.Less(t, time.Since(start), 5*time.Second, "cut off long after the write timeout")
		})
	}
}
