//go:build !race

package accesslog

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestWriteDoesNotAllocate covers both paths of Write: lines kept and lines
// dropped because the buffer is full.
func TestWriteDoesNotAllocate(t *testing.T) {
	w := New(io.Discard, Options{FlushInterval: time.Millisecond})
	defer w.Close()
	l := line(1)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = w.Write(l) }))

	dst := newBlockedWriter()
	defer close(dst.release)
	full := New(dst, Options{BufferBytes: 256, FlushInterval: time.Millisecond, CloseTimeout: time.Millisecond, ReportInterval: -1})
	defer full.Close()
	_, _ = full.Write(l)
	<-dst.entered
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = full.Write(l) }))
	assert.NotZero(t, full.Dropped())
}
