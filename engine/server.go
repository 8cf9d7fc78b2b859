package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// DefaultAddr is where a [Server] listens when Addr is empty.
const DefaultAddr = "127.0.0.1:8080"

// DefaultMaxBodyBytes is the largest request body a [Server] accepts when
// MaxBodyBytes is zero: 64 MiB.
const DefaultMaxBodyBytes = 64 << 20

// Defaults of the [Server] fields of the same names.
const (
	DefaultMaxHeaderBytes   = 64 << 10
	DefaultHeaderTimeout    = 10 * time.Second
	DefaultIdleTimeout      = 60 * time.Second
	DefaultWriteTimeout     = 30 * time.Second
	DefaultMaxOutboundBytes = 128 << 10
	DefaultMaxInboundBytes  = 128 << 10
	DefaultMaxBufferedBytes = 64 << 20
)

// readChunk is what gnet reads from a socket at a time (its default
// ReadBufferCap): a connection's inbound buffer may pass a bound by this
// much before the engine sees it.
const readChunk = 64 << 10

// lingerTime is how long a half-closed connection may keep sending before it
// is closed outright. It only applies to connections whose client had sent
// bytes the server did not read, such as the rest of a rejected request.
const lingerTime = 2 * time.Second

// tickInterval is the period of the ticker that advances the coarse clock
// and refreshes the Date cache; idleTickInterval its period while nothing
// arrives.
const (
	tickInterval     = 100 * time.Millisecond
	idleTickInterval = time.Second
)

// ErrServerClosed is returned by [Server.ListenAndServe] after
// [Server.Shutdown] or a cancelled context stopped it.
var ErrServerClosed = errors.New("engine: server closed")

