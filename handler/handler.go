package handler

import (
	"runtime"
	"strings"
)

// Defaults of the [Handler] fields; an empty field means its default.
const (
	// DefaultServerVersion is the Server header's first word, http.server's
	// server_version.
	DefaultServerVersion = "fastbase/0.1"
	// DefaultProtocolVersion is the version of every status line.
	// http.server's default is "HTTP/1.0", which closes the connection after
	// each response; fastbase defaults to keep-alive.
	DefaultProtocolVersion = "HTTP/1.1"
)

// DefaultSysVersion is the Server header's second word, like Python's
// sys_version: "Go/" and the toolchain version, e.g. "Go/1.26.8".
var DefaultSysVersion = "Go/" + goVersion()

func goVersion() string {
	v, _, _ := strings.Cut(runtime.Version(), " ")
	return strings.TrimPrefix(v, "go")
}

// Func answers one request method: it is what do_GET is to a
// BaseHTTPRequestHandler subclass. It runs on the goroutine that called
// [Handler.Serve] and must be done with r when it returns.
type Func func(r *Request)

// Handler is the BaseHTTPRequestHandler analogue: a table of [Func] by method
// plus the class attributes that shape every response.
//
// Configure a Handler (fields, [Handler.Handle]) before serving with it. Once
// serving has begun it is read-only and safe for concurrent use by any number
// of event loops and workers.
type Handler struct {
	// ServerVersion is the first word of the Server header (server_version);
	// empty means [DefaultServerVersion].
	ServerVersion string
	// SysVersion is the second word of the Server header (sys_version);
	// empty means [DefaultSysVersion].
	SysVersion string
	// ProtocolVersion is written in every status line (protocol_version);
	// empty means [DefaultProtocolVersion]. Connections stay open between
	// requests only when it is "HTTP/1.1" or later, compared as a string as
	// http.server does; with "HTTP/1.0" every response closes its connection
	// unless the handler sends "Connection: keep-alive", and responses are
	// byte for byte those of http.server.
	ProtocolVersion string
	// Forms bounds and places what [Request.Form] decodes; the zero value
	// means the defaults of [FormConfig].
	Forms FormConfig

	// methods is searched linearly: a handler has a handful of methods, and
	// comparing a few short strings beats hashing the method for a map.
	methods []route
	// routes holds what Route registered; nil for a plain method table.
	routes *router
}

type route struct {
	method   string
	fn       Func
	blocking bool      // registered with HandleBlocking
	prepared *Prepared // registered with HandlePrepared; fn sends it
}

// New returns a Handler with every field set to its default and no methods.
func New() *Handler {
	return &Handler{
		ServerVersion:   DefaultServerVersion,
		SysVersion:      DefaultSysVersion,
		ProtocolVersion: DefaultProtocolVersion,
	}
}

// Handle registers fn for requests whose method is exactly method (methods
// are case-sensitive, as in http.server's do_<command> lookup), replacing an
// earlier registration, and returns h so that calls can be chained. It must
// not be called once h is serving.
func (h *Handler) Handle(method string, fn Func) *Handler {
	return h.register(method, fn, false)
}

// HandleBlocking registers fn like [Handler.Handle] and marks the method as
// blocking: the server runs its requests on a worker goroutine rather than
// on an event loop, so that a Func that sleeps, waits on a database or reads
// a file does not stall the other connections of its loop. It is the
// ThreadingMixIn for one method; the engine's Workers setting does the same
// for every method. A blocking Func may use its Request as any Func does, on
// the goroutine it runs on and until it returns.
func (h *Handler) HandleBlocking(method string, fn Func) *Handler {
	return h.register(method, fn, true)
}

// HandlePrepared registers, for requests whose method is exactly method,
// the answer p: the Func r.SendPrepared(p) registered with [Handler.Handle],
// and it replaces an earlier registration in the same way. It differs from
// that Func only in cost: a method table without routes sends p without
// the deferred recover that guards a Func, as no code of the application
// runs, and a server may append it without an Exchange
// ([Handler.AppendPrepared]). It must not be called once h is serving.
func (h *Handler) HandlePrepared(method string, p *Prepared) *Handler {
	if p == nil {
		panic("handler: HandlePrepared needs a Prepared")
	}
	h.register(method, func(r *Request) { r.SendPrepared(p) }, false)
	h.lookup([]byte(method)).prepared = p
	return h
}

func (h *Handler) register(method string, fn Func, blocking bool) *Handler {
	if method == "" || fn == nil {
		panic("handler: Handle needs a method and a Func")
	}
	for i := range h.methods {
		if h.methods[i].method == method {
			h.methods[i] = route{method: method, fn: fn, blocking: blocking}
			return h
		}
	}
	h.methods = append(h.methods, route{method: method, fn: fn, blocking: blocking})
	return h
}

