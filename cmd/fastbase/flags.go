package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/examples"
	"github.com/fastbase/fastbase/handler/httpbin"
)

// config is what the command line asks for.
type config struct {
	addr    string
	handler string
	proto   string

	maxHeaderBytes  int64
	maxBodyBytes    int64
	bodyMemoryBytes int64
	maxConns        int

	maxInboundBytes  int64
	maxOutboundBytes int64
	maxBufferedBytes int64

	formMaxParts        int
	formPartHeaderBytes int64
	formMaxBytes        int64
	formSpillBytes      int64
	formMemoryBytes     int64

	headerTimeout   time.Duration
	idleTimeout     time.Duration
	writeTimeout    time.Duration
	shutdownTimeout time.Duration

	loops     int
	reusePort bool
	workers   int
	procs     int

	quiet     bool
	accessLog string
	logFormat string
	logLevel  string
	stats     time.Duration

	admin string

	httpbinMaxBodySize int64
	echoDefault        string
	maxDelay           time.Duration
	maxPendingAnswers  int

	version bool
}

// handlers are the built-in handlers by their -handler name.
var handlers = map[string]func(*config) *handler.Handler{
	"echo":    func(*config) *handler.Handler { return examples.Echo() },
	"form":    func(*config) *handler.Handler { return examples.Form() },
	"hello":   func(*config) *handler.Handler { return examples.Hello() },
	"threads": func(*config) *handler.Handler { return examples.Threads() },
	"error":   func(*config) *handler.Handler { return examples.NotFound() },
	"httpbin": newHTTPBin,
}

// newHTTPBin is the httpbin handler with its flags. Its flags were checked
// when they were set, so New cannot refuse them.
func newHTTPBin(c *config) *handler.Handler {
	h, err := httpbin.New(httpbin.Options{MaxBodySize: c.httpbinMaxBodySize, EchoDefault: c.echoDefault, MaxDuration: c.maxDelay})
	if err != nil {
		panic(err)
	}
	return h
}

