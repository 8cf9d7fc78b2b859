package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// codecRun is the outcome of the parser micro-benchmarks.
type codecRun struct {
	Command string         `json:"command"`
	Err     string         `json:"error,omitempty"`
	Results []codecSamples `json:"results"`
}

// codecSamples is one benchmark (input × parser) over -count runs.
type codecSamples struct {
	Input  string    `json:"input"`
	Parser string    `json:"parser"`
	NsOp   []float64 `json:"ns_op"`
	MBs    []float64 `json:"mb_s"`
	BOp    []float64 `json:"b_op"`
	Allocs []float64 `json:"allocs_op"`
}

var benchLine = regexp.MustCompile(`^BenchmarkParse/([^/\s]+)/([^\s-]+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) MB/s)?(?:\s+[\d.]+ GB/s)?(?:\s+([\d.]+) B/op)?(?:\s+([\d.]+) allocs/op)?`)

// runCodecBench runs bench/codec's benchmarks pinned to the server core.
func runCodecBench(c *config) *codecRun {
	args := []string{"-c", strconv.Itoa(c.serverCPU), "go", "test", "-run", "TestParsersAgree",
		"-bench", "BenchmarkParse", "-benchmem", "-benchtime", c.codecTime, "-count", strconv.Itoa(c.codecCount)}
	run := &codecRun{}
	args = append(args, "./codec/")
	run.Command = "GOMAXPROCS=1 taskset " + strings.Join(args, " ")
	cmd := exec.Command("taskset", args...)
	cmd.Dir = c.benchDir
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		run.Err = err.Error() + ": " + firstLines(string(out), 12)
		progressf("codec benchmarks failed: %s", run.Err)
	}
	index := map[string]*codecSamples{}
	for _, line := range strings.Split(string(out), "\n") {
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key := m[1] + "/" + m[2]
		s, ok := index[key]
		if !ok {
			run.Results = append(run.Results, codecSamples{Input: m[1], Parser: m[2]})
			s = &run.Results[len(run.Results)-1]
			index = reindex(run.Results)
		}
		s.NsOp = append(s.NsOp, atof(m[3]))
		s.MBs = append(s.MBs, atof(m[4]))
		s.BOp = append(s.BOp, atof(m[5]))
		s.Allocs = append(s.Allocs, atof(m[6]))
	}
	return run
}

// reindex rebuilds the lookup after an append may have moved the slice.
func reindex(rs []codecSamples) map[string]*codecSamples {
	m := make(map[string]*codecSamples, len(rs))
	for i := range rs {
		m[rs[i].Input+"/"+rs[i].Parser] = &rs[i]
	}
	return m
}

func atof(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}
