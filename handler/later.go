package handler

import (
	"runtime/debug"
	"strconv"
	"time"

	"github.com/fastbase/fastbase/codec"
)

// Answers that come later.
//
// A Func runs on an event loop and must not block it, yet load tests need a
// server that answers after 200 ms, or sends 10 KB over 2 s. The two calls
// below say so instead: the Func returns at once, and the server finishes
// the response on the event loop's timers, with no goroutine waiting. A
// pending answer costs the server only the bytes it holds and a timer.
// Requests pipelined behind it are answered after it, in order.

// SendAfter holds this request's response back until d has passed: the
// server sends it then, whole, as if the handler had returned at that
// moment. The Func writes the response as usual, before or after calling
// SendAfter; it is framed when the Func returns, as always. The server may
// cap d (engine.Server.MaxDelay). A second call replaces the first;
// d ≤ 0 sends at once.
func (r *Request) SendAfter(d time.Duration) { r.delay = max(d, 0) }

// StreamFunc writes the next piece of a streamed response (see
// [Request.Stream]). It runs on the event loop that serves the connection,
// so like a Func it must not block. It may call [Stream.Write] and, to be
// called again, [Stream.After]; if it returns without calling After the
// response ends.
type StreamFunc func(s *Stream)

// Stream makes the response's body arrive in pieces over time: what the
// handler wrote before returning leaves at once (after the delay of
// [Request.SendAfter], if any) as the head and first piece, and once d has
// passed the server calls next to write the next piece, and so on until a
// StreamFunc returns without asking for more.
//
// The body is framed as the head says. With a Content-Length the handler
// sent, the pieces are sent as they are and must add up to it: bytes past
// it are dropped, and a body that ends short or long closes the connection.
// With Transfer-Encoding the handler sent, the pieces are sent as they are
// and the handler frames them. Otherwise the body is chunked for an HTTP/1.1
// client, and ends with the connection for an HTTP/1.0 one. A status that
// allows no body ends the stream at once; a HEAD request's pieces are
// counted and not sent.
//
// next must not keep the Request: it runs after the handler returned, when
// the Request already serves another request. Whatever it needs, it
// captures.
func (r *Request) Stream(d time.Duration, next StreamFunc) {
	if next == nil {
		panic("handler: Stream needs a StreamFunc")
	}
	r.stream = &Continuation{s: Stream{next: next, wait: max(d, 0)}}
}

// ResetConnection answers with no response at all: the server aborts the
// connection with a TCP reset (RST) where this request's response would
// go, as a crashing server or a failing proxy does, for clients and
// proxies to be tested against. The responses of the requests before it on
// the connection are written first.
func (r *Request) ResetConnection() { r.abort = true }

// Stream is a response whose body is still being written, as a
// [StreamFunc] sees it; see [Request.Stream]. A StreamFunc may use it only
// while it runs, on the event loop that called it. The server's side of it
// is [Continuation].
type Stream struct {
	next StreamFunc
	wait time.Duration

	dst       []byte // the server's output buffer while next runs
	framing   streamFraming
	head      bool  // HEAD: count the pieces, send nothing
	left      int64 // bytes still due under a Content-Length; -1 without one
	keepAlive bool  // the connection may carry another request afterwards
	written   int64 // body bytes the StreamFuncs wrote

	panicValue any
	panicStack []byte
}

// streamFraming is how a stream's pieces reach the wire.
type streamFraming uint8

const (
	framingRaw     streamFraming = iota // as they are: Content-Length, the handler's own, or close-delimited
	framingChunked                      // each piece a chunk, then the last chunk
)

// Write appends p to the body as the next piece, framed as [Request.Stream]
// says, and returns len(p), nil; it makes Stream an [io.Writer]. It copies
// p.
func (s *Stream) Write(p []byte) (int, error) {
	streamWrite(s, p)
	return len(p), nil
}

// WriteString is [Stream.Write] for a string.
func (s *Stream) WriteString(p string) (int, error) {
	streamWrite(s, p)
	return len(p), nil
}

func streamWrite[T string | []byte](s *Stream, p T) {
	s.written += int64(len(p))
	if s.left >= 0 {
		if int64(len(p)) > s.left {
			p = p[:s.left]
			s.keepAlive = false
		}
		s.left -= int64(len(p))
	}
	if s.head || len(p) == 0 {
		return
	}
	if s.framing == framingChunked {
		s.dst = strconv.AppendUint(s.dst, uint64(len(p)), 16)
		s.dst = append(s.dst, "\r\n"...)
		s.dst = append(s.dst, p...)
		s.dst = append(s.dst, "\r\n"...)
		return
	}
	s.dst = append(s.dst, p...)
}

