//go:build linux && !poll_opt

package engine

import (
	"net"
	"os"
	"reflect"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/panjf2000/gnet/v2"
)

// A loop's alarm on Linux.
//
// The timer driver is a goroutine, and a goroutine needs a P to run. An
// event loop blocked in epoll_wait holds its P until the runtime's monitor
// takes it back, which it does only on its own schedule: up to 10 ms, and
// two of its rounds, after the loop went to sleep. With GOMAXPROCS equal to
// the number of loops (one, in the benchmarks) every P can be asleep in
// epoll_wait at once, and a timer due in 1 ms fires 20 ms late. Waking the
// loop is not enough either: a loop woken in time, which yields its P,
// does not always get the runtime to run the driver's timer that is due:
// in a burst of 15,000 answers that happened once or twice, each time
// leaving the wheel 10–20 ms behind.
//
// So on Linux a loop runs its own wheel, as an event loop does, when a
// timerfd in its own epoll set expires, and the driver is left out. The
// timerfd becomes a connection gnet polls already: at start the server
// enrolls, once per loop, one end of a Unix socket pair. When that
// connection opens on its loop, the loop's timerfd takes over its
// descriptor (dup3 onto the same number) and is registered in the loop's
// epoll set under it. When the timerfd expires gnet reads it like a socket
// (eight bytes, the count of expiries, which also makes it unreadable
// again) and hands them to OnTraffic, which runs the wheel.
//
// Registering it reads an unexported field of gnet's event loop, its epoll
// descriptor, checked to be one through /proc/self/fd. A loop that gets no
// alarm (that check fails, or the socket pair cannot be made) keeps the
// driver, and says why at debug level. gnet built with the poll_opt tag
// keeps pointers in its epoll events' data, where the alarm puts a
// descriptor's number, so with that tag there are no alarms
// (waker_other.go).

// alarm is the context of a loop's alarm connection.
type alarm struct {
	ws *workspace // nil until the connection has opened on its loop
}

// loopWaker is one loop's timerfd. Only the loop touches it.
type loopWaker struct {
	fd int // the timerfd, the alarm connection's descriptor; -1 for none
	// at is the time the timerfd is set for, unix nanoseconds; 0 when it
	// is not set.
	at int64
}

// enrollAlarms gives each of the client's loops an alarm connection. It
// runs once the loops have started and before anything else is enrolled:
// gnet's client hands each enrolled connection to the loop with the fewest,
// so that each loop gets one. It stops at the first that fails, leaving the
// loops without one to the driver.
func (s *Server) enrollAlarms(cli *gnet.Client, loops int) {
	if s.noAlarms {
		return
	}
	for range loops {
		if why := enrollAlarm(cli); why != "" {
			s.logger().Debug("not every loop has an alarm; the timer driver runs the others' wheels", "why", why)
			return
		}
	}
}

func enrollAlarm(cli *gnet.Client) string {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return "socketpair: " + err.Error()
	}
	defer syscall.Close(fds[1])
	f := os.NewFile(uintptr(fds[0]), "alarm")
	c, err := net.FileConn(f) // a duplicate of fds[0]
	_ = f.Close()
	if err != nil {
		return "alarm connection: " + err.Error()
	}
	// EnrollContext duplicates c's descriptor for the loop, runs OnOpen on
	// the loop and closes c before it returns.
	a := &alarm{}
	if _, err := cli.EnrollContext(c, a); err != nil {
		return "enroll: " + err.Error()
	}
	if a.ws == nil {
		return "the loop refused its alarm (see the debug line before)"
	}
	return ""
}

// open makes c, just opened on its loop, the loop's alarm. It runs on the
// loop, in OnOpen.
func (a *alarm) open(s *Server, c gnet.Conn) gnet.Action {
	ws := s.workspaceFor(c.EventLoop())
	if ws.timers.alarmed.Load() {
		// A second one: the balancer did not do as enrollAlarms expects.
		s.logger().Debug("event loop offered a second alarm", "loop", ws.info.Runner)
		return gnet.Close
	}
	if why := ws.timers.waker.adopt(c); why != "" {
		s.logger().Debug("event loop without an alarm; the timer driver runs its wheel", "loop", ws.info.Runner, "why", why)
		return gnet.Close
	}
	a.ws = ws
	ws.timers.alarmed.Store(true)
	// Whatever the wheel holds already is the alarm's from now on.
	ws.publish(ws.timers.wheel.next())
	return gnet.None
}

