package handler

import (
	"strconv"
	"sync/atomic"
	"unsafe"

	"github.com/fastbase/fastbase/codec"
)

// Prepared is a response whose status, headers and body never change, built
// into bytes once so that sending it is two copies and the Date value.
// [Request.SendPrepared] sends it; the result on the wire is what
// SendResponse, one SendHeader per field, SendHeader("Content-Length"),
// EndHeaders and Write(body) would give.
//
// A Prepared is immutable once made and safe for concurrent use by any
// number of requests, handlers and goroutines.
type Prepared struct {
	status int
	fields []HeaderField
	body   string
	// rendered caches the bytes for the Handler they were last rendered
	// for: the Server header and status line depend on its versions.
	rendered atomic.Pointer[preparedBytes]
}

// HeaderField is one header field of a [Prepared] response.
type HeaderField struct {
	Name, Value string
}

// preparedBytes is a Prepared rendered for one Handler's versions.
type preparedBytes struct {
	protocol, server, sys string
	// whole is the response as it was rendered: status line, Server,
	// Date, the other fields with Content-Length, the blank line that
	// ends the head, and the body. Sending copies it and then writes
	// today's date over the one at whole[date:], so that a response takes
	// two copies; the head ends at whole[:blank+2].
	whole       string
	date, blank int
}

// NewPrepared returns a response with the given status, header fields and
// body. Content-Length is added from the body; fields must not include it,
// Transfer-Encoding or Connection (framing and persistence stay with the
// server), and names and values must be free of control characters:
// NewPrepared panics otherwise, as these are programming errors.
func NewPrepared(status int, body string, fields ...HeaderField) *Prepared {
	for _, f := range fields {
		switch {
		case codec.EqualFoldString(f.Name, "content-length"), codec.EqualFoldString(f.Name, "transfer-encoding"),
			codec.EqualFoldString(f.Name, "connection"):
			panic("handler: NewPrepared: " + f.Name + " is set by the server")
		case codec.IndexBadFieldByte(f.Name) >= 0 || codec.IndexBadFieldByte(f.Value) >= 0:
			panic("handler: NewPrepared: control character in header " + strconv.Quote(f.Name))
		}
	}
	return &Prepared{status: status, fields: append([]HeaderField(nil), fields...), body: body}
}

// bytesFor returns p rendered for h's versions, rendering it on first use
// and whenever they have changed.
func (p *Prepared) bytesFor(h *Handler) *preparedBytes {
	protocol, server, sys := h.protocolVersion(), h.serverVersion(), h.sysVersion()
	if b := p.rendered.Load(); b != nil && sameString(b.protocol, protocol) && sameString(b.server, server) && sameString(b.sys, sys) {
		return b
	}
	b := &preparedBytes{protocol: protocol, server: server, sys: sys}
	w := codec.AppendStatusLine(nil, protocol, p.status, "")
	w = append(w, "Server: "...)
	w = append(w, server...)
	w = append(w, ' ')
	w = append(w, sys...)
	w = append(w, "\r\nDate: "...)
	b.date = len(w)
	w = codec.AppendDate(w)
	w = append(w, "\r\n"...)
	for _, f := range p.fields {
		w = codec.AppendHeader(w, f.Name, f.Value)
	}
	if codec.BodyAllowed(p.status) {
		w = codec.AppendContentLength(w, len(p.body))
	}
	b.blank = len(w)
	w = append(w, "\r\n"...)
	if codec.BodyAllowed(p.status) {
		w = append(w, p.body...)
	}
	b.whole = string(w)
	p.rendered.Store(b)
	return b
}

// sameString reports whether a and b are equal, without comparing their
// bytes when they are the same string, as a Handler's versions are from
// one request to the next.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// SendPrepared sends p as the whole response: status line, Server, Date, p's
// fields, Content-Length and body (the body is left out for HEAD, as Write
// leaves it out). Like [Request.SendResponse] it starts the response over if
// the handler had begun another.
func (r *Request) SendPrepared(p *Prepared) {
	if r.state != stateIdle && !(r.state == stateBody && r.status < 200) {
		r.restart()
	}
	b := p.bytesFor(r.h)
	r.status = p.status
	r.state = stateBody
	r.sentChunked, r.sentConnection = false, false
	r.sentLength = noLength
	r.bodyLen = 0
	allowed := codec.BodyAllowed(p.status)
	if allowed {
		r.sentLength = int64(len(p.body))
		r.bodyLen = len(p.body)
	}
	if r.http09 {
		if allowed && !r.head {
			r.dst = append(r.dst, p.body...)
		}
		return
	}
	r.headerEnd = len(r.dst) + b.blank
	r.dst = b.appendTo(r.dst, r.head)
}

// appendTo appends the rendered response to dst with today's date, and
// only its head when head is set (the body is left out for HEAD, as Write
// leaves it out).
func (b *preparedBytes) appendTo(dst []byte, head bool) []byte {
	start := len(dst)
	whole := b.whole
	if head {
		whole = whole[:b.blank+2]
	}
	dst = append(dst, whole...)
	// Today's date over the rendered one: every date AppendDate writes has
	// the same length (IMF-fixdate), so it fits exactly, in place.
	codec.AppendDate(dst[:start+b.date])
	return dst
}

// AppendPrepared is the whole exchange of a request that h answers with a
// [Prepared] alone, for a server to use in place of [Exchange.Begin],
// [Handler.Serve] and [Exchange.Finish]. When h has a method table without
// routes, req's method is registered with [Handler.HandlePrepared] with a
// final (not 1xx) status, h keeps connections (ProtocolVersion HTTP/1.1 or
// later) and req is an HTTP/1.1 request that keeps its connection,
// AppendPrepared appends the response to dst and returns it with the
// response's status: the bytes an Exchange would append, Finish having
// nothing to add to them, and the connection stays open. For any other
// request it returns dst unchanged and 0, and the request needs an
// Exchange. A request answered here leaves nothing for [Exchange.Status],
// [Exchange.Later] or the access log; a server that logs requests does
// not call it.
func (h *Handler) AppendPrepared(dst []byte, req *codec.Request) ([]byte, int) {
	if h.routes != nil || !req.KeepAlive || req.Major != 1 || req.Minor != 1 {
		return dst, 0
	}
	rt := h.lookup(req.Method)
	if rt == nil || rt.prepared == nil || rt.prepared.status < 200 || !h.persistent() {
		return dst, 0
	}
	p := rt.prepared
	return p.bytesFor(h).appendTo(dst, string(req.Method) == "HEAD"), p.status
}
