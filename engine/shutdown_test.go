package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/examples"
)

// gate holds requests until it is opened.
type gate struct {
	entered chan struct{}
	open    chan struct{}
}

func newGate() *gate { return &gate{entered: make(chan struct{}, 100), open: make(chan struct{})} }

// drainHandler answers /big with big, /sleep once g is open, and anything
// else at once.
func drainHandler(big []byte, g *gate) *handler.Handler {
	return handler.New().Handle("GET", func(r *handler.Request) {
		switch string(r.Parsed().Path) {
		case "/big":
			r.SendResponse(200, "")
			r.EndHeaders()
			_, _ = r.Write(big)
		case "/sleep":
			g.entered <- struct{}{}
			<-g.open
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("slept")
		default:
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("ok")
		}
	})
}

// runServer starts srv like startServer and also returns what
// ListenAndServe returned, once it has.
func runServer(t *testing.T, srv *Server) (string, <-chan error) {
	t.Helper()
	srv.Addr = "127.0.0.1:0"
	if srv.Loops == 0 {
		srv.Loops = 1
	}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(context.Background()) }()
	select {
	case <-srv.Ready():
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv.ListenAddr().String(), done
}

// TestShutdownDrains shuts down with requests on workers, a 10 MB response
// on its way to a slow reader and an idle keep-alive connection: the
// answers arrive whole and say "Connection: close", the idle connection is
// closed, no new connection is accepted meanwhile, and Shutdown returns
// well before its deadline.
func TestShutdownDrains(t *testing.T) {
	const size = 10 << 20
	big := bytes.Repeat([]byte{'x'}, size)
	g := newGate()
	srv := &Server{Handler: drainHandler(big, g), Workers: 8}
	addr, served := runServer(t, srv)

	idle := dial(t, addr)
	idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, "ok", bodyOf(t, idle.response("GET")))

	bigConn := dial(t, addr)
	bigConn.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")

	const sleepers = 4
	sleeping := make([]*rawConn, sleepers)
	for i := range sleeping {
		sleeping[i] = dial(t, addr)
		sleeping[i].send("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	for range sleepers {
		<-g.entered
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(ctx) }()
	require.Eventually(t, srv.Draining, time.Second, time.Millisecond)

	// New connections do not complete while draining.
	time.Sleep(50 * time.Millisecond)
	late, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	if err == nil {
		late.Close()
	}
	assert.Error(t, err, "a connection was accepted during the shutdown")
	close(g.open)

	var wg sync.WaitGroup
	for _, rc := range sleeping {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := rc.response("GET")
			assert.Equal(t, 200, resp.StatusCode)
			assert.True(t, resp.Close, "a response sent while draining says Connection: close")
			assert.Equal(t, "slept", bodyOf(t, resp))
		}()
	}
	resp := bigConn.response("GET")
	assert.Equal(t, size, len(bodyOf(t, resp)), "the large response must arrive whole")
	wg.Wait()
	assert.True(t, idle.closed(), "an idle keep-alive connection is closed")

	select {
	case err := <-shut:
		assert.NoError(t, err)
		t.Logf("Shutdown took %v", time.Since(start))
	case <-ctx.Done():
		t.Fatal("Shutdown did not return before its deadline")
	}
	select {
	case err := <-served:
		assert.ErrorIs(t, err, ErrServerClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("ListenAndServe did not return")
	}
	_, err = net.DialTimeout("tcp", addr, time.Second)
	assert.Error(t, err, "the listener is closed after the shutdown")
}

// TestShutdownInlineResponsesSayClose covers the event-loop path: a
// request answered during the drain closes its connection.
func TestShutdownInlineResponsesSayClose(t *testing.T) {
	g := newGate()
	srv := &Server{Handler: drainHandler(nil, g)}
	addr, _ := runServer(t, srv)
	busy := dial(t, addr)
	busy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	busy.response("GET")
	slow := dial(t, addr)
	slow.send("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n")
	<-g.entered // the loop is held in the handler
	busy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	go func() { _ = srv.Shutdown(context.Background()) }()
	require.Eventually(t, srv.Draining, time.Second, time.Millisecond)
	close(g.open)
	assert.Equal(t, "slept", bodyOf(t, slow.response("GET")))
	resp := busy.response("GET")
	assert.True(t, resp.Close)
	assert.True(t, busy.closed())
}

