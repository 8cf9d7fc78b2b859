package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// sample is one measurement of one scenario on one server.
type sample struct {
	Scenario string `json:"scenario"`
	Server   string `json:"server"`
	Round    int    `json:"round,omitempty"` // idle and syscalls: the round
	Peer     string `json:"peer,omitempty"`  // load: the peer of the block of pairs
	Pair     int    `json:"pair,omitempty"`  // load: the pair in the block, from 1
	Err      string `json:"error,omitempty"`

	// load scenarios
	Requests   int64   `json:"requests,omitempty"`
	Seconds    float64 `json:"seconds,omitempty"`
	RPS        float64 `json:"rps,omitempty"`
	ServerCPU  float64 `json:"server_cpu_s,omitempty"`  // CPU seconds the server used
	ClientCPU  float64 `json:"client_cpu_s,omitempty"`  // CPU seconds wrk used
	Efficiency float64 `json:"efficiency,omitempty"`    // requests per server CPU second
	P50        float64 `json:"p50_s,omitempty"`         // seconds
	P99        float64 `json:"p99_s,omitempty"`         // seconds
	Errors     int64   `json:"errors,omitempty"`        // wrk socket errors and non-2xx
	Foreign    float64 `json:"foreign_share,omitempty"` // worst share of a core taken by others
	Attempts   int     `json:"attempts,omitempty"`
	Disturbed  bool    `json:"disturbed,omitempty"` // still disturbed after every retry

	// idle
	Conns        int     `json:"conns,omitempty"`
	RSSBeforeKB  int64   `json:"rss_before_kb,omitempty"`
	RSSAfterKB   int64   `json:"rss_after_kb,omitempty"`
	BytesPerConn float64 `json:"bytes_per_conn,omitempty"`

	// syscalls
	Syscalls       int64   `json:"syscalls,omitempty"`
	SyscallsPerReq float64 `json:"syscalls_per_request,omitempty"`
}

// cpuShare is the share of the measured wall time the server spent on CPU.
func (s sample) cpuShare() float64 {
	if s.Seconds == 0 {
		return 0
	}
	return s.ServerCPU / s.Seconds
}

func (s sample) summary() string {
	if s.Err != "" {
		return "error: " + s.Err
	}
	var b strings.Builder
	switch {
	case s.Conns > 0:
		fmt.Fprintf(&b, "%d conns, RSS %d → %d kB, %s/conn", s.Conns, s.RSSBeforeKB, s.RSSAfterKB, bytesString(s.BytesPerConn))
	case s.Syscalls > 0:
		fmt.Fprintf(&b, "%d syscalls / %d requests = %.3f per request", s.Syscalls, s.Requests, s.SyscallsPerReq)
	default:
		fmt.Fprintf(&b, "%s req/s, server CPU %.0f%%, %s req/CPU-s", count(s.RPS), 100*s.cpuShare(), count(s.Efficiency))
		if s.P99 > 0 {
			fmt.Fprintf(&b, ", p50 %s p99 %s", latency(s.P50), latency(s.P99))
		}
		if s.Errors > 0 {
			fmt.Fprintf(&b, ", %d errors", s.Errors)
		}
		if s.Attempts > 1 {
			fmt.Fprintf(&b, " (best of %d attempts)", s.Attempts)
		}
		if s.Disturbed {
			b.WriteString(" DISTURBED")
		}
	}
	return b.String()
}

// scenario is one row group of the report.
type scenario struct {
	name  string
	title string // what the report says it measures
}

// scenarioList is every scenario in report order.
func scenarioList() []scenario {
	return []scenario{
		{"keepalive", "keep-alive: wrk -t1 -c64, one request at a time per connection"},
		{"pipelined", "pipelined: wrk -t1 -c64, 16 requests per write (Lua script)"},
		{"close", "close: wrk -t1 -c64 with \"Connection: close\", a new connection per request"},
		{"idle", "idle: RSS growth per idle keep-alive connection"},
		{"syscalls-keepalive", "system calls per request, keep-alive load"},
		{"syscalls-pipelined", "system calls per request, pipelined load"},
	}
}

// scenarioNames are the names -scenarios accepts; "syscalls" selects both
// syscall scenarios.
func scenarioNames() []string {
	return []string{"keepalive", "pipelined", "close", "idle", "syscalls"}
}

