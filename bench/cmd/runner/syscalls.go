package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// syscallCounter is a perf or strace process attached to a server.
type syscallCounter struct {
	tool string
	cmd  *exec.Cmd
	out  string
}

// startSyscallCounter attaches the counter to pid, itself pinned to the
// client core so the server's core stays the server's.
func startSyscallCounter(c *config, tool string, pid int) (*syscallCounter, error) {
	out := filepath.Join(c.binDir, tool+".out")
	os.Remove(out)
	var args []string
	switch tool {
	case "perf":
		args = []string{"perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "-p", strconv.Itoa(pid), "-o", out}
	case "strace":
		args = []string{"strace", "-c", "-f", "-p", strconv.Itoa(pid), "-o", out}
	default:
		return nil, fmt.Errorf("no syscall counter")
	}
	cmd := exec.Command("taskset", append([]string{"-c", strconv.Itoa(c.clientCPU)}, args...)...)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// Neither tool says when it has attached; both take a few milliseconds.
	time.Sleep(300 * time.Millisecond)
	return &syscallCounter{tool: tool, cmd: cmd, out: out}, nil
}

// stop detaches the counter and returns the number of system calls it saw.
func (s *syscallCounter) stop() (int64, error) {
	s.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	b, err := os.ReadFile(s.out)
	if err != nil {
		return 0, fmt.Errorf("%s wrote nothing: %v", s.tool, err)
	}
	var n int64
	var ok bool
	if s.tool == "perf" {
		n, ok = parsePerfCount(string(b))
	} else {
		n, ok = parseStraceTotal(string(b))
	}
	if !ok {
		return 0, fmt.Errorf("no count in %s output: %s", s.tool, firstLines(string(b), 4))
	}
	return n, nil
}

// parsePerfCount reads the counter from perf stat -x , output.
func parsePerfCount(out string) (int64, bool) {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") || !strings.Contains(line, "raw_syscalls:sys_enter") {
			continue
		}
		n, err := strconv.ParseInt(strings.SplitN(line, ",", 2)[0], 10, 64)
		return n, err == nil
	}
	return 0, false
}

// parseStraceTotal reads the calls column of strace -c's "total" line.
func parseStraceTotal(out string) (int64, bool) {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && f[len(f)-1] == "total" {
			n, err := strconv.ParseInt(f[3], 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
