// Command hostile is the client side of bench/hostile.sh: loads that take
// servers down or make them hold memory, each bounded in time and talking
// only to a loopback address.
//
//	hostile burst -addr A -n 2000        open n connections at once, hold them, close them, then ask normal requests
//	hostile nonreading -addr A -n 1000   pipeline GETs on n connections that never read, with a 4 KB receive buffer
//	hostile uploads -addr A -n 200       POST n bodies of -size bytes, -c at a time
//	hostile limits -addr A -n 2000       n concurrent GETs, a 32 MB header flood and a 10 MB body at once
//	hostile resets -addr A -n 1500       ask -path (an answer that comes after -at) on n connections, reset them all as it falls due
//
// Every mode ends with -after normal requests on new connections and prints
// one line of key=value results; with -pid it also samples the server's
// resident memory (VmRSS, summed over the processes of a comma-separated
// -pid list) every 50 ms and prints the peak (the sum of their VmHWM).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hostile burst|nonreading|uploads [flags]")
		os.Exit(2)
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "server address (loopback only)")
	n := fs.Int("n", 1000, "connections (burst, nonreading) or uploads")
	dur := fs.Duration("d", 10*time.Second, "how long nonreading clients send")
	hold := fs.Duration("hold", time.Second, "how long burst connections stay open")
	rcvbuf := fs.Int("rcvbuf", 4096, "receive buffer of a nonreading client")
	size := fs.Int("size", 300<<10, "upload size")
	conc := fs.Int("c", 4, "uploads at a time")
	after := fs.Int("after", 20, "normal requests afterwards")
	pids := fs.String("pid", "", "server processes whose memory to sample, comma-separated")
	path := fs.String("path", "/delay/1", "what the resets mode asks for: an answer that comes later")
	at := fs.Duration("at", time.Second, "when the resets mode's answers fall due, after they were asked")
	_ = fs.Parse(os.Args[2:])
	if host, _, err := net.SplitHostPort(*addr); err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintln(os.Stderr, "hostile: -addr must be a loopback address")
		os.Exit(2)
	}

	mem := startSampling(parsePIDs(*pids))
	var result string
	switch mode {
	case "burst":
		result = burst(*addr, *n, *hold)
	case "nonreading":
		result = nonReading(*addr, *n, *dur, *rcvbuf)
	case "uploads":
		result = uploads(*addr, *n, *size, *conc)
	case "limits":
		result = limits(*addr, *n)
	case "resets":
		result = resets(*addr, *n, *path, *at)
	default:
		fmt.Fprintln(os.Stderr, "hostile: unknown mode", mode)
		os.Exit(2)
	}
	peak := mem.stop()
	ok, failed := normalRequests(*addr, *after)
	fmt.Printf("%s peak_rss_mb=%.1f after_ok=%d after_failed=%d\n", result, float64(peak)/(1<<20), ok, failed)
}

// burst opens n connections at once, keeps those that connected for hold,
// and closes them.
func burst(addr string, n int, hold time.Duration) string {
	var connected, refused atomic.Int64
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, 3*time.Second)
			if err != nil {
				refused.Add(1)
				return
			}
			connected.Add(1)
			conns[i] = c
		}()
	}
	wg.Wait()
	time.Sleep(hold)
	answered503 := 0
	for _, c := range conns {
		if c == nil {
			continue
		}
		// Over the connection cap, a server answers before it is asked.
		_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
		if line, err := bufio.NewReader(c).ReadString('\n'); err == nil && strings.Contains(line, " 503 ") {
			answered503++
		}
		c.Close()
	}
	return fmt.Sprintf("mode=burst attempts=%d connected=%d failed=%d answered_503=%d", n, connected.Load(), refused.Load(), answered503)
}

