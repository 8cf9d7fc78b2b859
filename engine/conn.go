package engine

import (
	"context"
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
)

// continueLine is the interim response that lets a client waiting on
// "Expect: 100-continue" send its body.
const continueLine = "HTTP/1.1 100 Continue\r\n\r\n"

// conn is the state fastbase keeps per connection. It is kept small because
// idle keep-alive connections are the common case under load: everything a
// request needs while it is being answered lives in the event loop's
// workspace, and a parser is attached only while a request is incomplete.
// A conn is only touched by its event loop.
type conn struct {
	c      gnet.Conn
	ws     *workspace
	parser *codec.Parser // non-nil only while a partial header block is buffered
	body   *streamedBody // non-nil only while a streamed body is arriving
	// need is the number of inbound bytes, counted from the start of the
	// buffer, that must have arrived before parsing again: a header block
	// whose body is still on its way.
	need int
	// deadline (unix nanoseconds of the server's coarse clock) ends the wait
	// that kind names.
	deadline int64
	// outSeen and outSince track a write stall: the outbound byte count at
	// the last sweep and when it last went down.
	outSeen   int
	outSince  int64
	held      int   // bytes held at the last count (see holding)
	index     int32 // position in ws.conns
	state     connState
	kind      waitKind
	unread    bool // the client sent bytes the server will never read
	continued bool // "100 Continue" was sent for the pending request
	paused    bool // parsing stopped until the outbound buffer drains
	// pl orders the responses of requests answered on workers; nil until
	// the connection's first such request.
	pl *pipeline
}

// workspace is what one event loop needs to answer requests. Requests are
// answered synchronously on the loop, so one workspace serves all of its
// connections in turn.
type workspace struct {
	s      *Server
	loop   gnet.EventLoop
	parser *codec.Parser // the loop's parser for connections without one
	req    codec.Request
	hreq   handler.Request
	info   handler.ConnInfo
	log    []byte  // access-log lines of the current batch
	conns  []*conn // the loop's connections, for the sweep
	stats  loopStats
	// held is what the loop's connections hold, as last counted, against
	// the loop's share of MaxBufferedBytes; victims is scratch for shed.
	held    int64
	victims []*conn
	// sweeper runs sweep on the loop; made once so that OnTick does not
	// allocate a closure per tick.
	sweeper gnet.RunnableFunc
}

