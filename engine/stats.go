package engine

import (
	"sync/atomic"
	"time"

	"github.com/fastbase/fastbase/codec"
)

// Stats is a snapshot of a [Server]'s counters since it started. The
// counters are kept per event loop with atomic operations, so they are cheap
// enough to stay on, and summed when Stats is called.
type Stats struct {
	ConnsOpen     uint64 // connections open now
	ConnsAccepted uint64 // connections accepted
	ConnsClosed   uint64 // connections closed
	// ConnsCut counts connections closed for holding too much: more
	// unconsumed input than MaxInboundBytes, or the most when the server
	// was over MaxBufferedBytes.
	ConnsCut uint64
	BytesIn  uint64 // request bytes read (header blocks and bodies)
	BytesOut uint64 // response bytes handed to the socket
	// InFlight is the number of requests being handled at this moment: on
	// an event loop, or handed to a worker and not yet answered (waiting
	// for a worker, running, or waiting for the responses before it).
	InFlight int64
	// PendingAnswers is the number of answers that come later
	// ([handler.Request.SendAfter], [handler.Request.Stream]) held now.
	PendingAnswers int64
	// AnswerLateness counts the timed pieces of answers that come later
	// (a delayed response, each piece of a stream) by how late their timer
	// fired: entry i counts those no later than AnswerLatenessBounds[i]
	// and over the bound before it; the last entry counts the rest.
	// AnswerLatenessSum is their total lateness.
	AnswerLateness    [len(AnswerLatenessBounds) + 1]uint64
	AnswerLatenessSum time.Duration
	// WorkerQueue is the number of requests waiting for a free worker.
	WorkerQueue int64
	// Requests counts answered requests by method and status; only non-zero
	// entries are listed.
	Requests []RequestCount
	// ParseErrors counts requests refused before reaching the handler
	// (malformed, over a limit, timed out), by status.
	ParseErrors []StatusCount
	// HandlerPanics counts the panics recovered from handlers (each answered
	// 500); see [PanicLogInterval].
	HandlerPanics uint64
	// LogLinesDropped is what the AccessLog writer reports through a
	// Dropped() uint64 method, if it has one.
	LogLinesDropped uint64
}

// RequestCount is one entry of [Stats.Requests].
type RequestCount struct {
	Method string // one of [StatsMethods]
	Status int
	Count  uint64
}

// StatusCount is one entry of [Stats.ParseErrors].
type StatusCount struct {
	Status int
	Count  uint64
}

// StatsMethods are the method labels of [RequestCount]: [codec.MethodNames],
// whose last entry, "other", counts every other method, so that a client
// cannot make the set of labels grow.
var StatsMethods = codec.MethodNames

// AnswerLatenessBounds are the upper bounds of the buckets of
// [Stats.AnswerLateness].
var AnswerLatenessBounds = [...]time.Duration{
	100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond,
}

// latenessHistogram counts how late timed pieces of answers were sent.
type latenessHistogram struct {
	counts [len(AnswerLatenessBounds) + 1]atomic.Uint64
	sum    atomic.Int64 // nanoseconds
}

// record counts one piece sent d nanoseconds after its time.
func (h *latenessHistogram) record(d int64) {
	d = max(d, 0)
	i := 0
	for i < len(AnswerLatenessBounds) && d > int64(AnswerLatenessBounds[i]) {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(d)
}

const (
	statusSlots = 600 // status codes 0–599; 0 is "no response"
	methodSlots = codec.MethodCount
)

// loopStats are the counters of one event loop. Only that loop adds to them
// (except ConnsClosed, see conn.go), so the atomics are uncontended.
type loopStats struct {
	accepted, closed  atomic.Uint64
	cutInbound        atomic.Uint64 // over MaxInboundBytes
	cutBudget         atomic.Uint64 // over the loop's share of MaxBufferedBytes
	bytesIn, bytesOut atomic.Uint64
	inFlight          atomic.Int64
	pending           atomic.Int64 // answers that come later, held now
	lateness          latenessHistogram
	requests          [methodSlots][statusSlots]atomic.Uint64
	parseErrors       [statusSlots]atomic.Uint64
}

// tally holds the loop's count of requests answered in the current batch
// that has not reached loopStats yet. The requests of a batch mostly share
// a method and a status, so the loop adds to one atomic counter per batch
// instead of one per request: an atomic add waits for every store before
// it to drain, which on a pipelined batch cost more than the rest of the
// counting. endBatch publishes the tally before the batch's answers are
// written, so whoever has read an answer finds it counted.
type tally struct {
	counter *atomic.Uint64
	n       uint64
}

// add counts one request on c.
func (t *tally) add(c *atomic.Uint64) {
	if c != t.counter {
		t.flush()
		t.counter = c
	}
	t.n++
}

// flush adds what t holds to its counter.
func (t *tally) flush() {
	if t.n > 0 {
		t.counter.Add(t.n)
		t.n = 0
	}
}

func statusSlot(status int) int {
	if status < 0 || status >= statusSlots {
		return 0
	}
	return status
}

// Stats returns the server's counters. It is safe to call from any
// goroutine at any time.
func (s *Server) Stats() Stats {
	var st Stats
	var requests [methodSlots][statusSlots]uint64
	var parseErrors [statusSlots]uint64
	s.mu.Lock()
	workspaces := append([]*workspace(nil), s.workspaces...)
	s.mu.Unlock()
	for _, ws := range workspaces {
		ls := &ws.stats
		st.ConnsAccepted += ls.accepted.Load()
		st.ConnsClosed += ls.closed.Load()
		st.ConnsCut += ls.cutInbound.Load() + ls.cutBudget.Load()
		st.BytesIn += ls.bytesIn.Load()
		st.BytesOut += ls.bytesOut.Load()
		st.InFlight += ls.inFlight.Load()
		st.PendingAnswers += ls.pending.Load()
		for i := range st.AnswerLateness {
			st.AnswerLateness[i] += ls.lateness.counts[i].Load()
		}
		st.AnswerLatenessSum += time.Duration(ls.lateness.sum.Load())
		for m := range requests {
			for code := range requests[m] {
				requests[m][code] += ls.requests[m][code].Load()
			}
		}
		for code := range parseErrors {
			parseErrors[code] += ls.parseErrors[code].Load()
		}
	}
	st.ConnsOpen = st.ConnsAccepted - st.ConnsClosed
	for m := range requests {
		for code, n := range requests[m] {
			if n > 0 {
				st.Requests = append(st.Requests, RequestCount{Method: StatsMethods[m], Status: code, Count: n})
			}
		}
	}
	for code, n := range parseErrors {
		if n > 0 {
			st.ParseErrors = append(st.ParseErrors, StatusCount{Status: code, Count: n})
		}
	}
	if s.pool != nil {
		st.InFlight += s.pool.inFlight.Load()
		st.WorkerQueue = s.pool.queued.Load()
	}
	st.HandlerPanics = s.panics.total.Load()
	if d, ok := s.AccessLog.(interface{ Dropped() uint64 }); ok {
		st.LogLinesDropped = d.Dropped()
	}
	return st
}
