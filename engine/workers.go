package engine

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// DefaultWorkers is the size of the worker pool of a [Server] whose Workers
// field is zero but whose handler has methods registered with
// [handler.Handler.HandleBlocking].
const DefaultWorkers = 64

// maxConnJobs bounds the requests of one connection that are on workers at
// once: a pipelining client gets its requests run side by side, but cannot
// take the whole pool.
const maxConnJobs = 32

// workerPool runs requests on a fixed set of goroutines: fastbase's
// ThreadingMixIn. Its queue is bounded; when it is full, connections stop
// dispatching and wait for room (back-pressure) with their requests left in
// gnet's inbound buffer.
type workerPool struct {
	s        *Server
	jobs     chan *job    // the queue; its capacity is the number of workers
	queued   atomic.Int64 // jobs in the queue (Stats.WorkerQueue)
	inFlight atomic.Int64 // jobs dispatched whose responses are not yet written or dropped
	running  atomic.Int64 // jobs a worker is serving now
	done     sync.WaitGroup

	mu      sync.Mutex
	waiters []*conn      // connections waiting for room in the queue, oldest first
	nwait   atomic.Int32 // len(waiters), read without mu
}

// worker is one goroutine of the pool with what it needs to answer a
// request, reused from one request to the next.
type worker struct {
	p    *workerPool
	name string // "worker 3", what ConnInfo.Runner says
	hreq handler.Exchange
	info handler.ConnInfo
}

func newWorkerPool(s *Server, n int) *workerPool {
	p := &workerPool{s: s, jobs: make(chan *job, n)}
	p.done.Add(n)
	for i := 0; i < n; i++ {
		w := &worker{p: p, name: "worker " + strconv.Itoa(i)}
		go w.run()
	}
	return p
}

// stop ends the workers once the queue is empty. It must be called only
// when nothing dispatches any more: after the event loops have stopped.
func (p *workerPool) stop() {
	close(p.jobs)
}

// wait waits until every worker has returned, or until the timeout.
func (p *workerPool) wait(timeout time.Duration) {
	done := make(chan struct{})
	go func() { p.done.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
	}
}

func (w *worker) run() {
	defer w.p.done.Done()
	for j := range w.p.jobs {
		w.p.queued.Add(-1)
		w.p.wakeWaiter()
		w.p.running.Add(1)
		w.serve(j)
		w.p.running.Add(-1)
	}
}

// serve answers one job: the same Begin, Serve, Finish as on an event loop,
// over the worker's copy of the request. The response is handed back to the
// connection's pipeline, which writes responses in request order.
func (w *worker) serve(j *job) {
	pl := j.pl
	if pl.gone.Load() {
		// The client left while the request waited: skip the work.
		pl.finish(j)
		return
	}
	s := w.p.s
	h := s.Handler
	w.info = j.info
	w.info.Runner = w.name
	j.out = bytebufferpool.Get()
	w.hreq.Begin(h, &w.info, &j.held.req, j.held.body(), j.out.B[:0])
	if j.bodyFile != nil {
		w.hreq.SetBodyFile(j.bodyFile, j.bodySize)
	}
	h.Serve(w.hreq.Request())
	s.notePanic(&w.hreq)
	if s.draining.Load() {
		// Checked after the handler, which may have run for a while: a
		// response finished during a shutdown closes its connection.
		w.hreq.Request().SetCloseConnection(true)
	}
	j.out.B, j.keepAlive = w.hreq.Finish()
	j.delay, j.stream = w.hreq.Later()
	j.abort = w.hreq.Aborted()
	j.status = w.hreq.Status()
	if s.AccessLog != nil {
		j.log = handler.AppendRequestLog(j.log[:0], &w.hreq, time.Now())
	}
	pl.finish(j)
}

// submit queues j unless the queue is full. It is called by an event loop
// with j's pipeline locked, so that j is in the pipeline before a worker can
// finish it.
func (p *workerPool) submit(j *job) bool {
	p.queued.Add(1)
	select {
	case p.jobs <- j:
		p.inFlight.Add(1)
		return true
	default:
		p.queued.Add(-1)
		return false
	}
}