// Server serves a [handler.Handler] over HTTP/1.x on gnet event loops.
//
// Set the fields, then call [Server.ListenAndServe]. The fields must not be
// changed after that. The zero value serves nothing: Handler is required.
type Server struct {
	// Addr is the TCP address to listen on, "host:port"; empty means
	// [DefaultAddr]. Port 0 picks a free port: see [Server.ListenAddr].
	Addr string
	// Handler answers every request.
	Handler *handler.Handler
	// Loops is the number of event loops; zero means runtime.GOMAXPROCS(0).
	Loops int
	// ReusePort opens one SO_REUSEPORT listener per event loop, each with
	// its own acceptor, instead of one shared listener: the kernel spreads
	// new connections over them (and over other processes on the same
	// port). Either way an accepted connection goes to the loop with the
	// fewest connections.
	ReusePort bool
	// Limits bounds request header blocks; zero fields take codec's
	// defaults, except MaxHeaderBytes, which defaults to
	// [DefaultMaxHeaderBytes].
	Limits codec.Limits
	// MaxBodyBytes is the largest Content-Length accepted (413 above it);
	// zero means [DefaultMaxBodyBytes].
	MaxBodyBytes int64
	// BodyMemoryBytes is the largest request body held in memory; larger
	// and chunked bodies are read as they arrive, and spooled to a temporary
	// file past this size. Zero means [DefaultBodyMemoryBytes].
	BodyMemoryBytes int64
	// BodyTempDir is where spooled bodies go; empty means os.TempDir().
	// The files are unlinked as soon as they are created.
	BodyTempDir string
	// HeaderTimeout is the time a client has to send a whole header block
	// once it has started one (or connected), and the longest pause while it
	// sends a body; a late client gets 408 and the connection closes. Zero
	// means [DefaultHeaderTimeout]. It defends against slowloris clients.
	HeaderTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request before it is closed. Zero means [DefaultIdleTimeout].
	IdleTimeout time.Duration
	// WriteTimeout is how long a client may go without reading any of the
	// response waiting for it before the connection is closed. Zero means
	// [DefaultWriteTimeout].
	WriteTimeout time.Duration
	// MaxConns caps the open connections; a connection over the cap is
	// answered 503 and closed. Zero means [DefaultMaxConns], what the
	// process's descriptor limit allows; a negative value means no cap.
	MaxConns int
	// MaxDelay caps how long an answer may be held back or wait for its
	// next piece ([handler.Request.SendAfter], [handler.Request.Stream]);
	// zero means [DefaultMaxDelay].
	MaxDelay time.Duration
	// MaxPendingAnswers caps the answers that come later which one event
	// loop holds at once; a request whose answer would be one more is
	// answered 503. Zero means [DefaultMaxPendingAnswers].
	MaxPendingAnswers int
	// MaxOutboundBytes is the unsent output a connection may have before the
	// server stops answering its pipelined requests until the client reads
	// (back-pressure). Zero means [DefaultMaxOutboundBytes].
	MaxOutboundBytes int
	// MaxInboundBytes bounds what a connection may have received and not
	// yet consumed: pipelined requests waiting for their turn, and a
	// request body waiting to be whole in memory (a longer one is read as
	// it arrives, see BodyMemoryBytes). gnet reads whatever a socket holds
	// and cannot stop reading one connection, so a client past this bound
	// (by a read of 64 KiB at most) is cut off. It is at least the header
	// block limit plus 64 KiB. Zero means [DefaultMaxInboundBytes].
	MaxInboundBytes int
	// MaxBufferedBytes is the budget of all connections together: bytes
	// received and not consumed, output not yet taken by the kernel, and
	// bodies being read into memory. Past it, the connections holding the
	// most are cut until the rest fit in seven eighths of it. Each of the
	// Loops event loops enforces its share. Zero means
	// [DefaultMaxBufferedBytes]; negative means no budget.
	MaxBufferedBytes int64
	// Workers is the size of a pool of goroutines that run the handler, the
	// ThreadingMixIn of fastbase: with Workers > 0 every request is copied
	// out of the event loop's buffers and answered on a worker, so a handler
	// that blocks stalls only its worker. Responses still leave each
	// connection in request order. Zero runs handlers on the event loops,
	// except methods registered with [handler.Handler.HandleBlocking], which
	// then run on a pool of [DefaultWorkers]. When every worker is busy and
	// as many requests wait, connections stop reading requests until a
	// worker is free.
	Workers int
	// ShutdownTimeout bounds the graceful shutdown that a cancelled
	// ListenAndServe context or [Server.ListenAndServeSignals] starts; zero
	// means [DefaultShutdownTimeout]. [Server.Shutdown] takes its bound from
	// its context instead.
	ShutdownTimeout time.Duration
	// AccessLog receives one line per request in http.server's format, written
	// once per batch of requests. Nil means no access log.
	AccessLog io.Writer
	// Logger receives server events (start, errors). Nil means slog.Default().
	Logger *slog.Logger

	ready     chan struct{}
	stopped   chan struct{} // closed when ListenAndServe returns
	readyOnce sync.Once
	listen    net.Addr
	acceptor  *acceptor
	quit      chan struct{} // closed when the event loops are to stop
	quitOnce  sync.Once
	maxConns  int // MaxConns or its default, set by ListenAndServe
	// noAlarms leaves every loop's wheel to the timer driver, as where
	// there are no alarms (tests of the driver set it).
	noAlarms   bool
	budget     int64 // each loop's share of MaxBufferedBytes; 0 for none
	inboundMax int   // maxInbound(), set by ListenAndServe

	mu         sync.Mutex
	workspaces []*workspace // one per event loop, in order of first use

	clock     atomic.Int64 // coarse time, unix nanoseconds, set by OnTick
	open      atomic.Int64 // open connections, for MaxConns
	draining  atomic.Bool  // Shutdown has begun
	drainOnce sync.Once    // the first Shutdown stops accepting
	pool      *workerPool  // nil when every request runs on the event loops
	answerer  answerer     // on the loops, or on the pool too; chosen at start
	timers    *timerDriver
	panics    panicLog
	lastDate  atomic.Int64 // unix second of the cached Date value
	slowClock atomic.Bool  // the ticker is slow: read the time in now
	// lastActivity is activity at the last tick (OnTick only).
	lastActivity uint64

	spoolFailures failureLog // failures to store a request body
	budgetCuts    failureLog // connections cut over MaxBufferedBytes
}

