// Command runner is the load bench of fastbase and its peers: it builds every
// server, measures each load scenario in paired runs of the base server
// (fastbase) against each peer with the server pinned to one core and the
// load generator to the other, and writes the per-pair ratios and the
// per-server numbers to results/latest.md and results/efficiency.svg.
//
// It is run from bench/ (make bench, make bench-quick); see -h for the knobs.
//
// Ratios come from pairs: two measured runs back to back, the order
// alternating from pair to pair (see pairs.go), so the drift of a shared
// machine cancels within each pair. The idle and system call scenarios,
// which are not ratios, run round after round instead, servers taking
// turns in an order that rotates from round to round.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// config is everything a run depends on; [parseFlags] fills it.
type config struct {
	quick       bool
	rounds      int           // rounds of the idle and syscall scenarios
	pairs       int           // pairs per base and peer in each load scenario
	base        string        // the server every ratio is of
	duration    time.Duration // one measured load run
	warmup      time.Duration // unmeasured load before each measured run
	quietWait   time.Duration // longest wait for quiet cores before a run
	extraBudget time.Duration // total time waits and re-runs may add to a run
	extraSpent  time.Duration
	settle      time.Duration // pause before reading RSS in the idle scenario
	conns       int           // wrk connections
	depth       int           // requests per write when pipelined
	idleConns   int
	servers     []string
	scenarios   []string
	benchDir    string
	mainDir     string
	binDir      string
	outDir      string
	serverCPU   int
	clientCPU   int
	retries     int     // re-runs of a disturbed measurement
	disturbance float64 // share of a core used by others that counts as disturbed
	codec       bool
	codecTime   string
	codecCount  int
	basePort    int
}

func parseFlags() *config {
	c := &config{}
	var servers, scenarios string
	flag.BoolVar(&c.quick, "quick", false, "short runs (make bench-quick): 3 rounds of 1 s")
	flag.IntVar(&c.rounds, "rounds", 0, "rounds of the idle and syscall scenarios over all servers (default 3 quick, 5 full)")
	flag.IntVar(&c.pairs, "pairs", 10, "paired runs of the base server and each peer per load scenario (at least 10 for a ratio worth reporting)")
	flag.StringVar(&c.base, "base", "fastbase", "the server whose ratios to each peer the load scenarios measure")
	flag.DurationVar(&c.duration, "duration", 0, "one measured wrk run, whole seconds (default 1s quick, 2s full)")
	flag.DurationVar(&c.warmup, "warmup", 0, "unmeasured wrk run before each block of pairs, also the syscall count (default 1s quick, 2s full)")
	flag.DurationVar(&c.quietWait, "quiet-wait", 0, "longest wait for both cores to be idle before a run (default 3s quick, 15s full)")
	flag.IntVar(&c.conns, "conns", 64, "wrk connections")
	flag.IntVar(&c.depth, "depth", 16, "requests per write in the pipelined scenario")
	flag.IntVar(&c.idleConns, "idle-conns", 10000, "connections held open in the idle scenario")
	flag.StringVar(&servers, "servers", strings.Join(serverNames(), ","), "servers to run, comma separated")
	flag.StringVar(&scenarios, "scenarios", strings.Join(scenarioNames(), ","), "scenarios to run, comma separated")
	flag.StringVar(&c.mainDir, "main", "..", "the fastbase main module (for cmd/fastbase and codec)")
	flag.StringVar(&c.outDir, "out", "results", "where latest.md, latest.json and efficiency.svg go")
	flag.IntVar(&c.serverCPU, "server-cpu", 0, "core the server is pinned to")
	flag.IntVar(&c.clientCPU, "client-cpu", 1, "core the load generator is pinned to")
	flag.IntVar(&c.retries, "retries", 2, "re-runs of a measurement whose cores were disturbed")
	flag.DurationVar(&c.extraBudget, "extra-budget", 0, "total time waits for quiet cores and re-runs may add (default 15s quick, 3m full)")
	flag.Float64Var(&c.disturbance, "disturbance", 0.05, "share of a core taken by other processes that makes a run disturbed")
	flag.BoolVar(&c.codec, "codec", true, "also run the parser micro-benchmarks (go test -bench ./codec)")
	flag.IntVar(&c.basePort, "port", 18100, "first port; each server start takes the next one")
	flag.Parse()

	c.servers = splitList(servers)
	c.scenarios = splitList(scenarios)
	if c.quick {
		defaultInt(&c.rounds, 3)
		defaultDuration(&c.duration, time.Second)
		defaultDuration(&c.warmup, time.Second)
		defaultDuration(&c.quietWait, 3*time.Second)
		defaultDuration(&c.extraBudget, 15*time.Second)
		c.settle = 300 * time.Millisecond
		c.codecTime, c.codecCount = "100ms", 3
	} else {
		defaultInt(&c.rounds, 5)
		defaultDuration(&c.duration, 2*time.Second)
		defaultDuration(&c.warmup, 2*time.Second)
		defaultDuration(&c.quietWait, 15*time.Second)
		defaultDuration(&c.extraBudget, 3*time.Minute)
		c.settle = time.Second
		c.codecTime, c.codecCount = "500ms", 5
	}
	c.duration = c.duration.Round(time.Second)
	c.warmup = c.warmup.Round(time.Second)
	return c
}

