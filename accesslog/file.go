package accesslog

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// pipeRetry is how often a named pipe without a reader is tried again.
const pipeRetry = 100 * time.Millisecond

// OpenFile opens path as an access-log destination: a regular file is
// created if needed (mode 0644) and appended to; a named pipe is opened for
// writing without waiting for a reader. If the pipe has no reader yet, the
// returned writer opens it on its first Write, trying again until a reader
// comes or the writer is closed, so the wait falls on the [Writer]'s
// background goroutine and never on the caller.
//
// Close the returned writer after the [Writer] that writes to it: closing it
// also ends a Write blocked on a pipe that is not read.
func OpenFile(path string) (io.WriteCloser, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode()&fs.ModeNamedPipe != 0 {
		p := &pipeWriter{path: path, closed: make(chan struct{})}
		f, err := openPipe(path)
		switch {
		case err == nil:
			p.f = f
		case !errors.Is(err, syscall.ENXIO): // ENXIO: no reader yet
			return nil, err
		}
		return p, nil
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
}

// openPipe opens a named pipe for writing without blocking. The descriptor
// stays non-blocking, so the runtime's poller parks a Write on a full pipe
// instead of a thread, and Close can interrupt it.
func openPipe(path string) (*os.File, error) {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// pipeWriter writes to a named pipe that is opened once it has a reader.
type pipeWriter struct {
	path   string
	closed chan struct{}

	mu sync.Mutex
	f  *os.File
}

// Write opens the pipe if needed, waiting for a reader, then writes to it.
func (p *pipeWriter) Write(b []byte) (int, error) {
	f, err := p.file()
	if err != nil {
		return 0, err
	}
	return f.Write(b)
}

func (p *pipeWriter) file() (*os.File, error) {
	for {
		p.mu.Lock()
		f := p.f
		p.mu.Unlock()
		if f != nil {
			return f, nil
		}
		f, err := openPipe(p.path)
		if err == nil {
			p.mu.Lock()
			select {
			case <-p.closed:
				p.mu.Unlock()
				f.Close()
				return nil, os.ErrClosed
			default:
			}
			p.f = f
			p.mu.Unlock()
			return f, nil
		}
		if !errors.Is(err, syscall.ENXIO) {
			return nil, err
		}
		select {
		case <-p.closed:
			return nil, os.ErrClosed
		case <-time.After(pipeRetry):
		}
	}
}

// Close closes the pipe, ending a Write that waits for a reader or for
// room in the pipe.
func (p *pipeWriter) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.closed:
		return nil
	default:
	}
	close(p.closed)
	if p.f != nil {
		return p.f.Close()
	}
	return nil
}
