package engine

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler/examples"
)

// preforkAddrEnv passes the test's address to the prefork children, which
// are this test binary run again.
const preforkAddrEnv = "FASTBASE_TEST_PREFORK_ADDR"

// TestMain runs the server of a prefork child when this binary was started
// by Prefork.Run, and the tests otherwise.
func TestMain(m *testing.M) {
	if IsPreforkChild() {
		os.Exit(preforkChild())
	}
	if os.Getenv(fdLimitEnv) != "" {
		os.Exit(fdLimitChild())
	}
	os.Exit(m.Run())
}

func preforkChild() int {
	srv := &Server{
		Addr:            os.Getenv(preforkAddrEnv),
		Handler:         examples.Threads(),
		Loops:           1,
		ShutdownTimeout: 2 * time.Second,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if err := srv.ListenAndServeSignals(context.Background()); err != nil {
		return 1
	}
	return 0
}

var pidLine = regexp.MustCompile(`^loop 0 pid ([0-9]+)\n$`)

// askPID asks the threads handler which process answers, on a new
// connection.
func askPID(addr string) (int, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		return 0, err
	}
	raw, err := io.ReadAll(c)
	if err != nil {
		return 0, err
	}
	_, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	m := pidLine.FindStringSubmatch(body)
	if m == nil {
		return 0, io.ErrUnexpectedEOF
	}
	return strconv.Atoi(m[1])
}

// pidsUntil asks for PIDs until stop says enough, within the timeout,
// and returns every PID seen.
func pidsUntil(t *testing.T, addr string, timeout time.Duration, stop func(map[int]bool) bool) map[int]bool {
	t.Helper()
	seen := map[int]bool{}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && !stop(seen) {
		if pid, err := askPID(addr); err == nil {
			seen[pid] = true
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	return seen
}

func TestPrefork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	t.Setenv(preforkAddrEnv, addr)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &Prefork{Procs: 2, ShutdownTimeout: 2 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()

	// Requests reach both children.
	first := pidsUntil(t, addr, 20*time.Second, func(seen map[int]bool) bool { return len(seen) >= 2 })
	require.Len(t, first, 2, "requests must reach two processes")
	assert.NotContains(t, first, os.Getpid())

	// A killed child is replaced, and the other goes on answering.
	var victim int
	for pid := range first {
		victim = pid
		break
	}
	killed := time.Now()
	require.NoError(t, syscall.Kill(victim, syscall.SIGKILL))
	var replacement int
	seen := pidsUntil(t, addr, 20*time.Second, func(seen map[int]bool) bool {
		for pid := range seen {
			if !first[pid] {
				replacement = pid
				return true
			}
		}
		return false
	})
	require.NotZero(t, replacement, "no new child answered; saw %v", seen)
	t.Logf("child %d killed; child %d answered %v later", victim, replacement, time.Since(killed))
	for range 10 {
		_, err := askPID(addr)
		assert.NoError(t, err, "the service keeps answering")
	}

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Prefork.Run did not return after its context ended")
	}
	_, err = net.DialTimeout("tcp", addr, time.Second)
	assert.Error(t, err, "every child has exited")
}

func TestPreforkGivesUpOnChildrenThatCannotStart(t *testing.T) {
	p := &Prefork{Procs: 1, Args: []string{"/bin/false"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- p.Run(context.Background()) }()
	select {
	case err := <-done:
		assert.ErrorContains(t, err, "right after starting")
	case <-time.After(10 * time.Second):
		t.Fatal("Prefork.Run kept restarting a child that cannot start")
	}
}
