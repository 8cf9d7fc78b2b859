package handler

import (
	"time"

	"github.com/fastbase/fastbase/codec"
)

// Exchange is the server's side of one request: the [Request] a handler
// gets, and the calls that start it, hand it its body, finish its response
// and report on it afterwards, which a handler must not make.
//
// A server keeps one Exchange per event loop (and one per worker) and
// reuses it for every request it answers:
//
//	x.Begin(h, conn, req, body, out) // then SetBodyFile or SetBodyReader, if any
//	h.Serve(x.Request())             // or x.ServeParseError(e)
//	out, keepAlive := x.Finish()
//	delay, stream := x.Later()
//	log = handler.AppendRequestLog(log, &x, time.Now())
//
// A request whose whole answer is a [Prepared] may instead be answered by
// [Handler.AppendPrepared], which needs no Exchange.
//
// An Exchange is not safe for concurrent use; [Exchange.Status],
// [Exchange.BodySize], [Exchange.RequestLine], [Exchange.Panic] and
// [Exchange.Later] may be called after Finish, until the next Begin.
type Exchange struct {
	r Request
}

// Request returns the Request of the exchange, the one to pass to
// [Handler.Serve]. It is the same Request for every exchange begun on x.
func (x *Exchange) Request() *Request { return &x.r }

// Begin starts req on x. h answers it, conn describes its connection (nil
// means nothing is known), body is its whole body (nil for none) and dst is
// the output buffer the response is appended to. req, body and dst must
// stay untouched until [Exchange.Finish] returns.
//
// For a request the parser refused, the server calls Begin with whatever the
// parser filled in and then [Exchange.ServeParseError] instead of
// [Handler.Serve].
func (x *Exchange) Begin(h *Handler, conn *ConnInfo, req *codec.Request, body []byte, dst []byte) {
	if conn == nil {
		conn = &noConn
	}
	r := &x.r
	r.release() // in case the server did not call Finish for the last request
	r.reset(h, conn, req, body, dst)
	// http.server's parse_request starts from close_connection = True and
	// keeps the connection only when both ends speak HTTP/1.1 or the client
	// asked for keep-alive, and never for HTTP/0.9.
	r.closeConn = r.http09 || !req.KeepAlive || !h.persistent()
}

// reset makes r what a new Request for these arguments is, keeping
// only its spare buffers. It writes field by field, and the fields a
// request seldom sets only when they are set: assigning a whole Request
// literal copies it through the write barrier, which costs more than the
// rest of a small handler's answer.
func (r *Request) reset(h *Handler, conn *ConnInfo, req *codec.Request, body []byte, dst []byte) {
	r.h, r.conn, r.req, r.body, r.dst = h, conn, req, body, dst
	r.start, r.headerEnd, r.bodyLen = len(dst), 0, 0
	r.state, r.status, r.errCode = stateIdle, 0, 0
	r.http09, r.head = req.IsHTTP09(), string(req.Method) == "HEAD"
	r.closeConn, r.abort = false, false
	r.sentLength, r.sentChunked, r.sentConnection = noLength, false, false
	r.delay, r.bodySize = 0, 0
	if r.bodyFile != nil || r.bodyStream != nil {
		r.bodyFile, r.bodyStream = nil, nil
	}
	if r.errMessage != "" || r.path != "" {
		r.errMessage, r.path = "", ""
	}
	if r.panicValue != nil || r.panicStack != nil || r.stream != nil {
		r.panicValue, r.panicStack, r.stream = nil, nil, nil
	}
}

// ServeParseError answers a request the parser refused with e; the server
// calls it after [Exchange.Begin] in place of [Handler.Serve], with the
// [codec.Request] the parser filled in for the error.
//
// The answer is [Request.SendError] of e, with one difference from
// http.server on purpose: Python answers a request line it refused before
// accepting its version as HTTP/0.9, with the error page alone, while
// fastbase always sends a status line with Date, Content-Length and
// "Connection: close", so that every client can tell the error from a
// response body. The method is only known once the request line was
// accepted, so only a header error on a HEAD request leaves the page out.
func (x *Exchange) ServeParseError(e *codec.Error) {
	x.r.http09 = false
	x.r.SendError(e.Status, e.Message, e.Explain)
}

// Release closes and removes the temporary files of the request's form and
// drops its fields. [Exchange.Finish] calls it, and so does the next
// [Exchange.Begin]; a server that abandons a request without Finish (its
// client went away) calls it itself. It is safe to call more than once.
func (x *Exchange) Release() { x.r.release() }

// Later reports what of the response just finished is left for later: the
// time to hold all of it back ([Request.SendAfter]), and the stream that
// continues it ([Request.Stream]; nil for none). The server calls it after
// [Exchange.Finish].
func (x *Exchange) Later() (delay time.Duration, c *Continuation) { return x.r.delay, x.r.stream }

// Aborted reports whether the handler called [Request.ResetConnection];
// the server asks after [Exchange.Finish], and then drops what Finish
// returned for this request and resets the connection.
func (x *Exchange) Aborted() bool { return x.r.abort }

// Status returns the status code of the response, 0 before one was sent,
// for the access log.
func (x *Exchange) Status() int { return x.r.status }

// BodySize returns how many body bytes the response carries (0 for HEAD),
// or -1 before a response was sent, for the access log.
func (x *Exchange) BodySize() int {
	if x.r.status == 0 {
		return -1
	}
	if x.r.head {
		return 0
	}
	return x.r.bodyLen
}

// RequestLine returns the request line as http.server logs it (without its
// line ending; empty for a 414). It is a view into the request buffer, valid
// as long as the [codec.Request] given to Begin.
func (x *Exchange) RequestLine() []byte { return x.r.req.RequestLine }

// Panic returns what the handler panicked with and the stack at that point,
// or nil, nil when it did not panic.
func (x *Exchange) Panic() (value any, stack []byte) { return x.r.panicValue, x.r.panicStack }
