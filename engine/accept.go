package engine

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// fastbase accepts connections itself and hands them to gnet's event loops
// (a gnet Client: loops without a listener). gnet's own acceptor treats any
// accept error as fatal and stops the whole engine; a server out of
// descriptors (EMFILE) would stop serving the connections it already has.
// Here an accept error is survived: the acceptor backs off, the failures
// are logged once per interval with their count, and accepting resumes once
// descriptors are free again.

// Back-off after a failed accept: doubling from the first to the second.
const (
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = 500 * time.Millisecond
)

// failureLogInterval is how often a failure that repeats (accepting,
// spooling a body) is logged: the first at once, then one line per interval
// with the count.
var failureLogInterval = 10 * time.Second

// openListeners opens the server's listening sockets: one, or with
// ReusePort (and in a prefork child) one SO_REUSEPORT socket per loop,
// each with its own acceptor, so that the kernel spreads new connections
// over them and over sibling processes.
func (s *Server) openListeners(addr string, loops int) ([]*net.TCPListener, error) {
	reuse := s.ReusePort || IsPreforkChild()
	n := 1
	if reuse {
		n = loops
	}
	lc := net.ListenConfig{KeepAlive: -1}
	if reuse {
		lc.Control = setReusePort
	}
	var lns []*net.TCPListener
	for i := range n {
		ln, err := lc.Listen(context.Background(), "tcp", addr)
		if err != nil {
			closeListeners(lns)
			return nil, err
		}
		lns = append(lns, ln.(*net.TCPListener))
		if i == 0 {
			// The others share the first one's port, also when addr asked
			// for port 0.
			addr = ln.Addr().String()
		}
	}
	return lns, nil
}

func setReusePort(_, _ string, rc syscall.RawConn) error {
	var err error
	if e := rc.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, soReusePort, 1)
	}); e != nil {
		return e
	}
	return err
}

func closeListeners(lns []*net.TCPListener) {
	for _, ln := range lns {
		_ = ln.Close()
	}
}

// acceptor accepts connections on the server's listeners and enrolls them
// with the event loops.
type acceptor struct {
	s    *Server
	cli  *gnet.Client
	lns  []*net.TCPListener
	quit chan struct{} // closed by close: back-offs end
	once sync.Once
	wg   sync.WaitGroup
	fail failureLog
}

func newAcceptor(s *Server, cli *gnet.Client, lns []*net.TCPListener) *acceptor {
	a := &acceptor{s: s, cli: cli, lns: lns, quit: make(chan struct{})}
	a.fail.logger = s.logger()
	a.fail.msg = "accept failing; backing off, serving the open connections"
	a.fail.okMsg = "accepting again"
	for _, ln := range lns {
		a.wg.Add(1)
		go a.run(ln)
	}
	return a
}

// close stops accepting: the listeners close, so that clients are refused
// at once, and the acceptors return. It may be called more than once.
func (a *acceptor) close() {
	a.once.Do(func() {
		close(a.quit)
		closeListeners(a.lns)
	})
}

// wait waits for the acceptors to return after close.
func (a *acceptor) wait() { a.wg.Wait() }

func (a *acceptor) run(ln *net.TCPListener) {
	defer a.wg.Done()
	var delay time.Duration
	for {
		nc, err := ln.AcceptTCP()
		if err == nil {
			// Enroll hands a duplicate of the descriptor to a loop and closes
			// nc; the loop's OnOpen has run when it returns.
			_, err = a.cli.Enroll(nc)
		}
		if err == nil {
			delay = 0
			a.fail.recovered()
			continue
		}
		select {
		case <-a.quit:
			return
		default:
		}
		if errors.Is(err, net.ErrClosed) {
			return
		}
		a.fail.record(err)
		delay = min(max(2*delay, acceptBackoffMin), acceptBackoffMax)
		t := time.NewTimer(delay)
		select {
		case <-a.quit:
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// failureLog reports a failure that can repeat thousands of times a second
// without flooding the log: the first one (or the first with another errno)
// at once, then at most one line per failureLogInterval with the count
// since the last line. With recovered, a line also says that the failures
// stopped, again at most once per interval: a server flapping at its
// descriptor limit writes two lines per interval, not two per accept.
type failureLog struct {
	logger *slog.Logger
	msg    string // the line of a failure
	// okMsg is the line of the first success after failures; its count
	// is "failures".
	okMsg string

	failing atomic.Bool // failures since the last success
	mu      sync.Mutex
	count   int64     // failures since the last failure line
	total   int64     // failures since the last success line
	failed  time.Time // when the last failure line was written
	ok      time.Time // when the last success line was written
	last    error
}

// record counts err and logs it when a line is due.
func (f *failureLog) record(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing.Store(true)
	f.count++
	f.total++
	errno := errnoName(err)
	changed := f.last == nil || errno != errnoName(f.last)
	f.last = err
	now := time.Now()
	if !changed && now.Sub(f.failed) < failureLogInterval {
		return
	}
	if errno == "" {
		f.logger.Warn(f.msg, "count", f.count, "err", err)
	} else {
		f.logger.Warn(f.msg, "count", f.count, "errno", errno, "err", err)
	}
	f.failed, f.count = now, 0
}

// recovered notes a success, logging that the failures stopped when a
// line is due. It is cheap when nothing failed.
func (f *failureLog) recovered() {
	if !f.failing.Load() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing.Store(false)
	now := time.Now()
	if f.total == 0 || now.Sub(f.ok) < failureLogInterval {
		return
	}
	f.logger.Info(f.okMsg, "failures", f.total, "errno", errnoName(f.last))
	f.ok, f.total = now, 0
}

// errnoNames names the errors that a server out of a resource meets, for the
// log; others are logged by number.
var errnoNames = map[syscall.Errno]string{
	syscall.EMFILE:       "EMFILE",
	syscall.ENFILE:       "ENFILE",
	syscall.ENOBUFS:      "ENOBUFS",
	syscall.ENOMEM:       "ENOMEM",
	syscall.ECONNABORTED: "ECONNABORTED",
	syscall.ENOSPC:       "ENOSPC",
	syscall.EDQUOT:       "EDQUOT",
	syscall.EIO:          "EIO",
	syscall.EROFS:        "EROFS",
	syscall.EACCES:       "EACCES",
	syscall.EPERM:        "EPERM",
	syscall.ENOENT:       "ENOENT",
}

// errnoName returns the symbolic errno in err, or "" when it has none.
func errnoName(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return ""
	}
	if name, ok := errnoNames[errno]; ok {
		return name
	}
	return "errno " + strconv.Itoa(int(errno))
}
