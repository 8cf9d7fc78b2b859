package engine

import "syscall"

// Descriptors a server needs besides its connections, for DefaultMaxConns:
// standard streams, the Go runtime's poller, the access log, the admin
// listener and a few of its clients, and per event loop its poller, its
// eventfd, its alarm's timerfd, a listener and the duplicate an enrolling
// connection briefly holds.
const (
	reservedFDs = 48
	perLoopFDs  = 5
)

// spoolShare is the part of the descriptor limit left for spooled bodies
// and form files: one in spoolShare descriptors.
const spoolShare = 8

// DefaultMaxConns is the connection cap of a [Server] whose MaxConns is
// zero: the process's descriptor limit (RLIMIT_NOFILE, whose soft limit is
// raised to the hard one first, as the Go runtime does on Linux) less
// headroom for loops, listeners, the admin listener and spool files, so
// that a client that opens too many connections gets a 503 before the
// server runs out of descriptors. It is at least 1.
func DefaultMaxConns(loops int) int {
	return maxConnsFor(raiseFDLimit(), loops)
}

// maxConnsFor is DefaultMaxConns for a descriptor limit.
func maxConnsFor(limit uint64, loops int) int {
	limit = min(limit, 1<<30)
	headroom := uint64(reservedFDs+perLoopFDs*max(loops, 1)) + limit/spoolShare
	if limit <= headroom {
		return 1
	}
	return int(limit - headroom)
}

// raiseFDLimit raises the soft descriptor limit to the hard one and
// returns the soft limit in force.
func raiseFDLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 1024
	}
	if rl.Cur < rl.Max {
		raised := rl
		raised.Cur = rl.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			rl = raised
		}
	}
	return uint64(rl.Cur) // int64 on some BSDs
}
