package engine

import (
	"net"
	"net/netip"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// connState says where a connection is in its life.
type connState uint8

const (
	// stateOpen: requests are read and answered.
	stateOpen connState = iota
	// stateFlushing: the last response is written but not all of it has left
	// gnet's outbound buffer; the connection closes once it has.
	stateFlushing
	// stateLingering: the write side is shut down after the last response;
	// whatever the client still sends is discarded until it closes or the
	// linger deadline passes.
	stateLingering
)

// waitKind says what a connection's deadline is for.
type waitKind uint8

const (
	waitHeader waitKind = iota // a request's header block (408 when late)
	waitBody                   // the next bytes of a request body (408 when late)
	waitIdle                   // the next request on a keep-alive connection (silent close)
	waitLinger                 // the client's EOF after a half-close (close)
	waitAnswer                 // the connection's own answer, which comes later (no timeout)
)

// conn is the state fastbase keeps per connection. It is kept small because
// idle keep-alive connections are the common case under load: everything a
// request needs while it is being answered lives in the event loop's
// workspace, and what a connection must keep across batches while a request
// is in progress on it (a partial header block, a body on its way, an answer
// that comes later, output that has not left) is in a connWork, attached
// only meanwhile (see work and settle). A conn is only touched by its event
// loop.
type conn struct {
	c  gnet.Conn
	ws *workspace
	// w is nil while nothing of a request is outstanding.
	w *connWork
	// deadline (unix nanoseconds of the server's coarse clock) ends the wait
	// that kind names.
	deadline int64
	held     int // bytes held at the last count (see holding)
	// t is the connection's place on its loop's wheel: due at the deadline,
	// or sooner while output is on its way (see arm).
	t         timer
	index     int32 // position in ws.conns
	state     connState
	kind      waitKind
	unread    bool // the client sent bytes the server will never read
	continued bool // "100 Continue" was sent for the pending request
	paused    bool // parsing stopped until the outbound buffer drains
	closed    bool // OnClose has run
	aborted   bool // a handler asked for a reset (ResetConnection)
}

// connWork is what a connection keeps across batches while a request is in
// progress on it. A connection takes one from its workspace when it first
// needs a field of it and gives it back once every field is zero again
// (settle), so that an idle connection is its conn alone. One that has had
// a request on a worker keeps its connWork (pl is never cleared): workers
// reach the pipeline through it.
type connWork struct {
	parser *codec.Parser // non-nil only while a partial header block is buffered
	body   *streamedBody // non-nil only while a streamed body is arriving
	// waiting is the parsed request whose body waits to be whole in gnet's
	// buffer; nil otherwise.
	waiting *heldRequest
	// pl orders the responses of requests answered on workers; nil until
	// the connection's first such request.
	pl *pipeline
	// later is the connection's answer that comes later, if one is
	// pending; nothing more is read until it is over.
	later *pendingAnswer
	// need is the number of inbound bytes, counted from the start of the
	// buffer, that must have arrived before parsing again: a header block
	// whose body is still on its way.
	need int
	// outSeen and outSince track a write stall: the outbound byte count at
	// the last check and when it last went down. Output written into an
	// empty outbound buffer clears them (conn.send, job.onWritten).
	outSeen  int
	outSince int64
}

// work returns cn's connWork, attaching one if it has none.
func (cn *conn) work() *connWork {
	if w := cn.w; w != nil {
		return w
	}
	w := cn.ws.takeWork()
	cn.w = w
	return w
}

// settle gives cn's connWork back to the workspace once nothing is left in
// it. It is called where a connection may have become idle; nothing may
// hold cn.w across it.
func (cn *conn) settle() {
	if w := cn.w; w != nil && *w == (connWork{}) {
		cn.w = nil
		cn.ws.putWork(w)
	}
}

// The fields of cn's connWork, nil or zero while it has none.

func (cn *conn) parser() *codec.Parser {
	if w := cn.w; w != nil {
		return w.parser
	}
	return nil
}

func (cn *conn) body() *streamedBody {
	if w := cn.w; w != nil {
		return w.body
	}
	return nil
}

func (cn *conn) waiting() *heldRequest {
	if w := cn.w; w != nil {
		return w.waiting
	}
	return nil
}

func (cn *conn) pl() *pipeline {
	if w := cn.w; w != nil {
		return w.pl
	}
	return nil
}

func (cn *conn) later() *pendingAnswer {
	if w := cn.w; w != nil {
		return w.later
	}
	return nil
}

func (cn *conn) need() int {
	if w := cn.w; w != nil {
		return w.need
	}
	return 0
}

// clearParser and clearNeed zero a field of cn's connWork, if it has one.
func (cn *conn) clearParser() {
	if w := cn.w; w != nil {
		w.parser = nil
	}
}

func (cn *conn) clearNeed() {
	if w := cn.w; w != nil {
		w.need = 0
	}
}

// maxSpareWork bounds the connWorks a workspace keeps for reuse.
const maxSpareWork = 64

// takeWork returns a zero connWork, a spare one if there is one.
func (ws *workspace) takeWork() *connWork {
	if n := len(ws.spare); n > 0 {
		w := ws.spare[n-1]
		ws.spare[n-1] = nil
		ws.spare = ws.spare[:n-1]
		return w
	}
	return new(connWork)
}

// putWork keeps w, which is zero, for reuse while there is room.
func (ws *workspace) putWork(w *connWork) {
	if len(ws.spare) < maxSpareWork {
		ws.spare = append(ws.spare, w)
	}
}

// workspace is what one event loop needs to answer requests. Requests are
// answered synchronously on the loop, so one workspace serves all of its
// connections in turn.
type workspace struct {
	s      *Server
	loop   gnet.EventLoop
	parser *codec.Parser // the loop's parser for connections without one
	req    codec.Request
	hreq   handler.Exchange
	info   handler.ConnInfo
	log    []byte  // access-log lines of the current batch
	conns  []*conn // the loop's connections
	stats  loopStats
	tally  tally // requests of the current batch, not yet in stats
	timers loopTimers
	batch  batch // what the current OnTraffic works on
	// held is what the loop's connections hold, as last counted, against
	// the loop's share of MaxBufferedBytes; victims is scratch for shed.
	held    int64
	victims []*conn
	spare   []*connWork // given back by idle connections (see settle)
}

func newWorkspace(s *Server, el gnet.EventLoop, name string) *workspace {
	ws := &workspace{s: s, loop: el, parser: &codec.Parser{Limits: s.limits()}}
	ws.info.Runner = name
	ws.initTimers(time.Now().UnixNano())
	return ws
}

// add registers a new connection with its workspace.
func (ws *workspace) add(cn *conn) {
	cn.index = int32(len(ws.conns))
	ws.conns = append(ws.conns, cn)
	ws.stats.accepted.Add(1)
}

// remove forgets a closed connection.
func (ws *workspace) remove(cn *conn) {
	last := ws.conns[len(ws.conns)-1]
	ws.conns[cn.index] = last
	last.index = cn.index
	ws.conns[len(ws.conns)-1] = nil
	ws.conns = ws.conns[:len(ws.conns)-1]
	ws.stats.closed.Add(1)
}

// gate decides whether the bytes that arrived on c are to be parsed now.
// When they are not, it reports wait and the action to return: a closing
// connection drops them, a client that holds more unconsumed input than
// MaxInboundBytes is cut off (gnet cannot stop reading it), and a paused
// connection or a body still on its way waits.
func (cn *conn) gate(c gnet.Conn) (gnet.Action, bool) {
	switch cn.state {
	case stateFlushing:
		cn.discardInbound(c)
		return cn.finishClose(c), true
	case stateLingering:
		cn.discardInbound(c)
		return gnet.None, true
	}
	s := cn.ws.s
	if pl := cn.pl(); pl != nil && pl.final {
		// The last request is on a worker; nothing after it is read.
		cn.discardInbound(c)
		return gnet.None, true
	}
	if c.InboundBuffered() > s.inboundMax+readChunk {
		cn.ws.stats.cutInbound.Add(1)
		return gnet.Close, true
	}
	if cn.later() != nil {
		// An answer is pending: what arrives meanwhile waits its turn.
		return gnet.None, true
	}
	if cn.paused {
		// The client sends faster than it reads: its requests wait in the
		// inbound buffer until half of the output has left.
		if c.OutboundBuffered() > s.maxOutbound()/2 {
			return gnet.None, true
		}
		cn.paused = false
	}
	if need := cn.need(); need > 0 && c.InboundBuffered() < need {
		cn.wait(waitBody, s.headerTimeout())
		return gnet.None, true
	}
	return gnet.None, false
}

// connInfo returns the workspace's ConnInfo for the connection of the
// current batch, converting its addresses on the batch's first call: a
// batch answered with Prepared answers alone needs none.
func (ws *workspace) connInfo() *handler.ConnInfo {
	if b := &ws.batch; !b.info {
		ws.fillConnInfo(b.c)
		b.info = true
	}
	return &ws.info
}

// fillConnInfo sets the addresses of c in the workspace's ConnInfo.
func (ws *workspace) fillConnInfo(c gnet.Conn) {
	ws.info.Remote = addrPort(c.RemoteAddr())
	ws.info.Local = addrPort(c.LocalAddr())
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		ap := t.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

// logRequest appends the access-log lines of the request just answered.
func (ws *workspace) logRequest() {
	if ws.s.AccessLog == nil {
		return
	}
	ws.log = handler.AppendRequestLog(ws.log, &ws.hreq, time.Now())
}

// flushLog writes the batch's access-log lines.
func (ws *workspace) flushLog() {
	if len(ws.log) == 0 {
		return
	}
	_, _ = ws.s.AccessLog.Write(ws.log)
	ws.log = ws.log[:0]
}

// discardInbound drops whatever the client has sent. (Discard(0) would drop
// everything too, but says so less clearly.)
func (cn *conn) discardInbound(c gnet.Conn) {
	if n := c.InboundBuffered(); n > 0 {
		cn.unread = true
		cn.ws.stats.bytesIn.Add(uint64(n))
		_, _ = c.Discard(n)
	}
}

// closeAfterResponse starts closing c once its last response has been
// written: at once when the output has drained, otherwise after it drains.
func (cn *conn) closeAfterResponse(c gnet.Conn) gnet.Action {
	cn.discardInbound(c)
	cn.clearParser()
	cn.clearNeed()
	cn.paused = false
	cn.releaseWaiting()
	cn.releaseBody()
	if c.OutboundBuffered() > 0 {
		cn.state = stateFlushing
		cn.arm()
		return gnet.None
	}
	return cn.finishClose(c)
}

// finishClose closes c if its output has drained. A client that sent bytes
// the server did not read gets a half-close instead: a full close with
// unread input makes the kernel send a reset, which can destroy the response
// before the client has read it.
func (cn *conn) finishClose(c gnet.Conn) gnet.Action {
	if c.OutboundBuffered() > 0 {
		return gnet.None
	}
	if !cn.unread {
		return gnet.Close
	}
	if err := syscall.Shutdown(c.Fd(), syscall.SHUT_WR); err != nil {
		return gnet.Close
	}
	cn.state = stateLingering
	cn.wait(waitLinger, lingerTime)
	return gnet.None
}

// releaseBody drops a streamed body that will not be answered.
func (cn *conn) releaseBody() {
	if b := cn.body(); b != nil {
		b.release()
		cn.w.body = nil
	}
}

// timeoutError is the answer to a client too slow to send its request.
var timeoutError = &codec.Error{Status: 408}

// pollInterval is how often a connection whose output is on its way is
// looked at: gnet says nothing when an outbound buffer drains, so a
// connection that waits for that (to close, to resume parsing, to tell a
// stalled client from a slow one) is polled.
const pollInterval = tickInterval

// wait records what the connection waits for now and when that wait ends.
func (cn *conn) wait(kind waitKind, d time.Duration) {
	cn.kind, cn.deadline = kind, cn.ws.s.now()+int64(d)
	cn.arm()
}

// arm schedules the connection's next check: at its deadline, or within
// pollInterval while it waits on its output or the server drains. Moving
// the timer later, what a keep-alive request does, costs the wheel almost
// nothing.
func (cn *conn) arm() {
	if cn.closed {
		return
	}
	now := cn.ws.s.now()
	at := cn.deadline
	switch {
	case at <= now:
		// A deadline that passed without a close (its requests are on
		// workers) is looked at again after a while, not at once.
		at = now + int64(pollInterval)
	case cn.polled():
		at = min(at, now+int64(pollInterval))
	}
	cn.ws.schedule(&cn.t, at, cn)
}

// polled reports whether the connection must be looked at before its
// deadline.
func (cn *conn) polled() bool {
	return cn.state == stateFlushing || cn.paused || cn.c.OutboundBuffered() > 0 || cn.ws.s.draining.Load()
}

// expire is the connection's timer: it enforces the deadlines, moves a
// closing connection along and, as gnet says nothing when output leaves,
// counts again what the connection holds against the loop's budget; then
// it arms the next check. It runs on the loop.
func (cn *conn) expire(now int64) {
	if cn.closed {
		return
	}
	if cn.check(now) == gnet.Close || !cn.closed && cn.ws.overBudget(cn) {
		if !cn.closed {
			_ = cn.ws.loop.Close(cn.c)
		}
		return
	}
	cn.arm()
}

// check looks at one connection's deadlines at time now.
func (cn *conn) check(now int64) gnet.Action {
	c := cn.c
	s := cn.ws.s
	if pending := c.OutboundBuffered(); pending > 0 {
		// Output is on its way: only a client that stops reading for the
		// write timeout is cut off.
		w := cn.work()
		if pending < w.outSeen || w.outSeen == 0 {
			w.outSince = now
		}
		w.outSeen = pending
		if now-w.outSince > int64(s.writeTimeout()) {
			return gnet.Close
		}
		return gnet.None
	}
	if w := cn.w; w != nil && w.outSeen != 0 {
		w.outSeen, w.outSince = 0, 0
		cn.settle()
	}
	switch {
	case cn.state == stateFlushing:
		return cn.finishClose(c)
	case cn.busy():
		return gnet.None
	case cn.paused:
		return cn.onTraffic(c)
	case cn.idleWhileDraining(c, now):
		return gnet.Close
	case now < cn.deadline:
		return gnet.None
	case cn.kind == waitHeader || cn.kind == waitBody:
		return cn.timedOut(c)
	}
	return gnet.Close
}

// timedOut answers a request that did not arrive in time with 408 and
// closes. A connection that has not sent a byte of a request is closed
// without an answer: there is no request to answer, and a client that
// reuses an idle connection at that moment must not read a 408 as the
// answer to its next request.
func (cn *conn) timedOut(c gnet.Conn) gnet.Action {
	if !cn.midRequest() {
		return gnet.Close
	}
	return cn.refuse(c, timeoutError)
}

// refuse answers e outside any request the parser read (a timeout, a
// connection over the cap) and closes once the answer is written. The
// client may be sending meanwhile, so the close lingers.
func (cn *conn) refuse(c gnet.Conn, e *codec.Error) gnet.Action {
	ws := cn.ws
	ws.fillConnInfo(c)
	ws.req.Reset()
	bb := bytebufferpool.Get()
	bb.B = ws.answerError(bb.B[:0], &ws.info, &ws.req, e)
	open := cn.send(bb.B)
	bytebufferpool.Put(bb)
	ws.flushLog()
	if !open {
		return gnet.None // the write failed and closed the connection
	}
	cn.unread = true
	return cn.closeAfterResponse(c)
}
