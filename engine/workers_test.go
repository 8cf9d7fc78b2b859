package engine

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/examples"
)

// gauge counts handlers running at once and keeps the peak.
type gauge struct{ cur, peak atomic.Int64 }

func (g *gauge) enter() {
	n := g.cur.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (g *gauge) leave() { g.cur.Add(-1) }

// sleepy answers GET with its runner after sleeping for ?sleep=, and
// echoes ?id=, counting how many run at once.
func sleepy(g *gauge) *handler.Handler {
	return handler.New().Handle("GET", func(r *handler.Request) {
		g.enter()
		defer g.leave()
		q := string(r.Parsed().Query)
		var id string
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "sleep":
				d, _ := time.ParseDuration(v)
				time.Sleep(d)
			case "id":
				id = v
			}
		}
		r.SendResponse(200, "")
		r.EndHeaders()
		r.WriteString(id + " " + r.Runner())
	})
}

// get sends one GET on a new connection and returns the body.
func get(t *testing.T, addr, target string) string {
	t.Helper()
	rc := dial(t, addr)
	rc.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := rc.response("GET")
	require.Equal(t, 200, resp.StatusCode)
	return bodyOf(t, resp)
}

// concurrentGets sends n GETs for target at once, each on its own
// connection, and returns their bodies and how long they took together.
func concurrentGets(t *testing.T, addr, target string, n int) ([]string, time.Duration) {
	t.Helper()
	bodies := make([]string, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if !assert.NoError(t, err) {
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(20 * time.Second))
			_, _ = io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: x\r\n\r\n")
			resp, err := http.ReadResponse(bufioReader(c), nil)
			if !assert.NoError(t, err) {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			bodies[i] = string(b)
		}()
	}
	wg.Wait()
	return bodies, time.Since(start)
}