// resets asks path on n connections at once, and resets every connection
// (SO_LINGER 0, then close) over some 10 ms around the time the answers
// fall due, at after they were asked: the server meets many resets in the
// same round of its loop as the timers that write to those connections.
func resets(addr string, n int, path string, at time.Duration) string {
	conns := make([]*net.TCPConn, 0, n)
	for range n {
		c, err := net.DialTimeout("tcp", addr, 3*time.Second)
		if err != nil {
			break
		}
		conns = append(conns, c.(*net.TCPConn))
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	req := []byte("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
	start := time.Now()
	for _, c := range conns {
		_, _ = c.Write(req)
	}
	var wg sync.WaitGroup
	for k := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(start.Add(at - 5*time.Millisecond)))
			for i := k; i < len(conns); i += 4 {
				_ = conns[i].SetLinger(0)
				_ = conns[i].Close()
				if i%40 == k {
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	time.Sleep(300 * time.Millisecond)
	return fmt.Sprintf("mode=resets connections=%d", len(conns))
}

// nonReading pipelines GETs on n connections with a small receive buffer
// that are never read, for d; it reports how many the server cut.
func nonReading(addr string, n int, d time.Duration, rcvbuf int) string {
	dialer := net.Dialer{Timeout: 10 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
		})
	}}
	batch := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 64))
	end := time.Now().Add(d)
	var connected, cut, dialFailed atomic.Int64
	var sent atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dialer.Dial("tcp", addr)
			if err != nil {
				dialFailed.Add(1)
				return
			}
			connected.Add(1)
			defer c.Close()
			_ = c.SetWriteDeadline(end)
			for time.Now().Before(end) {
				k, err := c.Write(batch)
				sent.Add(int64(k))
				if err != nil {
					if !errors.Is(err, os.ErrDeadlineExceeded) {
						cut.Add(1)
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	return fmt.Sprintf("mode=nonreading conns=%d connected=%d dial_failed=%d cut=%d sent_mb=%.0f",
		n, connected.Load(), dialFailed.Load(), cut.Load(), float64(sent.Load())/(1<<20))
}

// uploads posts n bodies of size bytes, conc at a time, each on its own
// connection, and counts the 200 answers.
func uploads(addr string, n, size, conc int) string {
	body := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
	var ok, failed atomic.Int64
	next := make(chan struct{}, n)
	for range n {
		next <- struct{}{}
	}
	close(next)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				if post(addr, body) == 200 {
					ok.Add(1)
				} else {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return fmt.Sprintf("mode=uploads uploads=%d size=%d ok=%d failed=%d", n, size, ok.Load(), failed.Load())
}

func post(addr string, body []byte) int {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	head := "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(c, head); err != nil {
		return 0
	}
	if _, err := c.Write(body); err != nil {
		return 0
	}
	return readStatus(c)
}

// limits runs, at once, n connections that each ask one GET, a client
// that sends a 32 MB header block, and one that posts a 10 MB body, and
// reports what each got.
func limits(addr string, n int) string {
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if get(addr) == 200 {
				ok.Add(1)
			} else {
				failed.Add(1)
			}
		}()
	}
	var floodStatus, bodyStatus int
	wg.Add(2)
	go func() {
		defer wg.Done()
		floodStatus = headerFlood(addr, 32<<20)
	}()
	go func() {
		defer wg.Done()
		bodyStatus = post(addr, bytes.Repeat([]byte("b"), 10<<20))
	}()
	wg.Wait()
	return fmt.Sprintf("mode=limits gets=%d gets_ok=%d gets_failed=%d header_flood_status=%d body_10mb_status=%d",
		n, ok.Load(), failed.Load(), floodStatus, bodyStatus)
}

// headerFlood sends a header block of size bytes (one field line after
// another) and returns the status the server answered with, 0 for none.
func headerFlood(addr string, size int) int {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	line := []byte("X-Flood: " + strings.Repeat("f", 1000) + "\r\n")
	status := make(chan int, 1)
	go func() {
		status <- readStatus(c)
	}()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	for sent := 0; sent < size; sent += len(line) {
		if _, err := c.Write(line); err != nil {
			break
		}
	}
	return <-status
}

// normalRequests asks n GETs, each on a new connection, and counts the 200s.
func normalRequests(addr string, n int) (ok, failed int) {
	for range n {
		if get(addr) == 200 {
			ok++
		} else {
			failed++
		}
	}
	return ok, failed
}

func get(addr string) int {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return 0
	}
	return readStatus(c)
}

// sampler follows the resident memory of a set of processes.
type sampler struct {
	pids []int
	quit chan struct{}
	done chan struct{}
	max  atomic.Int64
}

func parsePIDs(list string) []int {
	var pids []int
	for _, f := range strings.Split(list, ",") {
		if p, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && p > 0 {
			pids = append(pids, p)
		}
	}
	return pids
}

func startSampling(pids []int) *sampler {
	s := &sampler{pids: pids, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if len(pids) == 0 {
			return
		}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v := s.sum("VmRSS:"); v > s.max.Load() {
				s.max.Store(v)
			}
			select {
			case <-s.quit:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) sum(field string) int64 {
	var n int64
	for _, p := range s.pids {
		n += procStatus(p, field)
	}
	return n
}

// stop ends the sampling and returns the peak: the kernel's high-water
// marks when they can be read, else the highest sample.
func (s *sampler) stop() int64 {
	close(s.quit)
	<-s.done
	return max(s.sum("VmHWM:"), s.max.Load())
}

// procStatus reads a "kB" field of /proc/PID/status, in bytes.
func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// readStatus reads one response from c, body and all, and returns its
// status; 0 when none came.
func readStatus(c net.Conn) int {
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
