package engine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler"
)

// laterHandler answers
//
//	/delay?ms=N&i=K  "K" after N ms
//	/stream?n=N&ms=M N pieces "piece K\n", M ms apart, chunked
//	/now?i=K         "K" at once
//
// on GET, and the same on POST with HandleBlocking (on a worker).
func laterHandler() *handler.Handler {
	return handler.New().Handle("GET", later).HandleBlocking("POST", later)
}

// later is laterHandler's handler.
func later(r *handler.Request) {
	q := r.Parsed().Query
	arg := func(name string) int {
		for _, kv := range strings.Split(string(q), "&") {
			if k, v, ok := strings.Cut(kv, "="); ok && k == name {
				n, _ := strconv.Atoi(v)
				return n
			}
		}
		return 0
	}
	switch string(r.Parsed().Path) {
	case "/delay":
		r.SendAfter(time.Duration(arg("ms")) * time.Millisecond)
		r.WriteString(strconv.Itoa(arg("i")))
	case "/stream":
		n, step := arg("n"), time.Duration(arg("ms"))*time.Millisecond
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "text/plain")
		k := 0
		var piece handler.StreamFunc
		piece = func(s *handler.Stream) {
			fmt.Fprintf(s, "piece %d\n", k)
			if k++; k < n {
				s.After(step, piece)
			}
		}
		r.Stream(step, piece)
	default:
		r.WriteString(strconv.Itoa(arg("i")))
	}
}

func TestSendAfterWaits(t *testing.T) {
	srv := &Server{Handler: laterHandler()}
	addr := startServer(t, srv)
	rc := dial(t, addr)
	start := time.Now()
	rc.send("GET /delay?ms=200&i=7 HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := rc.response("GET")
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "not before the delay")
	assert.Equal(t, "7", bodyOf(t, resp))
	assert.False(t, resp.Close)
	// The connection goes on.
	rc.send("GET /now?i=8 HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, "8", bodyOf(t, rc.response("GET")))
	st := srv.Stats()
	assert.Zero(t, st.PendingAnswers)
	assert.Equal(t, uint64(1), sum(st.AnswerLateness[:]), "the delayed response is one timed piece")
}

func sum(counts []uint64) (n uint64) {
	for _, c := range counts {
		n += c
	}
	return n
}

// TestPipelinedDelaysInOrder pipelines 16 requests with random delays, some
// answered at once, on one connection: the answers come back in request
// order.
func TestPipelinedDelaysInOrder(t *testing.T) {
	addr := startServer(t, &Server{Handler: laterHandler()})
	rc := dial(t, addr)
	var b strings.Builder
	for i := range 16 {
		if i%4 == 3 {
			fmt.Fprintf(&b, "GET /now?i=%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
			continue
		}
		fmt.Fprintf(&b, "GET /delay?ms=%d&i=%d HTTP/1.1\r\nHost: x\r\n\r\n", rand.IntN(40), i)
	}
	rc.send(b.String())
	for i := range 16 {
		assert.Equal(t, strconv.Itoa(i), bodyOf(t, rc.response("GET")))
	}
}

// TestStreamArrivesInPieces reads a streamed answer as it comes: the first
// piece is there long before the last is written, and the chunked framing
// is what net/http's client reads.
func TestStreamArrivesInPieces(t *testing.T) {
	srv := &Server{Handler: laterHandler()}
	addr := startServer(t, srv)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(c, "GET /stream?n=10&ms=100 HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)
	r := bufio.NewReader(resp.Body)
	var arrived []time.Duration
	for i := range 10 {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("piece %d\n", i), line)
		arrived = append(arrived, time.Since(start))
	}
	_, err = r.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "the last chunk ends the body")
	// Piece i is written after (i+1) × 100 ms: each must have been read
	// before the next was due, not all at the end.
	for i, at := range arrived {
		assert.GreaterOrEqual(t, at, time.Duration(i+1)*100*time.Millisecond, "piece %d not early", i)
	}
	assert.Less(t, arrived[0], arrived[9]-500*time.Millisecond, "pieces arrive one by one")
	st := srv.Stats()
	assert.Equal(t, uint64(10), sum(st.AnswerLateness[:]), "ten timed pieces")
}

// TestClientGoneCancelsPending closes clients while their answers are held
// and while they stream: nothing stays pending.
func TestClientGoneCancelsPending(t *testing.T) {
	srv := &Server{Handler: laterHandler()}
	addr := startServer(t, srv)
	var conns []net.Conn
	for i := range 20 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		target := "/delay?ms=5000"
		if i%2 == 1 {
			target = "/stream?n=100&ms=50"
		}
		_, err = io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		conns = append(conns, c)
	}
	require.Eventually(t, func() bool { return srv.Stats().PendingAnswers == 20 }, 5*time.Second, 5*time.Millisecond)
	for _, c := range conns {
		c.Close()
	}
	require.Eventually(t, func() bool {
		st := srv.Stats()
		return st.PendingAnswers == 0 && st.ConnsOpen == 0
	}, 5*time.Second, 5*time.Millisecond)
	timers := 0
	srv.mu.Lock()
	for _, ws := range srv.workspaces {
		done := make(chan int)
		ws.loop.Execute(context.Background(), runnable(func() { done <- ws.timers.wheel.count }))
		timers += <-done
	}
	srv.mu.Unlock()
	assert.Zero(t, timers, "no timer is left on the wheels")
}

