package engine

import (
	"os"

	"github.com/fastbase/fastbase/codec"
)

// DefaultBodyMemoryBytes is the largest request body a [Server] holds in
// memory when BodyMemoryBytes is zero: 1 MiB. Larger bodies are spooled to
// a temporary file as they arrive.
const DefaultBodyMemoryBytes = 1 << 20

// A request body reaches the handler in one of two ways. A Content-Length
// body no larger than BodyMemoryBytes waits in gnet's inbound buffer until
// it is whole and is handed over as a view, without a copy. Every other
// body — chunked, or too large to hold — is consumed as it arrives into a
// streamedBody: decoded, kept in memory up to BodyMemoryBytes and written
// to a temporary file past that, so memory per connection stays bounded
// whatever the body's size.

// streamedBody is a request whose body is consumed as it arrives. The
// inbound bytes it has consumed are discarded, header block included, so
// the parsed request is held in a copy of its own.
type streamedBody struct {
	heldRequest
	mem       []byte // the body while it fits in memory
	file      *os.File
	size      int64 // body bytes received (decoded) so far
	remaining int64 // Content-Length bodies: bytes still to come; -1 when chunked
	chunked   codec.ChunkedDecoder
	scratch   []byte // decoded chunk data on its way to the file
}

// streamBody reports whether r, whose header block is headerLen bytes of
// the available ones, has a body that must be streamed rather than waited
// for in the inbound buffer: a chunked one, one over BodyMemoryBytes, and
// one that has not all arrived and would not fit in MaxInboundBytes with
// its header block.
func (s *Server) streamBody(r *codec.Request, headerLen, available int) bool {
	if r.Chunked || r.ContentLength > s.bodyMemory() {
		return true
	}
	total := int64(headerLen) + r.ContentLength
	return total > int64(available) && total > int64(s.inboundMax)
}

// startBody begins streaming the body of r, whose header block is head.
func (cn *conn) startBody(r *codec.Request, head []byte) {
	b := &streamedBody{remaining: r.ContentLength}
	b.hold(r, head, 0)
	if r.Chunked {
		b.remaining = -1
	}
	cn.work().body = b
}

// feed consumes body bytes from src. It returns how many it consumed and
// whether the body is complete.
func (b *streamedBody) feed(src []byte, s *Server) (int, bool, error) {
	if b.remaining >= 0 {
		n := int(min(int64(len(src)), b.remaining))
		if err := b.store(src[:n], s); err != nil {
			return n, false, err
		}
		b.remaining -= int64(n)
		return n, b.remaining == 0, nil
	}
	if b.file == nil {
		out, n, done, err := b.chunked.Decode(b.mem, src)
		b.size += int64(len(out) - len(b.mem))
		b.mem = out
		if err == nil && b.size > s.maxBody() {
			err = tooLarge
		}
		if err == nil && int64(len(b.mem)) > s.bodyMemory() {
			err = b.spill(s)
		}
		return n, done, err
	}
	out, n, done, err := b.chunked.Decode(b.scratch[:0], src)
	b.scratch = out
	if err != nil {
		return n, false, err
	}
	return n, done, b.store(out, s)
}

// store adds decoded body bytes, moving the body to a file once it no
// longer fits in memory.
func (b *streamedBody) store(p []byte, s *Server) error {
	b.size += int64(len(p))
	if b.size > s.maxBody() {
		return tooLarge
	}
	if b.file == nil {
		b.mem = append(b.mem, p...)
		if int64(len(b.mem)) <= s.bodyMemory() {
			return nil
		}
		return b.spill(s)
	}
	return b.write(s, p)
}

// write appends p to the spool file.
func (b *streamedBody) write(s *Server, p []byte) error {
	if _, err := spoolWrite(b.file, p); err != nil {
		return s.spoolFailed(err)
	}
	return nil
}

// spill moves the body held in memory to a new temporary file. The file is
// unlinked as soon as it is created: it lives as long as the descriptor, so
// no file is left behind whatever happens to the connection or the process.
func (b *streamedBody) spill(s *Server) error {
	f, err := spoolCreate(s.BodyTempDir, "fastbase-body-*")
	if err != nil {
		return s.spoolFailed(err)
	}
	_ = os.Remove(f.Name())
	b.file = f
	err = b.write(s, b.mem)
	b.mem = nil
	return err
}

// The file calls of spooling, replaced by tests to inject failures.
var (
	spoolCreate = os.CreateTemp
	spoolWrite  = (*os.File).Write
)

// spoolFailed logs a failure to store a body (once per interval, with the
// count and the errno) and returns the answer: 507 when the disk is full,
// 503 otherwise, never the client's 400.
func (s *Server) spoolFailed(err error) error {
	s.spoolFailures.record(err)
	return codec.StorageError(err)
}

// release closes the spool file, if any.
func (b *streamedBody) release() {
	if b.file != nil {
		_ = b.file.Close()
		b.file = nil
	}
}

// tooLarge refuses a body over MaxBodyBytes.
var tooLarge = &codec.Error{Status: 413}

// answerStreamed runs the handler for a request whose body was streamed.
func (cn *conn) answerStreamed(out []byte, b *streamedBody) ([]byte, bool) {
	ws := cn.ws
	h := ws.s.Handler
	ws.hreq.Begin(h, ws.connInfo(), &b.req, b.mem, out)
	if b.file != nil {
		ws.hreq.SetBodyFile(b.file, b.size)
	}
	return cn.serve(h, len(out))
}
