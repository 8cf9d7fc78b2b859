package engine

import (
	"os"
	"reflect"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/panjf2000/gnet/v2"
)

// A loop's wake-up on Linux.
//
// The timer driver is a goroutine, and a goroutine needs a P to run. An
// event loop blocked in epoll_wait holds its P until the runtime's monitor
// takes it back, which it does only on its own schedule: up to 10 ms, and
// two of its rounds, after the loop went to sleep. With GOMAXPROCS equal to
// the number of loops (one, in the benchmarks) every P can be asleep in
// epoll_wait at once, and a timer due in 1 ms fires 20 ms late.
//
// So each loop also has a timerfd, set for the time its wheel next has
// work, in the loop's own epoll set. It is registered under the number of
// the poller's eventfd, so that when it expires gnet takes it for a
// wake-up call: it runs its task queue (empty), polls once more, finds
// nothing and yields the P (gnet's Polling calls runtime.Gosched when a
// poll returns no event). The scheduler then runs the timers that are due,
// the driver among them, and the driver queues the wheel's advance on the
// loop as always. The timerfd is set a little after the driver's own
// timer, so that the driver's is due when the loop yields.
//
// Finding the loop's epoll and eventfd descriptors reads two unexported
// fields of gnet's event loop; each is checked to be what it should be (an
// epoll instance and an eventfd, through /proc/self/fd), and where any of
// it fails the loop goes without: the driver still runs its wheel, only
// later when every P is asleep.

// wakeSlack is how long after the wheel's time the timerfd expires: the
// driver's timer for the same time must be due when the loop yields.
const wakeSlack = 200_000 // ns

// loopWaker is one loop's timerfd. Only the loop touches it.
type loopWaker struct {
	fd int // the timerfd; -1 when the loop has none
	// at is the wheel time the timerfd is set for, unix nanoseconds; 0
	// when it is not set.
	at int64
}

// newLoopWaker makes el's wake-up; it reports why there is none when it
// cannot make one.
func newLoopWaker(el gnet.EventLoop) (loopWaker, string) {
	w := loopWaker{fd: -1}
	epfd, efd, why := gnetPollerFDs(el)
	if why != "" {
		return w, why
	}
	fd, _, errno := syscall.RawSyscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic,
		syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		return w, "timerfd_create: " + errno.Error()
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | epollET, Fd: int32(efd)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, int(fd), &ev); err != nil {
		_ = syscall.Close(int(fd))
		return w, "epoll_ctl: " + err.Error()
	}
	w.fd = int(fd)
	return w, ""
}

const (
	clockMonotonic = 1
	epollET        = 1 << 31
)

// set makes the timerfd expire wakeSlack after at, a unix time in
// nanoseconds, now being the time. Setting it again for the same time
// costs nothing.
func (w *loopWaker) set(at, now int64) {
	if w.fd < 0 || at == w.at {
		return
	}
	w.at = at
	spec := itimerspec{value: syscall.NsecToTimespec(max(at-now, 0) + wakeSlack)}
	_, _, _ = syscall.RawSyscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(w.fd), 0,
		uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
}

// close releases the timerfd, which also takes it out of the epoll set.
func (w *loopWaker) close() {
	if w.fd >= 0 {
		_ = syscall.Close(w.fd)
		w.fd = -1
	}
}

type itimerspec struct {
	interval, value syscall.Timespec
}

// gnetPollerFDs finds the epoll and eventfd descriptors of el's poller.
func gnetPollerFDs(el gnet.EventLoop) (epfd, efd int, why string) {
	v := reflect.ValueOf(el)
	if !v.IsValid() {
		return 0, 0, "no event loop"
	}
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return 0, 0, "event loop of unknown type " + v.Type().String()
	}
	p := v.Elem().FieldByName("poller")
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return 0, 0, "event loop without a poller"
	}
	fd, ev := p.Elem().FieldByName("fd"), p.Elem().FieldByName("efd")
	if fd.Kind() != reflect.Int || ev.Kind() != reflect.Int {
		return 0, 0, "poller without fd and efd"
	}
	epfd, efd = int(fd.Int()), int(ev.Int())
	if !fdIs(epfd, "anon_inode:[eventpoll]") || !fdIs(efd, "anon_inode:[eventfd]") {
		return 0, 0, "poller descriptors are not an epoll and an eventfd"
	}
	return epfd, efd, ""
}

// fdIs reports whether descriptor fd is of the kind /proc names kind.
func fdIs(fd int, kind string) bool {
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	return err == nil && target == kind
}