// selectScenarios turns -scenarios into the set of scenarios to run.
func selectScenarios(names []string, t *tools) (map[string]bool, error) {
	known := map[string]bool{}
	for _, sc := range scenarioList() {
		known[sc.name] = true
	}
	want := map[string]bool{}
	for _, n := range names {
		switch {
		case n == "syscalls":
			want["syscalls-keepalive"], want["syscalls-pipelined"] = true, true
		case known[n]:
			want[n] = true
		default:
			return nil, fmt.Errorf("unknown scenario %q (have %s)", n, strings.Join(scenarioNames(), ", "))
		}
	}
	if t.Syscalls == "" {
		delete(want, "syscalls-keepalive")
		delete(want, "syscalls-pipelined")
	}
	return want, nil
}

var (
	keepAliveLoad = wrkLoad{latency: true}
	closeLoad     = wrkLoad{args: []string{"-H", "Connection: close"}}
)

func pipelinedLoad(c *config, t *tools) wrkLoad {
	return wrkLoad{args: []string{"-s", t.pipeline}, script: []string{strconv.Itoa(c.depth)}}
}

// estimate is the plan's rough wall time, printed before the run starts.
func estimate(c *config, want map[string]bool, servers int) time.Duration {
	var d time.Duration
	for _, n := range []string{"syscalls-keepalive", "syscalls-pipelined"} {
		if want[n] {
			d += c.warmup + 550*time.Millisecond // the counter attaching and detaching
		}
	}
	if want["idle"] {
		d += 2*c.settle + time.Duration(c.idleConns)*100*time.Microsecond + 700*time.Millisecond
	}
	d *= time.Duration(c.rounds * servers)
	loads := 0
	for _, sc := range loadScenarios {
		if want[sc.name] {
			loads++
		}
	}
	d += pairsEstimate(c, loads, servers-1)
	if c.codec {
		d += 20 * time.Second
	}
	return d
}

// serverRound is one server's turn in a round of the scenarios that are
// not ratios of paired runs: the system call counts (one process, a
// keep-alive then a pipelined load run with the counter attached) and the
// idle test (a fresh process, so its baseline holds nothing left over from
// load).
func serverRound(c *config, t *tools, s *server, round int, want map[string]bool, emit func(sample)) {
	named := func(name string, smp sample) {
		smp.Scenario, smp.Server, smp.Round = name, s.name, round
		emit(smp)
	}
	var counts []string
	for _, n := range []string{"syscalls-keepalive", "syscalls-pipelined"} {
		if want[n] {
			counts = append(counts, n)
		}
	}
	if len(counts) > 0 {
		p, err := s.start(c)
		if err != nil {
			for _, n := range counts {
				named(n, sample{Err: err.Error()})
			}
		} else {
			waitQuiet(c)
			for _, n := range counts {
				load := keepAliveLoad
				if n == "syscalls-pipelined" {
					load = pipelinedLoad(c, t)
				}
				named(n, measureSyscalls(c, t, p, load))
			}
			p.stop()
		}
	}
	if want["idle"] {
		p, err := s.start(c)
		if err != nil {
			named("idle", sample{Err: err.Error()})
			return
		}
		named("idle", measureIdle(c, p))
		p.stop()
	}
}

// waitQuiet waits, up to -quiet-wait, until neither core is busy with
// anything: the machine may be shared with builds and tests, and a run
// started during one would only be measured again. Once the run's budget
// for waits and re-runs is spent it returns at once.
func waitQuiet(c *config) {
	start := time.Now()
	deadline := start.Add(c.quietWait)
	said := false
	defer func() { c.spend(time.Since(start)) }()
	for c.spend(0) {
		busy, err := coreLoad(c, 200*time.Millisecond)
		if err != nil || busy < 0.10 {
			return
		}
		if time.Now().After(deadline) {
			progressf("      the cores are still %.0f%% busy after %s; measuring anyway", 100*busy, c.quietWait)
			return
		}
		if !said {
			progressf("      waiting for the cores to be quiet (%.0f%% busy)", 100*busy)
			said = true
		}
	}
}

