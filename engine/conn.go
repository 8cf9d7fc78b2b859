package engine

import (
	"net"
	"net/netip"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"
	"syscall"

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

// continueLine is the interim response that lets a client waiting on
// "Expect: 100-continue" send its body.
const continueLine = "HTTP/1.1 100 Continue\r\n\r\n"

// conn is the state fastbase keeps per connection. It is kept small because
// idle keep-alive connections are the common case under load: everything a
// request needs while it is being answered lives in the event loop's
// workspace, and a parser is attached only while a request is incomplete.
type conn struct {
	ws     *workspace
	parser *codec.Parser // non-nil only while a partial request is buffered
	// need is the number of inbound bytes, counted from the start of the
	// buffer, that must have arrived before parsing again: a header block
	// whose body is still on its way.
	need      int
	state     connState
	unread    bool // the client sent bytes the server will never read
	continued bool // "100 Continue" was sent for the pending request
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
	log    []byte // access-log lines of the current batch
}

func newWorkspace(s *Server, el gnet.EventLoop, name string) *workspace {
	ws := &workspace{s: s, loop: el, parser: &codec.Parser{Limits: s.Limits}}
	ws.info.Runner = name
	return ws
}

func (cn *conn) release() {
	cn.parser = nil
}

// onTraffic answers every complete request that has arrived on c.
func (cn *conn) onTraffic(c gnet.Conn) gnet.Action {
	switch cn.state {
	case stateFlushing:
		cn.discardInbound(c)
		return cn.finishClose(c)
	case stateLingering:
		cn.discardInbound(c)
		return gnet.None
	}
	if cn.need > 0 && c.InboundBuffered() < cn.need {
		return gnet.None
	}
	buf, err := c.Peek(-1)
	if err != nil || len(buf) == 0 {
		return gnet.None
	}

	ws := cn.ws
	ws.fillConnInfo(c)
	bb := bytebufferpool.Get()
	out := bb.B[:0]
	consumed, keepAlive := 0, true
	for consumed < len(buf) && keepAlive {
		p := cn.parser
		if p == nil {
			p = ws.parser
		}
		rest := buf[consumed:]
		n, err := p.Parse(rest, &ws.req)
		if err == codec.ErrNeedMore {
			cn.keepParser(p)
			break
		}
		cn.parser = nil
		if err == nil {
			var bodyLen int
			if bodyLen, err = ws.bodyLength(); err == nil {
				if total := n + bodyLen; len(rest) < total {
					cn.waitForBody(total, &out)
					break
				}
				cn.need, cn.continued = 0, false
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
	if len(out) > 0 {
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
	return gnet.None
}

// waitForBody records that the request just parsed needs total bytes before
// it can be answered, and invites the body with "100 Continue" when the
// client asked for that. The header block is parsed again once everything
// has arrived: one more pass over the headers rather than one per read.
func (cn *conn) waitForBody(total int, out *[]byte) {
	cn.need = total
	r := &cn.ws.req
	if r.Expect100 && !cn.continued && r.Major == 1 && r.Minor >= 1 {
		*out = append(*out, continueLine...)
		cn.continued = true
	}
}

// keepParser gives the connection its own parser for the partial request p
// has started on, and the workspace a fresh one if p was the workspace's.
func (cn *conn) keepParser(p *codec.Parser) {
	if cn.parser == p {
		return
	}
	ws := cn.ws
	cn.parser = p
	ws.parser = &codec.Parser{Limits: ws.s.Limits}
}

// bodyLength returns how many body bytes follow the header block just
// parsed, or an error to answer with.
func (ws *workspace) bodyLength() (int, error) {
	r := &ws.req
	if r.Chunked {
		return 0, &codec.Error{Status: 411, Message: "Chunked request bodies are not accepted; send Content-Length"}
	}
	if r.ContentLength <= 0 {
		return 0, nil
	}
	if r.ContentLength > ws.s.maxBody() {
		return 0, &codec.Error{Status: 413}
	}
	return int(r.ContentLength), nil
}

// answer runs the handler for the request in ws.req with the given body and
// appends its response to out. It reports whether the connection may stay
// open.
func (ws *workspace) answer(out, body []byte) ([]byte, bool) {
	h := ws.s.Handler
	ws.hreq.Begin(h, &ws.info, &ws.req, body, out)
	h.Serve(&ws.hreq)
	out, keepAlive := ws.hreq.Finish()
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

// discardInbound drops whatever the client has sent. Discard(0) would also
// drop everything; the check keeps the intent readable.
func (cn *conn) discardInbound(c gnet.Conn) {
	if c.InboundBuffered() > 0 {
		cn.unread = true
		_, _ = c.Discard(c.InboundBuffered())
	}
}

// closeAfterResponse starts closing c once its last response has been
// written: at once when the output has drained, otherwise after it drains.
func (cn *conn) closeAfterResponse(c gnet.Conn) gnet.Action {
	cn.discardInbound(c)
	cn.parser = nil
	if c.OutboundBuffered() > 0 {
		cn.state = stateFlushing
		cn.ws.s.setCloseWait(c, &closeWait{flushing: true})
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
	cn.ws.s.setCloseWait(c, &closeWait{until: time.Now().Add(lingerTime)})
	return gnet.None
}
