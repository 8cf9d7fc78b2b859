package accesslog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for the zero fields of [Options].
const (
	// DefaultBufferBytes is the memory a [Writer] holds lines in: two halves
	// of 2 MiB, one filling while the other is written out. At about 80
	// bytes a line that is some 25,000 lines, a tenth of a second of a busy
	// server, which covers the pauses of a healthy disk.
	DefaultBufferBytes = 4 << 20
	// DefaultFlushInterval is the longest a line waits in memory before the
	// background goroutine writes it out.
	DefaultFlushInterval = 10 * time.Millisecond
	// DefaultReportInterval is how often dropped lines are reported.
	DefaultReportInterval = 10 * time.Second
	// DefaultCloseTimeout is how long [Writer.Close] waits for the
	// destination to take the lines still buffered.
	DefaultCloseTimeout = 5 * time.Second
)

// ErrCloseTimeout is returned by [Writer.Close] when the destination did not
// take the buffered lines in time; they are counted as dropped.
var ErrCloseTimeout = errors.New("accesslog: destination blocked at close; buffered lines dropped")

// Options tunes a [Writer]. Zero fields take the defaults above.
type Options struct {
	// BufferBytes is the memory for buffered lines, split in two halves.
	BufferBytes int
	// FlushInterval lets lines gather so that the destination gets a few
	// large writes instead of one per batch of requests.
	FlushInterval time.Duration
	// ReportInterval is how often dropped lines are reported to Logger;
	// negative turns the periodic report off ([Writer.Close] still reports).
	ReportInterval time.Duration
	// CloseTimeout bounds how long Close waits for the destination.
	CloseTimeout time.Duration
	// Logger receives the reports of dropped lines and write errors; nil
	// means slog.Default().
	Logger *slog.Logger
}

// Writer is a non-blocking io.Writer for access-log lines. Write copies the
// lines into a bounded buffer and returns; a background goroutine, started
// by [New], writes them to the destination. Lines that do not fit are
// dropped whole and counted ([Writer.Dropped]).
//
// Write, Dropped and Close are safe to call from any goroutine.
type Writer struct {
	dst io.Writer
	opt Options

	mu     sync.Mutex
	fill   []byte // lines waiting for the background goroutine; never grows
	closed bool

	dropped atomic.Uint64
	wake    chan struct{} // capacity 1: "fill has lines"
	hurry   chan struct{} // capacity 1: "fill is half full, write it now"
	stop    chan struct{} // closed by Close
	flushed chan struct{} // closed when the background goroutine has written all
	stopped chan struct{} // closed when the reporter has ended

	closeOnce sync.Once
	closeErr  error
}

// New returns a Writer that writes to dst, and starts its background
// goroutines. The caller must call [Writer.Close] to flush and stop them;
// Close does not close dst.
func New(dst io.Writer, opt Options) *Writer {
	if opt.BufferBytes <= 0 {
		opt.BufferBytes = DefaultBufferBytes
	}
	if opt.FlushInterval <= 0 {
		opt.FlushInterval = DefaultFlushInterval
	}
	if opt.ReportInterval == 0 {
		opt.ReportInterval = DefaultReportInterval
	}
	if opt.CloseTimeout <= 0 {
		opt.CloseTimeout = DefaultCloseTimeout
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	half := max(opt.BufferBytes/2, 1)
	w := &Writer{
		dst:     dst,
		opt:     opt,
		fill:    make([]byte, 0, half),
		wake:    make(chan struct{}, 1),
		hurry:   make(chan struct{}, 1),
		stop:    make(chan struct{}),
		flushed: make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go w.drain(make([]byte, 0, half))
	go w.report()
	return w
}

// Write buffers p, which must be whole lines, each ending in '\n', and
// returns len(p), nil at once: lines that do not fit in the buffer are
// dropped, as are lines written after Close, and counted, never reported
// as an error (an access log must not fail a request). Write keeps no
// reference to p and does not allocate.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		w.drop(p)
		return len(p), nil
	}
	before := len(w.fill)
	keep := p
	if room := cap(w.fill) - before; len(p) > room {
		keep = p[:bytes.LastIndexByte(p[:room], '\n')+1]
	}
	w.fill = append(w.fill, keep...)
	after, half := len(w.fill), cap(w.fill)/2
	w.mu.Unlock()

	w.drop(p[len(keep):])
	// Only the Write that finds the buffer empty needs to wake the
	// background goroutine: any later one finds a wake-up already pending.
	// Likewise only the one that fills it past half needs to cut the
	// gathering short.
	if before == 0 && after > 0 {
		signal(w.wake)
	}
	if before < half && after >= half {
		signal(w.hurry)
	}
	return len(p), nil
}

