package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noEnvVars(string) (string, bool) { return "", false }

func envVars(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// runOnce runs the command to completion, for runs that never serve.
func runOnce(args []string, env func(string) (string, bool)) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	cmd := &command{args: args, lookupEnv: env, stdout: &out, stderr: &errOut}
	code = cmd.run()
	return code, out.String(), errOut.String()
}

// instance is a command serving in the background.
type instance struct {
	t              *testing.T
	running        running
	stdout, stderr *syncBuffer
	signals        chan os.Signal
	done           chan int
	exited         bool
}

// start runs the command with args (and env) until the test stops it.
func start(t *testing.T, args []string, env func(string) (string, bool)) *instance {
	t.Helper()
	return startWith(t, args, env, func(*command) {})
}

// startWith is start with a chance to set the command's test knobs.
func startWith(t *testing.T, args []string, env func(string) (string, bool), set func(*command)) *instance {
	t.Helper()
	in := &instance{
		t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{},
		signals: make(chan os.Signal, 2), done: make(chan int, 1),
	}
	started := make(chan running, 1)
	cmd := &command{args: args, lookupEnv: env, stdout: in.stdout, stderr: in.stderr, signals: in.signals, started: started}
	set(cmd)
	go func() { in.done <- cmd.run() }()
	select {
	case in.running = <-started:
	case code := <-in.done:
		t.Fatalf("exited %d: %s", code, in.stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("did not start")
	}
	t.Cleanup(func() {
		if !in.exited {
			in.stop()
		}
	})
	return in
}

func (in *instance) url(path string) string {
	return "http://" + in.running.srv.ListenAddr().String() + path
}

// stop sends SIGTERM and returns the exit code.
func (in *instance) stop() int {
	in.signals <- syscall.SIGTERM
	return in.wait()
}

// wait returns the exit code once the command has exited.
func (in *instance) wait() int {
	select {
	case code := <-in.done:
		in.exited = true
		return code
	case <-time.After(15 * time.Second):
		in.t.Fatalf("did not exit: %s", in.stderr.String())
		return -1
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestBadFlagsExit2NamingTheFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-handler", "nope"}, "-handler: want one of echo, error, form, hello, httpbin, threads"},
		{[]string{"-protocol", "HTTP/2"}, "-protocol: want one of HTTP/1.1, HTTP/1.0"},
		{[]string{"-loops", "abc"}, `invalid value "abc" for flag -loops: want an integer from 0 to 4096`},
		{[]string{"-loops", "-1"}, "-loops: want an integer from 0 to 4096"},
		{[]string{"-max-conns", "x"}, "-max-conns: want an integer from -1 to 10000000"},
		{[]string{"-max-body-bytes", "0"}, "-max-body-bytes: want a size from 1 to 1024GiB"},
		{[]string{"-max-header-bytes", "10"}, "-max-header-bytes: want a size from 1KiB to 64MiB"},
		{[]string{"-header-timeout", "soon"}, "-header-timeout: want a duration from 1ms to 24h0m0s"},
		{[]string{"-idle-timeout", "0s"}, "-idle-timeout: want a duration from 1ms"},
		{[]string{"-log-format", "xml"}, "-log-format: want one of text, json"},
		{[]string{"-log-level", "loud"}, "-log-level: want one of debug, info, warn, error"},
		{[]string{"-httpbin-max-body-size", "0"}, "-httpbin-max-body-size: want a size from 1 to 1GiB"},
		{[]string{"-echo-default", "status=abc"}, `invalid value "status=abc" for flag -echo-default: status "abc": want a final status code`},
		{[]string{"-echo-default", "delay=soon"}, `-echo-default: delay "soon": want a duration`},
		{[]string{"-max-delay", "0s"}, "-max-delay: want a duration from 1ms to 24h0m0s"},
		{[]string{"-max-pending-answers", "0"}, "-max-pending-answers: want an integer from 1 to 100000000"},
		{[]string{"-nosuchflag"}, "flag provided but not defined: -nosuchflag"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		code, stdout, stderr := runOnce(tc.args, noEnvVars)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Empty(t, stdout, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Contains(t, stderr, "Run 'fastbase -h' for the list of flags.", "%v", tc.args)
	}
}

func TestBadEnvironmentExit2NamingTheVariable(t *testing.T) {
	code, _, stderr := runOnce(nil, envVars(map[string]string{"FASTBASE_LOOPS": "abc"}))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `invalid value "abc" for FASTBASE_LOOPS (flag -loops): want an integer from 0 to 4096`)
}

func TestPortInUseExits1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, _, stderr := runOnce([]string{"-addr", ln.Addr().String()}, noEnvVars)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "address already in use")
}