func handlerNames() []string {
	names := make([]string, 0, len(handlers))
	for n := range handlers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// flagGroup is a heading of the usage text and the flags under it, in the
// order a reader looks for them.
type flagGroup struct {
	title string
	names []string
}

var flagGroups = []flagGroup{
	{"Listening", []string{"addr"}},
	{"Handler", []string{"handler", "protocol"}},
	{"Limits", []string{"max-header-bytes", "max-body-bytes", "body-memory-bytes", "max-conns", "max-delay", "max-pending-answers"}},
	{"Memory", []string{"max-inbound-bytes", "max-outbound-bytes", "max-buffered-bytes"}},
	{"Forms", []string{"form-max-parts", "form-part-header-bytes", "form-max-bytes", "form-spill-bytes", "form-memory-bytes"}},
	{"Timeouts", []string{"header-timeout", "idle-timeout", "write-timeout", "shutdown-timeout"}},
	{"Concurrency", []string{"loops", "reuseport", "workers", "procs"}},
	{"Logging", []string{"quiet", "access-log", "log-format", "log-level", "stats"}},
	{"Admin", []string{"admin"}},
	{"httpbin (-handler httpbin)", []string{"httpbin-max-body-size", "echo-default"}},
	{"Other", []string{"version"}},
}

// defaultText overrides the "(default …)" of flags whose zero value means
// something other than its literal text.
var defaultText = map[string]string{
	"access-log":   "stderr",
	"admin":        "off",
	"stats":        "off",
	"echo-default": "none",
}

// noEnv lists the flags that the environment cannot set: a FASTBASE_VERSION
// variable, as container images often carry, must not turn the server into
// a command that prints its version and exits.
var noEnv = map[string]bool{"version": true}

const maxDuration = 24 * time.Hour

// newFlagSet defines every flag of the command on a new FlagSet, writing
// the values into c.
func newFlagSet(c *config) *flag.FlagSet {
	fs := flag.NewFlagSet("fastbase", flag.ContinueOnError)
	fs.Usage = func() {} // serve prints the usage itself

	c.addr = engine.DefaultAddr
	fs.StringVar(&c.addr, "addr", c.addr, "listen on TCP `host:port`; port 0 picks a free port")

	c.handler = "echo"
	fs.Var(choiceValue{&c.handler, handlerNames()}, "handler", "serve the built-in `handler`: "+strings.Join(handlerNames(), ", "))
	c.proto = "HTTP/1.1"
	fs.Var(choiceValue{&c.proto, []string{"HTTP/1.1", "HTTP/1.0"}}, "protocol",
		"answer with protocol `version` HTTP/1.1 (keep-alive) or HTTP/1.0 (close after each response, as http.server does)")

	c.maxHeaderBytes = engine.DefaultMaxHeaderBytes
	fs.Var(sizeValue{&c.maxHeaderBytes, 1 << 10, 64 << 20}, "max-header-bytes",
		"answer 431 to a request header block, request line included, larger than `size`")
	c.maxBodyBytes = engine.DefaultMaxBodyBytes
	fs.Var(sizeValue{&c.maxBodyBytes, 1, 1 << 40}, "max-body-bytes", "answer 413 to a request body larger than `size`")
	c.bodyMemoryBytes = engine.DefaultBodyMemoryBytes
	fs.Var(sizeValue{&c.bodyMemoryBytes, 1, 1 << 40}, "body-memory-bytes",
		"hold a request body of up to `size` in memory; a larger or chunked one is read as it arrives and spooled to a temporary file")
	fs.Var(intValue{&c.maxConns, -1, 10_000_000}, "max-conns",
		"answer 503 and close a connection beyond `n` open ones; 0 derives n from the descriptor limit (RLIMIT_NOFILE less headroom), -1 means no limit")
	c.maxDelay = engine.DefaultMaxDelay
	fs.Var(durationValue{&c.maxDelay, time.Millisecond, maxDuration}, "max-delay",
		"hold an answer that comes later (a delay, the next piece of a stream) for at most `duration`; httpbin answers 400 to a longer /delay and caps delay= at it")
	c.maxPendingAnswers = engine.DefaultMaxPendingAnswers
	fs.Var(intValue{&c.maxPendingAnswers, 1, 100_000_000}, "max-pending-answers",
		"answer 503 to a request whose answer would come later while an event loop holds `n` such answers")

	c.maxInboundBytes = engine.DefaultMaxInboundBytes
	fs.Var(sizeValue{&c.maxInboundBytes, 16 << 10, 1 << 30}, "max-inbound-bytes",
		"cut a connection holding more than `size` of input not yet consumed (pipelined requests, a body waiting to be whole); at least the header limit plus 64KiB")
	c.maxOutboundBytes = engine.DefaultMaxOutboundBytes
	fs.Var(sizeValue{&c.maxOutboundBytes, 16 << 10, 1 << 30}, "max-outbound-bytes",
		"stop answering a connection's pipelined requests while more than `size` of its output is unsent")
	c.maxBufferedBytes = engine.DefaultMaxBufferedBytes
	fs.Var(sizeValue{&c.maxBufferedBytes, 1 << 20, 1 << 40}, "max-buffered-bytes",
		"cut the connections holding the most once all of them hold more than `size`; also sets the Go soft memory limit to twice that plus 64MiB unless GOMEMLIMIT is set")

	c.formMaxParts = codec.DefaultMaxParts
	fs.Var(intValue{&c.formMaxParts, 1, 1_000_000}, "form-max-parts", "answer 400 to a form with more than `n` fields or parts")
	c.formPartHeaderBytes = codec.DefaultMaxPartHeaderBytes
	fs.Var(sizeValue{&c.formPartHeaderBytes, 256, 1 << 20}, "form-part-header-bytes", "answer 431 to a multipart part whose header block is larger than `size`")
	fs.Var(sizeValue{&c.formMaxBytes, 0, 1 << 40}, "form-max-bytes", "answer 413 to a multipart form larger than `size`; 0 leaves it to -max-body-bytes")
	c.formSpillBytes = handler.DefaultFormSpillBytes
	fs.Var(sizeValue{&c.formSpillBytes, 1, 1 << 40}, "form-spill-bytes", "keep a form field or file of up to `size` in memory; a larger one streams to a temporary file")
	c.formMemoryBytes = handler.DefaultFormMemoryBytes
	fs.Var(sizeValue{&c.formMemoryBytes, 1, 1 << 40}, "form-memory-bytes", "hold at most `size` of one request's form in memory; an urlencoded form larger than that gets 413")

	c.headerTimeout = engine.DefaultHeaderTimeout
	fs.Var(durationValue{&c.headerTimeout, time.Millisecond, maxDuration}, "header-timeout",
		"give a client `duration` to send a request's header block, and to pause within a body; then answer 408 and close")
	c.idleTimeout = engine.DefaultIdleTimeout
	fs.Var(durationValue{&c.idleTimeout, time.Millisecond, maxDuration}, "idle-timeout",
		"close a keep-alive connection that sends no new request within `duration`")
	c.writeTimeout = engine.DefaultWriteTimeout
	fs.Var(durationValue{&c.writeTimeout, time.Millisecond, maxDuration}, "write-timeout",
		"close a connection whose client reads nothing of its pending response for `duration`")
	c.shutdownTimeout = 10 * time.Second
	fs.Var(durationValue{&c.shutdownTimeout, time.Millisecond, maxDuration}, "shutdown-timeout",
		"on SIGINT or SIGTERM, wait up to `duration` for requests in flight, then exit anyway; a second signal exits at once")

	fs.Var(intValue{&c.loops, 0, 4096}, "loops", "run `n` event loops; 0 means one per CPU (GOMAXPROCS)")
	fs.BoolVar(&c.reusePort, "reuseport", false, "give each event loop its own SO_REUSEPORT listener instead of one shared listener")
	fs.Var(intValue{&c.workers, 0, 100_000}, "workers",
		"run handlers on a pool of `n` goroutines instead of the event loops, for handlers that block (the ThreadingMixIn); 0 runs them on the loops")
	c.procs = 1
	fs.Var(intValue{&c.procs, 1, 1024}, "procs",
		"run `n` server processes sharing the port with SO_REUSEPORT, restarted when one dies (the ForkingMixIn); needs a fixed port")

	fs.BoolVar(&c.quiet, "quiet", false, "write no access log (wins over -access-log)")
	fs.StringVar(&c.accessLog, "access-log", "", "append the access log to `file` instead of stderr (a named pipe works too)")
	c.logFormat = "text"
	fs.Var(choiceValue{&c.logFormat, []string{"text", "json"}}, "log-format", "write server events to stderr in `format` text or json")
	c.logLevel = "info"
	fs.Var(choiceValue{&c.logLevel, []string{"debug", "info", "warn", "error"}}, "log-level", "log server events of `level` debug, info, warn or error and above")

	fs.Var(optionalDuration{durationValue{&c.stats, 100 * time.Millisecond, maxDuration}}, "stats",
		"log the server's side of a load test every `interval` (requests/s, open connections, bytes/s, status classes, refusals); 0 means off")

	fs.StringVar(&c.admin, "admin", "", "serve /metrics, /healthz and /debug/pprof/ on `host:port`, apart from the event loops")

	c.httpbinMaxBodySize = httpbin.DefaultMaxBodySize
	fs.Var(sizeValue{&c.httpbinMaxBodySize, 1, 1 << 30}, "httpbin-max-body-size",
		"httpbin: answer 400 (the echo 413) to a request body larger than `size`, and cut generated bodies (/bytes, /range, the echo's size=) to it")
	fs.Var(echoDefaultValue{&c.echoDefault}, "echo-default",
		"httpbin: apply the echo parameters in `query` (such as 'status=503:10&size=1024') to requests without a query string, as fortio's -echo-server-default-params")

	fs.BoolVar(&c.version, "version", false, "print the version, Go version and commit, and exit")
	return fs
}

// envName is the environment variable that sets flag name.
func envName(name string) string {
	return "FASTBASE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// applyEnv sets every flag whose FASTBASE_ variable is set, before the
// command line is parsed, so that the command line wins.
func applyEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || noEnv[f.Name] {
			return
		}
		v, ok := lookup(envName(f.Name))
		if !ok {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("invalid value %q for %s (flag -%s): %v", v, envName(f.Name), f.Name, e)
		}
	})
	return err
}

