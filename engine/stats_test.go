package engine

import (
	"sync/atomic"
	"testing"

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
