package engine

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler"
)

// A write to a client that has reset its connection fails, and gnet closes
// the connection inside Write: OnClose has run when Write returns. These
// tests make the server write an answer that comes later after the client
// reset, by keeping the loop busy (as a loaded server's is) until the
// answer is due and the reset has arrived, so that the loop meets both in
// one round.

// resetWhileLoopBusy sends req on a new connection, waits settle, then
// blocks the server's first loop for busy and resets the connection
// (SO_LINGER 0) after resetAfter of it.
func resetWhileLoopBusy(t *testing.T, srv *Server, addr, req string, settle, busy, resetAfter time.Duration) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, req)
	require.NoError(t, err)
	time.Sleep(settle)
	srv.mu.Lock()
	ws := srv.workspaces[0]
	srv.mu.Unlock()
	require.NoError(t, ws.loop.Execute(context.Background(), runnable(func() { time.Sleep(busy) })))
	time.Sleep(resetAfter)
	require.NoError(t, c.(*net.TCPConn).SetLinger(0))
	require.NoError(t, c.Close())
	time.Sleep(busy - resetAfter + 200*time.Millisecond)
}

// A delayed answer whose write fails leaves the server serving: the timer
// that wrote it must not go on with what OnClose released.
func TestAFailedWriteOfADelayedAnswer(t *testing.T) {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		r.SendAfter(100 * time.Millisecond)
		_, _ = r.WriteString("late")
	})
	srv := &Server{Handler: h}
	addr := startServer(t, srv)
	// Due at 100 ms; the loop is busy from 30 to 330 ms, the reset comes at
	// 150 ms.
	resetWhileLoopBusy(t, srv, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 30*time.Millisecond, 300*time.Millisecond, 120*time.Millisecond)
	assert.Eventually(t, func() bool {
		st := srv.Stats()
		return st.PendingAnswers == 0 && st.ConnsOpen == 0
	}, 5*time.Second, 10*time.Millisecond, "the reset connection's answer is let go")
	rc := dial(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, "late", bodyOf(t, rc.response("GET")), "the server still answers")
}

// A worker's stream whose first write fails is dropped with its job: the
// job does not stay in flight (which would hold Shutdown to its deadline)
// and the answer does not stay pending on a closed connection.
func TestAFailedWriteOfAWorkersStream(t *testing.T) {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		time.Sleep(200 * time.Millisecond)
		r.SendResponse(200, "")
		r.EndHeaders()
		_, _ = r.WriteString("first\n")
		r.Stream(50*time.Millisecond, func(s *handler.Stream) { _, _ = s.WriteString("last\n") })
	})
	srv := &Server{Handler: h, Workers: 2}
	addr := startServer(t, srv)
	// The worker finishes at 200 ms, while the loop is busy from 100 to
	// 400 ms; the reset comes at 150 ms.
	resetWhileLoopBusy(t, srv, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 100*time.Millisecond, 300*time.Millisecond, 50*time.Millisecond)
	assertAllLetGo(t, srv, "the reset connection's stream and job are let go")
}

// assertAllLetGo asserts that srv comes to hold no connection, pending
// answer or job, and that Shutdown then does not wait for any.
func assertAllLetGo(t *testing.T, srv *Server, msg string) {
	t.Helper()
	assert.Eventually(t, func() bool {
		st := srv.Stats()
		return st.PendingAnswers == 0 && st.InFlight == 0 && st.ConnsOpen == 0
	}, 5*time.Second, 10*time.Millisecond, msg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	require.NoError(t, srv.Shutdown(ctx))
	assert.Less(t, time.Since(start), 2*time.Second, "Shutdown waited for what was gone")
}

// Pipelined requests on workers whose answers are done while the answer
// before them is held on the loop (a delay) or given up for a reset: when
// the connection goes, every job is let go, and Shutdown does not wait for
// them.
func TestJobsBehindAHeldAnswerAreLetGo(t *testing.T) {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		switch string(r.Parsed().Path) {
		case "/delay":
			r.SendAfter(300 * time.Millisecond)
		case "/reset":
			time.Sleep(50 * time.Millisecond) // the next one is done first
			r.ResetConnection()
			return
		}
		_, _ = r.WriteString("x")
	})
	for _, first := range []string{"/delay", "/reset"} {
		t.Run(first[1:], func(t *testing.T) {
			srv := &Server{Handler: h, Workers: 2}
			addr := startServer(t, srv)
			c, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			_, err = io.WriteString(c, "GET "+first+" HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
			require.NoError(t, err)
			time.Sleep(100 * time.Millisecond) // both done on the workers
			require.NoError(t, c.Close())
			assertAllLetGo(t, srv, "jobs of a closed connection are left in flight")
		})
	}
}

// storming answers GET /d after up to 30 ms, GET /s with a stream of five
// pieces 5 ms apart, and anything else at once; on workers with blocking.
func storming(blocking bool) *handler.Handler {
	h := handler.New()
	handle := h.Handle
	if blocking {
		handle = h.HandleBlocking
	}
	return handle("GET", func(r *handler.Request) {
		switch string(r.Parsed().Path) {
		case "/d":
			r.SendAfter(time.Duration(rand.IntN(30)) * time.Millisecond)
			_, _ = r.WriteString("late")
		case "/s":
			r.SendResponse(200, "")
			r.EndHeaders()
			_, _ = r.WriteString("first\n")
			n := 0
			var next handler.StreamFunc
			next = func(s *handler.Stream) {
				_, _ = s.WriteString("piece\n")
				if n++; n < 5 {
					s.After(5*time.Millisecond, next)
				}
			}
			r.Stream(5*time.Millisecond, next)
		default:
			_, _ = r.WriteString("hello")
		}
	})
}

// A storm of 300 connections, each pipelining one to four requests for
// delayed, streamed and plain answers (every fifth with a bad Host last),
// reset after up to 40 ms: whatever each was doing, the server lets go of
// every answer and job, and answers afterwards.
func TestResetStorm(t *testing.T) {
	paths := []string{"/d", "/s", "/"}
	for _, workers := range []int{0, 2} {
		t.Run("workers="+strconv.Itoa(workers), func(t *testing.T) {
			srv := &Server{Handler: storming(workers > 0), Workers: workers}
			addr := startServer(t, srv)
			var wg sync.WaitGroup
			for i := range 300 {
				wg.Go(func() {
					c, err := net.Dial("tcp", addr)
					if err != nil {
						return
					}
					var req string
					for range 1 + i%4 {
						req += "GET " + paths[rand.IntN(len(paths))] + " HTTP/1.1\r\nHost: x\r\n\r\n"
					}
					if i%5 == 0 {
						req += "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n"
					}
					_, _ = io.WriteString(c, req)
					time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
					_ = c.(*net.TCPConn).SetLinger(0)
					_ = c.Close()
				})
				if i%20 == 0 {
					time.Sleep(5 * time.Millisecond)
				}
			}
			wg.Wait()
			assert.Eventually(t, func() bool {
				st := srv.Stats()
				return st.PendingAnswers == 0 && st.InFlight == 0 && st.ConnsOpen == 0
			}, 5*time.Second, 20*time.Millisecond, "what is left after the storm: %+v", srv.Stats())
			rc := dial(t, addr)
			rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			require.Equal(t, 200, rc.response("GET").StatusCode)
		})
	}
}