// full reports whether the queue has no room, as a cheap test before a
// request is copied; submit decides.
func (p *workerPool) full() bool { return len(p.jobs) == cap(p.jobs) }

// addWaiter registers cn to be woken when the queue has room.
func (p *workerPool) addWaiter(cn *conn) {
	if !cn.pl().waiting.CompareAndSwap(false, true) {
		return
	}
	p.mu.Lock()
	p.waiters = append(p.waiters, cn)
	p.nwait.Store(int32(len(p.waiters)))
	p.mu.Unlock()
}

// wakeWaiter wakes the oldest connection waiting for room in the queue, if
// any, skipping connections that have closed.
func (p *workerPool) wakeWaiter() {
	for p.nwait.Load() > 0 {
		p.mu.Lock()
		if len(p.waiters) == 0 {
			p.mu.Unlock()
			return
		}
		cn := p.waiters[0]
		copy(p.waiters, p.waiters[1:])
		p.waiters[len(p.waiters)-1] = nil
		p.waiters = p.waiters[:len(p.waiters)-1]
		p.nwait.Store(int32(len(p.waiters)))
		p.mu.Unlock()
		if cn.pl().wake(cn.c) {
			return
		}
	}
}

// tick wakes every waiting connection when the queue has room: a safety net
// for wakes spent on connections that then did not dispatch. It runs on the
// ticker goroutine.
func (p *workerPool) tick() {
	for p.nwait.Load() > 0 && !p.full() {
		p.wakeWaiter()
	}
}

// job is one request on its way through a worker: a copy of its bytes that
// the worker owns, and the response, pooled. Both go back to their pools
// after the response was handed to the socket (the AsyncWrite callback) or
// dropped; see [pipeline.retire].
type job struct {
	pl        *pipeline
	cn        *conn // used on the event loop only, in written
	c         gnet.Conn
	held      heldRequest                // the request, parsed on the loop, with its body
	bodyFile  *os.File                   // a body spooled to a file, owned by the job; nil for none
	bodySize  int64                      // its size
	out       *bytebufferpool.ByteBuffer // the response
	info      handler.ConnInfo
	method    codec.Method // of the request, for the stats
	status    int
	keepAlive bool
	log       []byte // access-log lines of the request

	done     bool // under pl.mu: the response is ready
	next     *job // under pl.mu: the connection's next job in request order
	released atomic.Bool

	// delay and stream are what of the response comes later (see
	// handler.Exchange.Later): the loop holds it (see holdJob).
	delay  time.Duration
	stream *handler.Continuation
	abort  bool // the handler asked for a reset instead of an answer

	// written is j.onWritten, bound once per pooled job so that handing it
	// to AsyncWrite does not allocate; hold is j's holdJob, for Execute.
	written gnet.AsyncCallback
	hold    gnet.RunnableFunc
}

// later reports whether j's response comes later.
func (j *job) later() bool { return j.delay > 0 || j.stream != nil || j.abort }

// jobPool holds idle jobs. Its New is set in init: a job's callback leads
// back to the pool, which a variable's initializer may not refer to.
var jobPool sync.Pool

func init() {
	jobPool.New = func() any {
		j := new(job)
		j.written = j.onWritten
		j.hold = func(context.Context) error { j.cn.holdJob(j); return nil }
		return j
	}
}

// newJob copies req, just parsed on cn, with its header block and body
// (views into gnet's buffer that die when OnTraffic returns) into memory the
// job owns; the worker answers that copy without parsing it again.
func newJob(cn *conn, c gnet.Conn, req *codec.Request, header, body []byte) *job {
	j := jobPool.Get().(*job)
	j.pl, j.cn, j.c = cn.pl(), cn, c
	j.held.hold(req, header, len(body))
	j.held.appendBody(body)
	j.info = *cn.ws.connInfo()
	j.method = codec.LookupMethod(req.Method)
	return j
}

// maxKeptJobBuffer is the largest request buffer a pooled job keeps for
// the next request; a larger one is let go.
const maxKeptJobBuffer = 64 << 10

// free returns j's buffers and j to their pools.
func (j *job) free() {
	if j.bodyFile != nil {
		_ = j.bodyFile.Close()
	}
	if j.out != nil {
		bytebufferpool.Put(j.out)
	}
	log, buf := j.log[:0], j.held.buf[:0]
	if cap(buf) > maxKeptJobBuffer {
		buf = nil
	}
	*j = job{log: log, written: j.written, hold: j.hold}
	j.held.buf = buf
	jobPool.Put(j)
}