func TestAdminPortInUseExits1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, _, stderr := runOnce([]string{"-addr", "127.0.0.1:0", "-admin", ln.Addr().String()}, noEnvVars)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "cannot start the admin listener")
}

func TestHelpListsEveryFlagByGroup(t *testing.T) {
	code, stdout, stderr := runOnce([]string{"-h"}, noEnvVars)
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	var c config
	fs := newFlagSet(&c)
	grouped := map[string]int{}
	for _, g := range flagGroups {
		for _, name := range g.names {
			grouped[name]++
		}
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		names = append(names, f.Name)
		assert.Equal(t, 1, grouped[f.Name], "flag -%s must be in exactly one group", f.Name)
		assert.Regexp(t, "\n  -"+f.Name+"[ \n]", stdout, "-%s listed", f.Name)
	})
	assert.Len(t, grouped, len(names), "every grouped name is a flag")

	// Groups come in the order a reader looks for them, each flag under its
	// group, each with its default.
	last := -1
	for _, title := range []string{"Listening:", "Handler:", "Limits:", "Timeouts:", "Concurrency:", "Logging:", "Admin:"} {
		i := strings.Index(stdout, "\n"+title+"\n")
		require.Greater(t, i, last, title)
		last = i
	}
	for _, want := range []string{
		"(default 127.0.0.1:8080)", "(default echo)", "(default HTTP/1.1)", "(default 64KiB)",
		"(default 64MiB)", "(default 10s)", "(default 1m0s)", "(default 30s)", "(default stderr)",
		"(default text)", "(default info)", "(default off)", "FASTBASE_ADDR",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.Less(t, strings.Index(stdout, "-max-body-bytes"), strings.Index(stdout, "Timeouts:"))
	for l := range strings.SplitSeq(stdout, "\n") {
		assert.LessOrEqual(t, len(l), 80, "line too long: %q", l)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runOnce([]string{"-version"}, noEnvVars)
	assert.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[0], "fastbase "), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "go1."), lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "commit "), lines[2])
}

func TestVersionIsNotTakenFromTheEnvironment(t *testing.T) {
	// A FASTBASE_VERSION label in a container must not stop the server.
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1"}, envVars(map[string]string{"FASTBASE_VERSION": "1.2.3"}))
	assert.Equal(t, 0, in.stop())
}

// TestServesAndLogs runs the command as a user would: it starts, answers a
// request, logs it, and exits 0 on SIGTERM.
func TestServesAndLogs(t *testing.T) {
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1"}, noEnvVars)
	addr := in.running.srv.ListenAddr().String()
	assert.Equal(t, "Starting server on http://"+addr+", use <Ctrl-C> to stop\n", in.stdout.String())

	code, body := get(t, in.url("/?foo=bar"))
	assert.Equal(t, 200, code)
	assert.Contains(t, body, "query=foo=bar\n")
	require.Eventually(t, func() bool {
		return strings.Contains(in.stderr.String(), `"GET /?foo=bar HTTP/1.1" 200 `)
	}, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, 0, in.stop())

	logs := in.stderr.String()
	assert.Contains(t, logs, "level=INFO msg=serving addr="+addr+" handler=echo")
	assert.Contains(t, logs, "msg=\"shutting down\" signal=terminated")
	assert.Contains(t, logs, "msg=stopped")
	assert.Equal(t, 1, strings.Count(logs, `HTTP/1.1" 200 `))
}