// spend charges d to the budget for waits and re-runs and reports whether
// any of it is left; spend(0) only asks.
func (c *config) spend(d time.Duration) bool {
	c.extraSpent += d
	return c.extraSpent < c.extraBudget
}

func defaultInt(v *int, d int) {
	if *v <= 0 {
		*v = d
	}
}

func defaultDuration(v *time.Duration, d time.Duration) {
	if *v <= 0 {
		*v = d
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == idleClientCommand {
		os.Exit(idleClientMain(os.Args[2:]))
	}
	c := parseFlags()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "runner:", err)
		stopAll()
		os.Exit(1)
	}
}

func run(c *config) error {
	began := time.Now()
	if err := c.resolveDirs(); err != nil {
		return err
	}
	raiseFileLimit()
	go stopOnSignal()

	tools, err := prepareTools(c)
	if err != nil {
		return err
	}
	servers, skipped := buildServers(c)
	if len(servers) == 0 {
		return fmt.Errorf("no server to run")
	}
	notes := skipped
	for _, s := range servers {
		notes = append(notes, verifyServer(c, s)...)
	}

	want, err := selectScenarios(c.scenarios, tools)
	if err != nil {
		return err
	}
	base, peers := splitBase(servers, c.base)
	if base == nil && hasLoad(want) {
		notes = append(notes, fmt.Sprintf("no %s server ran, so the load scenarios, which are ratios to it, were left out", c.base))
	}
	progressf("plan: %d pairs × %d peers per load scenario, %d rounds of the others, about %s",
		c.pairs, len(peers), c.rounds, estimate(c, want, len(servers)).Round(time.Second))

	res := &results{Config: c, Started: began, Tools: tools}
	for _, s := range servers {
		res.Servers = append(res.Servers, s.name)
	}
	if base != nil {
		for _, sc := range loadScenarios {
			if want[sc.name] {
				runPairs(c, tools, base, peers, sc.name, func(smp sample) {
					res.add(smp)
					progressf("[%s %s pair %d/%d] %-9s %s", sc.name, smp.Peer, smp.Pair, c.pairs, smp.Server, smp.summary())
				})
			}
		}
	}
	for round := 1; round <= c.rounds && hasRounds(want); round++ {
		for _, s := range rotate(servers, round-1) {
			serverRound(c, tools, s, round, want, func(smp sample) {
				res.add(smp)
				progressf("[%d/%d] %-9s %-18s %s", round, c.rounds, smp.Server, smp.Scenario, smp.summary())
			})
		}
	}
	if c.codec {
		progressf("codec micro-benchmarks (go test -bench, %s × %d)", c.codecTime, c.codecCount)
		res.Codec = runCodecBench(c)
	}
	res.Notes = notes
	res.Elapsed = time.Since(began)
	if err := res.write(c.outDir); err != nil {
		return err
	}
	fmt.Println()
	fmt.Print(res.summaryMarkdown())
	progressf("wrote %s, %s and %s in %s",
		filepath.Join(c.outDir, "latest.md"), filepath.Join(c.outDir, "latest.json"),
		filepath.Join(c.outDir, "efficiency.svg"), res.Elapsed.Round(time.Second))
	return nil
}

// resolveDirs makes every directory absolute, so child processes can run
// anywhere, and checks that the runner was started in bench/.
func (c *config) resolveDirs() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(wd, "cmd", "gnetraw")); err != nil {
		return fmt.Errorf("run from bench/ (make -C bench bench): %s has no cmd/gnetraw", wd)
	}
	c.benchDir = wd
	c.binDir = filepath.Join(wd, "bin")
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(wd, p)
	}
	c.mainDir = abs(c.mainDir)
	c.outDir = abs(c.outDir)
	for _, d := range []string{c.binDir, c.outDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// raiseFileLimit lifts RLIMIT_NOFILE as far as allowed. Setting it here,
// rather than relying on Go's automatic raise, makes children (wrk, the idle
// client, the servers) inherit it too.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	want := lim
	want.Cur, want.Max = 1<<17, max(lim.Max, 1<<17)
	if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
		return
	}
	lim.Cur = lim.Max
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// stopOnSignal stops every server this run started when the run is
// interrupted, so none is left holding a core.
func stopOnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	<-ch
	fmt.Fprintln(os.Stderr, "\nrunner: interrupted, stopping servers")
	stopAll()
	os.Exit(130)
}

// splitBase returns the server named base and the others.
func splitBase(servers []*server, base string) (*server, []*server) {
	var b *server
	var peers []*server
	for _, s := range servers {
		if s.name == base {
			b = s
		} else {
			peers = append(peers, s)
		}
	}
	return b, peers
}

func hasLoad(want map[string]bool) bool {
	for _, sc := range loadScenarios {
		if want[sc.name] {
			return true
		}
	}
	return false
}

// hasRounds reports whether a scenario that runs in rounds was asked for.
func hasRounds(want map[string]bool) bool {
	return want["idle"] || want["syscalls-keepalive"] || want["syscalls-pipelined"]
}

// rotate returns servers starting at index k, wrapping around.
func rotate[T any](s []T, k int) []T {
	k %= len(s)
	out := append([]T{}, s[k:]...)
	return append(out, s[:k]...)
}

func progressf(format string, args ...any) {
	fmt.Printf("%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
