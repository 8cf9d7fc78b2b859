package accesslog

import (
	"bufio"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenFileAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	require.NoError(t, os.WriteFile(path, []byte("old\n"), 0o644))
	f, err := OpenFile(path)
	require.NoError(t, err)
	w := New(f, Options{})
	_, _ = w.Write([]byte("new\n"))
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old\nnew\n", string(got))
}

func TestOpenFileReportsErrors(t *testing.T) {
	_, err := OpenFile(filepath.Join(t.TempDir(), "no", "such", "dir"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func mkfifo(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "log.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return path
}

// TestOpenFilePipeWithoutReader opens a named pipe nobody has opened for
// reading: OpenFile returns at once, Write never waits, and a reader that
// comes later gets the lines written after it came.
func TestOpenFilePipeWithoutReader(t *testing.T) {
	path := mkfifo(t)
	start := time.Now()
	f, err := OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	w := New(f, Options{BufferBytes: 1024, FlushInterval: time.Millisecond, CloseTimeout: 100 * time.Millisecond, Logger: quietLogger(&lockedBuffer{})})
	for range 1000 {
		_, _ = w.Write(line(1))
	}
	assert.Less(t, time.Since(start), 5*time.Second, "Write waited for a reader")
	assert.NotZero(t, w.Dropped())

	r, err := os.OpenFile(path, os.O_RDONLY, 0)
	require.NoError(t, err)
	defer r.Close()
	lines := bufio.NewReader(r)
	done := make(chan string, 1)
	go func() {
		s, _ := lines.ReadString('\n')
		done <- s
	}()
	// Keep writing until the reader, once the pipe is open, sees a line.
	deadline := time.After(5 * time.Second)
	for {
		_, _ = w.Write(line(2))
		select {
		case s := <-done:
			// Lines kept while the pipe had no reader come first.
			assert.Regexp(t, `^127\.0\.0\.1 - - \[.*\] "GET /[12] HTTP/1\.1" 200 13\n$`, s)
			_ = w.Close()
			return
		case <-deadline:
			t.Fatal("reader got nothing")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestOpenFilePipeNotRead: a reader holds the pipe open but never reads.
// Once the pipe is full, the Writer keeps accepting and dropping lines, and
// closing the destination ends the stuck write.
func TestOpenFilePipeNotRead(t *testing.T) {
	path := mkfifo(t)
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	require.NoError(t, err)
	defer r.Close()
	f, err := OpenFile(path)
	require.NoError(t, err)
	w := New(f, Options{BufferBytes: 64 << 10, FlushInterval: time.Millisecond, CloseTimeout: 50 * time.Millisecond, Logger: quietLogger(&lockedBuffer{})})
	l := line(1)
	start := time.Now()
	for range 200000 { // 12 MB, far more than a pipe holds
		_, _ = w.Write(l)
	}
	assert.Less(t, time.Since(start), 5*time.Second, "Write waited for the pipe")
	assert.NotZero(t, w.Dropped())
	assert.ErrorIs(t, w.Close(), ErrCloseTimeout)
	require.NoError(t, f.Close())
}
