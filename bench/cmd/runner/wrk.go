package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// wrkResult is what one wrk run reports.
type wrkResult struct {
	requests  int64
	seconds   float64 // wrk's own measured duration
	rps       float64
	p50, p99  float64 // seconds; 0 when not asked for
	errors    int64   // socket errors of every kind plus non-2xx/3xx responses
	clientCPU float64 // wrk's user+system CPU seconds
	output    string
}

// wrkLoad is how one scenario drives wrk.
type wrkLoad struct {
	latency bool     // --latency
	args    []string // extra options before the URL
	script  []string // after "--", for the Lua script
}

// runWrk runs wrk pinned to the client core against addr for d.
func runWrk(c *config, addr string, d time.Duration, load wrkLoad) (wrkResult, error) {
	args := []string{"-c", strconv.Itoa(c.clientCPU), "wrk", "-t1",
		"-c", strconv.Itoa(c.conns), "-d", fmt.Sprintf("%ds", int(d.Seconds()))}
	if load.latency {
		args = append(args, "--latency")
	}
	args = append(args, load.args...)
	args = append(args, "http://"+addr+"/")
	if len(load.script) > 0 {
		args = append(args, "--")
		args = append(args, load.script...)
	}
	cmd := exec.Command("taskset", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v: %s", err, firstLines(out.String(), 4))
	}
	r, err := parseWrk(out.String())
	if err != nil {
		return r, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.clientCPU = tvSeconds(ru.Utime) + tvSeconds(ru.Stime)
	}
	return r, nil
}

func tvSeconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

var (
	wrkTotal   = regexp.MustCompile(`(\d+) requests in ([\d.]+)(us|ms|s|m|h)`)
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$`)
	wrkSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

func parseWrk(out string) (wrkResult, error) {
	r := wrkResult{output: out}
	m := wrkTotal.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk printed no request count: %s", firstLines(out, 6))
	}
	r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	r.seconds = scaled(m[2], m[3])
	if m := wrkRPS.FindStringSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, m := range wrkPercent.FindAllStringSubmatch(out, -1) {
		v := scaled(m[2], m[3])
		if m[1] == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	if m := wrkSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.errors += n
		}
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.errors += n
	}
	return r, nil
}

// scaled converts wrk's "312.00us"-style value to seconds.
func scaled(num, unit string) float64 {
	v, _ := strconv.ParseFloat(num, 64)
	switch strings.ToLower(unit) {
	case "us":
		return v / 1e6
	case "ms":
		return v / 1e3
	case "m":
		return v * 60
	case "h":
		return v * 3600
	}
	return v
}