func TestWorkersRunBlockingHandlersSideBySide(t *testing.T) {
	// Each handler holds its worker until 32 run at once (or a while has
	// passed, should they not), so that a slow machine cannot hide
	// concurrency, then sleeps like the threads handler's ?sleep=100ms.
	var g gauge
	h := handler.New().Handle("GET", func(r *handler.Request) {
		g.enter()
		defer g.leave()
		for start := time.Now(); g.peak.Load() < 32 && time.Since(start) < time.Second; {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		r.SendResponse(200, "")
		r.EndHeaders()
		r.WriteString(r.Runner())
	})
	addr := startServer(t, &Server{Handler: h, Workers: 64})
	bodies, took := concurrentGets(t, addr, "/", 64)
	t.Logf("64 requests of 100ms on 64 workers: %v, at most %d at once", took, g.peak.Load())
	assert.GreaterOrEqual(t, g.peak.Load(), int64(32))
	for _, b := range bodies {
		assert.True(t, strings.HasPrefix(b, "worker "), b)
	}
}

func TestWithoutWorkersOneLoopRunsOneAtATime(t *testing.T) {
	var g gauge
	addr := startServer(t, &Server{Handler: sleepy(&g), Loops: 1})
	bodies, took := concurrentGets(t, addr, "/?sleep=20ms", 8)
	t.Logf("8 requests of 20ms on one loop: %v", took)
	assert.Equal(t, int64(1), g.peak.Load())
	for _, b := range bodies {
		assert.Equal(t, " loop 0", b)
	}
}

func TestThreadsHandlerOnWorker(t *testing.T) {
	addr := startServer(t, &Server{Handler: examples.Threads(), Workers: 4})
	body := get(t, addr, "/?sleep=1ms")
	assert.Regexp(t, `^worker [0-3] pid [0-9]+\n$`, body)
	rc := dial(t, addr)
	rc.send("GET /?sleep=forever HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 400, rc.response("GET").StatusCode)
}

// TestPipelinedAnswersInOrder sends pipelined requests that sleep for
// random times, so that they finish out of order on the workers: the
// answers must still come back in request order.
func TestPipelinedAnswersInOrder(t *testing.T) {
	var g gauge
	addr := startServer(t, &Server{Handler: sleepy(&g), Workers: 16})
	rc := dial(t, addr)
	const n = 16
	rng := rand.New(rand.NewPCG(1, 2))
	var reqs strings.Builder
	for i := range n {
		fmt.Fprintf(&reqs, "GET /?id=%d&sleep=%dms HTTP/1.1\r\nHost: x\r\n\r\n", i, rng.IntN(60))
	}
	rc.send(reqs.String())
	for i := range n {
		resp := rc.response("GET")
		require.Equal(t, 200, resp.StatusCode)
		id, runner, _ := strings.Cut(bodyOf(t, resp), " ")
		assert.Equal(t, strconv.Itoa(i), id)
		assert.True(t, strings.HasPrefix(runner, "worker "), runner)
	}
	assert.Greater(t, g.peak.Load(), int64(1), "pipelined requests ran one at a time")

	// The connection goes on after the pipeline.
	rc.send("GET /?id=last HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.True(t, strings.HasPrefix(bodyOf(t, rc.response("GET")), "last "))
}

func TestHandleBlockingOnlyThatMethodLeavesTheLoop(t *testing.T) {
	h := handler.New().
		Handle("GET", func(r *handler.Request) {
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("GET " + r.Runner())
		}).
		HandleBlocking("POST", func(r *handler.Request) {
			time.Sleep(30 * time.Millisecond)
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("POST " + r.Runner() + " " + string(r.Body()))
		})
	addr := startServer(t, &Server{Handler: h})
	rc := dial(t, addr)
	// A blocking POST between inline GETs: the GET after it waits for it.
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, "GET loop 0", bodyOf(t, rc.response("GET")))
	assert.Regexp(t, `^POST worker [0-9]+ hello$`, bodyOf(t, rc.response("POST")))
	assert.Equal(t, "GET loop 0", bodyOf(t, rc.response("GET")))
}

// TestUnsafeRequestRunsAlone checks that a pipelined request that is not
// safe runs after the requests before it and before those after it.
func TestUnsafeRequestRunsAlone(t *testing.T) {
	var mu sync.Mutex
	var events []string
	record := func(e string) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}
	answer := func(r *handler.Request) {
		name := r.Command() + string(r.Parsed().Path)
		record("start " + name)
		time.Sleep(20 * time.Millisecond)
		record("end " + name)
		r.SendResponse(200, "")
		r.EndHeaders()
	}
	h := handler.New().Handle("GET", answer).Handle("POST", answer)
	addr := startServer(t, &Server{Handler: h, Workers: 8})
	rc := dial(t, addr)
	rc.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" +
		"GET /d HTTP/1.1\r\nHost: x\r\n\r\n")
	for _, m := range []string{"GET", "GET", "POST", "GET"} {
		assert.Equal(t, 200, rc.response(m).StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 8)
	assert.ElementsMatch(t, []string{"start GET/a", "start GET/b", "end GET/a", "end GET/b"}, events[:4])
	assert.Equal(t, []string{"start POST/c", "end POST/c", "start GET/d", "end GET/d"}, events[4:])
}

func TestWorkerConnectionClose(t *testing.T) {
	var g gauge
	addr := startServer(t, &Server{Handler: sleepy(&g), Workers: 4})
	// The client's "Connection: close" ends the pipeline: the request after
	// it is never answered.
	raw := exchange(t, addr, "GET /?id=1&sleep=20ms HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET /?id=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"+
		"GET /?id=3 HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 2, strings.Count(raw, "HTTP/1.1 200 OK"), raw)
	assert.Contains(t, raw, "\r\n\r\n1 worker ")
	assert.Contains(t, raw, "Connection: close\r\n\r\n2 worker ")
	assert.NotContains(t, raw, "3 worker")
}

func TestWorkerErrorClosesAndDropsLaterAnswers(t *testing.T) {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		if string(r.Parsed().Path) == "/missing" {
			r.SendError(404, "", "")
			return
		}
		time.Sleep(20 * time.Millisecond)
		r.SendResponse(200, "")
		r.EndHeaders()
		r.WriteString(r.Path())
	})
	addr := startServer(t, &Server{Handler: h, Workers: 4})
	raw := exchange(t, addr, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Contains(t, raw, "HTTP/1.1 200 OK")
	assert.Contains(t, raw, "HTTP/1.1 404 Not Found")
	assert.Less(t, strings.Index(raw, "200 OK"), strings.Index(raw, "404 Not Found"))
	assert.NotContains(t, raw, "\r\n\r\n/b", "an answer after one that closes the connection must not be sent")
}

// blocker is a handler whose requests wait until released.
type blocker struct {
	entered chan struct{}
	release chan struct{}
}

func newBlocker() *blocker {
	return &blocker{entered: make(chan struct{}, 100), release: make(chan struct{})}
}

func (b *blocker) handler() *handler.Handler {
	return handler.New().Handle("GET", func(r *handler.Request) {
		b.entered <- struct{}{}
		<-b.release
		r.SendResponse(200, "")
		r.EndHeaders()
		r.WriteString("done")
	})
}

// TestWorkerPoolBackPressure fills the pool and its queue: further
// requests must stay unread on their connections rather than queue up, and
// be answered once workers are free.
func TestWorkerPoolBackPressure(t *testing.T) {
	b := newBlocker()
	srv := &Server{Handler: b.handler(), Workers: 2}
	addr := startServer(t, srv)
	const n = 8
	conns := make([]*rawConn, n)
	for i := range conns {
		conns[i] = dial(t, addr)
		conns[i].send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	<-b.entered
	<-b.entered
	require.Eventually(t, func() bool {
		st := srv.Stats()
		return st.WorkerQueue == 2 && st.InFlight == 4
	}, 5*time.Second, time.Millisecond, "the queue holds as many requests as there are workers")
	time.Sleep(100 * time.Millisecond)
	st := srv.Stats()
	assert.Equal(t, int64(2), st.WorkerQueue)
	assert.Equal(t, int64(4), st.InFlight, "requests beyond the queue must wait unread")
	close(b.release)
	for _, rc := range conns {
		resp := rc.response("GET")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "done", bodyOf(t, resp))
	}
	assert.Eventually(t, func() bool { return srv.Stats().InFlight == 0 }, 5*time.Second, 5*time.Millisecond)
}

// TestClientLeavesWhileOnWorker closes connections whose requests are
// running or waiting on workers: the running ones are wasted work, the
// queued ones are skipped, and every job is released.
func TestClientLeavesWhileOnWorker(t *testing.T) {
	b := newBlocker()
	srv := &Server{Handler: b.handler(), Workers: 2}
	addr := startServer(t, srv)
	var clients []net.Conn
	for range 4 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		clients = append(clients, c)
	}
	<-b.entered
	<-b.entered
	require.Eventually(t, func() bool { return srv.Stats().WorkerQueue == 2 }, 5*time.Second, 5*time.Millisecond)
	for _, c := range clients {
		require.NoError(t, c.Close())
	}
	require.Eventually(t, func() bool { return srv.Stats().ConnsOpen == 0 }, 5*time.Second, 5*time.Millisecond)
	close(b.release)
	require.Eventually(t, func() bool {
		st := srv.Stats()
		return st.InFlight == 0 && st.WorkerQueue == 0
	}, 5*time.Second, 5*time.Millisecond)
	assert.Len(t, b.entered, 0, "requests of clients that left must not reach the handler")

	// The server goes on serving.
	rc := dial(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, "done", bodyOf(t, rc.response("GET")))
}