// HasBlocking reports whether any method was registered with
// [Handler.HandleBlocking]. The server asks once, before serving, so that a
// handler without blocking methods costs nothing per request.
func (h *Handler) HasBlocking() bool {
	for i := range h.methods {
		if h.methods[i].blocking {
			return true
		}
	}
	return false
}

// Blocking reports whether requests with this method were registered with
// [Handler.HandleBlocking]. It is safe for concurrent use once h is serving.
func (h *Handler) Blocking(method []byte) bool {
	for i := range h.methods {
		if h.methods[i].method == string(method) {
			return h.methods[i].blocking
		}
	}
	return false
}

// VersionString returns the Server header's value, ServerVersion and
// SysVersion separated by a space, like http.server's version_string().
func (h *Handler) VersionString() string {
	return h.serverVersion() + " " + h.sysVersion()
}

// Versions returns the ServerVersion, SysVersion and ProtocolVersion that
// h answers with, each field's default in place of an empty field: the two
// words of the Server header and the version of the status line.
func (h *Handler) Versions() (server, sys, protocol string) {
	return h.serverVersion(), h.sysVersion(), h.protocolVersion()
}

// Serve dispatches r to the [Func] registered for its method. A method with
// no Func is answered with 501 "Unsupported method ('BREW')", as http.server
// does. A Handler with routes ([Handler.Route]) dispatches by route first,
// then by method, and answers what neither takes as net/http.ServeMux does
// (404, 405 or a redirect), never 501.
//
// A panic in the Func is recovered: whatever the request had written is
// dropped and replaced with a 500 error page, and the connection closes
// afterwards; [Exchange.Panic] reports what was recovered, for the server to
// log (package engine logs it with the stack and counts it). The server
// calls Serve with [Exchange.Request] between [Exchange.Begin] and
// [Exchange.Finish].
func (h *Handler) Serve(r *Request) {
	if r.spare != nil {
		r.spare.route.p = nil
	}
	var fn Func
	if h.routes == nil {
		rt := h.lookup(r.req.Method)
		if rt != nil && rt.prepared != nil {
			// HandlePrepared: nothing of the application runs, so there
			// is no panic to recover.
			r.SendPrepared(rt.prepared)
			return
		}
		if rt != nil {
			fn = rt.fn
		}
	}
	returned := false
	defer r.recoverPanic(&returned)
	h.dispatch(r, fn)
	returned = true
}

// dispatch runs fn, the Func of r's method in a table without routes, or
// for a Handler with routes the Func its routes or method table give r; it
// answers what none takes.
func (h *Handler) dispatch(r *Request, fn Func) {
	if h.routes != nil {
		if h.routes.serve(r) {
			return
		}
		if rt := h.lookup(r.req.Method); rt != nil {
			fn = rt.fn
		}
	}
	if fn != nil {
		fn(r)
		return
	}
	if h.routes != nil {
		h.routes.notRouted(h, r)
		return
	}
	r.SendError(501, unsupportedMethod(r.req.Method), "")
}

// lookup returns the registration of method in the method table, or nil.
func (h *Handler) lookup(method []byte) *route {
	for i := range h.methods {
		// register refuses an empty method, so m[0] exists; comparing
		// it first skips the call that compares the rest for most misses.
		if m := h.methods[i].method; len(m) == len(method) && m[0] == method[0] && m == string(method) {
			return &h.methods[i]
		}
	}
	return nil
}

// unsupportedMethod is http.server's message "Unsupported method (%r)".
func unsupportedMethod(method []byte) string {
	b := make([]byte, 0, len("Unsupported method ()")+len(method)+2)
	b = append(b, "Unsupported method ("...)
	b = appendPyRepr(b, method)
	return string(append(b, ')'))
}

func (h *Handler) serverVersion() string {
	if h.ServerVersion == "" {
		return DefaultServerVersion
	}
	return h.ServerVersion
}

func (h *Handler) sysVersion() string {
	if h.SysVersion == "" {
		return DefaultSysVersion
	}
	return h.SysVersion
}

func (h *Handler) protocolVersion() string {
	if h.ProtocolVersion == "" {
		return DefaultProtocolVersion
	}
	return h.ProtocolVersion
}

// persistent reports whether the protocol version lets connections stay
// open: http.server's `protocol_version >= "HTTP/1.1"`.
func (h *Handler) persistent() bool {
	p := h.protocolVersion()
	return p == DefaultProtocolVersion || p >= "HTTP/1.1" // the first test is the cheap one
}