// signal sends on a channel of capacity 1 unless a signal is pending.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Dropped returns the number of lines dropped since the Writer was made:
// lines that did not fit in the buffer, that the destination refused with
// an error, or that were still buffered when Close gave up waiting.
func (w *Writer) Dropped() uint64 { return w.dropped.Load() }

// Close writes out the buffered lines and stops the background goroutines.
// If the destination does not take them within the close timeout, Close
// counts them as dropped and returns [ErrCloseTimeout]; the goroutine stuck
// in the destination's Write ends when that Write returns (closing the
// destination usually makes it return). Close reports the total of dropped
// lines, if any, to the Logger. Calling Close again returns the first
// result.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
		close(w.stop)
		timer := time.NewTimer(w.opt.CloseTimeout)
		defer timer.Stop()
		select {
		case <-w.flushed:
		case <-timer.C:
			w.mu.Lock()
			w.drop(w.fill)
			w.fill = w.fill[:0]
			w.mu.Unlock()
			w.closeErr = ErrCloseTimeout
		}
		<-w.stopped
		if n := w.Dropped(); n > 0 {
			w.opt.Logger.Warn("access log closed with dropped lines", "dropped_total", n)
		}
	})
	return w.closeErr
}

// drop counts the lines in b as dropped; a trailing piece without '\n'
// counts as a line.
func (w *Writer) drop(b []byte) {
	if len(b) == 0 {
		return
	}
	n := bytes.Count(b, newline)
	if b[len(b)-1] != '\n' {
		n++
	}
	w.dropped.Add(uint64(n))
}

var newline = []byte{'\n'}

// drain is the background goroutine that writes buffered lines to the
// destination. out is the half of the buffer it writes from; it trades it
// for the filled half under the lock, so Write never waits for the
// destination.
func (w *Writer) drain(out []byte) {
	defer close(w.flushed)
	gather := time.NewTimer(w.opt.FlushInterval)
	gather.Stop()
	var lastErr string
	for {
		select {
		case <-w.wake:
			gather.Reset(w.opt.FlushInterval)
			select {
			case <-gather.C:
			case <-w.hurry:
				gather.Stop()
			case <-w.stop:
				gather.Stop()
			}
		case <-w.stop:
		}
		w.mu.Lock()
		out, w.fill = w.fill, out[:0]
		closed := w.closed
		w.mu.Unlock()
		if len(out) > 0 {
			if err := w.writeOut(out); err != nil && err.Error() != lastErr {
				lastErr = err.Error()
				w.opt.Logger.Error("access log write failed", "err", err)
			}
		}
		if closed {
			// Lines written before Close set closed are in out now; any
			// later Write drops its lines.
			return
		}
	}
}

// writeOut writes b to the destination, counting what it refused as
// dropped.
func (w *Writer) writeOut(b []byte) error {
	n, err := w.dst.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.drop(b[max(n, 0):])
	}
	return err
}

// report logs the lines dropped since the last report, every report
// interval, until Close.
func (w *Writer) report() {
	defer close(w.stopped)
	if w.opt.ReportInterval < 0 {
		<-w.stop
		return
	}
	tick := time.NewTicker(w.opt.ReportInterval)
	defer tick.Stop()
	var last uint64
	for {
		select {
		case <-tick.C:
			if n := w.Dropped(); n > last {
				w.opt.Logger.LogAttrs(context.Background(), slog.LevelWarn, "access log lines dropped",
					slog.Uint64("dropped", n-last), slog.Uint64("dropped_total", n))
				last = n
			}
		case <-w.stop:
			return
		}
	}
}