// printUsage writes the help text: every flag with its default, by group.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: fastbase [flags]

fastbase serves one of its built-in handlers over HTTP/1.x: the examples of
Python's BaseHTTPServer article (echo for GET and POST, form with an upload
page, threads, error), TechEmpower's plaintext answer (hello), and httpbin,
the target for load tests and for testing proxies and clients: go-httpbin's
routes (/get, /status/{code}, /bytes/{n}, …) and fortio's echo on every
other path (?status=503:10&size=1024&header=…&close=…&gzip=…). It logs
one line per request in http.server's format and stops gracefully on SIGINT
or SIGTERM.
`)
	for _, g := range flagGroups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, name := range g.names {
			f := fs.Lookup(name)
			arg, usage := flag.UnquoteUsage(f)
			if arg != "" {
				arg = " " + arg
			}
			def := f.DefValue
			if t, ok := defaultText[name]; ok {
				def = t
			}
			fmt.Fprintf(w, "  -%s%s\n", name, arg)
			for _, l := range wrap(append(strings.Fields(usage), "(default "+def+")"), 70) {
				fmt.Fprintf(w, "        %s\n", l)
			}
		}
	}
	fmt.Fprint(w, `
Sizes are bytes or take a suffix KiB, MiB or GiB; durations are Go
durations such as 500ms, 10s or 2m.

Every flag except -version can also come from an environment variable:
FASTBASE_ and the flag's name in capitals with '-' as '_', such as
FASTBASE_ADDR=0.0.0.0:8080 or FASTBASE_MAX_BODY_BYTES=1MiB. The command
line wins over the environment.
`)
}

// wrap joins words into lines of at most width bytes where it can.
func wrap(words []string, width int) []string {
	var lines []string
	line := ""
	for _, word := range words {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}