// ring runs the loop's wheel: the alarm's timerfd expired. It runs on the
// loop, in OnTraffic.
func (a *alarm) ring(c gnet.Conn, now int64) {
	_, _ = c.Discard(-1) // the timerfd's count of expiries
	if a.ws != nil {
		// It expired, so it is no longer set for anything: runTimers sets
		// it again even for the same time (the wall clock may have
		// stepped back).
		a.ws.timers.waker.at = 0
		a.ws.runTimers(now)
	}
}

// closed notes that gnet closed the alarm connection, and the timerfd with
// it, as it does when the loops stop: the driver has the loop's wheel from
// now on.
func (a *alarm) closed() {
	if a.ws != nil {
		a.ws.timers.waker.fd = -1
		a.ws.timers.alarmed.Store(false)
		a.ws.s.timers.poke()
	}
}

// adopt puts a new timerfd in place of c's descriptor and registers it in
// the epoll set of c's loop under that number; it reports why when it
// cannot. Once the timerfd is in place c is no longer the socket: when
// adopt fails after that, the caller closes c, and with it the timerfd.
func (w *loopWaker) adopt(c gnet.Conn) string {
	epfd, why := gnetEpollFD(c.EventLoop())
	if why != "" {
		return why
	}
	tfd, _, errno := syscall.RawSyscall(syscall.SYS_TIMERFD_CREATE, clockRealtime,
		syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		return "timerfd_create: " + errno.Error()
	}
	n := c.Fd()
	err := syscall.Dup3(int(tfd), n, syscall.O_CLOEXEC)
	_ = syscall.Close(int(tfd))
	if err != nil {
		return "dup3: " + err.Error()
	}
	// gnet's registration is of the socket, which no longer has this
	// number; it goes when Enroll closes the socket's last descriptor,
	// and the socket's peer is open until then, so it cannot fire.
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(n)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, n, &ev); err != nil {
		return "epoll_ctl: " + err.Error()
	}
	w.fd, w.at = n, 0
	return ""
}

// clockRealtime is CLOCK_REALTIME, the clock of the wheel's times
// (time.Now().UnixNano()); tfdTimerAbstime is TFD_TIMER_ABSTIME.
const (
	clockRealtime   = 0
	tfdTimerAbstime = 1
)

// set makes the timerfd expire at at, a unix time in nanoseconds, or never
// for 0. Setting it again for the same time costs nothing.
func (w *loopWaker) set(at int64) {
	if w.fd < 0 || at == w.at {
		return
	}
	w.at = at
	var spec itimerspec // zero: disarmed
	if at > 0 {
		spec.value = syscall.NsecToTimespec(at)
	}
	_, _, _ = syscall.RawSyscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(w.fd), tfdTimerAbstime,
		uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
}

// armed reports whether the loop has its alarm.
func (w *loopWaker) armed() bool { return w.fd >= 0 }

// itimerspec is struct itimerspec.
type itimerspec struct {
	interval, value syscall.Timespec
}

// gnetEpollFD returns the epoll descriptor of gnet's event loop el, read
// from its poller, or why it could not.
func gnetEpollFD(el gnet.EventLoop) (int, string) {
	v := reflect.ValueOf(el)
	if !v.IsValid() {
		return 0, "no event loop"
	}
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return 0, "event loop of unknown type " + v.Type().String()
	}
	p := v.Elem().FieldByName("poller")
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return 0, "event loop without a poller"
	}
	fd := p.Elem().FieldByName("fd")
	if fd.Kind() != reflect.Int {
		return 0, "poller without fd"
	}
	epfd := int(fd.Int())
	if !fdIs(epfd, "anon_inode:[eventpoll]") {
		return 0, "the poller's descriptor is not an epoll instance"
	}
	return epfd, ""
}

// fdIs reports whether descriptor fd of this process is kind, as
// /proc/self/fd names it.
func fdIs(fd int, kind string) bool {
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	return err == nil && target == kind
}