func TestShutdownDeadlineStopsAtOnce(t *testing.T) {
	g := newGate()
	defer close(g.open)
	srv := &Server{Handler: drainHandler(nil, g), Workers: 2}
	addr, served := runServer(t, srv)
	rc := dial(t, addr)
	rc.send("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n")
	<-g.entered
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// The handler is held for the whole test: Shutdown must give up on it.
	err := srv.Shutdown(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, <-served, ErrServerClosed)
	_, err = rc.r.ReadByte()
	assert.Error(t, err, "the connection is dropped")
}

func TestShutdownBeforeStartAndTwice(t *testing.T) {
	srv := &Server{Handler: examples.Hello()}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, srv.Shutdown(ctx), context.DeadlineExceeded, "nothing to wait for yet")

	srv = &Server{Handler: examples.Hello()}
	_, served := runServer(t, srv)
	assert.NoError(t, srv.Shutdown(context.Background()))
	assert.NoError(t, srv.Shutdown(context.Background()))
	assert.ErrorIs(t, <-served, ErrServerClosed)
}

func TestStopAcceptingWithReusePort(t *testing.T) {
	g := newGate()
	srv := &Server{Handler: drainHandler(nil, g), Loops: 2, ReusePort: true}
	addr, _ := runServer(t, srv)
	rc := dial(t, addr)
	rc.send("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n")
	<-g.entered
	go func() { _ = srv.Shutdown(context.Background()) }()
	require.Eventually(t, srv.Draining, time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	// Every loop's listener drops new connections, whichever the kernel picks.
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if !assert.Error(t, err) {
			c.Close()
		}
	}
	close(g.open)
	assert.Equal(t, "slept", bodyOf(t, rc.response("GET")))
}

// TestListenAndServeSignals drives the command's helper with SIGUSR1 in
// place of SIGTERM: one signal drains, a second one stops at once.
func TestListenAndServeSignals(t *testing.T) {
	for _, twice := range []bool{false, true} {
		g := newGate()
		srv := &Server{Addr: "127.0.0.1:0", Loops: 1, Handler: drainHandler(nil, g), Workers: 1}
		done := make(chan error, 1)
		go func() { done <- srv.ListenAndServeSignals(context.Background(), syscall.SIGUSR1) }()
		<-srv.Ready()
		rc := dial(t, srv.ListenAddr().String())
		rc.send("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n")
		<-g.entered
		require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGUSR1))
		require.Eventually(t, srv.Draining, 5*time.Second, time.Millisecond)
		if twice {
			// The handler is still held: only the second signal ends it.
			require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGUSR1))
			assert.ErrorIs(t, <-done, ErrShutdownInterrupted)
			close(g.open)
			continue
		}
		close(g.open)
		resp := rc.response("GET")
		assert.Equal(t, "slept", bodyOf(t, resp))
		assert.True(t, resp.Close)
		assert.NoError(t, <-done)
	}
}

// TestShutdownUnderLoad shuts down while clients keep sending requests on
// keep-alive connections: every request either gets a whole answer or was
// never sent on a connection the server had closed after an answer saying
// "Connection: close".
func TestShutdownUnderLoad(t *testing.T) {
	for _, workers := range []int{0, 8} {
		srv := &Server{Handler: drainHandler(nil, nil), Workers: workers, Loops: 2}
		addr, served := runServer(t, srv)
		var wg sync.WaitGroup
		var answered, closedAfterClose sync.Map
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.Dial("tcp", addr)
				if !assert.NoError(t, err) {
					return
				}
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				r := bufioReader(c)
				n := 0
				for {
					if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
						t.Errorf("write: %v", err)
						return
					}
					resp, err := http.ReadResponse(r, nil)
					if !assert.NoError(t, err, "connection %d request %d", i, n) {
						return
					}
					b, err := io.ReadAll(resp.Body)
					assert.NoError(t, err)
					assert.Equal(t, "ok", string(b))
					n++
					if resp.Close {
						_, err := r.ReadByte()
						assert.True(t, errors.Is(err, io.EOF), "the server closes after Connection: close")
						closedAfterClose.Store(i, n)
						return
					}
					answered.Store(i, n)
				}
			}()
		}
		time.Sleep(100 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		assert.NoError(t, srv.Shutdown(ctx))
		cancel()
		wg.Wait()
		assert.ErrorIs(t, <-served, ErrServerClosed)
		count := 0
		closedAfterClose.Range(func(_, _ any) bool { count++; return true })
		assert.Equal(t, 16, count, "workers=%d: every client ends with Connection: close", workers)
	}
}
