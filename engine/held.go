package engine

import (
	"slices"
	"sync"

	"github.com/fastbase/fastbase/codec"
)

// heldRequest is a parsed request that outlives the bytes it was parsed
// from: a request that waits for its body, streams it, or travels to a
// worker is this copy, and is never parsed again.
type heldRequest struct {
	req     codec.Request
	buf     []byte // the header block (and, for a worker, the body) the views point into
	headLen int
}

// heldPool keeps the heldRequests of requests waiting for their bodies.
var heldPool = sync.Pool{New: func() any { return new(heldRequest) }}

// hold copies req, parsed from head, into h, leaving room for extra more
// bytes after the header block (see appendBody).
func (h *heldRequest) hold(req *codec.Request, head []byte, extra int) {
	h.buf = req.CopyTo(&h.req, head, slices.Grow(h.buf[:0], len(head)+extra))
	h.headLen = len(head)
}

// appendBody appends body after the held header block; it must fit in the
// room hold left, so that the views stay where they are.
func (h *heldRequest) appendBody(body []byte) {
	if len(h.buf)+len(body) > cap(h.buf) {
		panic("engine: held request body larger than announced")
	}
	h.buf = append(h.buf, body...)
}

// body is what follows the held header block.
func (h *heldRequest) body() []byte {
	if len(h.buf) == h.headLen {
		return nil
	}
	return h.buf[h.headLen:]
}
