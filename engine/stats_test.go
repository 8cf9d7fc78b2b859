package engine

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestTallyCountsEveryRequest checks that the batch's tally loses no
// request when the counter changes within a batch, and that flush publishes
// the rest and can be called again.
func TestTallyCountsEveryRequest(t *testing.T) {
	var a, b atomic.Uint64
	var tl tally
	for _, c := range []*atomic.Uint64{&a, &a, &b, &a, &b, &b, &b} {
		tl.add(c)
	}
	assert.Equal(t, uint64(3), a.Load(), "counted when the counter changed")
	assert.Equal(t, uint64(1), b.Load())
	tl.flush()
	tl.flush()
	assert.Equal(t, uint64(3), a.Load())
	assert.Equal(t, uint64(4), b.Load())
}

// TestLatenessBuckets puts each lateness in the first bucket whose bound it
// does not exceed, a negative one in the first, one over every bound in
// the last, and sums them.
func TestLatenessBuckets(t *testing.T) {
	var h latenessHistogram
	for _, d := range []time.Duration{
		-time.Millisecond,        // a clock step back: on time
		0,                        // bucket 0
		100 * time.Microsecond,   // bucket 0: the bound is inclusive
		101 * time.Microsecond,   // bucket 1
		time.Millisecond,         // bucket 3
		15 * time.Millisecond,    // bucket 7 (≤ 20 ms)
		100 * time.Millisecond,   // bucket 9
		100*time.Millisecond + 1, // the last
		time.Minute,              // the last
	} {
		h.record(int64(d))
	}
	want := [len(AnswerLatenessBounds) + 1]uint64{0: 3, 1: 1, 3: 1, 7: 1, 9: 1, 10: 2}
	for i := range want {
		assert.Equal(t, want[i], h.counts[i].Load(), "bucket %d", i)
	}
	assert.Equal(t, int64(100*time.Microsecond+101*time.Microsecond+time.Millisecond+15*time.Millisecond+
		200*time.Millisecond+1+time.Minute), h.sum.Load())
}