// onWritten runs on the event loop once AsyncWrite has handed the response
// to the socket (or found the connection closed): it counts and logs the
// request, recycles the job and moves the connection on, closing it after a
// last response or waking it to continue its pipeline.
func (j *job) onWritten(c gnet.Conn, err error) error {
	cn, pl := j.cn, j.pl
	ws := cn.ws
	if err == nil && j.out != nil {
		n := len(j.out.B)
		ws.stats.bytesOut.Add(uint64(n))
		// AsyncWrite wrote into an empty outbound buffer if no more than
		// the response waits in it now (gnet appends to a buffer that holds
		// anything): then, as in conn.send, whatever a check last saw
		// waiting has all left, and the write-stall count starts afresh.
		if w := cn.w; w != nil && w.outSeen != 0 && c.OutboundBuffered() <= n {
			w.outSeen, w.outSince = 0, 0
		}
	}
	ws.stats.requests[j.method][statusSlot(j.status)].Add(1)
	if len(j.log) > 0 {
		ws.log = append(ws.log, j.log...)
		ws.flushLog()
	}
	keepAlive := j.keepAlive
	pl.retire(j)
	if err != nil || pl.gone.Load() {
		return nil
	}
	if !keepAlive {
		if cn.closeAfterResponse(c) == gnet.Close {
			_ = ws.loop.Close(c)
		}
		return nil
	}
	if pl.pending.Load() == 0 {
		pl.barrier = false
		if !cn.midRequest() {
			s := ws.s
			cn.wait(waitIdle, s.idleTimeout())
		}
	}
	cn.watchOutput()
	if pl.stalled {
		pl.stalled = false
		_ = c.Wake(nil)
	}
	return nil
}

// pipeline orders the responses of one connection's requests on workers.
// Requests are dispatched in order and may finish in any order; a response is
// written only when every response before it has been, so a pipelining
// client reads them in the order it asked.
type pipeline struct {
	mu         sync.Mutex
	head, tail *job // dispatched jobs not yet written, in request order
	closing    bool // a response that closes the connection went out; later ones are dropped
	holding    bool // the response at the head comes later: the loop holds it
	gone       atomic.Bool
	pending    atomic.Int32 // dispatched jobs not yet written or dropped
	waiting    atomic.Bool  // registered with the pool for room in its queue

	// Used by the event loop only.
	barrier bool // a request that is not safe is on a worker: nothing is dispatched beside it
	final   bool // the connection's last request was dispatched: nothing more is read
	stalled bool // dispatching stopped until a response is written
}

// finish records that j's response is ready and writes, in order, every
// ready response at the head of the pipeline. It runs on the worker.
func (pl *pipeline) finish(j *job) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	j.done = true
	pl.flush()
}

// flush writes, in order, every ready response at the head of the pipeline,
// up to one that comes later, which it hands to the loop (holdJob) and
// waits for. It is called with pl.mu held.
func (pl *pipeline) flush() {
	for pl.head != nil && pl.head.done && (!pl.holding || pl.gone.Load()) {
		k := pl.head
		pl.head = k.next
		if pl.head == nil {
			pl.tail = nil
		}
		if pl.closing || pl.gone.Load() {
			pl.retire(k)
			continue
		}
		if !k.keepAlive {
			pl.closing = true
		}
		if k.later() {
			pl.holding = true
			if k.cn.ws.loop.Execute(context.Background(), k.hold) != nil {
				pl.retire(k) // the loop is gone
			}
			return
		}
		if err := k.c.AsyncWrite(k.out.B, k.written); err != nil {
			// The loop is gone and the callback will not run.
			pl.retire(k)
		}
	}
}

// retire forgets a job whose response was written or dropped, once.
func (pl *pipeline) retire(j *job) {
	if !j.released.CompareAndSwap(false, true) {
		return
	}
	pool := j.cn.ws.s.pool
	pl.pending.Add(-1)
	pool.inFlight.Add(-1)
	j.free()
}