func TestQuietLogsNoRequests(t *testing.T) {
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1", "-quiet"}, noEnvVars)
	assert.Nil(t, in.running.srv.AccessLog)
	for range 3 {
		code, _ := get(t, in.url("/"))
		assert.Equal(t, 200, code)
	}
	assert.Equal(t, 0, in.stop())
	assert.NotContains(t, in.stderr.String(), `"GET / HTTP/1.1"`)
}

func TestEnvironmentSetsFlagsAndCommandLineWins(t *testing.T) {
	env := envVars(map[string]string{
		"FASTBASE_ADDR":             "127.0.0.1:0",
		"FASTBASE_HANDLER":          "hello",
		"FASTBASE_QUIET":            "true",
		"FASTBASE_MAX_BODY_BYTES":   "1MiB",
		"FASTBASE_HEADER_TIMEOUT":   "3s",
		"FASTBASE_LOOPS":            "3",
		"FASTBASE_MAX_HEADER_BYTES": "8KiB",
	})
	in := start(t, []string{"-loops", "1"}, env)
	srv := in.running.srv
	assert.Equal(t, "127.0.0.1:0", srv.Addr)
	assert.Equal(t, 1, srv.Loops, "the command line wins")
	assert.Nil(t, srv.AccessLog)
	assert.Equal(t, int64(1<<20), srv.MaxBodyBytes)
	assert.Equal(t, 3*time.Second, srv.HeaderTimeout)
	assert.Equal(t, 8<<10, srv.Limits.MaxHeaderBytes)
	code, body := get(t, in.url("/"))
	assert.Equal(t, 200, code)
	assert.Equal(t, "Hello, World!", body)
	assert.Equal(t, 0, in.stop())
}

func TestFlagsReachTheServer(t *testing.T) {
	in := start(t, []string{
		"-addr", "127.0.0.1:0", "-loops", "2", "-reuseport", "-protocol", "HTTP/1.0",
		"-max-header-bytes", "16KiB", "-max-body-bytes", "2048", "-max-conns", "50",
		"-header-timeout", "2s", "-idle-timeout", "5s", "-write-timeout", "7s",
	}, noEnvVars)
	srv := in.running.srv
	assert.Equal(t, 2, srv.Loops)
	assert.True(t, srv.ReusePort)
	assert.Equal(t, "HTTP/1.0", srv.Handler.ProtocolVersion)
	assert.Equal(t, 16<<10, srv.Limits.MaxHeaderBytes)
	assert.Equal(t, int64(2048), srv.MaxBodyBytes)
	assert.Equal(t, 50, srv.MaxConns)
	assert.Equal(t, 2*time.Second, srv.HeaderTimeout)
	assert.Equal(t, 5*time.Second, srv.IdleTimeout)
	assert.Equal(t, 7*time.Second, srv.WriteTimeout)
	assert.Equal(t, 0, in.stop())
}

// TestHTTPBinFlags serves -handler httpbin with its flags, from the
// command line and the environment, and checks them in answers.
func TestHTTPBinFlags(t *testing.T) {
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1", "-quiet", "-handler", "httpbin", "-httpbin-max-body-size", "100"},
		envVars(map[string]string{"FASTBASE_ECHO_DEFAULT": "status=418&size=1000"}))
	code, body := get(t, in.url("/any/path"))
	assert.Equal(t, 418, code)
	assert.Len(t, body, 100, "size= is cut to -httpbin-max-body-size")
	code, body = get(t, in.url("/status/201"))
	assert.Equal(t, 201, code)
	assert.Empty(t, body)
	code, body = get(t, in.url("/bytes/101"))
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "not in range [1, 100]")
	assert.Equal(t, 0, in.stop())
	assert.Contains(t, in.stderr.String(), "handler=httpbin")
}

