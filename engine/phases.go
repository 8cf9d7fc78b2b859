package engine

import (
	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// A request's life on its connection, as the bytes that arrive move it on.
// Each OnTraffic runs the connection through these phases, in this order,
// as far as the bytes go:
//
//   - gate: a closing connection drops what arrives; one waiting on an
//     answer in flight (later, or on workers), paused by back-pressure, or
//     waiting for the rest of a body leaves it in gnet's buffer.
//   - readHead: the next header block is parsed; a partial one stays with
//     its parser until more arrives, and a refused one is answered and
//     closes the connection (reject).
//   - readWholeBody: a body that fits waits whole in gnet's buffer (need),
//     and the request is answered once it is there.
//   - startStreamedBody and readStreamedBody: a chunked or large body is
//     read as it arrives into a streamedBody, and the request is answered
//     once it is complete.
//   - the answerer the server chose when it started answers: on the loop,
//     or on a worker; an answer may come later (later.go).
//   - endBatch: every answer of the batch leaves in one write, the bytes
//     used are discarded, and the connection waits for its next request or
//     closes.

// batch is what one OnTraffic works on: the bytes that have arrived (gnet's
// view, valid until OnTraffic returns), how many of them are used, and the
// answers written for them.
type batch struct {
	c         gnet.Conn
	buf       []byte
	used      int
	bb        *bytebufferpool.ByteBuffer
	out       []byte
	keepAlive bool
	// info says that the workspace's ConnInfo holds c's addresses; they
	// are converted on first use in a batch (see connInfo).
	info bool
}

// rest is what the batch has not used yet.
func (b *batch) rest() []byte { return b.buf[b.used:] }

// onTraffic answers every complete request that has arrived on c.
func (cn *conn) onTraffic(c gnet.Conn) gnet.Action {
	if action, wait := cn.gate(c); wait {
		return action
	}
	buf, err := c.Peek(-1)
	if err != nil || len(buf) == 0 {
		return gnet.None
	}
	b := cn.startBatch(c, buf)
	for b.keepAlive && b.used < len(b.buf) && cn.later() == nil && !cn.aborted && cn.step(b) {
	}
	return cn.endBatch(b)
}

// startBatch readies the loop's batch for the bytes buf that arrived on c.
func (cn *conn) startBatch(c gnet.Conn, buf []byte) *batch {
	ws := cn.ws
	ws.stats.inFlight.Store(1)
	b := &ws.batch
	*b = batch{c: c, buf: buf, bb: bytebufferpool.Get(), keepAlive: true}
	b.out = b.bb.B[:0]
	return b
}

// step takes the connection one phase further on b and reports whether
// another may follow.
func (cn *conn) step(b *batch) bool {
	if b.c.OutboundBuffered()+len(b.out) > cn.ws.s.maxOutbound() {
		// The client sends faster than it reads: the rest waits until
		// its output has gone down (see gate).
		cn.paused = true
		return false
	}
	if cn.body() != nil {
		return cn.readStreamedBody(b)
	}
	return cn.readHead(b)
}

// readHead parses the next header block and sends the request on to the
// phase its body needs.
func (cn *conn) readHead(b *batch) bool {
	if w := cn.waiting(); w != nil {
		// Parsed already; its body has arrived since.
		return cn.readWholeBody(b, &w.req, w.buf[:w.headLen])
	}
	ws := cn.ws
	req := &ws.req
	p := cn.parser()
	if p == nil {
		p = ws.parser
	}
	rest := b.rest()
	n, err := p.Parse(rest, req)
	if err == codec.ErrNeedMore {
		cn.waitForHeader(p, b.used > 0)
		return false
	}
	cn.clearParser()
	switch {
	case err != nil && cn.busy():
		// The error's answer must follow those still on workers: the
		// block is parsed again once they are written.
		return cn.stall()
	case err != nil:
		return cn.reject(b, req, err)
	case ws.s.streamBody(req, n, len(rest)):
		return cn.startStreamedBody(b, req, n)
	}
	return cn.readWholeBody(b, req, rest[:n])
}

// readWholeBody answers req, parsed from head (the header block at the
// start of the batch's rest, or the connection's copy of it), whose body,
// if any, waits whole in gnet's buffer; while it has not all arrived the
// connection waits for it.
func (cn *conn) readWholeBody(b *batch, req *codec.Request, head []byte) bool {
	s := cn.ws.s
	headLen, bodyLen := len(head), int(max(req.ContentLength, 0))
	rest := b.rest()
	total := headLen + bodyLen
	err := s.checkBody(req)
	if (err != nil || len(rest) < total && req.Expect100 && !cn.continued) && cn.busy() {
		// The error's answer, or "100 Continue", must follow the answers
		// still on workers: the request is read again once they are
		// written.
		return cn.stall()
	}
	if err != nil {
		return cn.reject(b, req, err)
	}
	if len(rest) < total {
		cn.waitForBody(req, head, total, &b.out)
		return false
	}
	cn.clearNeed()
	cn.continued = false
	more := s.answerer.whole(cn, b, req, head, rest[headLen:headLen+bodyLen])
	if cn.waiting() != nil {
		cn.releaseWaiting()
	}
	return more
}

// startStreamedBody begins a body that is read as it arrives.
func (cn *conn) startStreamedBody(b *batch, req *codec.Request, headLen int) bool {
	if cn.busy() {
		// Its answer must follow those still on workers, and a body is
		// streamed only when none is pending.
		return cn.stall()
	}
	if err := cn.ws.s.checkBody(req); err != nil {
		return cn.reject(b, req, err)
	}
	rest := b.rest()
	cn.startBody(req, rest[:headLen])
	cn.invite100(req, len(rest) == headLen, &b.out)
	b.used += headLen
	return true
}

// readStreamedBody reads what has arrived of a streamed body and answers
// the request once the body is complete.
func (cn *conn) readStreamedBody(b *batch) bool {
	s := cn.ws.s
	sb := cn.body()
	n, done, err := sb.feed(b.rest(), s)
	b.used += n
	if err == nil && !done {
		cn.wait(waitBody, s.headerTimeout())
		return false
	}
	cn.w.body, cn.continued = nil, false
	if err != nil {
		sb.release()
		return cn.reject(b, &sb.req, err)
	}
	return s.answerer.streamed(cn, b, sb)
}

// stall leaves the rest of the batch unread until an answer still on a
// worker has been written: its onWritten wakes the connection, which reads
// on from there.
func (cn *conn) stall() bool {
	cn.pl().stalled = true
	return false
}

// reject answers a request refused by the parser or over a limit, and the
// connection closes after the answer. Whatever else the client sent is
// never read: the client may still be sending it, so the close lingers.
func (cn *conn) reject(b *batch, req *codec.Request, err error) bool {
	b.out = cn.ws.answerError(b.out, cn.ws.connInfo(), req, err)
	b.keepAlive, cn.unread = false, true
	b.used = len(b.buf)
	return false
}

// endBatch writes the batch's answers at once, lets go of the bytes it
// used, and leaves the connection waiting for what comes next.
func (cn *conn) endBatch(b *batch) gnet.Action {
	ws := cn.ws
	c := b.c
	ws.stats.inFlight.Store(0)
	ws.stats.bytesIn.Add(uint64(b.used))
	ws.tally.flush()
	open := cn.send(b.out)
	b.bb.B = b.out
	bytebufferpool.Put(b.bb)
	ws.flushLog()
	used, keepAlive := b.used, b.keepAlive
	ws.batch = batch{}
	if !open {
		return gnet.None // the write failed and gnet closed the connection under it
	}
	if used > 0 {
		_, _ = c.Discard(used)
	}
	if cn.aborted {
		return resetConnection(c)
	}
	if !keepAlive {
		return cn.closeAfterResponse(c)
	}
	if cn.between() {
		cn.settle()
		cn.wait(waitIdle, ws.s.idleTimeout())
	} else {
		cn.arm()
	}
	return gnet.None
}

// between reports whether the connection is between requests: no part of
// the next one has arrived, and nothing of the last is outstanding.
func (cn *conn) between() bool {
	return !cn.midRequest() && cn.later() == nil && !cn.paused
}

// midRequest reports whether part of a request has arrived: a header
// block, or a header block and part of its body.
func (cn *conn) midRequest() bool {
	w := cn.w
	return w != nil && (w.parser != nil || w.waiting != nil || w.body != nil)
}

// waitForHeader keeps the parser p, which has started on a header block
// that is not whole yet, with the connection, and starts the header timeout
// if this is a new request: a client that trickles its header does not get
// more time with every byte. begun says that the block began after other
// bytes of the batch, which ended the request before it: a block that goes
// on from an earlier batch always starts the batch. A new connection's
// first block has the header timeout that began when it opened.
func (cn *conn) waitForHeader(p *codec.Parser, begun bool) {
	if cn.parser() != p {
		ws := cn.ws
		cn.work().parser = p
		ws.parser = &codec.Parser{Limits: ws.s.limits()}
	}
	if cn.kind != waitHeader || begun {
		cn.wait(waitHeader, cn.ws.s.headerTimeout())
	}
}

// waitForBody records that req, parsed from head, needs total bytes before
// it can be answered, and invites the body with "100 Continue" when the
// client asked for that. The parsed request is held until then (the bytes
// it was parsed from stay in gnet's buffer, which may move), so it is not
// parsed again.
func (cn *conn) waitForBody(req *codec.Request, head []byte, total int, out *[]byte) {
	w := cn.work()
	if w.waiting == nil {
		w.waiting = heldPool.Get().(*heldRequest)
		w.waiting.hold(req, head, 0)
	}
	w.need = total
	cn.wait(waitBody, cn.ws.s.headerTimeout())
	cn.invite100(&w.waiting.req, true, out)
}

// releaseWaiting lets go of the request held while its body arrived.
func (cn *conn) releaseWaiting() {
	if w := cn.waiting(); w != nil {
		cn.w.waiting = nil
		w.req.Reset()
		if cap(w.buf) <= maxKeptJobBuffer {
			heldPool.Put(w)
		}
	}
}

// invite100 sends "100 Continue" when req asked for it and none of its
// body has arrived yet (RFC 9110 §10.1.1: a server that has begun to
// receive the body need not send it).
func (cn *conn) invite100(req *codec.Request, noBodyYet bool, out *[]byte) {
	if req.Expect100 && noBodyYet && !cn.continued {
		*out = append(*out, codec.ContinueResponse...)
		cn.continued = true
	}
}

// checkBody refuses at once a body declared larger than MaxBodyBytes, before
// any of it is read (and before "100 Continue" could invite it).
func (s *Server) checkBody(req *codec.Request) error {
	if req.ContentLength > s.maxBody() {
		return tooLarge
	}
	return nil
}

// answerer runs the handler for a request that has arrived, body and all.
// Which one a server uses is chosen once, when it starts.
type answerer interface {
	// whole answers req, parsed from head, with body (a view into the
	// batch's bytes, which hold len(head) bytes of header block before it),
	// and reports whether the batch may go on.
	whole(cn *conn, b *batch, req *codec.Request, head, body []byte) bool
	// streamed answers the request of a streamed body, which it releases.
	streamed(cn *conn, b *batch, sb *streamedBody) bool
}

// loopAnswerer answers every request on the event loop.
type loopAnswerer struct{}

func (loopAnswerer) whole(cn *conn, b *batch, req *codec.Request, head, body []byte) bool {
	b.used += len(head) + len(body)
	b.out, b.keepAlive = cn.answer(b.out, req, body)
	return true
}

func (loopAnswerer) streamed(cn *conn, b *batch, sb *streamedBody) bool {
	b.out, b.keepAlive = cn.answerStreamed(b.out, sb)
	sb.release()
	return true
}

// poolAnswerer sends requests to the worker pool where the server or the
// handler asks for that (and, to keep their order, every request of a
// connection that has requests on workers), and answers the rest on the
// loop.
type poolAnswerer struct{}

func (poolAnswerer) whole(cn *conn, b *batch, req *codec.Request, head, body []byte) bool {
	if !cn.busy() && !cn.ws.s.offload(req) {
		return loopAnswerer{}.whole(cn, b, req, head, body)
	}
	if !cn.dispatch(b.c, req, head, body) {
		return false
	}
	b.used += len(head) + len(body)
	return !cn.pl().final
}

func (poolAnswerer) streamed(cn *conn, b *batch, sb *streamedBody) bool {
	if !cn.dispatchStreamed(b.c, sb) {
		return loopAnswerer{}.streamed(cn, b, sb)
	}
	sb.release()
	return !cn.pl().final
}

// answer runs the handler for req with the given body and appends its
// response to out. It reports whether the connection may stay open.
func (cn *conn) answer(out []byte, req *codec.Request, body []byte) ([]byte, bool) {
	ws := cn.ws
	h := ws.s.Handler
	if ws.s.AccessLog == nil && !ws.s.draining.Load() {
		// A Prepared answer with nothing to decide needs no Exchange.
		if done, status := h.AppendPrepared(out, req); status != 0 {
			ws.tally.add(&ws.stats.requests[codec.LookupMethod(req.Method)][statusSlot(status)])
			return done, true
		}
	}
	ws.hreq.Begin(h, ws.connInfo(), req, body, out)
	return cn.serve(h, len(out))
}

// serve runs h for the request begun in ws.hreq, whose response starts at
// out[start:], and finishes it; an answer that comes later is taken out of
// the batch (see deferAnswer).
func (cn *conn) serve(h *handler.Handler, start int) ([]byte, bool) {
	ws := cn.ws
	if ws.s.draining.Load() {
		ws.hreq.Request().SetCloseConnection(true)
	}
	h.Serve(ws.hreq.Request())
	if v, _ := ws.hreq.Panic(); v != nil {
		ws.s.notePanic(&ws.hreq)
	}
	out, keepAlive := ws.hreq.Finish()
	ws.tally.add(&ws.stats.requests[codec.LookupMethod(ws.hreq.Request().Parsed().Method)][statusSlot(ws.hreq.Status())])
	ws.logRequest()
	if ws.hreq.Aborted() {
		// The handler asked for a reset instead of its answer.
		cn.aborted = true
		return out[:start], true
	}
	delay, st := ws.hreq.Later()
	if delay <= 0 && st == nil {
		return out, keepAlive // the usual case: the answer is whole now
	}
	return cn.deferAnswer(out, start, keepAlive, delay, st)
}

// answerError appends the error response for req, which could not be
// parsed or framed or is refused, to out; info describes its connection.
func (ws *workspace) answerError(out []byte, info *handler.ConnInfo, req *codec.Request, err error) []byte {
	e, ok := err.(*codec.Error)
	if !ok {
		e = &codec.Error{Status: 400}
	}
	ws.stats.parseErrors[statusSlot(e.Status)].Add(1)
	ws.hreq.Begin(ws.s.Handler, info, req, nil, out)
	ws.hreq.ServeParseError(e)
	out, _ = ws.hreq.Finish()
	ws.logRequest()
	return out
}
