package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// idleClientCommand makes the runner binary act as the idle scenario's
// client, started pinned to the client core.
const idleClientCommand = "idle-client"

// idleClientMain opens -conns connections, sends one plaintext request on
// each and reads its answer, so every connection is an idle keep-alive
// connection that has served a request. It prints "ready OK FAILED", holds
// the connections until its standard input closes, then closes them.
func idleClientMain(args []string) int {
	fs := flag.NewFlagSet(idleClientCommand, flag.ExitOnError)
	addr := fs.String("addr", "", "server address")
	n := fs.Int("conns", 10000, "connections to open")
	parallel := fs.Int("parallel", 128, "connections set up at once")
	fs.Parse(args)

	conns := make([]net.Conn, *n)
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	next := atomic.Int64{}
	deadline := time.Now().Add(60 * time.Second)
	for range *parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1024)
			for {
				i := int(next.Add(1) - 1)
				if i >= *n {
					return
				}
				c, err := openIdle(*addr, buf, deadline)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		fmt.Fprintln(os.Stderr, "idle-client: first error:", e)
	}
	fmt.Printf("ready %d %d\n", int64(*n)-failed.Load(), failed.Load())
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	return 0
}

// openIdle connects, sends a request and reads until the body has arrived.
func openIdle(addr string, buf []byte, deadline time.Time) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(deadline)
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: bench\r\n\r\n"); err != nil {
		c.Close()
		return nil, err
	}
	got := 0
	for !bytes.HasSuffix(buf[:got], []byte("Hello, World!")) {
		if got == len(buf) {
			c.Close()
			return nil, fmt.Errorf("response larger than %d bytes", len(buf))
		}
		m, err := c.Read(buf[got:])
		if err != nil {
			c.Close()
			return nil, err
		}
		got += m
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// measureIdle reads the server's VmRSS before and after -idle-conns idle
// keep-alive connections and charges the growth to the connections.
func measureIdle(c *config, p *proc) sample {
	// One request first, so that whatever a server sets up lazily on its
	// first request is in the baseline, not in the per-connection cost.
	if problems := checkPlaintext(p.addr); len(problems) > 0 {
		return sample{Err: "first request: " + problems[0]}
	}
	time.Sleep(c.settle)
	before, err := statusKB(p.pid, "VmRSS")
	if err != nil {
		return sample{Err: err.Error()}
	}
	fdsBefore := openFDs(p.pid)

	self, err := os.Executable()
	if err != nil {
		return sample{Err: err.Error()}
	}
	cmd := exec.Command("taskset", "-c", strconv.Itoa(c.clientCPU), self, idleClientCommand,
		"-addr", p.addr, "-conns", strconv.Itoa(c.idleConns))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return sample{Err: err.Error()}
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return sample{Err: fmt.Sprintf("idle client: %v %s", err, stderr.String())}
	}
	var ok, failed int
	if _, err := fmt.Sscanf(line, "ready %d %d", &ok, &failed); err != nil {
		return sample{Err: "idle client said " + strings.TrimSpace(line)}
	}
	if failed > 0 {
		return sample{Err: fmt.Sprintf("%d of %d connections failed: %s", failed, c.idleConns, strings.TrimSpace(stderr.String()))}
	}
	time.Sleep(c.settle)
	after, err := statusKB(p.pid, "VmRSS")
	if err != nil {
		return sample{Err: err.Error()}
	}
	// Every connection must still be open on the server's side, or the
	// growth would be charged to connections it has already dropped.
	if held := openFDs(p.pid) - fdsBefore; held < ok*99/100 {
		return sample{Err: fmt.Sprintf("server holds %d of %d connections", held, ok)}
	}
	return sample{
		Conns:        ok,
		RSSBeforeKB:  before,
		RSSAfterKB:   after,
		BytesPerConn: float64(after-before) * 1024 / float64(ok),
	}
}
