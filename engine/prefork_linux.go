package engine

import "syscall"

// childProcAttr puts a prefork child in its own process group, so that a
// terminal's Ctrl-C reaches only the parent, which forwards it once (twice
// would mean "stop at once"), and has the kernel send the child SIGTERM
// should the parent die without forwarding anything.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
