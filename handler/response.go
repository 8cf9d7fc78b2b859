package handler

import (
	"errors"

	"github.com/fastbase/fastbase/codec"
)

// ErrBodyNotAllowed is returned by [Request.Write] when the response status
// does not allow a body (1xx, 204, 205, 304). The bytes are dropped: sending
// them would make the client read them as the start of the next response.
var ErrBodyNotAllowed = errors.New("handler: response status does not allow a body")

// SendResponse starts the response with a status line and the Server and
// Date headers, as http.server's send_response does. An empty message means
// the standard reason phrase of code (none for an unknown code). For an
// HTTP/0.9 request nothing is written; the code is still recorded for the
// log.
//
// Calling it again before the handler returns starts the response over,
// dropping what was written, unless what was written is a complete
// informational (1xx) response, which stays and is followed by the new one.
func (r *Request) SendResponse(code int, message string) {
	r.SendResponseOnly(code, message)
	if r.http09 {
		return
	}
	dst := append(r.dst, "Server: "...)
	dst = append(dst, r.h.serverVersion()...)
	dst = append(dst, ' ')
	dst = append(dst, r.h.sysVersion()...)
	dst = append(dst, "\r\nDate: "...)
	dst = codec.AppendDate(dst)
	r.dst = append(dst, "\r\n"...)
}

// SendResponseOnly starts the response with the status line alone, as
// http.server's send_response_only does (used for interim responses such as
// 100 Continue). It is otherwise [Request.SendResponse].
func (r *Request) SendResponseOnly(code int, message string) {
	if r.state != stateIdle && !(r.state == stateBody && r.status < 200) {
		r.restart()
	}
	r.status = code
	r.state = stateHead
	r.sentLength, r.sentChunked, r.sentConnection = noLength, false, false
	r.bodyLen = 0
	if r.http09 {
		return
	}
	r.dst = codec.AppendStatusLine(r.dst, r.h.protocolVersion(), code, headerSafe(message))
}

// restart drops everything this request has written.
func (r *Request) restart() {
	r.dst = r.dst[:r.start]
	r.stream = nil
	r.state = stateIdle
	r.status = 0
	r.errCode, r.errMessage = 0, ""
}

