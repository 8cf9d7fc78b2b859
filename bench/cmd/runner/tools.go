package main

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

//go:embed pipeline.lua
var pipelineScript []byte

// tools are the external programs a run uses and how they were found.
type tools struct {
	WrkVersion string `json:"wrk"`
	// Syscalls is the syscall counter: "perf" (perf stat on the
	// raw_syscalls:sys_enter tracepoint) or "strace" (strace -c -f, which
	// slows the server a lot but counts the same calls); "" when neither works.
	Syscalls string `json:"syscalls"`
	pipeline string // path of pipeline.lua
}

// prepareTools installs what is missing (wrk, and strace when perf cannot
// count syscalls) with apt-get and writes the wrk script next to the binaries.
func prepareTools(c *config) (*tools, error) {
	t := &tools{}
	for _, name := range []string{"taskset", "go"} {
		if _, err := exec.LookPath(name); err != nil {
			return nil, fmt.Errorf("%s is not installed", name)
		}
	}
	if err := ensurePackage("wrk", "wrk"); err != nil {
		return nil, err
	}
	out, _ := exec.Command("wrk", "--version").CombinedOutput()
	t.WrkVersion = strings.TrimSpace(firstLines(string(out), 1))
	if i := strings.Index(t.WrkVersion, " Copyright"); i > 0 {
		t.WrkVersion = t.WrkVersion[:i]
	}

	if wantsSyscalls(c.scenarios) {
		switch {
		case perfCountsSyscalls():
			t.Syscalls = "perf"
		case ensurePackage("strace", "strace") == nil:
			t.Syscalls = "strace"
		default:
			progressf("neither perf nor strace can count syscalls: the syscalls scenario is skipped")
		}
	}

	t.pipeline = filepath.Join(c.binDir, "pipeline.lua")
	if err := os.WriteFile(t.pipeline, pipelineScript, 0o644); err != nil {
		return nil, err
	}
	return t, nil
}

// ensurePackage installs a Debian package when its command is missing.
func ensurePackage(command, pkg string) error {
	if _, err := exec.LookPath(command); err == nil {
		return nil
	}
	progressf("%s is missing: apt-get install -y %s", command, pkg)
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", pkg}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v: %s", strings.Join(args, " "), err, firstLines(string(out), 5))
		}
	}
	if _, err := exec.LookPath(command); err != nil {
		return fmt.Errorf("%s still missing after installing %s", command, pkg)
	}
	return nil
}

// perfCountsSyscalls reports whether perf is installed and allowed to count
// the raw_syscalls tracepoint here (containers and VMs often forbid it).
func perfCountsSyscalls() bool {
	if _, err := exec.LookPath("perf"); err != nil {
		return false
	}
	out, err := exec.Command("perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "true").CombinedOutput()
	if err != nil {
		return false
	}
	_, ok := parsePerfCount(string(out))
	return ok
}

func wantsSyscalls(scenarios []string) bool {
	for _, s := range scenarios {
		if strings.HasPrefix(s, "syscalls") {
			return true
		}
	}
	return false
}
