package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPairOrderAlternates(t *testing.T) {
	var firsts []bool
	for i := range 4 {
		firsts = append(firsts, pairOrder(i))
	}
	assert.Equal(t, []bool{true, false, true, false}, firsts)
}

func TestPairRatios(t *testing.T) {
	smp := func(server, peer string, pair int, eff float64) sample {
		return sample{Scenario: "pipelined", Server: server, Peer: peer, Pair: pair, Efficiency: eff}
	}
	samples := []sample{
		smp("fastbase", "gnetraw", 1, 90), smp("gnetraw", "gnetraw", 1, 100),
		smp("gnetraw", "gnetraw", 2, 50), smp("fastbase", "gnetraw", 2, 40),
		// fastbase's runs in another block and another scenario do not mix in.
		smp("fastbase", "fasthttp", 1, 1000), smp("fasthttp", "fasthttp", 1, 10),
		{Scenario: "keepalive", Server: "fastbase", Peer: "gnetraw", Pair: 1, Efficiency: 7},
		// A pair with a failed half is left out.
		smp("fastbase", "gnetraw", 3, 90), {Scenario: "pipelined", Server: "gnetraw", Peer: "gnetraw", Pair: 3, Err: "boom"},
	}
	assert.Equal(t, []float64{0.9, 0.8}, pairRatios(samples, "pipelined", "fastbase", "gnetraw", efficiency))
	assert.Equal(t, []float64{100}, pairRatios(samples, "pipelined", "fastbase", "fasthttp", efficiency))
	assert.Empty(t, pairRatios(samples, "close", "fastbase", "gnetraw", efficiency))
}

func TestSpreadOf(t *testing.T) {
	s := spreadOf([]float64{0.9, 0.7, 1.0, 0.8, 0.95, 0.85, 0.75, 0.92, 0.88, 0.6})
	assert.Equal(t, 10, s.n)
	assert.InDelta(t, 0.865, s.med, 1e-9)
	assert.InDelta(t, 0.75, s.q1, 1e-9)
	assert.InDelta(t, 0.92, s.q3, 1e-9)
	assert.Equal(t, "0.86× (0.75–0.92)", s.cell())

	odd := spreadOf([]float64{3, 1, 2, 5, 4})
	assert.Equal(t, spread{q1: 1.5, med: 3, q3: 4.5, n: 5}, odd)
	assert.Equal(t, spread{q1: 2, med: 2, q3: 2, n: 1}, spreadOf([]float64{2}))
	assert.Equal(t, "–", spreadOf(nil).cell())
}
