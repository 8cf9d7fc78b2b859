package engine

// A loop's timers: one hierarchical timing wheel per event loop holds every
// wait of its connections — header, body, idle, write and linger timeouts,
// and answers that come later — so that what a tick costs follows what
// expires, not what is open.
//
// The wheel has two levels: a fine one of wheelSlots slots of wheelTick
// each, and a coarse one of wheelSlots slots that each span the whole fine
// level. A timer due within the fine level's span sits in the fine slot of
// its time; one due later sits in a coarse slot and moves down when that
// slot comes up; one due later still waits in an overflow list that is
// looked at once per turn of the coarse level. Only the loop touches its
// wheel.
//
// Deadlines move later all the time (every request on a keep-alive
// connection pushes its idle deadline), so moving one later only records the
// new time: the timer stays where it is and is placed again when its slot
// comes up. Moving one earlier relinks it at once.

const (
	wheelTick  = int64(1e6) // nanoseconds per fine slot: 1 ms
	wheelBits  = 9
	wheelSlots = 1 << wheelBits // slots per level
	wheelMask  = wheelSlots - 1
)

// waiter is what a timer belongs to; expire is called on the loop when the
// timer is due, with the wheel's time.
type waiter interface {
	expire(now int64)
}

// timer is one wait, embedded in what waits. The zero timer is stopped.
type timer struct {
	at         int64  // when it is due, unix nanoseconds; 0 when stopped
	slot       int64  // the time its place in the wheel stands for
	prev, next *timer // its place: a list of the wheel, or none
	list       **timer
	owner      waiter
	fine       bool // the list is a fine slot
}

// active reports whether t is scheduled.
func (t *timer) active() bool { return t.at != 0 }

// wheel is one event loop's timers.
type wheel struct {
	fine     [wheelSlots]*timer
	coarse   [wheelSlots]*timer
	overflow *timer
	// tick is the number of the last fine slot run: time tick*wheelTick
	// has been dealt with.
	tick  int64
	count int // timers scheduled
	// fineCount is how many of them sit in the fine level, so that next
	// need not scan it when it is empty.
	fineCount int
}

func newWheel(now int64) *wheel { return &wheel{tick: now / wheelTick} }

// schedule makes t due at at (unix nanoseconds, > 0) for owner.
func (w *wheel) schedule(t *timer, at int64, owner waiter) {
	t.owner = owner
	if t.list != nil {
		if at >= t.slot {
			// Later, or in the same slot: found where it is when its slot
			// comes up.
			t.at = at
			return
		}
		w.unlink(t)
	} else {
		w.count++
	}
	t.at = at
	w.place(t, w.tick+1)
}

// stop unschedules t; stopping a stopped timer does nothing.
func (w *wheel) stop(t *timer) {
	if t.list == nil {
		t.at = 0
		return
	}
	w.unlink(t)
	w.count--
	t.at = 0
}

// place links t in the list its time belongs to, in fine slot first at the
// earliest: a timer due before that fires when first is run.
func (w *wheel) place(t *timer, first int64) {
	slot := max(t.at/wheelTick, first)
	switch d := slot - w.tick; {
	case d < wheelSlots:
		t.slot = slot * wheelTick
		w.link(t, &w.fine[slot&wheelMask])
		t.fine = true
		w.fineCount++
	case d < wheelSlots*wheelSlots:
		coarse := slot >> wheelBits
		t.slot = coarse << wheelBits * wheelTick
		w.link(t, &w.coarse[coarse&wheelMask])
	default:
		t.slot = (w.tick + wheelSlots*wheelSlots) * wheelTick
		w.link(t, &w.overflow)
	}
}

func (w *wheel) link(t *timer, list **timer) {
	t.list, t.prev, t.next = list, nil, *list
	if *list != nil {
		(*list).prev = t
	}
	*list = t
}

func (w *wheel) unlink(t *timer) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		*t.list = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	}
	if t.fine {
		w.fineCount--
	}
	t.list, t.prev, t.next, t.fine = nil, nil, nil, false
}

// advance runs every slot up to now and calls the owner of every timer that
// is due. A timer whose deadline was moved later is placed again instead.
// Owners may schedule and stop timers, their own included, while they run.
func (w *wheel) advance(now int64) {
	target := now / wheelTick
	if w.count == 0 {
		w.tick = max(w.tick, target)
		return
	}
	for w.tick < target {
		w.tick++
		if w.tick&wheelMask == 0 {
			w.cascade()
		}
		list := &w.fine[w.tick&wheelMask]
		for *list != nil {
			t := *list
			w.unlink(t)
			if t.at > now {
				w.place(t, w.tick+1)
				continue
			}
			w.count--
			t.at = 0
			t.owner.expire(now)
		}
		if w.count == 0 {
			w.tick = target
			return
		}
	}
}

// cascade moves the coarse slot that has come up, and at the start of a
// coarse turn the overflow list, down to where their times now belong.
func (w *wheel) cascade() {
	coarse := w.tick >> wheelBits
	if coarse&wheelMask == 0 {
		w.replace(&w.overflow)
	}
	w.replace(&w.coarse[coarse&wheelMask])
}

// replace places every timer of list again, from the fine slot about to
// run on.
func (w *wheel) replace(list **timer) {
	moving := *list
	for moving != nil {
		t := moving
		moving = t.next
		w.unlink(t)
		w.place(t, w.tick)
	}
}

// next returns the time at which advance has work: the first fine slot
// of the current turn that holds a timer, or else the start of the first
// coarse slot that does (or of the next coarse turn, when the overflow list
// waits); 0 when no timer is scheduled. A timer in that slot may turn out
// to be due later (its deadline moved); advance then places it again.
func (w *wheel) next() int64 {
	if w.count == 0 {
		return 0
	}
	cascade := (w.tick | wheelMask) + 1 // the next fine slot that cascades
	if w.fineCount > 0 {
		for s := w.tick + 1; s < cascade; s++ {
			if w.fine[s&wheelMask] != nil {
				return s * wheelTick
			}
		}
		// The rest sit in the next turn's first slots.
		return cascade * wheelTick
	}
	coarse := cascade >> wheelBits
	for c := coarse; c < coarse+wheelSlots; c++ {
		if c&wheelMask == 0 && w.overflow != nil {
			return c << wheelBits * wheelTick
		}
		if w.coarse[c&wheelMask] != nil {
			return c << wheelBits * wheelTick
		}
	}
	return (coarse + wheelSlots) << wheelBits * wheelTick
}