func newWorkspace(s *Server, el gnet.EventLoop, name string) *workspace {
	ws := &workspace{s: s, loop: el, parser: &codec.Parser{Limits: s.limits()}}
	ws.info.Runner = name
	ws.sweeper = func(context.Context) error {
		ws.sweep(s.now())
		return nil
	}
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

// onTraffic answers every complete request that has arrived on c.
func (cn *conn) onTraffic(c gnet.Conn) gnet.Action {
	if action, wait := cn.gate(c); wait {
		return action
	}
	buf, err := c.Peek(-1)
	if err != nil || len(buf) == 0 {
		return gnet.None
	}
	ws := cn.ws
	s := ws.s
	ws.fillConnInfo(c)
	bb := bytebufferpool.Get()
	out := bb.B[:0]
	consumed, keepAlive := 0, true
	ws.stats.inFlight.Store(1)
	for consumed < len(buf) && keepAlive {
		if c.OutboundBuffered()+len(out) > s.maxOutbound() {
			cn.paused = true
			break
		}
		rest := buf[consumed:]
		if cn.body != nil {
			n, done, err := cn.body.feed(rest, s)
			consumed += n
			if err == nil && !done {
				cn.kind, cn.deadline = waitBody, s.now()+int64(s.headerTimeout())
				break
			}
			b := cn.body
			cn.body, cn.continued = nil, false
			if err == nil {
				if s.pool != nil && cn.dispatchStreamed(c, b) {
					b.release()
					if cn.pl.final {
						break
					}
					continue
				}
				out, keepAlive = ws.answerStreamed(out, b)
				b.release()
				continue
			}
			b.release()
			if ws.reparse(b) != nil {
				ws.req = codec.Request{Headers: ws.req.Headers[:0], ContentLength: -1}
			}
			out = ws.answerError(out, err)
			keepAlive, cn.unread = false, true
			consumed = len(buf)
			break
		}
		p := cn.parser
		if p == nil {
			p = ws.parser
		}
		n, err := p.Parse(rest, &ws.req)
		if err == codec.ErrNeedMore {
			cn.waitForHeader(p)
			break
		}
		cn.parser = nil
		if err == nil && ws.streamBody(n, len(rest)) {
			if s.pool != nil && cn.busy() {
				// Its answer must follow those still on workers, and
				// a body is streamed only when none is pending.
				cn.pl.stalled = true
				break
			}
			if err = ws.checkBody(); err == nil {
				cn.startBody(rest[:n])
				cn.invite100(len(rest) == n, &out)
				consumed += n
				continue
			}
		}
		if err == nil {
			var bodyLen int
			if bodyLen, err = ws.bodyLength(); err == nil {
				if total := n + bodyLen; len(rest) < total {
					cn.waitForBody(total, &out)
					break
				}
				cn.need, cn.continued = 0, false
				if s.pool != nil && (cn.busy() || ws.offload()) {
					if !cn.dispatch(c, rest[:n], rest[n:n+bodyLen]) {
						break
					}
					consumed += n + bodyLen
					if cn.pl.final {
						break
					}
					continue
				}
				out, keepAlive = ws.answer(out, rest[n:n+bodyLen])
				consumed += n + bodyLen
				continue
			}
		}
		// The request is rejected and the connection closes after the
		// answer. Whatever else the client sent is never read: the client
		// may still be sending it, so the close must linger.
		out = ws.answerError(out, err)
		keepAlive, cn.unread = false, true
		consumed = len(buf)
	}
	ws.stats.inFlight.Store(0)
	ws.stats.bytesIn.Add(uint64(consumed))
	if len(out) > 0 {
		ws.stats.bytesOut.Add(uint64(len(out)))
		_, _ = c.Write(out)
	}
	bb.B = out
	bytebufferpool.Put(bb)
	ws.flushLog()
	if consumed > 0 {
		_, _ = c.Discard(consumed)
	}
	if !keepAlive {
		return cn.closeAfterResponse(c)
	}
	if cn.parser == nil && cn.need == 0 && cn.body == nil && !cn.paused {
		cn.kind, cn.deadline = waitIdle, s.now()+int64(s.idleTimeout())
	}
	return gnet.None
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
	if cn.pl != nil && cn.pl.final {
		// The last request is on a worker; nothing after it is read.
		cn.discardInbound(c)
		return gnet.None, true
	}
	if c.InboundBuffered() > s.inboundMax+readChunk {
		cn.ws.stats.cutInbound.Add(1)
		return gnet.Close, true
	}
	if cn.paused {
		// The client sends faster than it reads: its requests wait in the
		// inbound buffer until half of the output has left.
		if c.OutboundBuffered() > s.maxOutbound()/2 {
			return gnet.None, true
		}
		cn.paused = false
	}
	if cn.need > 0 && c.InboundBuffered() < cn.need {
		cn.deadline = s.now() + int64(s.headerTimeout())
		return gnet.None, true
	}
	return gnet.None, false
}

// waitForHeader keeps the parser p, which has started on a header block
// that is not whole yet, with the connection, and starts the header timeout
// if this is a new request: a client that trickles its header does not get
// more time with every byte.
func (cn *conn) waitForHeader(p *codec.Parser) {
	if cn.parser != p {
		ws := cn.ws
		cn.parser = p
		ws.parser = &codec.Parser{Limits: ws.s.limits()}
	}
	if cn.kind != waitHeader {
		cn.kind, cn.deadline = waitHeader, cn.ws.s.now()+int64(cn.ws.s.headerTimeout())
	}
}

// waitForBody records that the request just parsed needs total bytes before
// it can be answered, and invites the body with "100 Continue" when the
// client asked for that. The header block is parsed again once everything
// has arrived: one more pass over the headers rather than one per read.
func (cn *conn) waitForBody(total int, out *[]byte) {
	s := cn.ws.s
	cn.need = total
	cn.kind, cn.deadline = waitBody, s.now()+int64(s.headerTimeout())
	cn.invite100(true, out)
}

// invite100 sends "100 Continue" when the request just parsed asked for it
// and none of its body has arrived yet (RFC 9110 §10.1.1: a server that has
// begun to receive the body need not send it).
func (cn *conn) invite100(noBodyYet bool, out *[]byte) {
	r := &cn.ws.req
	if r.Expect100 && noBodyYet && !cn.continued && r.Major == 1 && r.Minor >= 1 {
		*out = append(*out, continueLine...)
		cn.continued = true
	}
}

// bodyLength returns how many body bytes follow the header block just
// parsed, or an error to answer with.
func (ws *workspace) bodyLength() (int, error) {
	if err := ws.checkBody(); err != nil {
		return 0, err
	}
	return int(max(ws.req.ContentLength, 0)), nil
}

// checkBody refuses at once a body declared larger than MaxBodyBytes, before
// any of it is read (and before "100 Continue" could invite it).
func (ws *workspace) checkBody() error {
	if ws.req.ContentLength > ws.s.maxBody() {
		return tooLarge
	}
	return nil
}

// answer runs the handler for the request in ws.req with the given body and
// appends its response to out. It reports whether the connection may stay
// open.
func (ws *workspace) answer(out, body []byte) ([]byte, bool) {
	h := ws.s.Handler
	ws.hreq.Begin(h, &ws.info, &ws.req, body, out)
	return ws.serve(h)
}

// serve runs h for the request begun in ws.hreq and finishes it.
func (ws *workspace) serve(h *handler.Handler) ([]byte, bool) {
	if ws.s.draining.Load() {
		ws.hreq.SetCloseConnection(true)
	}
	h.Serve(&ws.hreq)
	out, keepAlive := ws.hreq.Finish()
	ws.stats.requests[methodSlot(ws.req.Method)][statusSlot(ws.hreq.Status())].Add(1)
	ws.logRequest()
	return out, keepAlive
}

// answerError appends the error response for a request that could not be
// parsed or framed.
func (ws *workspace) answerError(out []byte, err error) []byte {
	e, ok := err.(*codec.Error)
	if !ok {
		e = &codec.Error{Status: 400}
	}
	ws.stats.parseErrors[statusSlot(e.Status)].Add(1)
	h := ws.s.Handler
	ws.hreq.Begin(h, &ws.info, &ws.req, nil, out)
	ws.hreq.ServeParseError(e)
	out, _ = ws.hreq.Finish()
	ws.logRequest()
	return out
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
	cn.parser, cn.need, cn.paused = nil, 0, false
	cn.releaseBody()
	if c.OutboundBuffered() > 0 {
		cn.state = stateFlushing
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
	cn.kind, cn.deadline = waitLinger, cn.ws.s.now()+int64(lingerTime)
	return gnet.None
}

// releaseBody drops a streamed body that will not be answered.
func (cn *conn) releaseBody() {
	if cn.body != nil {
		cn.body.release()
		cn.body = nil
	}
}

// timeoutError is the answer to a client too slow to send its request.
var timeoutError = &codec.Error{Status: 408}

// sweep enforces the deadlines of the workspace's connections and moves
// closing ones along. It runs on the event loop, from OnTick via Execute.
func (ws *workspace) sweep(now int64) {
	// Iterate backwards: closing a connection swaps the last one into its
	// place, which has been visited already.
	for i := len(ws.conns) - 1; i >= 0; i-- {
		if i >= len(ws.conns) {
			continue
		}
		cn := ws.conns[i]
		if action := cn.check(now); action == gnet.Close {
			_ = ws.loop.Close(cn.c)
		}
	}
	ws.shed(nil)
}

// check looks at one connection's deadlines at time now.
func (cn *conn) check(now int64) gnet.Action {
	c := cn.c
	s := cn.ws.s
	if pending := c.OutboundBuffered(); pending > 0 {
		// Output is on its way: only a client that stops reading for the
		// write timeout is cut off.
		if pending < cn.outSeen || cn.outSeen == 0 {
			cn.outSince = now
		}
		cn.outSeen = pending
		if now-cn.outSince > int64(s.writeTimeout()) {
			return gnet.Close
		}
		return gnet.None
	}
	cn.outSeen = 0
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
	if cn.parser == nil && cn.need == 0 && cn.body == nil {
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
	ws.req = codec.Request{Headers: ws.req.Headers[:0], ContentLength: -1}
	bb := bytebufferpool.Get()
	bb.B = ws.answerError(bb.B[:0], e)
	ws.stats.bytesOut.Add(uint64(len(bb.B)))
	_, _ = c.Write(bb.B)
	bytebufferpool.Put(bb)
	ws.flushLog()
	cn.unread = true
	return cn.closeAfterResponse(c)
}
