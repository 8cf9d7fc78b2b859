package engine

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/fastbase/fastbase/handler"
)

// PanicLogInterval is the least time between two log lines about handler
// panics. A handler that panics on every request under load would otherwise
// write a stack trace per request; the panics in between are counted (in
// [Stats.HandlerPanics] and in the next line's "suppressed").
const PanicLogInterval = time.Second

// panicLog counts the panics that handlers raised and the server recovered,
// and logs them at most once per PanicLogInterval. It is shared by every
// event loop and worker.
type panicLog struct {
	total      atomic.Uint64
	suppressed atomic.Uint64 // recovered since the last line, not logged
	next       atomic.Int64  // unix nanoseconds before which no line is logged
}

// notePanic logs and counts what the handler of x panicked with, if it did.
// It is called after [handler.Handler.Serve] returned, on the goroutine
// that ran it, before [handler.Exchange.Finish].
func (s *Server) notePanic(x *handler.Exchange) {
	value, stack := x.Panic()
	if value == nil {
		return
	}
	r := x.Request()
	s.logPanic(value, stack, "method", r.Command(), "target", string(r.Parsed().Target))
}

// notePanicValue logs and counts a panic recovered outside a handler's
// Func, such as in a StreamFunc; where says which.
func (s *Server) notePanicValue(where string, value any, stack []byte) {
	s.logPanic(value, stack, "in", where)
}

// logPanic counts a recovered panic and logs it, with attrs, unless a line
// was logged less than PanicLogInterval ago.
func (s *Server) logPanic(value any, stack []byte, attrs ...any) {
	pl := &s.panics
	pl.total.Add(1)
	now := time.Now().UnixNano()
	next := pl.next.Load()
	if now < next || !pl.next.CompareAndSwap(next, now+int64(PanicLogInterval)) {
		pl.suppressed.Add(1)
		return
	}
	s.logger().Error("handler panicked; answered 500", append(attrs,
		"value", fmt.Sprint(value),
		"stack", string(stack),
		"suppressed", pl.suppressed.Swap(0))...)
}
