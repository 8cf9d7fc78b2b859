package engine

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler/examples"
)

// fdLimitEnv makes this test binary a server child with the descriptor
// limit in the variable; fdMaxConnsEnv is its MaxConns.
const (
	fdLimitEnv    = "FASTBASE_TEST_NOFILE"
	fdMaxConnsEnv = "FASTBASE_TEST_MAX_CONNS"
)

// setLimit sets a field of syscall.Rlimit, uint64 on Linux and int64 on
// some BSDs.
func setLimit[T int64 | uint64](field *T, v uint64) { *field = T(v) }

// fdLimitChild serves the hello handler under a low descriptor limit,
// printing its address, until SIGTERM; it exits 0 after a graceful stop.
func fdLimitChild() int {
	limit, _ := strconv.ParseUint(os.Getenv(fdLimitEnv), 10, 64)
	var rl syscall.Rlimit
	setLimit(&rl.Cur, limit)
	setLimit(&rl.Max, limit)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit:", err)
		return 3
	}
	maxConns, _ := strconv.Atoi(os.Getenv(fdMaxConnsEnv))
	srv := &Server{
		Addr:            "127.0.0.1:0",
		Handler:         examples.Hello(),
		Loops:           1,
		MaxConns:        maxConns,
		HeaderTimeout:   time.Second,
		ShutdownTimeout: 2 * time.Second,
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}
	go func() {
		<-srv.Ready()
		fmt.Println(srv.ListenAddr())
	}()
	if err := srv.ListenAndServeSignals(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 1
	}
	return 0
}

// fdChild is a server child started by startFDChild.
type fdChild struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func startFDChild(t *testing.T, limit, maxConns int) *fdChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fdLimitEnv+"="+strconv.Itoa(limit), fdMaxConnsEnv+"="+strconv.Itoa(maxConns))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	ch := &fdChild{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = ch.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "child stderr: %s", ch.stderr)
	ch.addr = strings.TrimSpace(line)
	return ch
}

// stop sends SIGTERM and returns the exit error.
func (ch *fdChild) stop(t *testing.T) error {
	require.NoError(t, ch.cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- ch.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("no exit within 10s of SIGTERM")
	}
}

// burst opens n connections at once and returns those that connected.
func burst(addr string, n int) []net.Conn {
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return conns
}

// getHello asks for / on a new connection.
func getHello(addr string) (int, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestDescriptorLimitIsSurvived opens far more connections than the
// server has descriptors, with no connection cap: accepting fails with
// EMFILE, the server backs off and logs it with a count, keeps serving a
// connection it already had, and answers every new client once the burst
// is gone; SIGTERM still stops it cleanly.
func TestDescriptorLimitIsSurvived(t *testing.T) {
	ch := startFDChild(t, 64, -1)
	old := dial(t, ch.addr)
	old.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 200, old.response("GET").StatusCode)

	conns := burst(ch.addr, 300)
	require.Eventually(t, func() bool { return strings.Contains(ch.stderr.String(), "accept failing") },
		5*time.Second, 10*time.Millisecond, "child stderr: %s", ch.stderr)
	old.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, 200, old.response("GET").StatusCode, "an open connection is served during the burst")
	for _, c := range conns {
		c.Close()
	}
	for i := range 20 {
		code, err := getHello(ch.addr)
		require.NoError(t, err, "request %d after the burst", i)
		assert.Equal(t, 200, code)
	}
	assert.NoError(t, ch.stop(t), "exit 0 on SIGTERM")
	log := ch.stderr.String()
	assert.Regexp(t, `accept failing.* count=1 errno=EMFILE`, log)
	assert.Regexp(t, `accepting again" failures=[0-9]+ errno=EMFILE`, log)
	assert.NotContains(t, log, "level=ERROR")
}

// TestDefaultMaxConnsRefusesBeforeTheLimit runs with the default
// connection cap under a low descriptor limit: a burst is answered 503,
// not by running out of descriptors.
func TestDefaultMaxConnsRefusesBeforeTheLimit(t *testing.T) {
	const limit = 128
	ch := startFDChild(t, limit, 0)
	conns := burst(ch.addr, maxConnsFor(limit, 1)+40)
	refused := 0
	for _, c := range conns {
		_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	}
	for _, c := range conns {
		// Only a refused connection has an answer before it asks.
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
			assert.Equal(t, 503, resp.StatusCode)
			refused++
		}
		c.Close()
	}
	assert.GreaterOrEqual(t, refused, 1, "connections over the cap are refused with 503")
	for i := range 10 {
		code, err := getHello(ch.addr)
		require.NoError(t, err, "request %d after the burst", i)
		assert.Equal(t, 200, code)
	}
	assert.NoError(t, ch.stop(t))
	assert.NotContains(t, ch.stderr.String(), "accept failing", "the cap is reached before the descriptor limit")
}

func TestMaxConnsFor(t *testing.T) {
	for _, tc := range []struct {
		limit uint64
		loops int
		want  int
	}{
		{256, 1, 256 - 48 - 5 - 32},
		{1 << 20, 2, 1<<20 - 48 - 10 - 1<<17},
		{60, 4, 1},
		{^uint64(0), 1, 1<<30 - 48 - 5 - 1<<27},
	} {
		assert.Equal(t, tc.want, maxConnsFor(tc.limit, tc.loops), "limit %d loops %d", tc.limit, tc.loops)
	}
}

// TestFailureLogIsBounded flaps between failing and working, as an
// acceptor at its descriptor limit does: one line for the failures and one
// for the recovery, however often it flaps within the interval, and a new
// errno is logged at once.
func TestFailureLogIsBounded(t *testing.T) {
	logs := &syncBuffer{}
	f := failureLog{logger: slog.New(slog.NewTextHandler(logs, nil)), msg: "failing", okMsg: "working"}
	emfile := &net.OpError{Op: "accept", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	for range 100 {
		f.record(emfile)
		f.recovered()
	}
	f.record(os.NewSyscallError("accept4", syscall.ENFILE))
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 3, logs.String())
	assert.Contains(t, lines[0], "msg=failing count=1 errno=EMFILE")
	assert.Contains(t, lines[1], "msg=working failures=1 errno=EMFILE")
	assert.Contains(t, lines[2], "msg=failing count=100 errno=ENFILE")
}
