// Command fastbase serves one of fastbase's built-in handlers: the examples
// of Python's BaseHTTPServer article (echo for GET and POST, form with an
// upload page, threads, error), TechEmpower's plaintext answer (hello), and
// httpbin, the target for load tests and proxy tests (go-httpbin's routes
// and fortio's echo; see package handler/httpbin).
//
//	fastbase [-addr 127.0.0.1:8080] [-handler echo|form|hello|threads|error|httpbin] [-quiet] …
//
// `fastbase -h` lists every flag with its default, by group: listening,
// handler, limits, timeouts, concurrency, logging, admin. Every flag can
// also be set through an environment variable FASTBASE_<FLAG> (FASTBASE_ADDR,
// FASTBASE_MAX_BODY_BYTES, …); the command line wins.
//
// It logs one line per request in http.server's format to stderr, or to the
// file given by -access-log, unless -quiet is given. The log is written by a
// background goroutine from a bounded buffer, so a slow or blocked
// destination drops lines (counted and reported) instead of slowing the
// server. Server events (start, stop, errors, dropped log lines) go to
// stderr through log/slog, as text or, with -log-format json, as JSON.
//
// With -stats 1s it logs the server's side of a load test once a second
// (requests/s, open connections, bytes/s, status classes, refusals).
//
// With -admin host:port it also serves /metrics (Prometheus), /healthz (503
// once draining) and /debug/pprof/ on that address with net/http.
//
// On SIGINT or SIGTERM it stops accepting, finishes the requests in flight
// within -shutdown-timeout and exits 0; a second signal exits at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"

	"github.com/fastbase/fastbase/accesslog"
	"github.com/fastbase/fastbase/admin"
	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler"
)

func main() {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	cmd := &command{
		args:      os.Args[1:],
		lookupEnv: os.LookupEnv,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		signals:   signals,
	}
	os.Exit(cmd.run())
}

// command is one run of fastbase with its process state passed in, so that
// tests can run it.
type command struct {
	args           []string
	lookupEnv      func(string) (string, bool)
	stdout, stderr io.Writer
	signals        <-chan os.Signal
	// started, when non-nil, receives the running servers once the main one
	// accepts connections.
	started chan<- running
	// accessLogBuffer, when non-zero, replaces the access log's buffer size.
	accessLogBuffer int
}

// running is what a started command serves.
type running struct {
	srv   *engine.Server
	admin net.Addr // nil without -admin
}

// run parses the flags and serves; it returns the exit code: 0 after a
// clean stop, 1 when serving failed, 2 for a usage error.
func (cmd *command) run() int {
	var c config
	fs := newFlagSet(&c)
	fs.SetOutput(cmd.stderr)
	if err := applyEnv(fs, cmd.lookupEnv); err != nil {
		fmt.Fprintf(cmd.stderr, "fastbase: %v\n", err)
		return 2
	}
	if err := fs.Parse(cmd.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(cmd.stdout, fs)
			return 0
		}
		// flag has printed what was wrong, naming the flag.
		fmt.Fprintln(cmd.stderr, "Run 'fastbase -h' for the list of flags.")
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(cmd.stderr, "fastbase: unexpected argument %q\nRun 'fastbase -h' for the list of flags.\n", fs.Arg(0))
		return 2
	}
	if c.version {
		printVersion(cmd.stdout)
		return 0
	}
	return cmd.serve(&c, newLogger(cmd.stderr, c.logFormat, c.logLevel))
}

// newLogger returns the logger for server events.
func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level)) // the flag accepts only valid levels
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newServer makes the engine.Server that c describes.
func newServer(c *config, logger *slog.Logger) *engine.Server {
	h := handlers[c.handler](c)
	h.ProtocolVersion = c.proto
	h.Forms = handler.FormConfig{
		Limits: codec.FormLimits{
			MaxParts:           c.formMaxParts,
			MaxPartHeaderBytes: int(c.formPartHeaderBytes),
			MaxBytes:           c.formMaxBytes,
		},
		SpillBytes:  c.formSpillBytes,
		MemoryBytes: c.formMemoryBytes,
	}
	return &engine.Server{
		Addr:              c.addr,
		Handler:           h,
		Loops:             c.loops,
		ReusePort:         c.reusePort,
		Limits:            codec.Limits{MaxHeaderBytes: int(c.maxHeaderBytes)},
		MaxBodyBytes:      c.maxBodyBytes,
		BodyMemoryBytes:   c.bodyMemoryBytes,
		HeaderTimeout:     c.headerTimeout,
		IdleTimeout:       c.idleTimeout,
		WriteTimeout:      c.writeTimeout,
		ShutdownTimeout:   c.shutdownTimeout,
		MaxConns:          c.maxConns,
		MaxInboundBytes:   int(c.maxInboundBytes),
		MaxOutboundBytes:  int(c.maxOutboundBytes),
		MaxBufferedBytes:  c.maxBufferedBytes,
		MaxDelay:          c.maxDelay,
		MaxPendingAnswers: c.maxPendingAnswers,
		Workers:           c.workers,
		Logger:            logger,
	}
}

