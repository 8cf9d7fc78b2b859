package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/*/stat and /proc/stat times; it
// is 100 on every Linux architecture Go supports.
const clockTicks = 100

// processCPU returns the user+system CPU seconds of a process so far, all of
// its threads included (fields utime and stime of /proc/PID/stat).
func processCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses; fields resume
	// after the last ')'. utime and stime are fields 14 and 15 of the
	// line, so 12 and 13 of what follows the name.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseUint(fields[11], 10, 64)
	stime, err2 := strconv.ParseUint(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	return float64(utime+stime) / clockTicks, nil
}

// statusKB returns a "kB" field of /proc/PID/status, e.g. VmRSS.
func statusKB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb := strings.TrimSuffix(strings.TrimSpace(rest), " kB")
		return strconv.ParseInt(strings.TrimSpace(kb), 10, 64)
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// openFDs counts a process's open file descriptors.
func openFDs(pid int) int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(ents)
}

// coreTimes is one core's line of /proc/stat, in seconds.
type coreTimes struct {
	busy  float64 // user + nice + system: time tasks ran
	irq   float64 // irq + softirq: network work, not charged to any task
	steal float64 // taken by the hypervisor
	idle  float64 // idle + iowait
}

// readCores returns the times of the given cores.
func readCores(cores ...int) (map[int]coreTimes, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	want := map[string]int{}
	for _, c := range cores {
		want["cpu"+strconv.Itoa(c)] = c
	}
	out := map[int]coreTimes{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		core, ok := want[fieldOr(fields, 0)]
		if !ok || len(fields) < 9 {
			continue
		}
		v := make([]float64, 8)
		for i := range v {
			n, _ := strconv.ParseUint(fields[i+1], 10, 64)
			v[i] = float64(n) / clockTicks
		}
		// user nice system idle iowait irq softirq steal
		out[core] = coreTimes{busy: v[0] + v[1] + v[2], idle: v[3] + v[4], irq: v[5] + v[6], steal: v[7]}
	}
	if len(out) != len(cores) {
		return nil, fmt.Errorf("/proc/stat lacks some of cores %v", cores)
	}
	return out, nil
}

func (a coreTimes) sub(b coreTimes) coreTimes {
	return coreTimes{busy: a.busy - b.busy, irq: a.irq - b.irq, steal: a.steal - b.steal, idle: a.idle - b.idle}
}

func fieldOr(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

// machine describes the host for the report.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := "?"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = strings.TrimSpace(string(b))
	}
	var mem string
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		if _, v, ok := strings.Cut(line, ":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	cores, _ := os.ReadFile("/sys/devices/system/cpu/online")
	return fmt.Sprintf("%s, cores %s%s, Linux %s", model, strings.TrimSpace(string(cores)), mem, kernel)
}
