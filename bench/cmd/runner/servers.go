package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serverSpec is one server the bench can run: a binary in bin/ that takes
// -addr, plus the arguments that select its plaintext mode.
type serverSpec struct {
	name string
	pkg  string   // package to build
	dir  string   // module directory to build in: "bench" or "main"
	args []string // after -addr
}

// specs lists every server in the order tables show them: fastbase first,
// then its ceiling and the peers from fastest to slowest as usually measured.
var specs = []serverSpec{
	{name: "fastbase", pkg: "./cmd/fastbase", dir: "main", args: []string{"-handler", "hello", "-quiet"}},
	{name: "gnetraw", pkg: "./cmd/gnetraw", dir: "bench"},
	{name: "fasthttp", pkg: "./cmd/fasthttp", dir: "bench"},
	{name: "nbhttp", pkg: "./cmd/nbhttp", dir: "bench"},
	{name: "nethttp", pkg: "./cmd/nethttp", dir: "bench"},
}

func serverNames() []string {
	var names []string
	for _, s := range specs {
		names = append(names, s.name)
	}
	return names
}

// server is a built server ready to start.
type server struct {
	serverSpec
	bin string
}

// buildServers builds the selected servers into bin/. A peer that fails to
// build stops the run; fastbase may be missing or broken while its packages
// are being written, so it is skipped with a note instead.
func buildServers(c *config) (built []*server, notes []string) {
	want := map[string]bool{}
	for _, n := range c.servers {
		want[n] = true
	}
	for _, spec := range specs {
		if !want[spec.name] {
			continue
		}
		delete(want, spec.name)
		dir := c.benchDir
		if spec.dir == "main" {
			dir = c.mainDir
		}
		if _, err := os.Stat(filepath.Join(dir, spec.pkg)); err != nil {
			note := fmt.Sprintf("%s skipped: %s does not exist yet", spec.name, filepath.Join(dir, spec.pkg))
			progressf("%s", note)
			notes = append(notes, note)
			continue
		}
		bin := filepath.Join(c.binDir, spec.name)
		progressf("build %s (%s in %s)", spec.name, spec.pkg, dir)
		cmd := exec.Command("go", "build", "-o", bin, spec.pkg)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			note := fmt.Sprintf("%s skipped: build failed: %s", spec.name, firstLines(string(out), 3))
			if spec.dir != "main" {
				fatalf("%s", note)
			}
			progressf("%s", note)
			notes = append(notes, note)
			continue
		}
		built = append(built, &server{serverSpec: spec, bin: bin})
	}
	for n := range want {
		fatalf("unknown server %q (have %s)", n, strings.Join(serverNames(), ", "))
	}
	return built, notes
}

// proc is one running server process.
type proc struct {
	srv  *server
	cmd  *exec.Cmd
	pid  int
	addr string
	done chan struct{}
}

var (
	nextPort  int
	runningMu sync.Mutex
	running   = map[int]*proc{}
)

// start runs the server pinned to the server core with GOMAXPROCS=1 and
// waits until it accepts connections.
func (s *server) start(c *config) (*proc, error) {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(c))
	args := append([]string{"-c", strconv.Itoa(c.serverCPU), s.bin, "-addr", addr}, s.args...)
	cmd := exec.Command("taskset", args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	logf, err := os.OpenFile(filepath.Join(c.binDir, s.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{srv: s, cmd: cmd, pid: cmd.Process.Pid, addr: addr, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	runningMu.Lock()
	running[p.pid] = p
	runningMu.Unlock()

	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return p, nil
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited at start (%v); see %s", s.name, cmd.ProcessState, filepath.Join(c.binDir, s.name+".log"))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s did not accept on %s within 10s", s.name, addr)
		}
	}
}

// freePort returns the next port from -port on that no socket uses in any
// state. A fresh port per start matters: the TIME_WAIT sockets a run leaves
// behind make bind fail for servers that don't set SO_REUSEADDR.
func freePort(c *config) int {
	used := portsInUse()
	for range 4000 {
		if nextPort < c.basePort || nextPort >= c.basePort+4000 {
			nextPort = c.basePort
		}
		p := nextPort
		nextPort++
		if !used[p] {
			return p
		}
	}
	fatalf("no free port in %d–%d", c.basePort, c.basePort+3999)
	return 0
}

// portsInUse lists the local ports of every TCP socket (/proc/net/tcp{,6}).
func portsInUse() map[int]bool {
	used := map[int]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			_, hexPort, ok := strings.Cut(fields[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); ok && err == nil {
				used[int(p)] = true
			}
		}
	}
	return used
}

// stop ends the server: SIGTERM, then SIGKILL if it has not exited in
// 300 ms (graceful shutdown is not what the bench measures).
func (p *proc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(300 * time.Millisecond):
		p.cmd.Process.Kill()
		<-p.done
	}
	runningMu.Lock()
	delete(running, p.pid)
	runningMu.Unlock()
}

// stopAll stops every server this run started and has not stopped yet.
func stopAll() {
	runningMu.Lock()
	ps := make([]*proc, 0, len(running))
	for _, p := range running {
		ps = append(ps, p)
	}
	runningMu.Unlock()
	for _, p := range ps {
		p.stop()
	}
}

// verifyServer checks the answer the bench is about to count: two pipelined
// plaintext requests, then one with "Connection: close" that the server must
// answer and close. A mismatch is a note in the report, not a stop: fastbase's
// hello handler may legitimately differ in a header.
func verifyServer(c *config, s *server) []string {
	p, err := s.start(c)
	if err != nil {
		fatalf("%v", err)
	}
	defer p.stop()
	problems := checkPlaintext(p.addr)
	for _, pr := range problems {
		progressf("verify %s: %s", s.name, pr)
	}
	if len(problems) == 0 {
		progressf("verify %s: plaintext answers as expected", s.name)
	}
	var notes []string
	for _, pr := range problems {
		notes = append(notes, s.name+": "+pr)
	}
	return notes
}

func checkPlaintext(addr string) (problems []string) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return []string{err.Error()}
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(3 * time.Second))
	const req = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
	if _, err := io.WriteString(conn, req+req+"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"); err != nil {
		return []string{err.Error()}
	}
	br := bufio.NewReader(conn)
	for i := range 3 {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return append(problems, fmt.Sprintf("response %d: %v", i+1, err))
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return append(problems, fmt.Sprintf("response %d body: %v", i+1, err))
		}
		if i > 0 {
			continue // the first response stands for all three
		}
		problems = append(problems, plaintextProblems(resp, body)...)
	}
	if n, err := br.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		problems = append(problems, fmt.Sprintf("connection not closed after Connection: close (read %d, %v)", n, err))
	}
	return problems
}

func plaintextProblems(resp *http.Response, body []byte) (problems []string) {
	if resp.StatusCode != 200 {
		problems = append(problems, "status "+resp.Status)
	}
	if string(body) != "Hello, World!" {
		problems = append(problems, fmt.Sprintf("body %q", body))
	}
	if resp.Header.Get("Server") == "" {
		problems = append(problems, "no Server header")
	}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err != nil || time.Since(d).Abs() > 3*time.Second {
		problems = append(problems, fmt.Sprintf("Date %q is not now", resp.Header.Get("Date")))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
		problems = append(problems, fmt.Sprintf("Content-Type %q, want text/plain", ct))
	}
	if cl := resp.Header.Get("Content-Length"); cl != "13" {
		problems = append(problems, fmt.Sprintf("Content-Length %q, want 13", cl))
	}
	return problems
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, " / ")
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "runner: "+format+"\n", args...)
	stopAll()
	os.Exit(1)
}
