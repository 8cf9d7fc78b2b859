// Command fastbase serves one of fastbase's built-in handlers: the four
// examples of Python's BaseHTTPServer article (echo, threads, error, and the
// forms example when it is built in) and TechEmpower's plaintext answer
// (hello).
//
//	fastbase [-addr 127.0.0.1:8080] [-handler echo|hello|threads|error] [-protocol HTTP/1.1] [-quiet]
//
// It logs one line per request to stderr in http.server's format unless
// -quiet is given, and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler"
)

// handlers are the built-in handlers by their -handler name.
var handlers = map[string]func() *handler.Handler{
	"echo":    handler.Echo,
	"hello":   handler.Hello,
	"threads": handler.Threads,
	"error":   handler.NotFound,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main with its process state passed in, so tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stdout, stderr, nil)
}

// serve parses args, starts the server and blocks until ctx is done. When
// started is non-nil it receives the server once it accepts connections.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, started chan<- *engine.Server) int {
	fs := flag.NewFlagSet("fastbase", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", engine.DefaultAddr, "TCP address to listen on, host:port")
	name := fs.String("handler", "echo", "built-in handler: "+strings.Join(handlerNames(), ", "))
	protocol := fs.String("protocol", "HTTP/1.1", "protocol version of responses: HTTP/1.1 (keep-alive) or HTTP/1.0 (close after each response, as http.server)")
	quiet := fs.Bool("quiet", false, "do not log requests")
	loops := fs.Int("loops", 0, "number of event loops (0: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fastbase: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	newHandler, ok := handlers[*name]
	if !ok {
		fmt.Fprintf(stderr, "fastbase: invalid value %q for flag -handler: choose one of %s\n", *name, strings.Join(handlerNames(), ", "))
		return 2
	}
	if *protocol != "HTTP/1.1" && *protocol != "HTTP/1.0" {
		fmt.Fprintf(stderr, "fastbase: invalid value %q for flag -protocol: HTTP/1.1 or HTTP/1.0\n", *protocol)
		return 2
	}
	if *loops < 0 {
		fmt.Fprintf(stderr, "fastbase: invalid value %d for flag -loops: 0 or more\n", *loops)
		return 2
	}

	h := newHandler()
	h.ProtocolVersion = *protocol
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := &engine.Server{Addr: *addr, Handler: h, Loops: *loops, Logger: logger}
	if !*quiet {
		srv.AccessLog = stderr
	}

	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "fastbase: %v\n", err)
		return 1
	case <-srv.Ready():
	}
	fmt.Fprintf(stdout, "Starting server on http://%s, use <Ctrl-C> to stop\n", srv.ListenAddr())
	if started != nil {
		started <- srv
	}
	if err := <-done; err != nil && !errors.Is(err, engine.ErrServerClosed) {
		fmt.Fprintf(stderr, "fastbase: %v\n", err)
		return 1
	}
	return 0
}

func handlerNames() []string {
	names := make([]string, 0, len(handlers))
	for n := range handlers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
