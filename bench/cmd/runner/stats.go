package main

import (
	"fmt"
	"math"
	"sort"
)

// stat summarises one metric over the rounds.
type stat struct {
	med, min, max float64
	n             int
}

func statOf(v []float64) stat {
	if len(v) == 0 {
		return stat{}
	}
	s := append([]float64{}, v...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{med: med, min: s[0], max: s[len(s)-1], n: len(s)}
}

// cell prints "median (min–max)" with f formatting each value; a single
// value, or one that did not vary, prints alone.
func (s stat) cell(f func(float64) string) string {
	if s.n == 0 {
		return "–"
	}
	if s.n == 1 || f(s.min) == f(s.max) {
		return f(s.med)
	}
	return fmt.Sprintf("%s (%s–%s)", f(s.med), f(s.min), f(s.max))
}

// count formats a rate or count with a k/M suffix and three significant
// digits: 2.71M, 250k, 13.7k, 812.
func count(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return trim3(v/1e6) + "M"
	case a >= 1e3:
		return trim3(v/1e3) + "k"
	default:
		return trim3(v)
	}
}

func trim3(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// latency formats seconds as µs or ms.
func latency(s float64) string {
	if s < 1e-3 {
		return fmt.Sprintf("%.0f µs", s*1e6)
	}
	return trim3(s*1e3) + " ms"
}

// bytesString formats a byte count as B or KB (1 KB = 1000 B).
func bytesString(b float64) string {
	if math.Abs(b) >= 1000 {
		return trim3(b/1000) + " KB"
	}
	return fmt.Sprintf("%.0f B", b)
}

func percent(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }

func ratio(v float64) string {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", v)
}
