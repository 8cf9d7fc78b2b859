package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// results is everything one run measured.
type results struct {
	Config  *config       `json:"-"`
	Started time.Time     `json:"started"`
	Elapsed time.Duration `json:"elapsed_ns"`
	Tools   *tools        `json:"tools"`
	Servers []string      `json:"servers"`
	Samples []sample      `json:"samples"`
	Codec   *codecRun     `json:"codec,omitempty"`
	Notes   []string      `json:"notes,omitempty"`

	Machine  string   `json:"machine"`
	Go       string   `json:"go"`
	Commit   string   `json:"commit"`
	Settings settings `json:"settings"`
}

// settings is the part of the config the report states.
type settings struct {
	Quick     bool    `json:"quick"`
	Rounds    int     `json:"rounds"`
	DurationS float64 `json:"duration_s"`
	WarmupS   float64 `json:"warmup_s"`
	Conns     int     `json:"conns"`
	Depth     int     `json:"depth"`
	IdleConns int     `json:"idle_conns"`
	ServerCPU int     `json:"server_cpu"`
	ClientCPU int     `json:"client_cpu"`
	Command   string  `json:"command"`
}

func (r *results) add(s sample) { r.Samples = append(r.Samples, s) }

// values collects one metric of the error-free samples of a scenario and server.
func (r *results) values(scenario, server string, metric func(sample) float64) []float64 {
	var v []float64
	for _, s := range r.Samples {
		if s.Scenario == scenario && s.Server == server && s.Err == "" {
			v = append(v, metric(s))
		}
	}
	return v
}

func (r *results) stat(scenario, server string, metric func(sample) float64) stat {
	return statOf(r.values(scenario, server, metric))
}

func (r *results) has(server string) bool {
	for _, s := range r.Servers {
		if s == server {
			return true
		}
	}
	return false
}

func (r *results) ran(scenario string) bool {
	for _, s := range r.Samples {
		if s.Scenario == scenario {
			return true
		}
	}
	return false
}

