package handler

import (
	"bytes"
	"io"
	"os"
)

// A request body reaches a handler in one of three ways, chosen by the
// server: whole in memory (the body given to [Exchange.Begin]), spooled to a
// file ([Exchange.SetBodyFile]) when it is too big to hold, or as a stream
// read while it arrives ([Exchange.SetBodyReader]). [Request.BodyReader] and
// [Request.Form] work the same for all three.

// SetBodyFile gives the request a body that the server has written to f,
// size bytes from offset 0; it replaces the body given to [Exchange.Begin].
// The server calls it after Begin, before [Handler.Serve]. The server owns
// f: it closes and removes it after [Exchange.Finish] (or
// [Exchange.Release]) returns, and the request never writes to it, closes
// it or moves its offset (it reads with ReadAt). Parts of a form in f that
// are too big to hold in memory are read from f where they lie, not copied.
func (x *Exchange) SetBodyFile(f *os.File, size int64) {
	r := &x.r
	r.body, r.bodyStream = nil, nil
	r.bodyFile, r.bodySize = f, size
}

// SetBodyReader gives the request a body that is read from rd as it
// arrives, size bytes long; it replaces the body given to [Exchange.Begin].
// The server calls it after Begin, before [Handler.Serve]. rd can be read
// once: by the handler through [Request.BodyReader], or by [Request.Form],
// which streams it and spills big parts to temporary files. A read error
// from rd (a client that went away) fails the form and still removes those
// files when the request ends.
func (x *Exchange) SetBodyReader(rd io.Reader, size int64) {
	r := &x.r
	s := r.extras()
	s.stream = io.LimitedReader{R: rd, N: size}
	r.body, r.bodyFile = nil, nil
	r.bodyStream, r.bodySize = &s.stream, size
}

// BodyLength returns the length of the request body in bytes, however the
// server holds it; 0 when there is none.
func (r *Request) BodyLength() int64 {
	if r.bodyFile != nil || r.bodyStream != nil {
		return r.bodySize
	}
	return int64(len(r.body))
}

// BodyReader returns a reader of the request body from its first byte,
// however the server holds it. For a body in memory or in a file each call
// starts over, and the reader from an earlier call must no longer be used;
// a streamed body can be read only once, and after [Request.Form] has read
// it nothing is left. The reader is valid until the handler returns.
func (r *Request) BodyReader() io.Reader {
	s := r.extras()
	switch {
	case r.bodyFile != nil:
		s.section = *io.NewSectionReader(r.bodyFile, 0, r.bodySize)
		return &s.section
	case r.bodyStream != nil:
		return r.bodyStream
	}
	s.memory.Reset(r.body)
	return &s.memory
}

// extras is what a Request keeps across [Exchange.Begin] calls so that
// reading bodies and forms does not allocate once it has grown.
type extras struct {
	memory  bytes.Reader
	section io.SectionReader
	stream  io.LimitedReader // the body given to SetBodyReader, bounded by its size
	form    formState
	route   routeMatch // the route that answers the request, set by Serve
}

func (r *Request) extras() *extras {
	if r.spare == nil {
		r.spare = new(extras)
	}
	return r.spare
}
