package handler

import "github.com/fastbase/fastbase/codec"

// Finish completes the response and returns the output buffer given to
// [Exchange.Begin], extended by the response, and whether the connection may
// stay open afterwards. The server calls it once the handler has returned.
// It first releases what the request's form holds ([Exchange.Release]).
//
// Framing lives here, so that a handler written as in the seed, which never
// sends Content-Length, works on a keep-alive connection:
//
//   - A handler that sent nothing, or only an interim 1xx response not
//     from [Request.SendError], gets a 500 error page.
//   - A head the handler left open is ended.
//   - An HTTP/0.9 request gets the body alone, and the connection closes.
//   - When the handler sent neither Content-Length nor Transfer-Encoding and
//     the status allows a body, Finish adds "Content-Length: N" to the head,
//     N being the bytes the handler wrote (for HEAD: would have written). It
//     does not when the response is http.server's byte for byte: protocol
//     HTTP/1.0 and the connection closing, where the close ends the body.
//   - Persistence: the connection stays open only if
//     [Request.CloseConnection] is false, the response is not an error from
//     [Request.SendError], and a Content-Length the handler sent matches the
//     body. A length that lies would make the client read
//     the rest of this body as the next response, or wait for bytes that
//     never come, so the connection closes and the client sees EOF instead.
//   - A response continued by [Request.Stream] gets no Content-Length: it is
//     chunked, sent as the handler framed it, or ends with the connection
//     (see Stream); whether its body matches a Content-Length is known only
//     when it ends ([Continuation.KeepAlive]).
//   - An HTTP/1.1 response on a connection that closes says
//     "Connection: close", and a kept HTTP/1.0 connection says
//     "Connection: keep-alive", unless the handler sent a Connection header
//     itself.
func (x *Exchange) Finish() (dst []byte, keepAlive bool) {
	r := &x.r
	r.release()
	if r.status < 200 && r.errCode == 0 {
		r.SendError(500, "", "")
	}
	if r.state == stateHead {
		r.EndHeaders()
	}
	keepAlive = r.keepAlive()
	if r.stream != nil {
		keepAlive = r.startStream(keepAlive)
	}
	if !r.http09 {
		length, connection := r.needsLength(keepAlive), r.connectionHeader(keepAlive)
		if length || connection != "" {
			r.frame(length, connection)
		}
	}
	dst = r.dst
	r.dst = nil
	return dst, keepAlive
}

// keepAlive decides whether the connection may carry another request.
func (r *Request) keepAlive() bool {
	if r.closeConn || r.http09 || r.errCode != 0 {
		return false
	}
	if r.sentLength == badLength {
		return false
	}
	if r.sentLength >= 0 && !r.head && codec.BodyAllowed(r.status) && r.sentLength != int64(r.bodyLen) &&
		r.stream == nil { // a stream's length is checked when it ends
		return false
	}
	return true
}

// frame adds the headers keepAlive and the body need to the head: the
// Content-Length the handler did not send, when length is true, and the
// Connection header that tells the client what the server will do (see
// connectionHeader).
func (r *Request) frame(length bool, connection string) {
	var buf [64]byte
	extra := buf[:0]
	if length {
		extra = codec.AppendContentLength(extra, r.bodyLen)
	}
	r.insertHead(append(extra, connection...))
}

// connectionHeader returns the Connection header line Finish must add, or
// "" for none: "close" on a connection HTTP/1.1 would keep that closes,
// "keep-alive" on a kept HTTP/1.0 one, nothing when the handler sent its
// own.
func (r *Request) connectionHeader(keepAlive bool) string {
	switch {
	case r.sentConnection:
		return ""
	case !keepAlive && r.h.persistent():
		return "Connection: close\r\n"
	case keepAlive && r.req.Major == 1 && r.req.Minor == 0:
		return "Connection: keep-alive\r\n"
	}
	return ""
}

// needsLength reports whether Finish must add Content-Length.
func (r *Request) needsLength(keepAlive bool) bool {
	if r.sentLength != noLength || r.sentChunked || r.stream != nil || !codec.BodyAllowed(r.status) {
		return false
	}
	if r.head && r.bodyLen == 0 {
		// A HEAD handler that wrote nothing gives no length to report, and
		// a HEAD response has no body to delimit.
		return false
	}
	return keepAlive || r.h.persistent()
}

// insertHead inserts header lines before the blank line that ends the head,
// moving the body up. Bodies that reach here are built in memory by the
// handler, so the move is a memmove of what was just written.
func (r *Request) insertHead(lines []byte) {
	n := len(r.dst)
	r.dst = append(r.dst, lines...)
	copy(r.dst[r.headerEnd+len(lines):], r.dst[r.headerEnd:n])
	copy(r.dst[r.headerEnd:], lines)
	r.headerEnd += len(lines)
}