// TestTooManyPendingAnswers503 fills a loop's cap: the next answer that
// would come later is refused with 503.
func TestTooManyPendingAnswers503(t *testing.T) {
	srv := &Server{Handler: laterHandler(), MaxPendingAnswers: 3}
	addr := startServer(t, srv)
	for range 3 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, "GET /delay?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return srv.Stats().PendingAnswers == 3 }, 5*time.Second, 5*time.Millisecond)
	rc := dial(t, addr)
	rc.send("GET /delay?ms=10 HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := rc.response("GET")
	assert.Equal(t, 503, resp.StatusCode)
	assert.True(t, resp.Close)
}

// TestMaxDelayCaps checks that a delay is held to MaxDelay.
func TestMaxDelayCaps(t *testing.T) {
	addr := startServer(t, &Server{Handler: laterHandler(), MaxDelay: 50 * time.Millisecond})
	rc := dial(t, addr)
	start := time.Now()
	rc.send("GET /delay?ms=60000&i=1 HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, "1", bodyOf(t, rc.response("GET")))
	assert.Less(t, time.Since(start), 30*time.Second)
}

// TestShutdownFinishesPendingAnswers starts a shutdown while answers are
// held: each is answered, and the server stops.
func TestShutdownFinishesPendingAnswers(t *testing.T) {
	srv := &Server{Handler: laterHandler(), Addr: "127.0.0.1:0", Loops: 1}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	<-srv.Ready()
	addr := srv.ListenAddr().String()
	const n = 50
	var wg sync.WaitGroup
	answered := make(chan string, n)
	for i := range n {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		_, err = fmt.Fprintf(c, "GET /delay?ms=300&i=%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				answered <- "error: " + err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			answered <- string(b)
		}()
	}
	require.Eventually(t, func() bool { return srv.Stats().PendingAnswers == n }, 5*time.Second, 5*time.Millisecond)
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	require.NoError(t, srv.Shutdown(sctx))
	wg.Wait()
	close(answered)
	got := map[string]bool{}
	for a := range answered {
		got[a] = true
	}
	for i := range n {
		assert.True(t, got[strconv.Itoa(i)], "answer %d", i)
	}
	assert.ErrorIs(t, <-done, ErrServerClosed)
}

// runnable makes a gnet task of fn.
type runnable func()

func (f runnable) Run(context.Context) error { f(); return nil }

// TestWorkersAndDelaysShareTheOrder pipelines requests answered on the loop,
// on workers (POST) and later (delays, on both), on one connection: the
// answers come back in request order.
func TestWorkersAndDelaysShareTheOrder(t *testing.T) {
	for _, workers := range []int{0, 4} {
		t.Run("workers="+strconv.Itoa(workers), func(t *testing.T) {
			srv := &Server{Handler: laterHandler(), Workers: workers}
			addr := startServer(t, srv)
			rc := dial(t, addr)
			var b strings.Builder
			var methods []string
			for i := range 16 {
				method := "GET"
				if i%3 == 1 {
					method = "POST"
				}
				target := fmt.Sprintf("/delay?ms=%d&i=%d", rand.IntN(30), i)
				if i%4 == 0 {
					target = fmt.Sprintf("/now?i=%d", i)
				}
				fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", method, target)
				methods = append(methods, method)
			}
			b.WriteString("POST /stream?n=3&ms=10 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
			b.WriteString("GET /now?i=99 HTTP/1.1\r\nHost: x\r\n\r\n")
			rc.send(b.String())
			for i, m := range methods {
				assert.Equal(t, strconv.Itoa(i), bodyOf(t, rc.response(m)), "answer %d", i)
			}
			assert.Equal(t, "piece 0\npiece 1\npiece 2\n", bodyOf(t, rc.response("POST")))
			assert.Equal(t, "99", bodyOf(t, rc.response("GET")))
			require.Eventually(t, func() bool {
				st := srv.Stats()
				return st.PendingAnswers == 0 && st.InFlight == 0
			}, 5*time.Second, 5*time.Millisecond)
		})
	}
}

// TestWorkerDelayClientGone closes the client while a worker's answer is
// held: the job is retired and nothing stays in flight.
func TestWorkerDelayClientGone(t *testing.T) {
	srv := &Server{Handler: laterHandler(), Workers: 2}
	addr := startServer(t, srv)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_, err = io.WriteString(c, "POST /delay?ms=5000 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"+
		"GET /now HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return srv.Stats().PendingAnswers == 1 }, 5*time.Second, 5*time.Millisecond)
	c.Close()
	require.Eventually(t, func() bool {
		st := srv.Stats()
		return st.PendingAnswers == 0 && st.InFlight == 0 && st.ConnsOpen == 0
	}, 5*time.Second, 5*time.Millisecond)
}

// TestBodyInPiecesOnWorkers sends requests whose bodies arrive in pieces,
// answered on workers: the request parsed before the body arrived is the
// one the handler reads, header values and body intact.
func TestBodyInPiecesOnWorkers(t *testing.T) {
	h := handler.New().HandleBlocking("POST", func(r *handler.Request) {
		r.WriteString(r.Header("X-Tag") + ":" + string(r.Body()))
	})
	for _, workers := range []int{0, 2} {
		addr := startServer(t, &Server{Handler: h, Workers: workers})
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rc := dial(t, addr)
				for k := range 3 {
					tag := fmt.Sprintf("tag-%d-%d", i, k)
					body := strings.Repeat(strconv.Itoa(i), 100+k)
					rc.send(fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nX-Tag: %s\r\nContent-Length: %d\r\n\r\n%s", tag, len(body), body[:10]))
					time.Sleep(5 * time.Millisecond)
					rc.send(body[10:])
					assert.Equal(t, tag+":"+body, bodyOf(t, rc.response("POST")))
				}
			}()
		}
		wg.Wait()
	}
}

// TestResetConnection answers a handler's ResetConnection with a TCP
// reset, on the loop and on a worker.
func TestResetConnection(t *testing.T) {
	reset := func(r *handler.Request) {
		r.WriteString("never sent")
		r.ResetConnection()
	}
	h := handler.New().Handle("GET", reset).HandleBlocking("POST", reset)
	srv := &Server{Handler: h}
	addr := startServer(t, srv)
	for _, method := range []string{"GET", "POST"} {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, err = io.WriteString(c, method+" / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		got, err := io.ReadAll(c)
		assert.Empty(t, got, method)
		assert.ErrorIs(t, err, syscall.ECONNRESET, method)
		c.Close()
	}
	require.Eventually(t, func() bool { return srv.Stats().ConnsOpen == 0 }, 5*time.Second, 5*time.Millisecond)
}
