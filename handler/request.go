package handler

import (
	"io"
	"net/netip"
	"os"
	"runtime/debug"
	"time"

	"github.com/fastbase/fastbase/codec"
)

// ConnInfo is what the server knows about the connection a request came on.
// The engine fills it for each batch of requests it answers from one
// connection (each worker keeps a copy per request); handlers read it through
// [Request.ClientAddress] and [Request.Runner].
type ConnInfo struct {
	// Remote is the client's address, http.server's client_address.
	Remote netip.AddrPort
	// Local is the address the connection was accepted on.
	Local netip.AddrPort
	// Runner names what runs this connection's requests, such as "loop 0"
	// for an event loop or "worker 3" for a pooled goroutine: the analogue
	// of the thread name the seed's threading example prints.
	Runner string
}

// noConn stands in for a missing ConnInfo so that accessors need no nil
// checks. It is never written.
var noConn ConnInfo

// Request is one request and its response: what self is inside do_GET.
//
// The engine keeps one Request per event loop (and one per worker) and
// reuses it for every request it answers: [Request.Begin]
// starts a request, [Handler.Serve] runs the handler, [Request.Finish] frames
// the response. A handler may use its Request only on the goroutine it runs
// on and only until it returns; slices it gets from the Request are views
// into the connection's buffers with the same lifetime. A Request is not safe
// for concurrent use.
//
// The response is built in memory and reaches the socket only after the
// handler returns, so a handler never blocks on a slow client.
type Request struct {
	h    *Handler
	conn *ConnInfo
	req  *codec.Request
	body []byte

	// A body the server did not hand over in memory (see body.go).
	bodyFile   *os.File
	bodyStream io.Reader
	bodySize   int64
	// spare survives Begin: buffers for bodies and forms, and the form's
	// temporary files until Release.
	spare *extras

	dst       []byte
	start     int // len(dst) at Begin: where this request's bytes begin
	headerEnd int // offset of the blank line ending the last head written

	state     state
	status    int
	http09    bool // answer with the body only, no status line or headers
	head      bool // HEAD: count body bytes but do not send them
	closeConn bool // close_connection

	// What the handler said about framing in the current response's head.
	sentLength     int64 // Content-Length value, noLength or badLength
	sentChunked    bool  // Transfer-Encoding was sent
	sentConnection bool  // a Connection header was sent

	bodyLen int // body bytes the handler wrote, counted for HEAD too

	errCode    int    // code of the last SendError, for the log; 0 if none
	errMessage string // its message with the default filled in

	panicValue any
	panicStack []byte

	delay  time.Duration // SendAfter: hold the response back this long
	stream *Stream       // Stream: the body goes on after the handler returns
	abort  bool          // ResetConnection: no response, a TCP reset

	path string // cached Path()
}

// state is where a response is: nothing sent yet, head open, or head ended.
type state uint8

const (
	stateIdle state = iota
	stateHead
	stateBody
)

// Values of Request.sentLength other than a length.
const (
	noLength  = -1
	badLength = -2
)

// Begin starts req on r; it is called by the server, not by handlers. h
// answers it, conn describes its connection (nil means nothing is known),
// body is its whole body (nil for none) and dst is the output buffer the
// response is appended to. req, body and dst must stay untouched until
// [Request.Finish] returns.
//
// For a request the parser refused, the server calls Begin with whatever the
// parser filled in and then [Request.ServeParseError] instead of
// [Handler.Serve].
func (r *Request) Begin(h *Handler, conn *ConnInfo, req *codec.Request, body []byte, dst []byte) {
	if conn == nil {
		conn = &noConn
	}
	r.Release() // in case the server did not call Finish for the last request
	*r = Request{
		spare:      r.spare,
		h:          h,
		conn:       conn,
		req:        req,
		body:       body,
		dst:        dst,
		start:      len(dst),
		http09:     req.IsHTTP09(),
		head:       string(req.Method) == "HEAD",
		sentLength: noLength,
	}
	// http.server's parse_request starts from close_connection = True and
	// keeps the connection only when both ends speak HTTP/1.1 or the client
	// asked for keep-alive, and never for HTTP/0.9.
	r.closeConn = r.http09 || !req.KeepAlive || !h.persistent()
}

// ServeParseError answers a request the parser refused with e; the server
// calls it after [Request.Begin] in place of [Handler.Serve], with the
// [codec.Request] the parser filled in for the error.
//
// The answer is [Request.SendError] of e, with one difference from
// http.server on purpose: Python answers a request line it refused before
// accepting its version as HTTP/0.9, with the error page alone, while
// fastbase always sends a status line with Date, Content-Length and
// "Connection: close", so that every client can tell the error from a
// response body. The method is only known once the request line was
// accepted, so only a header error on a HEAD request leaves the page out.
func (r *Request) ServeParseError(e *codec.Error) {
	r.http09 = false
	r.SendError(e.Status, e.Message, e.Explain)
}

// recoverPanic is deferred by Serve; it must call recover itself.
func (r *Request) recoverPanic() {
	p := recover()
	if p == nil {
		return
	}
	r.panicValue = p
	r.panicStack = debug.Stack()
	r.delay, r.abort = 0, false // the error goes out, at once
	r.SendError(500, "", "")
}

// --- Used by the server after the handler returned ---

// Status returns the status code of the response, 0 before one was sent.
// The server calls it for the access log; it may be called after the handler
// returned, until the next Begin.
func (r *Request) Status() int { return r.status }

