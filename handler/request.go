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

// Request is one request and its response, as a handler sees them: what
// self is inside do_GET.
//
// A Request belongs to the goroutine that runs its [Func]: an event loop
// for most methods, a worker goroutine for those registered with
// [Handler.HandleBlocking] or when the server runs every request on
// workers. Its methods may be called only on that goroutine and only until
// the Func returns; a Request is not safe for concurrent use, and the
// server reuses it, and the buffers behind it, for the next request once
// the Func has returned. Slices it returns (and the [codec.Request] of
// [Request.Parsed]) are views into those buffers with the same lifetime:
// copy what must be kept. Strings it returns are copies and may be kept,
// as may [Request.Handler]. What is left for after the Func returns goes
// through [Request.SendAfter] and [Request.Stream], never through the
// Request itself.
//
// The response is built in memory and reaches the socket only after the
// Func returns, so a handler never blocks on a slow client. The server's
// side of the request (starting it, finishing the response, reading what
// it was for the log) is [Exchange].
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
	stream *Continuation // Stream: the body goes on after the handler returns
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

// recoverPanic is deferred by Serve; it must call recover itself. It does
// only when the Func did not return (*returned is false): recover is a
// call into the runtime that a request which did not panic need not pay.
func (r *Request) recoverPanic(returned *bool) {
	if *returned {
		return
	}
	p := recover()
	if p == nil {
		return
	}
	r.panicValue = p
	r.panicStack = debug.Stack()
	r.delay, r.abort = 0, false // the error goes out, at once
	r.SendError(500, "", "")
}

// --- Request accessors (seed vocabulary) ---

// ClientAddress returns the client's address, http.server's client_address.
func (r *Request) ClientAddress() netip.AddrPort { return r.conn.Remote }

// AddressString returns the client's IP address as text (with its zone, if
// any), http.server's address_string(); "" when the address is unknown. The
// string is a copy.
func (r *Request) AddressString() string {
	a := r.conn.Remote.Addr()
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// Command returns the request method as sent, e.g. "GET" (http.server's
// command). Common methods are returned without allocating; the string
// may be kept.
func (r *Request) Command() string {
	if m := codec.LookupMethod(r.req.Method); m != codec.MethodOther {
		return m.String()
	}
	return string(r.req.Method)
}

// Path returns the request target as http.server's path: as sent, query
// included, except that a leading run of '/' becomes one '/' (so that
// "//evil.example/x" cannot pass for a scheme-relative URL). The string is a
// copy that may be kept. [codec.Request.Path] and Query give the split,
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
// request_version); the string may be kept.
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
// headers[name], which gives None); [codec.Request.Header] gives the
// uncopied value.
func (r *Request) Header(name string) string {
	return string(r.req.Header(name))
}

// Headers returns every request header in the order received, repeated names
// kept. The slice and the bytes in it are views into the request buffer.
func (r *Request) Headers() []codec.Header { return r.req.Headers }

// Body returns the request body when the server holds it whole in memory
// (nil when there is none). It is a view into the connection's buffer.
//
// A body the server spooled to a file ([Exchange.SetBodyFile]) or streams
// ([Exchange.SetBodyReader]) is not read into memory for Body, which returns
// nil for it: use [Request.BodyReader], [Request.BodyLength] or
// [Request.Form], which work for every body.
func (r *Request) Body() []byte { return r.body }

// Parsed returns the parsed request itself, for zero-copy access to every
// field. It and every slice in it are views.
func (r *Request) Parsed() *codec.Request { return r.req }

// Runner returns the name of what runs this request, such as "loop 0" (see
// [ConnInfo]); it may be kept.
func (r *Request) Runner() string { return r.conn.Runner }

// Handler returns the [Handler] serving this request, for its
// ServerVersion, SysVersion and ProtocolVersion. It may be kept; the Handler
// is read-only while serving.
func (r *Request) Handler() *Handler { return r.h }

// CloseConnection reports whether the connection will close after this
// response (http.server's close_connection) as far as decided so far:
// [Exchange.Finish] may still decide to close it. As in http.server it starts
// false only when the client lets the connection stay open (HTTP/1.1
// without "Connection: close", or "Connection: keep-alive") and
// ProtocolVersion is "HTTP/1.1" or later; "Connection: close" or
// "keep-alive" sent with [Request.SendHeader] sets it.
func (r *Request) CloseConnection() bool { return r.closeConn }

// SetCloseConnection sets whether the connection closes after this response.
// Setting false only keeps a connection the protocol allows to keep: an
// HTTP/0.9 request, an error response or a body that does not match its
// Content-Length still close it.
func (r *Request) SetCloseConnection(close bool) { r.closeConn = close }