// ListenAndServe listens on s.Addr and serves until ctx is cancelled or
// [Server.Shutdown] is called, then returns [ErrServerClosed]. A cancelled
// ctx starts a graceful shutdown bounded by ShutdownTimeout, and
// ListenAndServe returns once it is over. A listen error (such as the port
// being in use) is returned at once.
func (s *Server) ListenAndServe(ctx context.Context) error {
	if s.Handler == nil {
		return errors.New("engine: Server.Handler is nil")
	}
	s.init()
	defer close(s.stopped)
	addr := s.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	loops := s.Loops
	if loops <= 0 {
		loops = runtime.GOMAXPROCS(0)
	}
	s.answerer = loopAnswerer{}
	if n := s.workers(); n > 0 {
		s.answerer = poolAnswerer{}
		s.pool = newWorkerPool(s, n)
		// The pool stops once gnet has: no event loop dispatches any more.
		defer s.pool.stop()
	}
	s.timers = newTimerDriver()
	go s.timers.run(s)
	defer s.timers.halt()
	stop := context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout())
		defer cancel()
		_ = s.Shutdown(sctx)
	})
	defer stop()
	lns, err := s.openListeners(addr, loops)
	if err != nil {
		return err
	}
	s.budget = s.loopBudget(loops)
	s.inboundMax = s.maxInbound()
	s.maxConns = s.MaxConns
	if s.maxConns == 0 {
		s.maxConns = DefaultMaxConns(loops)
	}
	cli, err := gnet.NewClient(&events{s: s},
		gnet.WithMulticore(loops > 1),
		gnet.WithNumEventLoop(loops),
		// Go sets TCP_NODELAY on every connection it accepts, and the
		// loop's descriptor is a duplicate of it: no second setsockopt.
		gnet.WithTCPNoDelay(gnet.TCPDelay),
		gnet.WithTicker(true),
		gnet.WithLogger(gnetLogger{s.logger()}),
	)
	if err == nil {
		err = cli.Start()
	}
	if err != nil {
		closeListeners(lns)
		return err
	}
	s.enrollAlarms(cli, loops)
	s.listen = lns[0].Addr()
	s.acceptor = newAcceptor(s, cli, lns)
	s.logger().Debug("listening", "addr", s.listen, "listeners", len(lns), "max_conns", s.maxConns)
	close(s.ready)
	<-s.quit
	// Shutdown has drained what it could: stop the loops, which closes the
	// connections still open.
	s.acceptor.close()
	s.acceptor.wait()
	_ = cli.Stop()
	return ErrServerClosed
}

// Ready returns a channel that is closed once the server accepts connections.
func (s *Server) Ready() <-chan struct{} {
	s.init()
	return s.ready
}

// ListenAddr returns the address the server listens on, with the real port
// when Addr asked for port 0. It is nil until [Server.Ready] is closed.
func (s *Server) ListenAddr() net.Addr {
	select {
	case <-s.Ready():
		return s.listen
	default:
		return nil
	}
}