// drop retires j, whose answer will not be written, and flushes the
// pipeline, which drops the answers done behind it once the connection is
// gone or closing (a last answer, which closing marks, went out or was
// given up for a reset).
func (pl *pipeline) drop(j *job, closing bool) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if closing {
		pl.closing = true
	}
	pl.retire(j)
	pl.flush()
}

// close marks the pipeline's connection closed: the jobs done already,
// which may wait behind an answer the loop held, are dropped now, and those
// still on workers when they finish. It runs on the event loop, in OnClose.
// Taking the lock orders it with finish: a worker either sees the
// connection gone or has queued its write before the loop goes on, so
// nothing is queued to a loop that has stopped.
func (pl *pipeline) close() {
	pl.mu.Lock()
	pl.gone.Store(true)
	pl.flush()
	pl.mu.Unlock()
}

// wake wakes the pipeline's connection unless it has closed; see close for
// why under the lock. It reports whether the connection was woken.
func (pl *pipeline) wake(c gnet.Conn) bool {
	pl.waiting.Store(false)
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.gone.Load() {
		return false
	}
	return c.Wake(nil) == nil
}

// offload reports whether req runs on a worker.
func (s *Server) offload(req *codec.Request) bool {
	return s.Workers > 0 || s.Handler.Blocking(req.Method)
}

// dispatch hands the request just parsed on cn, whose header block and body
// are given, to a worker. It reports false when the request must wait: it is
// not for a worker but worker responses are pending, the pipeline rules hold
// it back, or the pool is full. The request then stays unread and is parsed
// again when the connection is woken.
func (cn *conn) dispatch(c gnet.Conn, req *codec.Request, header, body []byte) bool {
	return cn.dispatchFile(c, req, header, body, nil, 0)
}

// dispatchStreamed hands a request whose body was streamed to a worker, if
// it is for one and the pool has room; the job then owns the spool file.
// Otherwise it reports false and the loop answers the request itself: no
// response is pending on the connection, as a body is only streamed when
// none is (see startBody's caller), so the order of responses holds.
func (cn *conn) dispatchStreamed(c gnet.Conn, b *streamedBody) bool {
	if !cn.dispatchFile(c, &b.req, b.buf, b.mem, b.file, b.size) {
		return false
	}
	b.file = nil
	return true
}

func (cn *conn) dispatchFile(c gnet.Conn, req *codec.Request, header, body []byte, file *os.File, size int64) bool {
	ws := cn.ws
	s := ws.s
	pl := cn.pl()
	if pl == nil {
		pl = new(pipeline)
		cn.work().pl = pl
	}
	if !s.offload(req) {
		// An inline request behind responses still on workers waits for
		// them, so that its response is not written first.
		pl.stalled = true
		return false
	}
	// Safe methods (RFC 9110 §9.2.1) of one connection may run side by side;
	// a request that may change state waits for those before it and holds
	// back those after it, so that it runs in order as on a single thread.
	safe := codec.LookupMethod(req.Method).Safe()
	if n := pl.pending.Load(); n > 0 && (pl.barrier || !safe || n >= maxConnJobs) {
		pl.stalled = true
		return false
	}
	p := s.pool
	if p.full() {
		p.addWaiter(cn)
		if p.full() {
			return false
		}
	}
	j := newJob(cn, c, req, header, body)
	j.bodyFile, j.bodySize = file, size
	pl.mu.Lock()
	ok := p.submit(j)
	if ok {
		pl.pending.Add(1)
		if pl.tail == nil {
			pl.head = j
		} else {
			pl.tail.next = j
		}
		pl.tail = j
	}
	pl.mu.Unlock()
	if !ok {
		j.bodyFile = nil // still the caller's
		j.free()
		p.addWaiter(cn)
		return false
	}
	pl.barrier = pl.barrier || !safe
	// A request after which the connection closes is its last one: what
	// follows is never read.
	if !req.KeepAlive || s.draining.Load() {
		pl.final = true
	}
	return true
}

// busy reports whether the connection has requests on workers or waits for
// room in the pool: its deadlines do not run meanwhile.
func (cn *conn) busy() bool {
	pl := cn.pl()
	return pl != nil && (pl.pending.Load() > 0 || pl.waiting.Load())
}
