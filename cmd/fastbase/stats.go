package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/fastbase/fastbase/engine"
)

// statsSource is what -stats reads; *engine.Server is one.
type statsSource interface{ Stats() engine.Stats }

// reportStats logs, every interval until ctx is done, what the server did in
// that interval: the server's side of a load test, for whoever runs wrk or
// hey against it, without Prometheus.
func reportStats(ctx context.Context, src statsSource, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	prev, last := src.Stats(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			cur := src.Stats()
			log.LogAttrs(ctx, slog.LevelInfo, "stats", statsAttrs(prev, cur, now.Sub(last))...)
			prev, last = cur, now
		}
	}
}

// statsTotals are the counters one stats line reports the change of.
type statsTotals struct {
	requests uint64
	classes  [6]uint64 // by status class: 0 (no response), 1xx … 5xx
	refused  uint64    // requests refused before the handler
}

func totals(st engine.Stats) statsTotals {
	var t statsTotals
	for _, r := range st.Requests {
		t.requests += r.Count
		if c := r.Status / 100; c >= 0 && c < len(t.classes) {
			t.classes[c] += r.Count
		}
	}
	for _, e := range st.ParseErrors {
		t.refused += e.Count
		if c := e.Status / 100; c >= 0 && c < len(t.classes) {
			t.classes[c] += e.Count
		}
	}
	return t
}

// statsAttrs describes the change from prev to cur over elapsed: rates per
// second, the gauges as they are now, and counts of the interval.
func statsAttrs(prev, cur engine.Stats, elapsed time.Duration) []slog.Attr {
	secs := elapsed.Seconds()
	if secs <= 0 {
		secs = 1
	}
	p, c := totals(prev), totals(cur)
	rate := func(a, b uint64) int64 { return int64(float64(b-a)/secs + 0.5) }
	return []slog.Attr{
		slog.Int64("req_per_s", rate(p.requests, c.requests)),
		slog.Uint64("open", cur.ConnsOpen),
		slog.Int64("accepted_per_s", rate(prev.ConnsAccepted, cur.ConnsAccepted)),
		slog.Int64("in_bytes_per_s", rate(prev.BytesIn, cur.BytesIn)),
		slog.Int64("out_bytes_per_s", rate(prev.BytesOut, cur.BytesOut)),
		slog.Uint64("2xx", c.classes[2]-p.classes[2]),
		slog.Uint64("3xx", c.classes[3]-p.classes[3]),
		slog.Uint64("4xx", c.classes[4]-p.classes[4]),
		slog.Uint64("5xx", c.classes[5]-p.classes[5]),
		slog.Uint64("refused", c.refused-p.refused),
		slog.Uint64("panics", cur.HandlerPanics-prev.HandlerPanics),
		slog.Int64("in_flight", cur.InFlight),
	}
}
