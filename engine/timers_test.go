package engine

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// probe is a waiter that records when it expired.
type probe struct {
	t     timer
	fired []int64
	again func(now int64) // called from expire, if set
}

func (p *probe) expire(now int64) {
	p.fired = append(p.fired, now)
	if p.again != nil {
		p.again(now)
	}
}

const ms = int64(1e6)

func TestWheelFiresOnceWhenDue(t *testing.T) {
	start := int64(1_700_000_000) * 1e9
	w := newWheel(start)
	var a, b, c, d probe
	w.schedule(&a.t, start+5*ms, &a)
	w.schedule(&b.t, start+700*ms, &b)     // coarse level
	w.schedule(&c.t, start+400_000*ms, &c) // overflow
	w.schedule(&d.t, start+3*ms, &d)
	w.stop(&d.t)
	assert.Equal(t, 3, w.count)

	w.advance(start + 4*ms)
	assert.Empty(t, a.fired)
	w.advance(start + 5*ms)
	assert.Equal(t, []int64{start + 5*ms}, a.fired)
	assert.False(t, a.t.active())
	w.advance(start + 699*ms)
	assert.Empty(t, b.fired)
	w.advance(start + 701*ms)
	assert.Equal(t, []int64{start + 701*ms}, b.fired)
	assert.Empty(t, d.fired)
	for now := start + 701*ms; now < start+400_000*ms; now += 250 * ms {
		w.advance(now)
	}
	assert.Empty(t, c.fired)
	w.advance(start + 400_001*ms)
	assert.Len(t, c.fired, 1)
	assert.Zero(t, w.count)
	assert.Zero(t, w.next())
}

func TestWheelLaterIsLazyEarlierRelinks(t *testing.T) {
	start := int64(1_700_000_000) * 1e9
	w := newWheel(start)
	var p probe
	w.schedule(&p.t, start+10*ms, &p)
	list := p.t.list
	w.schedule(&p.t, start+60_000*ms, &p) // later: stays where it is
	assert.Equal(t, list, p.t.list)
	w.advance(start + 20*ms)
	assert.Empty(t, p.fired, "moved later: not due at its old time")
	assert.True(t, p.t.active())
	w.schedule(&p.t, start+30*ms, &p) // earlier: relinked
	w.advance(start + 30*ms)
	assert.Equal(t, []int64{start + 30*ms}, p.fired)
	assert.Equal(t, 0, w.count)
}

func TestWheelOwnersMayRescheduleWhileRunning(t *testing.T) {
	start := int64(1e18)
	w := newWheel(start)
	var p probe
	p.again = func(now int64) {
		if len(p.fired) < 5 {
			w.schedule(&p.t, now+ms, &p)
		}
	}
	w.schedule(&p.t, start+ms, &p)
	for now := start; now <= start+20*ms; now += ms {
		w.advance(now)
	}
	assert.Len(t, p.fired, 5)
	for i := 1; i < len(p.fired); i++ {
		assert.Equal(t, ms, p.fired[i]-p.fired[i-1])
	}
}

// TestWheelModel schedules, moves and stops timers at random and advances
// by random steps, small and large, checking against a plain model: after
// advance(now) every timer due a tick before now has fired exactly once,
// none due after now has, and next never lies beyond the earliest timer.
func TestWheelModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := int64(1_800_000_000) * 1e9
	w := newWheel(start)
	probes := make([]probe, 300)
	due := make([]int64, len(probes)) // 0: not scheduled
	fires := make([]int, len(probes))
	now := start
	for step := range 4000 {
		for range 3 {
			i := rng.IntN(len(probes))
			switch rng.IntN(4) {
			case 0:
				w.stop(&probes[i].t)
				due[i] = 0
			default:
				var d int64
				switch rng.IntN(3) {
				case 0:
					d = rng.Int64N(50 * ms)
				case 1:
					d = rng.Int64N(5000 * ms)
				default:
					d = rng.Int64N(600_000 * ms)
				}
				at := now + d + 1
				w.schedule(&probes[i].t, at, &probes[i])
				due[i] = at
			}
		}
		if n := w.next(); w.count > 0 {
			minAt := int64(1<<63 - 1)
			for _, at := range due {
				if at != 0 {
					minAt = min(minAt, at)
				}
			}
			require.NotZero(t, n)
			require.LessOrEqual(t, n, max(minAt, (w.tick+1)*wheelTick), "step %d", step)
		} else {
			require.Zero(t, n)
		}
		switch rng.IntN(10) {
		case 0:
			now += rng.Int64N(300_000 * ms)
		default:
			now += rng.Int64N(20 * ms)
		}
		before := make([]int, len(probes))
		for i := range probes {
			before[i] = len(probes[i].fired)
		}
		w.advance(now)
		for i := range probes {
			fired := len(probes[i].fired) - before[i]
			require.LessOrEqual(t, fired, 1)
			if fired == 1 {
				require.NotZero(t, due[i], "step %d: a stopped timer fired", step)
				require.LessOrEqual(t, due[i], now, "step %d: fired early", step)
				fires[i]++
				due[i] = 0
				continue
			}
			if due[i] != 0 {
				require.Greater(t, due[i], now-wheelTick, "step %d: timer %d due at %d not fired by %d", step, i, due[i], now)
			}
		}
		scheduled := 0
		for _, at := range due {
			if at != 0 {
				scheduled++
			}
		}
		require.Equal(t, scheduled, w.count, "step %d", step)
	}
	total := 0
	for _, n := range fires {
		total += n
	}
	assert.Greater(t, total, 1000, "the model must exercise firing")
}

// BenchmarkWheelPushLater is what a keep-alive request costs the wheel:
// its idle deadline moves later.
func BenchmarkWheelPushLater(b *testing.B) {
	start := int64(1e18)
	w := newWheel(start)
	var p probe
	w.schedule(&p.t, start+60_000*ms, &p)
	at := start + 60_000*ms
	for b.Loop() {
		at++
		w.schedule(&p.t, at, &p)
	}
}

// BenchmarkWheelIdleTick is one 512 ms wake-up of a loop holding 15,000
// idle connections whose deadlines are a minute away.
func BenchmarkWheelIdleTick(b *testing.B) {
	start := int64(1e18)
	w := newWheel(start)
	probes := make([]probe, 15000)
	for i := range probes {
		w.schedule(&probes[i].t, start+60_000*ms+int64(i)*ms, &probes[i])
	}
	now := start
	for b.Loop() {
		now += 512 * ms
		w.advance(now)
		for i := range probes {
			if !probes[i].t.active() {
				w.schedule(&probes[i].t, now+60_000*ms, &probes[i])
			}
		}
	}
}

// TestSlowClockReadsTheTime checks that while the ticker is slow, deadlines
// are computed from the time itself, not from a clock a second old.
func TestSlowClockReadsTheTime(t *testing.T) {
	s := &Server{}
	s.clock.Store(1) // a tick long ago
	assert.Equal(t, int64(1), s.now())
	s.slowClock.Store(true)
	before := time.Now().UnixNano()
	assert.GreaterOrEqual(t, s.now(), before)
	assert.GreaterOrEqual(t, s.clock.Load(), before, "the coarse clock is moved on too")
}
