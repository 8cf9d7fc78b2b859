//go:build !linux

package engine

import "github.com/panjf2000/gnet/v2"

// loopWaker has nothing to do outside Linux: the driver alone runs the
// wheels (see waker_linux.go).
type loopWaker struct{ fd int }

func newLoopWaker(gnet.EventLoop) (loopWaker, string) {
	return loopWaker{fd: -1}, "no timerfd on this system"
}

func (*loopWaker) set(at, now int64) {}
func (*loopWaker) close()            {}