func TestJSONLogFormat(t *testing.T) {
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1", "-quiet", "-log-format", "json"}, noEnvVars)
	assert.Equal(t, 0, in.stop())
	lines := strings.Split(strings.TrimSpace(in.stderr.String()), "\n")
	require.NotEmpty(t, lines)
	var msgs []string
	for _, l := range lines {
		var ev map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &ev), l)
		msgs = append(msgs, ev["msg"].(string))
	}
	// Every line is JSON; the command's own events open and close the log,
	// whatever the engine says in between.
	require.GreaterOrEqual(t, len(msgs), 3)
	assert.Equal(t, "serving", msgs[0])
	assert.Contains(t, msgs, "shutting down")
	assert.Equal(t, "stopped", msgs[len(msgs)-1])
}

func TestAccessLogToFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1", "-access-log", path}, noEnvVars)
	for range 3 {
		get(t, in.url("/x"))
	}
	assert.Equal(t, 0, in.stop())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(b), `"GET /x HTTP/1.1" 200 `))
	assert.NotContains(t, in.stderr.String(), `"GET /x`)
}

func TestAccessLogFileErrorExits1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "access.log")
	code, _, stderr := runOnce([]string{"-addr", "127.0.0.1:0", "-access-log", path}, noEnvVars)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "cannot open the access log")
}

// TestAccessLogToUnreadPipeKeepsServing points the access log at named
// pipes that are never read, one without a reader at all and one whose
// reader never reads: the server answers every request regardless, and
// the dropped lines show up in its stats.
func TestAccessLogToUnreadPipeKeepsServing(t *testing.T) {
	for _, withReader := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "access.fifo")
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		if withReader {
			r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
			require.NoError(t, err)
			defer r.Close()
		}
		in := startWith(t, []string{"-addr", "127.0.0.1:0", "-loops", "1", "-handler", "hello", "-access-log", path, "-shutdown-timeout", "500ms"}, noEnvVars,
			func(c *command) { c.accessLogBuffer = 16 << 10 })
		// About 60 bytes a line: 60,000 requests are 3.6 MB of log, far
		// more than the pipe and the writer's buffer together hold.
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
		deadline := time.Now().Add(30 * time.Second)
		for i := 0; i < 60000 && in.running.srv.Stats().LogLinesDropped == 0; i++ {
			require.True(t, time.Now().Before(deadline), "server stopped answering after %d requests", i)
			resp, err := client.Get(in.url("/"))
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode)
		}
		assert.NotZero(t, in.running.srv.Stats().LogLinesDropped, "withReader=%v", withReader)
		assert.Equal(t, 0, in.stop())
		assert.Contains(t, in.stderr.String(), "access log closed with dropped lines")
	}
}

func TestAdminServesMetricsAndHealth(t *testing.T) {
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1", "-quiet", "-admin", "127.0.0.1:0"}, noEnvVars)
	require.NotNil(t, in.running.admin)
	admin := "http://" + in.running.admin.String()
	for range 2 {
		get(t, in.url("/"))
	}
	code, body := get(t, admin+"/metrics")
	assert.Equal(t, 200, code)
	assert.Contains(t, body, `fastbase_requests_total{code="200",method="GET"} 2`)
	code, body = get(t, admin+"/healthz")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok\n", body)
	assert.Contains(t, in.stderr.String(), "admin="+in.running.admin.String())
	assert.Equal(t, 0, in.stop())
	_, err := http.Get(admin + "/healthz")
	assert.Error(t, err, "the admin listener closes after the server")
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	in := start(t, []string{"-addr", "127.0.0.1:0", "-loops", "1", "-quiet"}, noEnvVars)
	in.signals <- syscall.SIGINT
	in.signals <- syscall.SIGINT
	// The first signal may have finished the shutdown before the second
	// was read.
	assert.Contains(t, []int{0, 1}, in.wait())
}
