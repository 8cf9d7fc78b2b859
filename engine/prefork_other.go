//go:build !linux

package engine

import "syscall"

// childProcAttr puts a prefork child in its own process group, so that a
// terminal's Ctrl-C reaches only the parent, which forwards it once.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