func (s *Server) init() {
	s.readyOnce.Do(func() {
		s.ready = make(chan struct{})
		s.stopped = make(chan struct{})
		s.quit = make(chan struct{})
		s.clock.Store(time.Now().UnixNano())
		s.spoolFailures.logger = s.logger()
		s.spoolFailures.msg = "cannot spool a request body; answering 507 (no space) or 503"
		s.budgetCuts.logger = s.logger()
		s.budgetCuts.msg = "connections over the memory budget (-max-buffered-bytes); cutting those holding the most"
	})
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// limits returns the parser limits with the engine's default for the whole
// header block.
func (s *Server) limits() codec.Limits {
	l := s.Limits
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return l
}

// now returns the coarse clock: accurate to the tick interval, and cheap
// enough to read for every batch of requests. While the ticker is slow (the
// server was idle) it reads the time instead, so that the first requests
// after an idle spell get their deadlines and Date right.
func (s *Server) now() int64 {
	if !s.slowClock.Load() {
		return s.clock.Load()
	}
	return s.setClock(time.Now())
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (s *Server) headerTimeout() time.Duration {
	return orDefault(s.HeaderTimeout, DefaultHeaderTimeout)
}
func (s *Server) idleTimeout() time.Duration  { return orDefault(s.IdleTimeout, DefaultIdleTimeout) }
func (s *Server) writeTimeout() time.Duration { return orDefault(s.WriteTimeout, DefaultWriteTimeout) }

func (s *Server) maxOutbound() int {
	if s.MaxOutboundBytes > 0 {
		return s.MaxOutboundBytes
	}
	return DefaultMaxOutboundBytes
}

// maxInbound is how many unconsumed bytes a connection may hold before it
// is cut off; see MaxInboundBytes.
func (s *Server) maxInbound() int {
	n := DefaultMaxInboundBytes
	if s.MaxInboundBytes > 0 {
		n = s.MaxInboundBytes
	}
	return max(n, s.limits().MaxHeaderBytes+readChunk)
}

// loopBudget is the share of MaxBufferedBytes of one of loops event loops;
// 0 means no budget.
func (s *Server) loopBudget(loops int) int64 {
	switch {
	case s.MaxBufferedBytes < 0:
		return 0
	case s.MaxBufferedBytes == 0:
		return DefaultMaxBufferedBytes / int64(loops)
	}
	return max(s.MaxBufferedBytes/int64(loops), 1)
}

// Draining reports whether [Server.Shutdown] has begun: a load balancer's
// health check should stop sending new clients.
func (s *Server) Draining() bool { return s.draining.Load() }

func (s *Server) bodyMemory() int64 {
	if s.BodyMemoryBytes > 0 {
		return s.BodyMemoryBytes
	}
	return DefaultBodyMemoryBytes
}

// workers returns the size of the worker pool, 0 for none.
func (s *Server) workers() int {
	switch {
	case s.Workers > 0:
		return s.Workers
	case s.Handler.HasBlocking():
		return DefaultWorkers
	}
	return 0
}

func (s *Server) maxBody() int64 {
	if s.MaxBodyBytes > 0 {
		return s.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

// workspaceFor returns the workspace of the event loop el, creating it on
// first use. Event loops never run two callbacks at once, so a workspace is
// only ever used by one goroutine at a time.
func (s *Server) workspaceFor(el gnet.EventLoop) *workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ws := range s.workspaces {
		if ws.loop == el {
			return ws
		}
	}
	ws := newWorkspace(s, el, "loop "+strconv.Itoa(len(s.workspaces)))
	s.workspaces = append(s.workspaces, ws)
	return ws
}

// events is the gnet event handler; it is kept apart from Server so that
// gnet's callbacks are not part of Server's API.
type events struct {
	gnet.BuiltinEventEngine
	s *Server
}

func (ev *events) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	s := ev.s
	if a, ok := c.Context().(*alarm); ok {
		return nil, a.open(s, c)
	}
	ws := s.workspaceFor(c.EventLoop())
	cn := &conn{c: c, ws: ws}
	c.SetContext(cn)
	ws.add(cn)
	cn.wait(waitHeader, s.headerTimeout())
	if open := s.open.Add(1); s.maxConns > 0 && open > int64(s.maxConns) {
		return nil, cn.refuse(c, overloaded)
	}
	return nil, gnet.None
}

// overloaded is the answer to a connection over [Server.MaxConns].
var overloaded = &codec.Error{Status: 503, Message: "Too many connections"}

func (ev *events) OnClose(c gnet.Conn, _ error) gnet.Action {
	if a, ok := c.Context().(*alarm); ok {
		a.closed()
		return gnet.None
	}
	cn, _ := c.Context().(*conn)
	if cn == nil {
		return gnet.None
	}
	ev.s.open.Add(-1)
	cn.closed = true
	cn.ws.unschedule(&cn.t)
	if p := cn.later(); p != nil {
		p.cancel()
	}
	cn.ws.track(cn, 0)
	cn.releaseBody()
	cn.releaseWaiting()
	if pl := cn.pl(); pl != nil {
		pl.close()
	}
	if w := cn.w; w != nil {
		// What is left of a request in progress goes with the connection.
		w.parser, w.need, w.outSeen, w.outSince = nil, 0, 0, 0
	}
	cn.settle()
	cn.ws.remove(cn)
	c.SetContext(nil)
	return gnet.None
}

func (ev *events) OnTraffic(c gnet.Conn) gnet.Action {
	cn, ok := c.Context().(*conn)
	if !ok {
		if a, ok := c.Context().(*alarm); ok {
			a.ring(c, time.Now().UnixNano())
		}
		return gnet.None
	}
	action := cn.onTraffic(c)
	if action == gnet.None && cn.ws.overBudget(cn) {
		return gnet.Close
	}
	return action
}

// OnTick advances the coarse clock, refreshes the Date cache once a second
// and lets the worker pool wake connections waiting for room. Timeouts are
// not its business: each loop's wheel has them (see clock.go). While no
// byte arrives and no connection opens, it ticks every idleTickInterval
// only, and the clock is read when it is needed (see now): an idle server
// does next to nothing.
func (ev *events) OnTick() (time.Duration, gnet.Action) {
	s := ev.s
	s.setClock(time.Now())
	if s.pool != nil {
		s.pool.tick()
	}
	activity := s.activity()
	busy := activity != s.lastActivity
	s.lastActivity = activity
	s.slowClock.Store(!busy)
	if !busy {
		return idleTickInterval, gnet.None
	}
	return tickInterval, gnet.None
}

// activity is a number that changes whenever a loop reads bytes or accepts
// a connection.
func (s *Server) activity() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n uint64
	for _, ws := range s.workspaces {
		n += ws.stats.bytesIn.Load() + ws.stats.accepted.Load()
	}
	return n
}

// setClock sets the coarse clock to now and refreshes the Date cache when
// the second has changed. Any goroutine may call it.
func (s *Server) setClock(now time.Time) int64 {
	ns := now.UnixNano()
	s.clock.Store(ns)
	if sec := now.Unix(); sec != s.lastDate.Load() {
		s.lastDate.Store(sec)
		codec.RefreshDate(now)
	}
	return ns
}

// gnetLogger sends gnet's own log output to slog, at debug level for its
// informational chatter so that a server's start-up prints only fastbase's
// line.
type gnetLogger struct{ l *slog.Logger }

func (g gnetLogger) Debugf(format string, args ...any) { g.log(slog.LevelDebug, format, args) }
func (g gnetLogger) Infof(format string, args ...any)  { g.log(slog.LevelDebug, format, args) }
func (g gnetLogger) Warnf(format string, args ...any) {
	level := slog.LevelWarn
	if strings.HasPrefix(format, "received event") {
		// A connection the engine closed while the loop had its events
		// in hand (one cut to keep memory within budget, say): expected.
		level = slog.LevelDebug
	}
	g.log(level, format, args)
}
func (g gnetLogger) Errorf(format string, args ...any) { g.log(slog.LevelError, format, args) }
func (g gnetLogger) Fatalf(format string, args ...any) { g.log(slog.LevelError, format, args) }

func (g gnetLogger) log(level slog.Level, format string, args []any) {
	if g.l.Enabled(context.Background(), level) {
		g.l.Log(context.Background(), level, "gnet: "+fmt.Sprintf(format, args...))
	}
}