// serve runs the server until a signal (or a failure) stops it.
func (cmd *command) serve(c *config, logger *slog.Logger) int {
	if c.procs > 1 && !engine.IsPreforkChild() {
		return cmd.prefork(c, logger)
	}
	srv := newServer(c, logger)
	setMemoryLimit(c.maxBufferedBytes, os.LookupEnv)
	if !c.quiet {
		// Flushing the log at exit is part of the shutdown's time budget.
		opt := accesslog.Options{
			BufferBytes:  cmd.accessLogBuffer,
			CloseTimeout: min(c.shutdownTimeout, accesslog.DefaultCloseTimeout),
			Logger:       logger,
		}
		alog, closeLog, err := openAccessLog(c.accessLog, cmd.stderr, opt)
		if err != nil {
			logger.Error("cannot open the access log", "path", c.accessLog, "err", err)
			return 1
		}
		defer closeLog()
		srv.AccessLog = alog
	}

	var adminAddr net.Addr
	if c.admin != "" {
		adm, err := admin.Listen(c.admin, srv, logger)
		if err != nil {
			logger.Error("cannot start the admin listener", "addr", c.admin, "err", err)
			return 1
		}
		// Deferred after the access log's close, so it runs first: the
		// admin listener answers (/healthz 503) until the server is gone.
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
			defer cancel()
			_ = adm.Shutdown(ctx)
		}()
		adminAddr = adm.Addr()
	}

	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(context.Background()) }()
	select {
	case err := <-done:
		logger.Error("cannot listen", "addr", c.addr, "err", err)
		return 1
	case <-srv.Ready():
	}
	fmt.Fprintf(cmd.stdout, "Starting server on http://%s, use <Ctrl-C> to stop\n", srv.ListenAddr())
	logger.Info("serving", startAttrs(c, srv, adminAddr)...)
	if cmd.started != nil {
		cmd.started <- running{srv: srv, admin: adminAddr}
	}
	if c.stats > 0 {
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go reportStats(ctx, srv, c.stats, logger)
	}

	select {
	case err := <-done:
		logger.Error("server stopped", "err", err)
		return 1
	case sig := <-cmd.signals:
		logger.Info("shutting down", "signal", sig.String(), "timeout", c.shutdownTimeout.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	go func() { _ = srv.Shutdown(ctx) }()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, engine.ErrServerClosed) {
			logger.Error("server stopped", "err", err)
			return 1
		}
		logger.Info("stopped")
		return 0
	case sig := <-cmd.signals:
		logger.Warn("second signal, exiting now", "signal", sig.String())
		return 1
	case <-ctx.Done():
		logger.Error("shutdown timed out, exiting with requests unfinished", "timeout", c.shutdownTimeout.String())
		return 1
	}
}

// prefork runs c.procs copies of this command, each a server of its own on
// the same port, and supervises them. The supervisor forwards SIGINT and
// SIGTERM to the children itself: the first drains them, a second stops
// them at once.
func (cmd *command) prefork(c *config, logger *slog.Logger) int {
	pf := &engine.Prefork{Procs: c.procs, ShutdownTimeout: c.shutdownTimeout, Logger: logger, Stdout: cmd.stdout, Stderr: cmd.stderr}
	logger.Info("prefork", "procs", c.procs, "addr", c.addr, "pid", os.Getpid())
	if err := pf.Run(context.Background()); err != nil {
		logger.Error("prefork", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

// startAttrs describes the running server for the "serving" event.
func startAttrs(c *config, srv *engine.Server, adminAddr net.Addr) []any {
	loops := c.loops
	if loops == 0 {
		loops = runtime.GOMAXPROCS(0)
	}
	accessLog := "stderr"
	switch {
	case c.quiet:
		accessLog = "off"
	case c.accessLog != "":
		accessLog = c.accessLog
	}
	adm := "off"
	if adminAddr != nil {
		adm = adminAddr.String()
	}
	return []any{
		"addr", srv.ListenAddr().String(), "handler", c.handler, "protocol", c.proto,
		"loops", loops, "workers", c.workers, "max_conns", maxConnsText(c.maxConns, loops),
		"access_log", accessLog, "admin", adm, "pid", os.Getpid(),
	}
}

// setMemoryLimit sets the Go runtime's soft memory limit to twice the
// connections' budget plus 64 MiB, unless the environment set GOMEMLIMIT:
// the budget bounds what connections hold, and the limit keeps the garbage
// of buffers that grew and were freed from doubling it, as the collector
// would by default (GOGC=100). It returns the limit in force.
func setMemoryLimit(budget int64, lookup func(string) (string, bool)) int64 {
	if _, set := lookup("GOMEMLIMIT"); set {
		return debug.SetMemoryLimit(-1)
	}
	limit := 2*budget + 64<<20
	debug.SetMemoryLimit(limit)
	return limit
}

// maxConnsText is the connection cap that -max-conns n gives, for the log.
func maxConnsText(n, loops int) string {
	switch {
	case n < 0:
		return "none"
	case n == 0:
		n = engine.DefaultMaxConns(loops)
	}
	return strconv.Itoa(n)
}

// openAccessLog returns the non-blocking access-log writer for path (empty:
// stderr) and the function that flushes and closes it.
func openAccessLog(path string, stderr io.Writer, opt accesslog.Options) (*accesslog.Writer, func(), error) {
	var dst io.Writer = stderr
	var file io.Closer
	if path != "" {
		f, err := accesslog.OpenFile(path)
		if err != nil {
			return nil, nil, err
		}
		dst, file = f, f
	}
	w := accesslog.New(dst, opt)
	return w, func() {
		if err := w.Close(); err != nil {
			opt.Logger.Warn("access log not flushed", "err", err)
		}
		if file != nil {
			_ = file.Close()
		}
	}, nil
}
