package engine

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Each event loop's timers live in its wheel, which only the loop touches.
// A loop with an alarm (Linux, see waker_linux.go) sets a timerfd in its
// own epoll set for the time its wheel next has work, and runs the wheel
// when it expires. For a loop without one, one goroutine per server, the
// timer driver, sleeps until the earliest time such a loop's wheel has work
// and then asks that loop, with Execute, to advance its wheel; a loop that
// schedules a timer earlier than the time it last published nudges the
// driver, so that a 5 ms delay is not held up by a driver asleep until a
// timeout a minute away. Nothing runs for a loop whose timers are far off:
// idle connections cost no work per tick.

// loopTimers is a workspace's wheel and what the driver knows of it.
type loopTimers struct {
	wheel *wheel
	// wake is the time, unix nanoseconds, at which the wheel next has work,
	// or 0 for none; written by the loop, read by the driver.
	wake atomic.Int64
	// queued is set while an advance is queued on the loop, so that the
	// driver does not queue a second.
	queued  atomic.Bool
	advance gnet.RunnableFunc
	// waker is the alarm's timerfd, set for wake (see waker_linux.go);
	// alarmed says the loop has one, and the driver leaves it alone.
	waker   loopWaker
	alarmed atomic.Bool
}

// timerDriver runs the server's loops' wheels from one goroutine.
type timerDriver struct {
	nudge chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

func newTimerDriver() *timerDriver {
	return &timerDriver{nudge: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// initTimers gives ws its wheel; the loop's alarm, if it gets one, comes
// with the alarm connection (alarm.open).
func (ws *workspace) initTimers(now int64) {
	ws.timers.wheel = newWheel(now)
	ws.timers.waker = loopWaker{fd: -1}
	ws.timers.advance = func(context.Context) error {
		ws.timers.queued.Store(false)
		ws.runTimers(time.Now().UnixNano())
		return nil
	}
}

// runTimers fires what is due on ws's wheel at now and publishes when it
// next has work. It runs on the loop.
func (ws *workspace) runTimers(now int64) {
	ws.timers.wheel.advance(now)
	ws.publish(ws.timers.wheel.next())
}

// schedule makes t, which belongs to owner, due at at on ws's wheel. It
// runs on the loop. Moving a timer later is nearly free (see the wheel);
// a timer that becomes the earliest is published.
func (ws *workspace) schedule(t *timer, at int64, owner waiter) {
	ws.timers.wheel.schedule(t, at, owner)
	if wake := ws.timers.wake.Load(); wake == 0 || t.slot < wake {
		ws.publish(t.slot)
	}
}

// publish records wake, the time the wheel next has work (0: none), and
// sets the loop's alarm for it, or without an alarm tells the driver. It
// runs on the loop.
func (ws *workspace) publish(wake int64) {
	lt := &ws.timers
	lt.wake.Store(wake)
	switch {
	case lt.waker.armed():
		lt.waker.set(wake)
	case wake != 0:
		ws.s.timers.poke()
	}
}

// unschedule stops t. It runs on the loop.
func (ws *workspace) unschedule(t *timer) { ws.timers.wheel.stop(t) }

// poke wakes the driver to look at the loops' wake times again.
func (d *timerDriver) poke() {
	select {
	case d.nudge <- struct{}{}:
	default:
	}
}

// run drives the wheels of s's loops until stop is closed.
func (d *timerDriver) run(s *Server) {
	defer close(d.done)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		next := d.due(s, time.Now().UnixNano())
		wait := time.Hour
		if next != 0 {
			wait = time.Duration(next - time.Now().UnixNano())
		}
		t.Reset(max(wait, 0))
		select {
		case <-d.stop:
			return
		case <-d.nudge:
		case <-t.C:
		}
	}
}

// due queues an advance on every loop without an alarm whose wheel has
// work by now, and returns the earliest wake time of the others (0 for
// none).
func (d *timerDriver) due(s *Server, now int64) int64 {
	var next int64
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ws := range s.workspaces {
		lt := &ws.timers
		wake := lt.wake.Load()
		switch {
		case wake == 0, lt.alarmed.Load():
		case wake <= now:
			if lt.queued.CompareAndSwap(false, true) {
				if ws.loop.Execute(context.Background(), lt.advance) != nil {
					lt.queued.Store(false) // the loop is gone
				}
			}
		case next == 0 || wake < next:
			next = wake
		}
	}
	return next
}

// halt stops the driver and waits for it.
func (d *timerDriver) halt() {
	close(d.stop)
	<-d.done
}
