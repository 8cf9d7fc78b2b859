package main

import (
	"fmt"
	"sort"
	"time"
)

// Paired runs: on a machine shared with builds and tests, the throughput of
// one server moves by tens of percent from one minute to the next, so a
// ratio of two medians taken minutes apart cannot resolve a 10 % difference.
// A pair is two measured runs back to back, the base server's and a peer's,
// the order alternating from pair to pair; the ratio of the pair cancels the
// drift the two runs share, and the median of the per-pair ratios with its
// quartiles says how far the drift that is left reaches.

// pairOrder says which server of pair i (counted from 0) runs first: the
// base in even pairs, the peer in odd ones.
func pairOrder(i int) (baseFirst bool) { return i%2 == 0 }

// runPairs measures scenario for base against each peer in c.pairs pairs.
// Both processes of a block are started and warmed up once, then take turns
// on the same core; the one not measured is idle.
func runPairs(c *config, t *tools, base *server, peers []*server, scenario string, emit func(sample)) {
	load := loadFor(c, t, scenario)
	for _, peer := range peers {
		pb, err := base.start(c)
		if err != nil {
			emit(sample{Scenario: scenario, Server: base.name, Peer: peer.name, Err: err.Error()})
			continue
		}
		pp, err := peer.start(c)
		if err != nil {
			pb.stop()
			emit(sample{Scenario: scenario, Server: peer.name, Peer: peer.name, Err: err.Error()})
			continue
		}
		waitQuiet(c)
		for _, p := range []*proc{pb, pp} {
			if _, err := runWrk(c, p.addr, c.warmup, load); err != nil {
				progressf("      %s: warm-up failed: %v", p.srv.name, err)
			}
		}
		for i := range c.pairs {
			order := []*proc{pp, pb}
			if pairOrder(i) {
				order = []*proc{pb, pp}
			}
			for _, p := range order {
				smp := measureLoad(c, p, load)
				smp.Scenario, smp.Server, smp.Peer, smp.Pair = scenario, p.srv.name, peer.name, i+1
				emit(smp)
			}
		}
		pb.stop()
		pp.stop()
	}
}

// loadFor is how wrk drives a load scenario.
func loadFor(c *config, t *tools, scenario string) wrkLoad {
	switch scenario {
	case "pipelined":
		return pipelinedLoad(c, t)
	case "close":
		return closeLoad
	}
	return keepAliveLoad
}

// pairRatios returns, for every pair of scenario in which base and peer
// both measured without error, metric(base) ÷ metric(peer).
func pairRatios(samples []sample, scenario, base, peer string, metric func(sample) float64) []float64 {
	type half struct{ base, peer float64 }
	pairs := map[int]*half{}
	var order []int
	for _, s := range samples {
		if s.Scenario != scenario || s.Peer != peer || s.Pair == 0 || s.Err != "" {
			continue
		}
		h, ok := pairs[s.Pair]
		if !ok {
			h = &half{}
			pairs[s.Pair] = h
			order = append(order, s.Pair)
		}
		switch s.Server {
		case base:
			h.base = metric(s)
		case peer:
			h.peer = metric(s)
		}
	}
	var ratios []float64
	for _, i := range order {
		if h := pairs[i]; h.base > 0 && h.peer > 0 {
			ratios = append(ratios, h.base/h.peer)
		}
	}
	return ratios
}

// spread is a median with its quartiles.
type spread struct {
	q1, med, q3 float64
	n           int
}

// spreadOf gives the median and the quartiles of v, each the median of its
// half (the median itself left out of both halves when n is odd).
func spreadOf(v []float64) spread {
	if len(v) == 0 {
		return spread{}
	}
	s := append([]float64{}, v...)
	sort.Float64s(s)
	n := len(s)
	lower, upper := s[:n/2], s[(n+1)/2:]
	if n == 1 {
		lower, upper = s, s
	}
	return spread{q1: median(lower), med: median(s), q3: median(upper), n: n}
}

func median(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// cell prints "median (q1–q3)".
func (s spread) cell() string {
	if s.n == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (%s–%s)", ratio(s.med), trimRatio(s.q1), trimRatio(s.q3))
}

func trimRatio(v float64) string { return fmt.Sprintf("%.2f", v) }

// pairsEstimate is the wall time the paired runs take.
func pairsEstimate(c *config, scenarios, peers int) time.Duration {
	run := c.duration + 150*time.Millisecond
	block := 2*(c.warmup+150*time.Millisecond) + time.Duration(2*c.pairs)*run + time.Second
	return time.Duration(scenarios*peers) * block
}
