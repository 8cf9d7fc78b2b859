package engine

import (
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// Answers that come later (handler.Request.SendAfter and Stream) wait on
// the loop's wheel, not on a goroutine: a pending answer is a small record,
// the bytes of a held response and a timer. While one is pending, its
// connection reads no further request: requests pipelined behind it stay in
// the inbound buffer and are answered after it, in order.

// Defaults of the [Server] fields of the same names.
const (
	DefaultMaxDelay          = 10 * time.Second
	DefaultMaxPendingAnswers = 65536
)

// pendingAnswer is a response of cn that is held back (held non-nil) or
// whose body is still being streamed (stream non-nil), or both in turn.
type pendingAnswer struct {
	cn        *conn
	t         timer
	held      *bytebufferpool.ByteBuffer // the response, written when t is due
	stream    *handler.Continuation
	keepAlive bool // what the response's head said
	job       *job // the worker's job the answer is for; nil when answered on the loop
	// due is the time the timer is set for when it sends something then
	// (see Stats.AnswerLateness); 0 while it only checks whether the
	// client has read.
	due int64
}

// wait sets p's timer for at, when it sends the held response or the
// stream's next piece, and has the connection's timer watch what it wrote
// meanwhile (watchOutput).
func (p *pendingAnswer) wait(ws *workspace, at int64) {
	p.due = at
	ws.schedule(&p.t, at, p)
	p.cn.watchOutput()
}

// deferAnswer takes the response that the request just served wrote to
// out from start on, whose handler said it comes later (after delay, or
// as the stream st): it returns out without the bytes that must wait, and
// sets the connection's later, which stops the batch; the connection's
// keep-alive is decided when the answer is over. A loop over its
// MaxPendingAnswers answers 503 instead.
func (cn *conn) deferAnswer(out []byte, start int, keepAlive bool, delay time.Duration, st *handler.Continuation) ([]byte, bool) {
	ws := cn.ws
	s := ws.s
	if ws.stats.pending.Load() >= int64(s.maxPendingAnswers()) {
		if st != nil {
			st.Cancel()
		}
		return ws.answerError(out[:start], ws.connInfo(), ws.hreq.Request().Parsed(), tooManyPending), false
	}
	p := &pendingAnswer{cn: cn, stream: st, keepAlive: keepAlive}
	now := time.Now().UnixNano()
	at := now
	if delay = min(delay, s.maxDelay()); delay > 0 {
		p.held = bytebufferpool.Get()
		p.held.B = append(p.held.B[:0], out[start:]...)
		out = out[:start]
		at += int64(delay)
	} else {
		at += int64(min(st.Wait(), s.maxDelay()))
	}
	ws.stats.pending.Add(1)
	cn.work().later = p
	cn.kind, cn.deadline = waitAnswer, never
	p.wait(ws, at)
	return out, true
}

// holdJob takes over, on the loop, a response that a worker's handler
// said comes later, once every response before it on the connection has
// been written (see pipeline.flush). It is the loop's deferAnswer for a
// job; the job is retired when the answer is over.
func (cn *conn) holdJob(j *job) {
	if cn.closed {
		j.pl.drop(j, false)
		return
	}
	ws := cn.ws
	s := ws.s
	if j.abort {
		// A worker's handler asked for a reset instead of its answer.
		j.pl.drop(j, true)
		cn.aborted = true
		_ = resetConnection(cn.c)
		_ = ws.loop.Close(cn.c)
		return
	}
	p := &pendingAnswer{cn: cn, stream: j.stream, keepAlive: j.keepAlive, job: j}
	now := time.Now().UnixNano()
	at := now
	if delay := min(j.delay, s.maxDelay()); delay > 0 {
		p.held, j.out = j.out, nil
		at += int64(delay)
	} else {
		// The head and first piece go now. A write that fails closes the
		// connection under it, before the answer is attached: the job is
		// dropped here, as for a connection that had closed before.
		if !cn.send(j.out.B) {
			j.pl.drop(j, false)
			return
		}
		bytebufferpool.Put(j.out)
		j.out = nil
		at += int64(min(j.stream.Wait(), s.maxDelay()))
	}
	ws.stats.pending.Add(1)
	cn.work().later = p
	p.wait(ws, at)
}

// watchOutput has the connection's timer look at it within pollInterval
// while output waits in its buffer: the write timeout is counted there
// (check). An answer that comes later writes outside a batch, which would
// otherwise leave the timer where the batch set it: at no deadline for an
// answer on the loop, at the idle timeout for one on a worker. A pending
// answer calls it each time it waits (pendingAnswer.wait).
func (cn *conn) watchOutput() {
	if !cn.closed && cn.c.OutboundBuffered() > 0 {
		cn.arm()
	}
}

// resetConnection makes the close of c a TCP reset: with SO_LINGER at
// zero, close discards what is unsent and sends RST instead of FIN.
func resetConnection(c gnet.Conn) gnet.Action {
	_ = syscall.SetsockoptLinger(c.Fd(), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
	return gnet.Close
}

// tooManyPending refuses an answer that would come later when the loop
// holds MaxPendingAnswers already.
var tooManyPending = &codec.Error{Status: 503, Message: "Too many pending answers"}

// never is a deadline that does not come: a connection waiting on its own
// pending answer is not idle, and is cut only by the write timeout.
const never = int64(1<<63 - 1)

// expire is the pending answer's timer: it writes the held response, or
// the stream's next piece, and finishes the answer when it is over.
func (p *pendingAnswer) expire(now int64) {
	cn := p.cn
	if cn.closed {
		return
	}
	ws := cn.ws
	s := ws.s
	c := cn.c
	if p.due != 0 {
		ws.stats.lateness.record(time.Now().UnixNano() - p.due)
	}
	if held := p.held; held != nil {
		// A write that fails closes the connection under it, and OnClose
		// cancels p: p lets go of the held bytes first, and goes no
		// further then.
		p.held = nil
		open := cn.send(held.B)
		bytebufferpool.Put(held)
		if !open {
			return
		}
		if p.stream != nil {
			p.wait(ws, now+int64(min(p.stream.Wait(), s.maxDelay())))
			return
		}
		p.finish(true)
		return
	}
	if c.OutboundBuffered() > s.maxOutbound() {
		// The client does not read: the next piece waits until the output
		// has gone down (the write timeout cuts a client that never reads).
		p.wait(ws, now+int64(pollInterval))
		p.due = 0 // nothing is sent then, so it is not late
		return
	}
	bb := bytebufferpool.Get()
	out, done := p.stream.Next(bb.B[:0])
	open := cn.send(out)
	bb.B = out
	bytebufferpool.Put(bb)
	if v, stack := p.stream.Panic(); v != nil {
		s.notePanicValue("stream", v, stack)
	}
	if !open {
		return // the write failed and closed the connection, which cancelled p
	}
	if !done {
		p.wait(ws, now+int64(min(p.stream.Wait(), s.maxDelay())))
		return
	}
	p.finish(p.stream.KeepAlive())
}

// send writes b to the connection and counts it. Output written when none
// is waiting starts the write-stall count afresh: whatever a check last saw
// waiting has all left since.
//
// It reports whether the connection is still open. A write that fails (the
// client has reset the connection) makes gnet close it inside Write, and
// OnClose has then run: the caller must not touch what OnClose released,
// nor the descriptor, whose number may already belong to another
// connection.
func (cn *conn) send(b []byte) (open bool) {
	if len(b) == 0 {
		return !cn.closed
	}
	if w := cn.w; w != nil && w.outSeen != 0 && cn.c.OutboundBuffered() == 0 {
		w.outSeen, w.outSince = 0, 0
	}
	cn.ws.stats.bytesOut.Add(uint64(len(b)))
	_, _ = cn.c.Write(b)
	return !cn.closed
}

// finish ends the pending answer once its last byte is written: the
// connection closes after it, or goes on with the requests that arrived
// meanwhile.
func (p *pendingAnswer) finish(streamKeepAlive bool) {
	cn := p.cn
	ws := cn.ws
	cn.w.later = nil
	ws.stats.pending.Add(-1)
	c := cn.c
	if j := p.job; j != nil {
		// The worker's pipeline goes on: the responses after this one are
		// written, and the job is done as if AsyncWrite had written it.
		j.keepAlive = p.keepAlive && streamKeepAlive
		pl := j.pl
		pl.mu.Lock()
		pl.holding = false
		if !j.keepAlive {
			pl.closing = true
		}
		pl.flush()
		pl.mu.Unlock()
		_ = j.onWritten(c, nil)
		cn.resume(c)
		return
	}
	if !p.keepAlive || !streamKeepAlive || ws.s.draining.Load() {
		if cn.closeAfterResponse(c) == gnet.Close {
			_ = ws.loop.Close(c)
		}
		return
	}
	cn.settle()
	cn.wait(waitIdle, ws.s.idleTimeout())
	cn.resume(c)
}

// resume reads the requests that arrived while an answer was pending: a
// wake-up that came meanwhile found the connection waiting and read
// nothing.
func (cn *conn) resume(c gnet.Conn) {
	if cn.closed || cn.later() != nil || cn.state != stateOpen || c.InboundBuffered() == 0 {
		return
	}
	if cn.onTraffic(c) == gnet.Close {
		_ = cn.ws.loop.Close(c)
	}
}

// cancel drops the pending answer of a connection that has closed: its
// timer, its held bytes and its stream.
func (p *pendingAnswer) cancel() {
	ws := p.cn.ws
	ws.unschedule(&p.t)
	if p.held != nil {
		bytebufferpool.Put(p.held)
		p.held = nil
	}
	if p.stream != nil {
		p.stream.Cancel()
	}
	ws.stats.pending.Add(-1)
	p.cn.w.later = nil
	if j := p.job; j != nil {
		j.pl.drop(j, false) // the connection is gone: drops what waited behind
	}
}

func (s *Server) maxDelay() time.Duration { return orDefault(s.MaxDelay, DefaultMaxDelay) }

func (s *Server) maxPendingAnswers() int {
	if s.MaxPendingAnswers > 0 {
		return s.MaxPendingAnswers
	}
	return DefaultMaxPendingAnswers
}