// SendHeader adds the header line "name: value" to the response head, as
// http.server's send_header does. CR, LF and other control characters in
// name or value are replaced with spaces so that no value can split the
// response.
//
// Three names are also read, as they are sent: a Connection list holding
// "close" (any case) sets [Request.CloseConnection], one holding only
// "keep-alive" clears it, as in http.server; Content-Length tells
// [Exchange.Finish] not to add its own (a body that does not match it closes
// the connection after the response); Transfer-Encoding tells Finish the
// handler frames the body itself.
//
// SendHeader panics if no response was started or its head has ended.
func (r *Request) SendHeader(name, value string) {
	if r.state != stateHead {
		panic("handler: SendHeader outside a response head (call SendResponse first, EndHeaders last)")
	}
	start := len(r.dst)
	dst := append(r.dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	line := dst[start:]
	codec.BlankBadFieldBytes(line)
	r.noteHeader(line[:len(name)], line[len(name)+2:])
	if r.http09 {
		// No head is sent, but what it says still counts for the log.
		r.dst = dst[:start]
		return
	}
	r.dst = append(dst, "\r\n"...)
}

// noteHeader records what a header sent by the handler means for framing
// and keep-alive. Most headers differ from the three names in length, so
// the switch on length usually settles it without comparing bytes.
func (r *Request) noteHeader(name, value []byte) {
	switch len(name) {
	case len("connection"):
		if string(name) != "Connection" && !codec.EqualFold(name, "connection") {
			return
		}
		r.sentConnection = true
		if close, keepAlive := codec.ConnectionOptions(value); close {
			r.closeConn = true
		} else if keepAlive {
			r.closeConn = false
		}
	case len("content-length"):
		if string(name) != "Content-Length" && !codec.EqualFold(name, "content-length") {
			return
		}
		n, ok := codec.ParseContentLength(value)
		if !ok || r.sentLength != noLength && r.sentLength != n {
			n = badLength
		}
		r.sentLength = n
	case len("transfer-encoding"):
		if codec.EqualFold(name, "transfer-encoding") {
			r.sentChunked = true
		}
	}
}

// EndHeaders ends the response head with a blank line, as http.server's
// end_headers does. A second call is a no-op; a call before any response was
// started panics.
func (r *Request) EndHeaders() {
	switch r.state {
	case stateIdle:
		panic("handler: EndHeaders before SendResponse")
	case stateBody:
		return
	}
	r.state = stateBody
	if r.http09 {
		return
	}
	r.headerEnd = len(r.dst)
	r.dst = append(r.dst, "\r\n"...)
}

// Write appends p to the response body and returns len(p), nil; it makes
// Request an [io.Writer] (http.server's wfile.write). It ends the head first
// if needed, and starts a 200 response if none was started. For a HEAD
// request the bytes are counted, for the Content-Length, but not sent. For a
// status that allows no body it returns 0, [ErrBodyNotAllowed].
//
// Write copies p.
func (r *Request) Write(p []byte) (int, error) {
	if !r.startBody() {
		return 0, ErrBodyNotAllowed
	}
	r.bodyLen += len(p)
	if !r.head {
		r.dst = append(r.dst, p...)
	}
	return len(p), nil
}

// WriteString is [Request.Write] for a string; it makes Request an
// [io.StringWriter].
func (r *Request) WriteString(s string) (int, error) {
	if !r.startBody() {
		return 0, ErrBodyNotAllowed
	}
	r.bodyLen += len(s)
	if !r.head {
		r.dst = append(r.dst, s...)
	}
	return len(s), nil
}

// startBody gets the response to its body and reports whether the status
// allows one.
func (r *Request) startBody() bool {
	switch r.state {
	case stateIdle:
		r.SendResponse(200, "")
		r.EndHeaders()
	case stateHead:
		r.EndHeaders()
	}
	return codec.BodyAllowed(r.status)
}

// SendError answers with an error, exactly as http.server's send_error:
// status line with message as its reason, Server, Date, "Connection: close",
// and for codes that allow a body (not 1xx, 204, 205, 304) Content-Type
// text/html;charset=utf-8, Content-Length and the default error page, whose
// body is left out for HEAD. An empty message or explain means the standard
// text for code ("???" for both when code is unknown). The connection always
// closes afterwards.
//
// Anything the request had already written is dropped first, so SendError
// may be called at any point of a handler. The access log gets
// http.server's extra "code 404, message Not Found" line (see
// [AppendRequestLog]).
func (r *Request) SendError(code int, message, explain string) {
	if message == "" {
		message = codec.StatusText(code)
		if message == "" {
			message = "???"
		}
	}
	r.restart()
	r.SendResponse(code, message)
	r.errCode, r.errMessage = code, message
	r.SendHeader("Connection", "close")
	body := codec.BodyAllowed(code)
	if body {
		n := codec.ErrorPageLen(code, message, explain)
		r.SendHeader("Content-Type", codec.ErrorContentType)
		if !r.http09 {
			r.dst = codec.AppendContentLength(r.dst, n)
		}
		r.sentLength = int64(n)
	}
	r.EndHeaders()
	if body {
		start := len(r.dst)
		r.dst = codec.AppendErrorPage(r.dst, code, message, explain)
		r.bodyLen = len(r.dst) - start
		if r.head {
			r.dst = r.dst[:start]
		}
	}
}

// headerSafe returns s with every byte that may not appear in a reason
// phrase replaced by a space. Values without one, the usual case, are
// returned as they are.
func headerSafe(s string) string {
	if codec.IndexBadFieldByte(s) < 0 {
		return s
	}
	b := []byte(s)
	codec.BlankBadFieldBytes(b)
	return string(b)
}
