package engine

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// DefaultShutdownTimeout is the bound of a graceful shutdown when
// Server.ShutdownTimeout is zero.
const DefaultShutdownTimeout = 10 * time.Second

// drainIdleGrace is how long a keep-alive connection must have been idle
// before a shutdown closes it. A client that has just read a response may
// be sending its next request at this moment: had the connection been
// closed under it, that request would fail. A busy client's next request
// comes far sooner, and is answered with "Connection: close".
const drainIdleGrace = 250 * time.Millisecond

// drainPoll is how often Shutdown looks whether the drain is over.
const drainPoll = 10 * time.Millisecond

// ErrShutdownInterrupted is returned by [Server.ListenAndServeSignals] when
// a second signal cut the graceful shutdown short.
var ErrShutdownInterrupted = errors.New("engine: shutdown interrupted by a second signal")

// Shutdown stops the server gracefully: it closes the listeners, so that
// new clients are refused,
// lets the requests in flight finish (on event loops and on workers) and
// their responses be written whole, marks every response sent meanwhile
// "Connection: close", closes keep-alive connections once they are idle, and
// then stops the event loops. It returns nil when all of that was done
// before ctx ended. Otherwise, when ctx ends, it stops the event loops at
// once, dropping the connections still open and whatever they had unsent,
// and returns ctx's error.
//
// Shutdown may be called more than once and from any goroutine; every call
// returns when the server has stopped or its own ctx has ended.
// [Server.Draining] reports true from the first call on.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	s.draining.Store(true)
	select {
	case <-s.stopped:
		return nil
	default:
	}
	select {
	case <-s.ready:
	case <-s.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	s.drainOnce.Do(func() {
		s.logger().Info("shutting down: finishing requests in flight", "connections", s.open.Load())
		s.acceptor.close()
		s.checkAll()
	})
	err := s.drain(ctx)
	stopCtx := ctx
	if err != nil {
		// The deadline has passed: stop now, without waiting any more.
		var cancel context.CancelFunc
		stopCtx, cancel = context.WithTimeout(context.Background(), time.Second)
		defer cancel()
	}
	s.quitOnce.Do(func() { close(s.quit) })
	select {
	case <-s.stopped:
	case <-stopCtx.Done():
	}
	return err
}

// drain waits until every connection has closed and every request on a
// worker is done, or ctx ends. Each loop closes its idle connections
// meanwhile (see idleWhileDraining).
func (s *Server) drain(ctx context.Context) error {
	t := time.NewTicker(drainPoll)
	defer t.Stop()
	for {
		if s.open.Load() == 0 && (s.pool == nil || s.pool.inFlight.Load() == 0) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.stopped:
			return nil
		case <-t.C:
		}
	}
}

// checkAll has every loop look at each of its connections now, and from
// then on every pollInterval while the server drains (see conn.polled), so
// that idle ones are closed.
func (s *Server) checkAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ws := range s.workspaces {
		_ = ws.loop.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
			now := s.now()
			for _, cn := range ws.conns {
				ws.schedule(&cn.t, now, cn)
			}
			return nil
		}))
	}
}

// idleWhileDraining reports whether a shutdown should close the connection
// now: it is waiting for a request it has not begun to receive, and has
// been for drainIdleGrace. The caller has ruled out connections with
// requests on workers, paused ones and those closing already.
func (cn *conn) idleWhileDraining(c gnet.Conn, now int64) bool {
	s := cn.ws.s
	if !s.draining.Load() || c.InboundBuffered() > 0 {
		return false
	}
	var since int64
	switch {
	case cn.kind == waitIdle:
		since = cn.deadline - int64(s.idleTimeout())
	case cn.kind == waitHeader && !cn.midRequest():
		// Accepted, nothing received yet.
		since = cn.deadline - int64(s.headerTimeout())
	default:
		return false
	}
	return now-since >= int64(drainIdleGrace)
}

func (s *Server) shutdownTimeout() time.Duration {
	return orDefault(s.ShutdownTimeout, DefaultShutdownTimeout)
}

// ListenAndServeSignals is [Server.ListenAndServe] for a command: it serves
// until ctx is done or one of sigs arrives (SIGINT and SIGTERM when none are
// given), then shuts down gracefully within ShutdownTimeout, as
// [Server.Shutdown] does. A second signal during that shutdown stops the
// server at once.
//
// It returns nil after a graceful shutdown, [ErrShutdownInterrupted] after
// a second signal, context.DeadlineExceeded when the timeout cut requests
// off, or ListenAndServe's error when the server could not start. A command
// exits 0 on nil and non-zero otherwise.
func (s *Server) ListenAndServeSignals(ctx context.Context, sigs ...os.Signal) error {
	if len(sigs) == 0 {
		sigs = []os.Signal{os.Interrupt, syscall.SIGTERM}
	}
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, sigs...)
	defer signal.Stop(signals)

	served := make(chan error, 1)
	go func() { served <- s.ListenAndServe(context.Background()) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	case <-signals:
	}

	sctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout())
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(sctx) }()
	var err error
	select {
	case err = <-shut:
	case <-signals:
		cancel()
		<-shut
		err = ErrShutdownInterrupted
	}
	if serveErr := <-served; !errors.Is(serveErr, ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}