// BodySize returns how many body bytes the response carries (0 for HEAD),
// or -1 before a response was sent. The server calls it for the access log;
// it may be called after the handler returned, until the next Begin.
func (r *Request) BodySize() int {
	if r.status == 0 {
		return -1
	}
	if r.head {
		return 0
	}
	return r.bodyLen
}

// RequestLine returns the request line as http.server logs it (without its
// line ending; empty for a 414). It is a view into the request buffer, valid
// as long as the [codec.Request] given to Begin.
func (r *Request) RequestLine() []byte { return r.req.RequestLine }

// Panic returns what the handler panicked with and the stack at that point,
// or nil, nil when it did not panic. It may be called after the handler
// returned, until the next Begin.
func (r *Request) Panic() (value any, stack []byte) { return r.panicValue, r.panicStack }

// --- Request accessors (seed vocabulary) ---

// ClientAddress returns the client's address, http.server's client_address.
// Call it only from the handler's goroutine, before the handler returns.
func (r *Request) ClientAddress() netip.AddrPort { return r.conn.Remote }

// AddressString returns the client's IP address as text (with its zone, if
// any), http.server's address_string(); "" when the address is unknown. The
// string is a copy. Call it only from the handler's goroutine, before the
// handler returns.
func (r *Request) AddressString() string {
	a := r.conn.Remote.Addr()
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// Command returns the request method as sent, e.g. "GET" (http.server's
// command). Common methods are returned without allocating. Call it only from
// the handler's goroutine, before the handler returns; the string may be kept.
func (r *Request) Command() string {
	if m := codec.LookupMethod(r.req.Method); m != codec.MethodOther {
		return m.String()
	}
	return string(r.req.Method)
}

// Path returns the request target as http.server's path: as sent, query
// included, except that a leading run of '/' becomes one '/' (so that
// "//evil.example/x" cannot pass for a scheme-relative URL). The string is a
// copy that may be kept; call Path only from the handler's goroutine, before
// the handler returns. [codec.Request.Path] and Query give the split,
// uncopied form.
func (r *Request) Path() string {
	if r.path == "" && len(r.req.Target) > 0 {
		r.path = string(collapseSlashes(r.req.Target))
	}
	return r.path
}

// collapseSlashes reduces a leading run of '/' in target to one (gh-87389).
func collapseSlashes(target []byte) []byte {
	i := 0
	for i+1 < len(target) && target[i] == '/' && target[i+1] == '/' {
		i++
	}
	return target[i:]
}

// RequestVersion returns the version word of the request line, e.g.
// "HTTP/1.1", or "HTTP/0.9" for a request line of two words (http.server's
// request_version). Call it only from the handler's goroutine, before the
// handler returns; the string may be kept.
func (r *Request) RequestVersion() string {
	switch p := r.req.Proto; string(p) {
	case "HTTP/1.1":
		return "HTTP/1.1"
	case "HTTP/1.0":
		return "HTTP/1.0"
	case "HTTP/0.9":
		return "HTTP/0.9"
	default:
		return string(p)
	}
}

// Header returns a copy of the value of the first request header named name,
// compared without regard to case, or "" when there is none (http.server's
// headers[name], which gives None). Call it only from the handler's
// goroutine, before the handler returns; [codec.Request.Header] gives the
// uncopied value.
func (r *Request) Header(name string) string {
	return string(r.req.Header(name))
}

// Headers returns every request header in the order received, repeated names
// kept. The slice and the bytes in it are views into the request buffer:
// use them only on the handler's goroutine, before the handler returns, and
// copy what must be kept.
func (r *Request) Headers() []codec.Header { return r.req.Headers }

// Body returns the request body when the server holds it whole in memory
// (nil when there is none). It is a view into the connection's buffer: use
// it only on the handler's goroutine, before the handler returns, and copy
// what must be kept.
//
// A body the server spooled to a file ([Request.SetBodyFile]) or streams
// ([Request.SetBodyReader]) is not read into memory for Body, which returns
// nil for it: use [Request.BodyReader], [Request.BodyLength] or
// [Request.Form], which work for every body.
func (r *Request) Body() []byte { return r.body }

// Parsed returns the parsed request itself, for zero-copy access to every
// field. It and every slice in it are views: use them only on the handler's
// goroutine, before the handler returns.
func (r *Request) Parsed() *codec.Request { return r.req }

// Runner returns the name of what runs this request, such as "loop 0" (see
// [ConnInfo]). It may be kept; call it only from the handler's goroutine.
func (r *Request) Runner() string { return r.conn.Runner }

// Handler returns the [Handler] serving this request, for its
// ServerVersion, SysVersion and ProtocolVersion. It may be kept; the Handler
// is read-only while serving.
func (r *Request) Handler() *Handler { return r.h }

// CloseConnection reports whether the connection will close after this
// response (http.server's close_connection) as far as decided so far:
// [Request.Finish] may still decide to close it. As in http.server it starts
// false only when the client lets the connection stay open (HTTP/1.1
// without "Connection: close", or "Connection: keep-alive") and
// ProtocolVersion is "HTTP/1.1" or later; "Connection: close" or
// "keep-alive" sent with [Request.SendHeader] sets it. Call it only from the
// handler's goroutine, before the handler returns.
func (r *Request) CloseConnection() bool { return r.closeConn }

// SetCloseConnection sets whether the connection closes after this response.
// Setting false only keeps a connection the protocol allows to keep: an
// HTTP/0.9 request, an error response or a body that does not match its
// Content-Length still close it. Call it only from the handler's goroutine,
// before the handler returns.
func (r *Request) SetCloseConnection(close bool) { r.closeConn = close }
