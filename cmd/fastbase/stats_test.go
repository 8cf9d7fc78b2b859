package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/engine"
)

func TestStatsAttrs(t *testing.T) {
	prev := engine.Stats{
		ConnsAccepted: 10, BytesIn: 1000, BytesOut: 5000,
		Requests:    []engine.RequestCount{{Method: "GET", Status: 200, Count: 100}},
		ParseErrors: []engine.StatusCount{{Status: 400, Count: 1}},
	}
	cur := engine.Stats{
		ConnsOpen: 7, ConnsAccepted: 30, BytesIn: 3000, BytesOut: 25000, HandlerPanics: 2, InFlight: 3,
		Requests: []engine.RequestCount{
			{Method: "GET", Status: 200, Count: 300},
			{Method: "GET", Status: 304, Count: 4},
			{Method: "POST", Status: 404, Count: 6},
			{Method: "GET", Status: 500, Count: 2},
		},
		ParseErrors: []engine.StatusCount{{Status: 400, Count: 3}, {Status: 503, Count: 5}},
	}
	got := map[string]any{}
	for _, a := range statsAttrs(prev, cur, 2*time.Second) {
		got[a.Key] = a.Value.Any()
	}
	assert.Equal(t, map[string]any{
		"req_per_s":       int64(106), // (312 - 100) / 2 s
		"open":            uint64(7),
		"accepted_per_s":  int64(10),
		"in_bytes_per_s":  int64(1000),
		"out_bytes_per_s": int64(10000),
		"2xx":             uint64(200),
		"3xx":             uint64(4),
		"4xx":             uint64(8), // 6 answered 404 + 2 more refused 400
		"5xx":             uint64(7), // 2 answered 500 + 5 refused 503
		"refused":         uint64(7),
		"panics":          uint64(2),
		"in_flight":       int64(3),
	}, got)
}

// countingSource is a statsSource whose request count grows by 50 on each
// read.
type countingSource struct {
	mu sync.Mutex
	n  uint64
}

func (s *countingSource) Stats() engine.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n += 50
	return engine.Stats{Requests: []engine.RequestCount{{Method: "GET", Status: 200, Count: s.n}}}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestReportStatsLogsEachInterval(t *testing.T) {
	var out lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		reportStats(ctx, &countingSource{}, 20*time.Millisecond, slog.New(slog.NewJSONHandler(&out, nil)))
		close(done)
	}()
	require.Eventually(t, func() bool { return bytes.Count([]byte(out.String()), []byte("\n")) >= 2 },
		5*time.Second, 5*time.Millisecond)
	cancel()
	<-done
	line := bytes.SplitN([]byte(out.String()), []byte("\n"), 2)[0]
	var m map[string]any
	require.NoError(t, json.Unmarshal(line, &m))
	assert.Equal(t, "stats", m["msg"])
	assert.Equal(t, float64(50), m["2xx"], "each interval saw 50 more answers")
}
