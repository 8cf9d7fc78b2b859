package handler

import (
	"encoding/binary"
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
// Call it only from the handler's goroutine, before the handler returns.
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
// 100 Continue). It is otherwise [Request.SendResponse]. Call it only from
// the handler's goroutine, before the handler returns.
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
	r.state = stateIdle
	r.status = 0
	r.errCode, r.errMessage = 0, ""
}

// SendHeader adds the header line "name: value" to the response head, as
// http.server's send_header does. CR, LF and other control characters in
// name or value are replaced with spaces so that no value can split the
// response.
//
// Three names are also read: "Connection: close" or "keep-alive" (any case)
// sets [Request.CloseConnection] as in http.server; Content-Length tells
// [Request.Finish] not to add its own (a body that does not match it closes
// the connection after the response); Transfer-Encoding tells Finish the
// handler frames the body itself.
//
// SendHeader panics if no response was started or its head has ended. Call
// it only from the handler's goroutine, before the handler returns.
func (r *Request) SendHeader(name, value string) {
	if r.state != stateHead {
		panic("handler: SendHeader outside a response head (call SendResponse first, EndHeaders last)")
	}
	r.noteHeader(name, value)
	if r.http09 {
		return
	}
	start := len(r.dst)
	dst := append(r.dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	blankCTL(dst[start:])
	r.dst = append(dst, "\r\n"...)
}

// blankCTL replaces the bytes of b that may not appear in a header line
// with spaces. It tests eight bytes at a time, as headers are short and
// nearly always clean: (x - 0x20 in every byte) sets the high bit of each
// byte below 0x20 and &^x drops those that had it already (obs-text); the
// same trick on x ^ 0x7f finds DEL. HTAB passes the first test only by the
// exact check that follows.
func blankCTL(b []byte) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		d := x ^ (0x7f * ones)
		if ((x-0x20*ones)&^x|(d-ones)&^d)&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if isCTL[b[i]] {
			b[i] = ' '
		}
	}
}

// noteHeader records what a header sent by the handler means for framing
// and keep-alive. Most headers differ from the three names in length, so
// the switch on length usually settles it without comparing bytes.
func (r *Request) noteHeader(name, value string) {
	switch len(name) {
	case len("connection"):
		if name != "Connection" && !equalFold(name, "connection") {
			return
		}
		r.sentConnection = true
		if equalFold(value, "close") {
			r.closeConn = true
		} else if equalFold(value, "keep-alive") {
			r.closeConn = false
		}
	case len("content-length"):
		if name != "Content-Length" && !equalFold(name, "content-length") {
			return
		}
		n, ok := parseLength(value)
		if !ok || r.sentLength != noLength && r.sentLength != n {
			n = badLength
		}
		r.sentLength = n
	case len("transfer-encoding"):
		if equalFold(name, "transfer-encoding") {
			r.sentChunked = true
		}
	}
}

// EndHeaders ends the response head with a blank line, as http.server's
// end_headers does. A second call is a no-op; a call before any response was
// started panics. Call it only from the handler's goroutine, before the
// handler returns.
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
// Write copies p. Call it only from the handler's goroutine, before the
// handler returns.
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
// [io.StringWriter]. Call it only from the handler's goroutine, before the
// handler returns.
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
// [AppendRequestLog]). Call it only from the handler's goroutine, before the
// handler returns.
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

// equalFold reports whether s equals lower, which is lower-case ASCII,
// ignoring ASCII case.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if toLower[s[i]] != lower[i] {
			return false
		}
	}
	return true
}

// toLower folds ASCII upper-case letters and leaves every other byte alone.
var toLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// parseLength parses a Content-Length value: decimal digits only.
func parseLength(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// headerSafe returns s with every control character but HTAB replaced by a
// space. Values without one, the usual case, are returned as they are.
func headerSafe(s string) string {
	i := 0
	for i < len(s) && !isCTL[s[i]] {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if isCTL[b[i]] {
			b[i] = ' '
		}
	}
	return string(b)
}

// isCTL marks the bytes that may not appear in a header line: controls
// other than HTAB, and DEL.
var isCTL = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t'
	}
	t[0x7f] = true
	return t
}()
