// Command delayload measures a server holding many answers that come later:
// it opens -conns keep-alive connections (their source addresses spread
// over 127.0.0.0/8), sends one request on each at once, every request asking
// to be answered after -delay, and reports how late the answers came, what
// the server's memory grew by per pending request (its connection
// included), and how much CPU the server spent while they waited.
//
// An answer is early when it ends less than the delay after the start of
// its request's write (the server cannot have had the request before); its
// lateness is counted from the end of the write, so that a client goroutine
// that waits for the CPU between taking the time and writing, one of
// thousands on one core, does not make the server look late.
//
// With -idle D it measures idle connections instead: each connection gets
// one immediate answer and then stays open, idle, for D, over which the
// server's CPU is measured.
//
//	delayload -addr 127.0.0.1:8080 -pid PID -conns 15000 -path '/?delay=1s' -delay 1s
//	delayload -addr 127.0.0.1:8080 -pid PID -conns 15000 -path / -idle 10s
//
// It talks only to the address given, which must be a loopback one, and
// stops by itself.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type result struct {
	Conns     int     `json:"conns"`
	Answered  int     `json:"answered"`
	Failed    int     `json:"failed"`
	Early     int     `json:"early"`
	LateP50Ms float64 `json:"late_p50_ms"`
	LateP99Ms float64 `json:"late_p99_ms"`
	LateMaxMs float64 `json:"late_max_ms"`
	// The same from the start of the write: an upper bound, which counts
	// a client goroutine's wait for the CPU before it wrote.
	FromStartP99Ms float64 `json:"late_from_write_start_p99_ms"`
	RSSBeforeKB    int64   `json:"rss_before_kb"`
	RSSPeakKB      int64   `json:"rss_peak_kb"`
	BytesPerConn   float64 `json:"rss_bytes_per_pending"`
	CPUWhileWaitPc float64 `json:"cpu_while_waiting_pct"`
	WindowMs       float64 `json:"cpu_window_ms"`
	// SendSpanMs is the time from the first request's write to the end of
	// the last one's, AnswerSpanMs the time from the end of the first answer
	// to the end of the last: a server that sends answers as fast as they
	// come due gives two about equal spans, one whose answers cost it more
	// than the requests did a longer answer span, its last answers late.
	SendSpanMs   float64 `json:"send_span_ms"`
	AnswerSpanMs float64 `json:"answer_span_ms"`
	// ClientStallMs is the longest the client itself was held up: the
	// most a 1 ms sleep of one of its goroutines overslept while the
	// requests were out. A stall of the client (its core taken by other
	// work, its scheduler) delays the answers it reads, and that lateness
	// is the client's, not the server's.
	ClientStallMs float64 `json:"client_stall_ms"`
	FirstError    string  `json:"first_error,omitempty"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server `host:port` (loopback only)")
	pid := flag.Int("pid", 0, "the server's process id, for its memory and CPU")
	n := flag.Int("conns", 15000, "connections, one request each")
	path := flag.String("path", "/?delay=1s", "request target")
	delay := flag.Duration("delay", time.Second, "the delay the target asks for")
	idle := flag.Duration("idle", 0, "measure idle keep-alive connections for this long instead")
	settle := flag.Duration("settle", 0, "wait this long after the connections are open before sending (0: send at once, while the server may still be taking the connections in)")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()
	if host, _, err := net.SplitHostPort(*addr); err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintln(os.Stderr, "delayload: -addr must be a loopback host:port")
		os.Exit(2)
	}
	raiseFileLimit()
	r := run(*addr, *pid, *n, *path, *delay, *idle, *settle)
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	if *idle > 0 {
		fmt.Printf("idle conns=%d open=%d failed=%d server cpu over %v: %.3f%% of a core, rss %d KB\n",
			r.Conns, r.Answered, r.Failed, *idle, r.CPUWhileWaitPc, r.RSSPeakKB)
	} else {
		fmt.Printf("conns=%d answered=%d failed=%d early=%d late p50=%.1fms p99=%.1fms max=%.1fms (p99 from the write's start %.1fms) "+
			"rss %d→%d KB (%.0f B per pending request) server cpu while waiting %.2f%% (over %.0f ms); requests sent over %.0f ms, answers came over %.0f ms, client stalled up to %.1f ms\n",
			r.Conns, r.Answered, r.Failed, r.Early, r.LateP50Ms, r.LateP99Ms, r.LateMaxMs, r.FromStartP99Ms,
			r.RSSBeforeKB, r.RSSPeakKB, r.BytesPerConn, r.CPUWhileWaitPc, r.WindowMs, r.SendSpanMs, r.AnswerSpanMs, r.ClientStallMs)
	}
	if r.FirstError != "" {
		fmt.Println("first error:", r.FirstError)
	}
}

// client is one connection and what happened on it.
type client struct {
	c        net.Conn
	r        *bufio.Reader
	sent     time.Time     // before the request's write
	wrote    time.Time     // after it
	done     time.Time     // when the answer had ended
	answered time.Duration // from sent to the end of the answer
	late     time.Duration // from the end of the write to the end of the answer, less the delay
	err      error
}

func run(addr string, pid, n int, path string, delay, idle, settle time.Duration) result {
	res := result{Conns: n, RSSBeforeKB: rssKB(pid)}
	clients := make([]*client, n)
	connect(addr, clients)
	time.Sleep(settle)
	request := []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")

	peak := &atomic.Int64{}
	peak.Store(res.RSSBeforeKB)
	stopSampling := sampleRSS(pid, peak)
	stopWatching := watchStalls()
	var wg, sent sync.WaitGroup
	start := make(chan struct{})
	for _, cl := range clients {
		if cl.err != nil {
			continue
		}
		wg.Add(1)
		sent.Add(1)
		go func() {
			defer wg.Done()
			<-start
			cl.exchange(request, delay+30*time.Second, sent.Done)
		}()
	}
	started := time.Now()
	close(start)
	if idle > 0 {
		wg.Wait()
		cpu0, t0 := cpuTicks(pid), time.Now()
		time.Sleep(idle)
		res.CPUWhileWaitPc = cpuPercent(cpuTicks(pid)-cpu0, time.Since(t0))
	} else {
		// The window in which every request has been sent (and, 50 ms
		// later, received) and none is due yet: up to 50 ms before the
		// first answer is due.
		sent.Wait()
		time.Sleep(50 * time.Millisecond)
		end := started.Add(delay - 50*time.Millisecond)
		if t0 := time.Now(); t0.Before(end) {
			cpu0 := cpuTicks(pid)
			time.Sleep(time.Until(end))
			res.CPUWhileWaitPc = cpuPercent(cpuTicks(pid)-cpu0, time.Since(t0))
			res.WindowMs = float64(time.Since(t0)) / 1e6
		}
		wg.Wait()
	}
	stopSampling()
	res.ClientStallMs = float64(stopWatching()) / 1e6
	res.RSSPeakKB = peak.Load()
	var late, fromStart []time.Duration
	var firstSent, lastWrote, firstDone, lastDone time.Time
	for _, cl := range clients {
		if cl.err != nil {
			res.Failed++
			if res.FirstError == "" {
				res.FirstError = cl.err.Error()
			}
			continue
		}
		res.Answered++
		if idle == 0 {
			if cl.answered < delay {
				res.Early++
			}
			late = append(late, cl.late-delay)
			fromStart = append(fromStart, cl.answered-delay)
			if firstSent.IsZero() || cl.sent.Before(firstSent) {
				firstSent = cl.sent
			}
			if cl.wrote.After(lastWrote) {
				lastWrote = cl.wrote
			}
			if firstDone.IsZero() || cl.done.Before(firstDone) {
				firstDone = cl.done
			}
			if cl.done.After(lastDone) {
				lastDone = cl.done
			}
		}
	}
	if len(late) > 0 {
		slices.Sort(late)
		ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
		res.LateP50Ms = ms(late[len(late)/2])
		res.LateP99Ms = ms(late[len(late)*99/100])
		res.LateMaxMs = ms(late[len(late)-1])
		slices.Sort(fromStart)
		res.FromStartP99Ms = ms(fromStart[len(fromStart)*99/100])
		res.SendSpanMs, res.AnswerSpanMs = ms(lastWrote.Sub(firstSent)), ms(lastDone.Sub(firstDone))
	}
	if n > 0 {
		res.BytesPerConn = float64(res.RSSPeakKB-res.RSSBeforeKB) * 1024 / float64(n)
	}
	for _, cl := range clients {
		if cl.c != nil {
			cl.c.Close()
		}
	}
	return res
}

// connect opens the connections, 256 at a time, each from its own source
// address in 127.0.0.0/8 so that no address runs out of ports.
func connect(addr string, clients []*client) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 256 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(clients) {
					return
				}
				src := net.IPv4(127, byte(1+i/62500), byte(i/250%250), byte(1+i%250))
				d := net.Dialer{LocalAddr: &net.TCPAddr{IP: src}, Timeout: 10 * time.Second}
				c, err := d.Dial("tcp", addr)
				cl := &client{c: c, err: err}
				if err == nil {
					cl.r = bufio.NewReaderSize(c, 512)
				}
				clients[i] = cl
			}
		}()
	}
	wg.Wait()
}

// exchange sends the request and reads the whole answer.
func (cl *client) exchange(request []byte, timeout time.Duration, written func()) {
	cl.c.SetDeadline(time.Now().Add(timeout))
	// Taken before the write: the server cannot have the request earlier,
	// so an answer measured as early is early.
	cl.sent = time.Now()
	_, err := cl.c.Write(request)
	wrote := time.Now()
	cl.wrote = wrote
	written()
	if err != nil {
		cl.err = err
		return
	}
	status, err := readAnswer(cl.r)
	cl.done = time.Now()
	cl.answered = cl.done.Sub(cl.sent)
	cl.late = cl.done.Sub(wrote)
	if err == nil && status != 200 {
		err = fmt.Errorf("status %d", status)
	}
	cl.err = err
	cl.c.SetDeadline(time.Time{})
}

// readAnswer reads one response, framed by Content-Length or chunked, and
// returns its status. It is lighter than net/http's reader, so that with
// tens of thousands of answers arriving at once the client's own work
// does not pass for the server's lateness.
func readAnswer(r *bufio.Reader) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, chunked := int64(-1), false
	for {
		line, err = r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(line) <= 2 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			length, err = strconv.ParseInt(string(value), 10, 64)
			if err != nil {
				return 0, err
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	switch {
	case chunked:
		for {
			size, err := r.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
			if err != nil {
				return 0, err
			}
			if _, err := r.Discard(int(n) + 2); err != nil {
				return 0, err
			}
			if n == 0 {
				return status, nil
			}
		}
	case length >= 0:
		_, err = r.Discard(int(length))
		return status, err
	}
	_, err = io.Copy(io.Discard, r) // to the end of the connection
	return status, err
}

// sampleRSS records the server's peak resident memory every 20 ms until
// the returned function is called.
func sampleRSS(pid int, peak *atomic.Int64) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := rssKB(pid); kb > peak.Load() {
				peak.Store(kb)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// watchStalls measures how far a goroutine's 1 ms sleeps overshoot until the
// function it returns is called, which returns the largest overshoot.
func watchStalls() func() time.Duration {
	done := make(chan struct{})
	worst := make(chan time.Duration)
	go func() {
		var most time.Duration
		for {
			select {
			case <-done:
				worst <- most
				return
			default:
			}
			t0 := time.Now()
			time.Sleep(time.Millisecond)
			most = max(most, time.Since(t0)-time.Millisecond)
		}
	}()
	return func() time.Duration { close(done); return <-worst }
}

// rssKB is VmRSS of pid, 0 when unknown.
func rssKB(pid int) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb
		}
	}
	return 0
}

// cpuTicks is the CPU time, in nanoseconds, that pid's threads have run:
// the sum of their schedstat run times, which unlike /proc/PID/stat's clock
// ticks resolves the small shares an idle server spends.
func cpuTicks(pid int) int64 {
	if pid == 0 {
		return 0
	}
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile(dir + t.Name() + "/schedstat")
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			total += ns
		}
	}
	return total
}

// cpuPercent turns CPU nanoseconds over d into percent of one core.
func cpuPercent(ns int64, d time.Duration) float64 {
	return float64(ns) / float64(d) * 100
}

func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}