// coreLoad is the busier of the two cores' share of non-idle time over d.
func coreLoad(c *config, d time.Duration) (float64, error) {
	a, err := readCores(c.serverCPU, c.clientCPU)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	time.Sleep(d)
	b, err := readCores(c.serverCPU, c.clientCPU)
	if err != nil {
		return 0, err
	}
	// On a loaded machine the sleep itself can last far longer than d.
	window := max(time.Since(start).Seconds(), d.Seconds())
	worst := 0.0
	for _, core := range []int{c.serverCPU, c.clientCPU} {
		t := b[core].sub(a[core])
		worst = max(worst, min((t.busy+t.irq+t.steal)/window, 1))
	}
	return worst, nil
}

// measureLoad runs wrk for the measured duration and charges the requests
// to the server's CPU time. When another process took a noticeable share of
// either core during the run, the run is repeated (up to -retries times,
// each after the cores are quiet again, while the run's time budget for
// such extras lasts) and the least disturbed attempt kept.
func measureLoad(c *config, p *proc, load wrkLoad) sample {
	best := loadOnce(c, p, load)
	for attempt := 2; best.Err == "" && best.Foreign > c.disturbance; attempt++ {
		if attempt > c.retries+1 || !c.spend(0) {
			best.Disturbed = true
			break
		}
		progressf("      %s: %.0f%% of a core went to other processes, measuring again", p.srv.name, 100*best.Foreign)
		waitQuiet(c)
		started := time.Now()
		smp := loadOnce(c, p, load)
		c.spend(time.Since(started))
		if smp.Err == "" && smp.Foreign < best.Foreign {
			best = smp
		}
		best.Attempts = attempt
	}
	return best
}

func loadOnce(c *config, p *proc, load wrkLoad) sample {
	cores0, err1 := readCores(c.serverCPU, c.clientCPU)
	cpu0, err2 := processCPU(p.pid)
	start := time.Now()
	r, err := runWrk(c, p.addr, c.duration, load)
	wall := time.Since(start).Seconds()
	cores1, err3 := readCores(c.serverCPU, c.clientCPU)
	cpu1, err4 := processCPU(p.pid)
	for _, e := range []error{err, err1, err2, err3, err4} {
		if e != nil {
			return sample{Err: e.Error()}
		}
	}
	if r.requests == 0 {
		return sample{Err: fmt.Sprintf("no request completed (%d socket errors)", r.errors)}
	}
	smp := sample{
		Requests:  r.requests,
		Seconds:   r.seconds,
		RPS:       r.rps,
		ServerCPU: cpu1 - cpu0,
		ClientCPU: r.clientCPU,
		P50:       r.p50,
		P99:       r.p99,
		Errors:    r.errors,
	}
	if smp.ServerCPU > 0 {
		smp.Efficiency = float64(r.requests) / smp.ServerCPU
	}
	// Time the two cores spent on anything but the server and wrk. A task's
	// utime+stime includes the softirq work done on its stack (on loopback
	// that is most of the network stack), which /proc/stat files under
	// softirq, so both sides of the comparison count it.
	srv := cores1[c.serverCPU].sub(cores0[c.serverCPU])
	cli := cores1[c.clientCPU].sub(cores0[c.clientCPU])
	foreignSrv := srv.busy + srv.irq - smp.ServerCPU + srv.steal
	foreignCli := cli.busy + cli.irq - smp.ClientCPU + cli.steal
	smp.Foreign = max(foreignSrv, foreignCli, 0) / wall
	if os.Getenv("RUNNER_DEBUG") != "" {
		progressf("debug: wall %.2f | server core %+v, server %.2f | client core %+v, wrk %.2f", wall, srv, smp.ServerCPU, cli, smp.ClientCPU)
	}
	return smp
}

// measureSyscalls counts the server's system calls while wrk runs the
// warm-up load. Threads the server starts meanwhile are counted too: perf
// stat's counters are inherited, and strace -f follows them.
func measureSyscalls(c *config, t *tools, p *proc, load wrkLoad) sample {
	counter, err := startSyscallCounter(c, t.Syscalls, p.pid)
	if err != nil {
		return sample{Err: err.Error()}
	}
	r, err := runWrk(c, p.addr, c.warmup, load)
	n, cerr := counter.stop()
	if err != nil {
		return sample{Err: err.Error()}
	}
	if cerr != nil {
		return sample{Err: cerr.Error()}
	}
	smp := sample{Requests: r.requests, Seconds: r.seconds, RPS: r.rps, Syscalls: n, Errors: r.errors}
	if r.requests > 0 {
		smp.SyscallsPerReq = float64(n) / float64(r.requests)
	}
	return smp
}