// After asks for next to be called once d has passed, to write the piece
// after this one; without it, the response ends when the StreamFunc that
// got s returns.
func (s *Stream) After(d time.Duration, next StreamFunc) {
	if next == nil {
		panic("handler: After needs a StreamFunc")
	}
	s.next, s.wait = next, max(d, 0)
}

// Continuation is the server's side of a [Stream]: the part of a response
// that goes on after [Exchange.Finish], which [Exchange.Later] hands over.
// The server calls [Continuation.Next] on its timers, after
// [Continuation.Wait] each time, until the response is over, all on the
// event loop that serves the connection.
type Continuation struct {
	s Stream
}

// Wait is how long the server is to wait before [Continuation.Next].
func (c *Continuation) Wait() time.Duration { return c.s.wait }

// Next runs the StreamFunc that is due and appends what it wrote to dst,
// framed, and returns the extended buffer and whether the response is over.
// When it is, the last chunk is appended too and [Continuation.KeepAlive]
// tells whether the connection may stay open; otherwise the server calls
// Next again after [Continuation.Wait]. A panicking StreamFunc ends the
// response and closes the connection; [Continuation.Panic] reports it.
func (c *Continuation) Next(dst []byte) (out []byte, done bool) {
	s := &c.s
	fn := s.next
	s.next, s.wait = nil, 0
	s.dst = dst
	if fn != nil && s.run(fn) {
		out, s.dst = s.dst, nil
		return out, false
	}
	return s.end(), true
}

// run calls fn and reports whether it asked for another piece.
func (s *Stream) run(fn StreamFunc) (more bool) {
	defer func() {
		if p := recover(); p != nil {
			s.panicValue, s.panicStack = p, debug.Stack()
			s.keepAlive, more = false, false
		}
	}()
	fn(s)
	return s.next != nil
}

// end finishes the body and returns the output buffer.
func (s *Stream) end() []byte {
	if s.panicValue != nil {
		// Whatever the client has is cut short; only closing tells it so.
		s.keepAlive = false
	} else if s.framing == framingChunked && !s.head {
		s.dst = append(s.dst, "0\r\n\r\n"...)
	}
	if s.left > 0 {
		s.keepAlive = false
	}
	out := s.dst
	s.dst = nil
	return out
}

// Cancel ends the stream without running what was scheduled, because its
// client went away or the server is shutting down.
func (c *Continuation) Cancel() { c.s.next, c.s.dst = nil, nil }

// KeepAlive reports whether the connection may carry another request once
// the stream has ended.
func (c *Continuation) KeepAlive() bool { return c.s.keepAlive }

// Written returns the body bytes the StreamFuncs have written so far, for
// the log; a HEAD request's are counted too.
func (c *Continuation) Written() int64 { return c.s.written }

// Panic returns what a StreamFunc panicked with and the stack at that
// point, or nil, nil.
func (c *Continuation) Panic() (value any, stack []byte) { return c.s.panicValue, c.s.panicStack }

// startStream sets the stream's framing once the head is final (from
// Finish), converting the body the handler wrote before returning into the
// first chunk where the body is chunked. It reports whether the connection
// may stay open, as far as the head decides it.
func (r *Request) startStream(keepAlive bool) bool {
	s := &r.stream.s
	s.head, s.left = r.head, -1
	switch {
	case r.http09 || !codec.BodyAllowed(r.status):
		if !codec.BodyAllowed(r.status) {
			s.head = true // nothing may follow the head
		}
	case r.sentLength >= 0:
		s.left = max(r.sentLength-int64(r.bodyLen), 0)
		if int64(r.bodyLen) > r.sentLength {
			keepAlive = false
		}
	case r.sentChunked:
	case keepAlive && r.req.Major == 1 && r.req.Minor >= 1:
		s.framing = framingChunked
		r.insertHead([]byte("Transfer-Encoding: chunked\r\n"))
		r.chunkBody()
	default:
		// An HTTP/1.0 client reads the body to the end of the connection.
		keepAlive = false
		r.closeConn = true
	}
	s.keepAlive = keepAlive
	return keepAlive
}

// chunkBody frames the body written so far as one chunk.
func (r *Request) chunkBody() {
	if r.head || r.bodyLen == 0 {
		return
	}
	bodyStart := r.headerEnd + len("\r\n")
	var line [20]byte
	size := strconv.AppendUint(line[:0], uint64(r.bodyLen), 16)
	size = append(size, "\r\n"...)
	n := len(r.dst)
	r.dst = append(r.dst, size...)
	copy(r.dst[bodyStart+len(size):], r.dst[bodyStart:n])
	copy(r.dst[bodyStart:], size)
	r.dst = append(r.dst, "\r\n"...)
}
