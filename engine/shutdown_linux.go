package engine

import (
	"net"
	"os"
	"strconv"
	"syscall"
)

// dropAll is a classic BPF program of one instruction, "return 0": a
// socket filter that keeps no packet.
var dropAll = []syscall.SockFilter{{Code: syscall.BPF_RET | syscall.BPF_K, K: 0}}

// stopAccepting makes the kernel drop every packet that reaches the server's
// listening sockets, so that no new connection completes its handshake,
// while the sockets stay open. gnet has no call to stop accepting, and
// closing a listener under it, or shutting it down, makes accept fail, which
// ends gnet's event loop. Connections already in the accept queue are still
// accepted and served; clients that try to connect see their SYN go
// unanswered, and are refused once the listeners close.
func (s *Server) stopAccepting() error {
	fds, err := s.listenerFDs()
	for _, fd := range fds {
		if e := syscall.AttachLsf(fd, dropAll); e != nil && err == nil {
			err = os.NewSyscallError("setsockopt SO_ATTACH_FILTER", e)
		}
		_ = syscall.Close(fd)
	}
	return err
}

// listenerFDs returns duplicates of the server's listening sockets: gnet's
// one listener, or with ReusePort one per event loop. gnet only gives out
// the first of those, so the others are found among the process's open
// files by their state and address.
func (s *Server) listenerFDs() ([]int, error) {
	fd, err := s.gnetEng.Dup()
	if err != nil {
		return nil, err
	}
	fds := []int{fd}
	if !s.ReusePort && !IsPreforkChild() {
		return fds, nil
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return fds, err
	}
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n == fd {
			continue
		}
		if !isListenerOn(n, s.listen) {
			continue
		}
		if d, err := syscall.Dup(n); err == nil {
			fds = append(fds, d)
		}
	}
	return fds, nil
}

// isListenerOn reports whether fd is a listening socket bound to addr.
func isListenerOn(fd int, addr net.Addr) bool {
	want, ok := addr.(*net.TCPAddr)
	if !ok {
		return false
	}
	if v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ACCEPTCONN); err != nil || v != 1 {
		return false
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return false
	}
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return a.Port == want.Port && net.IP(a.Addr[:]).Equal(want.IP)
	case *syscall.SockaddrInet6:
		return a.Port == want.Port && net.IP(a.Addr[:]).Equal(want.IP)
	}
	return false
}