// write saves latest.md, latest.json and efficiency.svg into dir.
func (r *results) write(dir string) error {
	c := r.Config
	r.Machine = machine()
	r.Go = runtime.Version()
	r.Commit = commitOf(c.mainDir)
	r.Settings = settings{
		Quick: c.quick, Rounds: c.rounds, DurationS: c.duration.Seconds(), WarmupS: c.warmup.Seconds(),
		Conns: c.conns, Depth: c.depth, IdleConns: c.idleConns,
		ServerCPU: c.serverCPU, ClientCPU: c.clientCPU, Command: "bin/runner " + strings.Join(os.Args[1:], " "),
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"latest.md":      []byte(r.markdown()),
		"latest.json":    append(js, '\n'),
		"efficiency.svg": []byte(r.svg()),
	}
	for name, b := range files {
		// Write beside, then rename: a run stopped half-way leaves the
		// previous complete results in place.
		tmp := filepath.Join(dir, name+".tmp")
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

func commitOf(dir string) string {
	out, err := exec.Command("git", "-C", dir, "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// pairTable gives, per peer, the base server's ratios to it in the pairs of
// scenario: efficiency, and for keep-alive the p99 latency.
func (r *results) pairTable(scenario string) string {
	var b strings.Builder
	base := r.Config.base
	label := scenario
	for _, sc := range loadScenarios {
		if sc.name == scenario {
			label = sc.label
		}
	}
	withLatency := scenario == "keepalive"
	fmt.Fprintf(&b, "\n## %s: %s ÷ each peer in paired runs (median of the per-pair ratios, quartiles in brackets)\n\n", label, base)
	b.WriteString("| peer | pairs | req per CPU-s ratio |")
	if withLatency {
		b.WriteString(" p99 ratio (lower is better) |")
	}
	b.WriteString("\n|---|---:|---:|")
	if withLatency {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	p99 := func(s sample) float64 { return s.P99 }
	for _, peer := range r.Servers {
		if peer == base {
			continue
		}
		eff := spreadOf(pairRatios(r.Samples, scenario, base, peer, efficiency))
		fmt.Fprintf(&b, "| %s | %d | %s |", peer, eff.n, eff.cell())
		if withLatency {
			fmt.Fprintf(&b, " %s |", spreadOf(pairRatios(r.Samples, scenario, base, peer, p99)).cell())
		}
		b.WriteString("\n")
	}
	return b.String()
}

// paired is the base server's median per-pair ratio to peer in scenario.
func (r *results) paired(scenario, peer string, metric func(sample) float64) spread {
	return spreadOf(pairRatios(r.Samples, scenario, r.Config.base, peer, metric))
}

// loadScenarios are the scenarios measured in requests per server CPU second.
var loadScenarios = []struct{ name, label string }{
	{"keepalive", "keep-alive"},
	{"pipelined", "pipelined"},
	{"close", "close"},
}

func efficiency(s sample) float64 { return s.Efficiency }

func (r *results) markdown() string {
	var b strings.Builder
	c := r.Config
	mode := "full run"
	if c.quick {
		mode = "quick run"
	}
	fmt.Fprintf(&b, "# fastbase bench: %s\n\n", mode)
	fmt.Fprintf(&b, "%s · %s · %s · %s · fastbase %s · took %s\n\n",
		r.Started.UTC().Format("2006-01-02 15:04 UTC"), r.Machine, r.Go, r.Tools.WrkVersion, r.Commit, r.Elapsed.Round(time.Second))
	fmt.Fprintf(&b, "Each server runs on CPU %d with GOMAXPROCS=1; wrk (1 thread, %d connections) runs on CPU %d. "+
		"**Ratios are of paired runs**: for each load scenario and each peer, %s and the peer are started and warmed up (%s of load each), "+
		"then measured %d times each in %d pairs of %s runs back to back, %s first in odd pairs and the peer first in even ones; "+
		"a ratio is the median of the per-pair ratios, with the quartiles in brackets. "+
		"Cells of the per-server tables are median (min–max) over all of a server's measured runs. "+
		"The idle and system call scenarios run in %d rounds, servers taking turns in an order that rotates every round. "+
		"**Efficiency** is requests ÷ the server's CPU seconds (utime+stime from /proc/PID/stat) during the run: "+
		"one wrk thread saturates its core before the fastest servers saturate theirs, so requests/s alone hides the difference. "+
		"A run during which other processes took more than %.0f%% of either core is measured again.\n\n",
		c.serverCPU, c.conns, c.clientCPU, c.base, c.warmup, c.pairs, c.pairs, c.duration, c.base, c.rounds, 100*c.disturbance)
	fmt.Fprintf(&b, "Command: `%s` in bench/ (`make -C bench %s`).\n\n", r.Settings.Command, map[bool]string{true: "bench-quick", false: "bench"}[c.quick])

	b.WriteString(r.efficiencyTable())
	b.WriteString("\n![efficiency per scenario and server](efficiency.svg)\n")
	b.WriteString(r.detailTables())
	return b.String()
}

// summaryMarkdown is what the runner prints when it finishes.
func (r *results) summaryMarkdown() string {
	return r.efficiencyTable() + r.detailTables()
}

// detailTables is every table after the efficiency summary.
func (r *results) detailTables() string {
	var b strings.Builder
	for _, sc := range loadScenarios {
		if r.ran(sc.name) {
			b.WriteString(r.pairTable(sc.name))
			b.WriteString(r.loadTable(sc.name))
		}
	}
	if r.ran("idle") {
		b.WriteString(r.idleTable())
	}
	if r.ran("syscalls-keepalive") || r.ran("syscalls-pipelined") {
		b.WriteString(r.syscallTable())
	}
	if r.has("fastbase") {
		b.WriteString(r.targetTable())
	}
	if r.Codec != nil {
		b.WriteString(r.codecTable())
	}
	b.WriteString(r.notes())
	return b.String()
}

func (r *results) efficiencyTable() string {
	var b strings.Builder
	b.WriteString("## Efficiency: requests per server-CPU-second\n\n| server |")
	var ran []string
	for _, sc := range loadScenarios {
		if r.ran(sc.name) {
			fmt.Fprintf(&b, " %s |", sc.label)
			ran = append(ran, sc.name)
		}
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(ran)) + "\n")
	for _, srv := range r.Servers {
		fmt.Fprintf(&b, "| %s |", srv)
		for _, sc := range ran {
			fmt.Fprintf(&b, " %s |", r.stat(sc, srv, efficiency).cell(count))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (r *results) loadTable(scenario string) string {
	var b strings.Builder
	for _, sc := range scenarioList() {
		if sc.name == scenario {
			fmt.Fprintf(&b, "\n## %s\n\n", sc.title)
		}
	}
	withLatency := scenario == "keepalive"
	b.WriteString("| server | runs | req/s | server CPU | req per CPU-s |")
	cols := 5
	if withLatency {
		b.WriteString(" p50 | p99 |")
		cols += 2
	}
	b.WriteString(" errors |\n|---|" + strings.Repeat("---:|", cols) + "\n")
	for _, srv := range r.Servers {
		eff := r.stat(scenario, srv, efficiency)
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |", srv, eff.n,
			r.stat(scenario, srv, func(s sample) float64 { return s.RPS }).cell(count),
			r.stat(scenario, srv, sample.cpuShare).cell(percent),
			eff.cell(count))
		if withLatency {
			fmt.Fprintf(&b, " %s | %s |",
				r.stat(scenario, srv, func(s sample) float64 { return s.P50 }).cell(latency),
				r.stat(scenario, srv, func(s sample) float64 { return s.P99 }).cell(latency))
		}
		errs := r.stat(scenario, srv, func(s sample) float64 { return float64(s.Errors) })
		fmt.Fprintf(&b, " %s |\n", errs.cell(func(v float64) string { return fmt.Sprintf("%.0f", v) }))
	}
	return b.String()
}

func (r *results) idleTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## idle: RSS growth per keep-alive connection (%d connections that each served one request, VmRSS from /proc/PID/status)\n\n",
		r.Config.idleConns)
	b.WriteString("| server | bytes per connection | RSS before | RSS with the connections |\n|---|---:|---:|---:|\n")
	kb := func(v float64) string { return fmt.Sprintf("%.1f MB", v/1024) }
	for _, srv := range r.Servers {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", srv,
			r.stat("idle", srv, func(s sample) float64 { return s.BytesPerConn }).cell(bytesString),
			r.stat("idle", srv, func(s sample) float64 { return float64(s.RSSBeforeKB) }).cell(kb),
			r.stat("idle", srv, func(s sample) float64 { return float64(s.RSSAfterKB) }).cell(kb))
	}
	return b.String()
}

func (r *results) syscallTable() string {
	var b strings.Builder
	how := "perf stat -e raw_syscalls:sys_enter -p PID"
	if r.Tools.Syscalls == "strace" {
		how = "strace -c -f -p PID, which slows the server, so batches grow and counts per request shrink"
	}
	fmt.Fprintf(&b, "\n## system calls per request (%s, over the %s warm-up run before each measured one)\n\n", how, r.Config.warmup)
	b.WriteString("| server | keep-alive | pipelined |\n|---|---:|---:|\n")
	per := func(s sample) float64 { return s.SyscallsPerReq }
	f := func(v float64) string { return fmt.Sprintf("%.3f", v) }
	for _, srv := range r.Servers {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", srv,
			r.stat("syscalls-keepalive", srv, per).cell(f), r.stat("syscalls-pipelined", srv, per).cell(f))
	}
	return b.String()
}

// picoReference is picohttpparser's ns/op on bench/codec's inputs, built
// with -O3 -march=native and run on one core of an AMD EPYC (AVX2) machine,
// the kind the load runs were made on when the figures were taken. They are
// a reference, not measured by this run.
var picoReference = map[string]float64{"techempower": 152, "browser20": 324, "pipelined16": 1531}

// targetTable checks fastbase against the numbers its performance work
// aims at: paired ratios to gnetraw and fasthttp, idle memory, system
// calls, and the parser against picohttpparser's reference figures.
func (r *results) targetTable() string {
	var b strings.Builder
	b.WriteString("\n## fastbase against the targets\n\n| target | measured | met |\n|---|---:|:---:|\n")
	row := func(name string, v, want float64, atMost bool, f func(float64) string) {
		if v == 0 || want == 0 || v != v {
			fmt.Fprintf(&b, "| %s | – | – |\n", name)
			return
		}
		ok := v >= want
		if atMost {
			ok = v <= want
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, f(v), map[bool]string{true: "yes", false: "**no**"}[ok])
	}
	pairRow := func(name, scenario, peer string, metric func(sample) float64, want float64, atMost bool) {
		s := r.paired(scenario, peer, metric)
		if s.n == 0 {
			fmt.Fprintf(&b, "| %s | – | – |\n", name)
			return
		}
		ok := s.med >= want
		if atMost {
			ok = s.med <= want
		}
		fmt.Fprintf(&b, "| %s | %s, %d pairs | %s |\n", name, s.cell(), s.n, map[bool]string{true: "yes", false: "**no**"}[ok])
	}
	med := func(sc, srv string, m func(sample) float64) float64 { return r.stat(sc, srv, m).med }
	fb := "fastbase"
	p99 := func(s sample) float64 { return s.P99 }
	pairRow("pipelined efficiency ≥ 0.90 × gnetraw", "pipelined", "gnetraw", efficiency, 0.90, false)
	pairRow("keep-alive efficiency ≥ 0.98 × gnetraw", "keepalive", "gnetraw", efficiency, 0.98, false)
	pairRow("pipelined efficiency ≥ 2 × fasthttp", "pipelined", "fasthttp", efficiency, 2.0, false)
	pairRow("keep-alive p99 ≤ 1.2 × gnetraw's", "keepalive", "gnetraw", p99, 1.2, true)
	row("≤ 520 B RSS per idle connection", med("idle", fb, func(s sample) float64 { return s.BytesPerConn }), 520, true, bytesString)
	per := func(s sample) float64 { return s.SyscallsPerReq }
	f3 := func(v float64) string { return fmt.Sprintf("%.3f", v) }
	row("syscalls per request ≤ 2.1 keep-alive", med("syscalls-keepalive", fb, per), 2.1, true, f3)
	row("syscalls per request ≤ 0.14 pipelined", med("syscalls-pipelined", fb, per), 0.14, true, f3)
	if r.Codec != nil {
		for _, in := range r.codecInputs() {
			fast, ok := r.codecStat(in, "fastbase")
			if !ok {
				continue
			}
			if pico, ok := picoReference[in]; ok {
				row(fmt.Sprintf("parser ≤ picohttpparser's %.0f ns (reference figure), %s", pico, in), fast.ns.med, pico, true,
					func(v float64) string { return fmt.Sprintf("%.0f ns", v) })
			}
			row("parser 0 allocs/op, "+in, fast.allocs.med+1, 1, true, func(v float64) string { return fmt.Sprintf("%.0f", v-1) })
		}
	}
	return b.String()
}

type codecStats struct{ ns, mbs, bop, allocs stat }

func (r *results) codecStat(input, parser string) (codecStats, bool) {
	for _, s := range r.Codec.Results {
		if s.Input == input && s.Parser == parser {
			return codecStats{statOf(s.NsOp), statOf(s.MBs), statOf(s.BOp), statOf(s.Allocs)}, true
		}
	}
	return codecStats{}, false
}

func (r *results) codecInputs() []string {
	var ins []string
	seen := map[string]bool{}
	for _, s := range r.Codec.Results {
		if !seen[s.Input] {
			seen[s.Input] = true
			ins = append(ins, s.Input)
		}
	}
	return ins
}

func (r *results) codecTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## parser micro-benchmarks (one op = the whole input; pipelined16 is 16 requests)\n\n`%s`\n\n", r.Codec.Command)
	if r.Codec.Err != "" {
		fmt.Fprintf(&b, "**failed:** %s\n\n", r.Codec.Err)
	}
	b.WriteString("| input | parser | ns/op | GB/s | B/op | allocs/op | speed ÷ fasthttp | picohttpparser's ns/op (reference) |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	f0 := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	gbs := func(v float64) string { return fmt.Sprintf("%.2f", v/1000) }
	for _, in := range r.codecInputs() {
		ref, hasRef := r.codecStat(in, "fasthttp")
		for _, s := range r.Codec.Results {
			if s.Input != in {
				continue
			}
			st, _ := r.codecStat(in, s.Parser)
			rel := "–"
			if hasRef {
				rel = ratio(ref.ns.med / st.ns.med)
			}
			pico := "–"
			if v, ok := picoReference[in]; ok && s.Parser == "fastbase" {
				pico = f0(v)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", in, s.Parser,
				st.ns.cell(f0), st.mbs.cell(gbs), st.bop.cell(f0), st.allocs.cell(f0), rel, pico)
		}
	}
	return b.String()
}

// where names the run a sample came from: its pair or its round.
func (s sample) where() string {
	if s.Peer != "" {
		return fmt.Sprintf("pair %d with %s", s.Pair, s.Peer)
	}
	return fmt.Sprintf("round %d", s.Round)
}

func (r *results) notes() string {
	var lines []string
	lines = append(lines, r.Notes...)
	// Disturbed runs are listed per server on one line each: on a shared
	// machine they can be most of the runs.
	disturbed := map[string][]string{}
	retried := 0
	for _, s := range r.Samples {
		switch {
		case s.Err != "":
			lines = append(lines, fmt.Sprintf("%s, %s, %s: %s (left out)", s.where(), s.Scenario, s.Server, s.Err))
		case s.Disturbed:
			disturbed[s.Server] = append(disturbed[s.Server], fmt.Sprintf("%s %s %.0f%%", s.Scenario, s.where(), 100*s.Foreign))
		case s.Attempts > 1:
			retried++
		}
	}
	if retried > 0 {
		lines = append(lines, fmt.Sprintf("%d runs were measured again because other processes disturbed the cores; the least disturbed attempt counts", retried))
	}
	for _, srv := range r.Servers {
		if d := disturbed[srv]; len(d) > 0 {
			lines = append(lines, fmt.Sprintf("%s: runs kept although other processes took a share of a core (the least disturbed attempt, or the only one once the re-run budget was spent): %s",
				srv, strings.Join(d, ", ")))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n## notes\n\n- " + strings.Join(lines, "\n- ") + "\n"
}