func TestWorkerStats(t *testing.T) {
	b := newBlocker()
	srv := &Server{Handler: b.handler(), Workers: 1}
	addr := startServer(t, srv)
	rc := dial(t, addr)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	<-b.entered
	assert.Eventually(t, func() bool { return srv.Stats().InFlight == 1 }, 5*time.Second, time.Millisecond)
	close(b.release)
	assert.Equal(t, 200, rc.response("GET").StatusCode)
	require.Eventually(t, func() bool { return srv.Stats().InFlight == 0 }, 5*time.Second, 5*time.Millisecond)
	assert.Contains(t, srv.Stats().Requests, RequestCount{Method: "GET", Status: 200, Count: 1})
}

func TestWorkerAccessLog(t *testing.T) {
	var mu sync.Mutex
	var log strings.Builder
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return log.Write(p)
	})
	var g gauge
	addr := startServer(t, &Server{Handler: sleepy(&g), Workers: 2, AccessLog: w})
	get(t, addr, "/?id=7")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(log.String(), `"GET /?id=7 HTTP/1.1" 200 `)
	}, 5*time.Second, 5*time.Millisecond)
}

// TestStreamedBodiesOnWorkers sends a chunked body and one spooled to a
// file behind a slow request: they are answered on workers, in order, with
// their whole bodies.
func TestStreamedBodiesOnWorkers(t *testing.T) {
	h := handler.New().
		Handle("GET", func(r *handler.Request) {
			time.Sleep(30 * time.Millisecond)
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("slept")
		}).
		Handle("POST", func(r *handler.Request) {
			b, err := io.ReadAll(r.BodyReader())
			if err != nil {
				r.SendError(500, "", "")
				return
			}
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString(strings.Fields(r.Runner())[0] + " " + string(b))
		})
	addr := startServer(t, &Server{Handler: h, Workers: 2, BodyMemoryBytes: 16})
	rc := dial(t, addr)
	long := strings.Repeat("0123456789", 100)
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" +
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(long)) + "\r\n\r\n" + long +
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, "slept", bodyOf(t, rc.response("GET")))
	assert.Equal(t, "worker hello world", bodyOf(t, rc.response("POST")))
	assert.Equal(t, "worker "+long, bodyOf(t, rc.response("POST")))
	assert.Equal(t, "slept", bodyOf(t, rc.response("GET")))
}

