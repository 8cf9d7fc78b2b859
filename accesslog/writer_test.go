package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a destination the test can read while the Writer writes.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// blockedWriter is a destination that never returns from Write until
// released, like a pipe nobody reads.
type blockedWriter struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func newBlockedWriter() *blockedWriter {
	return &blockedWriter{entered: make(chan struct{}), release: make(chan struct{})}
}

func (b *blockedWriter) Write(p []byte) (int, error) {
	b.once.Do(func() { close(b.entered) })
	<-b.release
	return 0, errors.New("released")
}

func quietLogger(buf *lockedBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}

func line(i int) []byte {
	return fmt.Appendf(nil, "127.0.0.1 - - [25/Nov/2026 09:05:43] \"GET /%d HTTP/1.1\" 200 13\n", i)
}

func TestWriterDeliversLinesInOrder(t *testing.T) {
	var dst, logs lockedBuffer
	w := New(&dst, Options{Logger: quietLogger(&logs)})
	var want strings.Builder
	for i := range 1000 {
		l := line(i)
		want.Write(l)
		n, err := w.Write(l)
		require.NoError(t, err)
		require.Equal(t, len(l), n)
	}
	require.NoError(t, w.Close())
	assert.Equal(t, want.String(), dst.String())
	assert.Zero(t, w.Dropped())
	assert.Empty(t, logs.String())
}

func TestWriterWritesWithoutClose(t *testing.T) {
	var dst lockedBuffer
	w := New(&dst, Options{FlushInterval: time.Millisecond})
	defer w.Close()
	_, _ = w.Write(line(1))
	require.Eventually(t, func() bool { return dst.String() == string(line(1)) }, 5*time.Second, time.Millisecond)
}

func TestWriterGathersLinesIntoFewWrites(t *testing.T) {
	var dst lockedBuffer
	w := New(&dst, Options{FlushInterval: 50 * time.Millisecond})
	for i := range 100 {
		_, _ = w.Write(line(i))
	}
	require.NoError(t, w.Close())
	assert.LessOrEqual(t, dst.writes, 2)
}

// TestWriterNeverBlocksOnBlockedDestination is the FIFO nobody reads: the
// destination's Write never returns, yet Write returns at once and counts
// what it could not keep, in whole lines.
func TestWriterNeverBlocksOnBlockedDestination(t *testing.T) {
	dst := newBlockedWriter()
	var logs lockedBuffer
	w := New(dst, Options{BufferBytes: 4096, FlushInterval: time.Millisecond, CloseTimeout: 50 * time.Millisecond, Logger: quietLogger(&logs)})
	l := line(7) // 63 bytes
	_, _ = w.Write(l)
	<-dst.entered // the background goroutine is now stuck

	const lines = 100000
	start := time.Now()
	for range lines {
		n, err := w.Write(l)
		require.NoError(t, err)
		require.Equal(t, len(l), n)
	}
	assert.Less(t, time.Since(start), 5*time.Second, "Write waited for the destination")
	kept := 2048 / len(l) // whole lines that fit in the filling half
	assert.Equal(t, uint64(lines-kept), w.Dropped())

	assert.ErrorIs(t, w.Close(), ErrCloseTimeout)
	// The buffered lines are dropped too; the one stuck in the destination
	// is counted when its Write returns.
	assert.Equal(t, uint64(lines), w.Dropped())
	close(dst.release)
	require.Eventually(t, func() bool { return w.Dropped() == lines+1 }, 5*time.Second, time.Millisecond)
	assert.Contains(t, logs.String(), "access log closed with dropped lines")
}

func TestWriterDropsWholeLinesOnly(t *testing.T) {
	dst := newBlockedWriter()
	w := New(dst, Options{BufferBytes: 200, FlushInterval: time.Millisecond, CloseTimeout: time.Millisecond, ReportInterval: -1, Logger: quietLogger(&lockedBuffer{})})
	defer close(dst.release)
	_, _ = w.Write([]byte("x\n"))
	<-dst.entered

	batch := []byte(strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz\n", 5)) // 5 × 37 bytes
	_, _ = w.Write(batch)
	w.mu.Lock()
	filled := string(w.fill)
	w.mu.Unlock()
	assert.Equal(t, strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz\n", 2), filled)
	assert.Equal(t, uint64(3), w.Dropped())
	_ = w.Close()
}

func TestWriterReportsDroppedLines(t *testing.T) {
	dst := newBlockedWriter()
	var logs lockedBuffer
	w := New(dst, Options{BufferBytes: 128, FlushInterval: time.Millisecond, ReportInterval: 10 * time.Millisecond, CloseTimeout: time.Millisecond, Logger: quietLogger(&logs)})
	defer close(dst.release)
	_, _ = w.Write(line(1))
	<-dst.entered
	for i := range 10 {
		_, _ = w.Write(line(i))
	}
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "access log lines dropped")
	}, 5*time.Second, 5*time.Millisecond)
	assert.Contains(t, logs.String(), "dropped=9 dropped_total=9")
	_ = w.Close()
}

type failingWriter struct{}

func (failingWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterCountsLinesTheDestinationRefused(t *testing.T) {
	var logs lockedBuffer
	w := New(failingWriter{}, Options{Logger: quietLogger(&logs)})
	_, _ = w.Write([]byte("a\nb\n"))
	_, _ = w.Write([]byte("c\n"))
	require.NoError(t, w.Close())
	assert.Equal(t, uint64(3), w.Dropped())
	assert.Contains(t, logs.String(), "disk full")
}

func TestWriterDropsAfterClose(t *testing.T) {
	var dst lockedBuffer
	w := New(&dst, Options{Logger: quietLogger(&lockedBuffer{})})
	require.NoError(t, w.Close())
	n, err := w.Write([]byte("late\n"))
	assert.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.Equal(t, uint64(1), w.Dropped())
	assert.Empty(t, dst.String())
	assert.NoError(t, w.Close())
}

func TestWriterConcurrentWriters(t *testing.T) {
	var dst lockedBuffer
	w := New(&dst, Options{BufferBytes: 1 << 20})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				_, _ = w.Write(line(g*1000 + i))
			}
		})
	}
	wg.Wait()
	require.NoError(t, w.Close())
	got := strings.Count(dst.String(), "\n")
	assert.Equal(t, uint64(4000), uint64(got)+w.Dropped())
	for l := range strings.SplitSeq(strings.TrimSuffix(dst.String(), "\n"), "\n") {
		assert.True(t, strings.HasPrefix(l, "127.0.0.1 - - ["), l)
	}
}