// slowGET answers GET after 200 ms, on a worker when the server has them,
// and POST at once.
func slowGET() *handler.Handler {
	return handler.New().Handle("GET", func(r *handler.Request) {
		time.Sleep(200 * time.Millisecond)
		_, _ = r.WriteString("slow")
	}).Handle("POST", func(r *handler.Request) { _, _ = r.WriteString("posted") })
}

// An error answer to a pipelined request comes after the answers of the
// requests before it that are still on workers, which are not lost.
func TestErrorAnswersFollowTheWorkersAnswers(t *testing.T) {
	for name, second := range map[string]string{
		"parse error":    "GET /2 HTTP/1.1\r\nHost x\r\n\r\n",
		"body too large": "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			addr := startServer(t, &Server{Handler: slowGET(), Workers: 2, MaxBodyBytes: 10})
			rc := dial(t, addr)
			rc.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n" + second)
			first := rc.response("GET")
			assert.Equal(t, 200, first.StatusCode, "the first answer is the first request's")
			assert.Equal(t, "slow", bodyOf(t, first))
			resp := rc.response("GET")
			assert.Contains(t, []int{400, 413}, resp.StatusCode)
			assert.True(t, rc.closed())
		})
	}
}

// "100 Continue" for a pipelined request comes after the answers of the
// requests before it that are still on workers.
func TestContinueFollowsTheWorkersAnswers(t *testing.T) {
	addr := startServer(t, &Server{Handler: slowGET(), Workers: 2})
	rc := dial(t, addr)
	rc.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
	first := rc.response("GET")
	assert.Equal(t, 200, first.StatusCode, "the first thing the client reads")
	assert.Equal(t, "slow", bodyOf(t, first))
	line, err := rc.r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 100 Continue\r\n", line)
	_, err = rc.r.ReadString('\n') // the blank line that ends it
	require.NoError(t, err)
	rc.send("hello")
	resp := rc.response("POST")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "posted", bodyOf(t, resp))
}
