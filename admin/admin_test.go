package admin

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler/examples"
)

// fakeSource serves a fixed snapshot and a switchable draining flag.
type fakeSource struct {
	stats    engine.Stats
	draining atomic.Bool
}

func (f *fakeSource) Stats() engine.Stats { return f.stats }
func (f *fakeSource) Draining() bool      { return f.draining.Load() }

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

func TestMetricsExposeStats(t *testing.T) {
	src := &fakeSource{stats: engine.Stats{
		ConnsOpen: 3, ConnsAccepted: 10, ConnsClosed: 7, ConnsCut: 2,
		BytesIn: 1234, BytesOut: 5678,
		InFlight: 2, WorkerQueue: 5,
		Requests: []engine.RequestCount{
			{Method: "GET", Status: 200, Count: 40},
			{Method: "other", Status: 501, Count: 1},
		},
		ParseErrors:     []engine.StatusCount{{Status: 400, Count: 4}, {Status: 431, Count: 1}},
		LogLinesDropped: 9,
		HandlerPanics:   6,
		PendingAnswers:  11,
		// 3 within 100 µs, 2 within 1 ms, 1 over 100 ms.
		AnswerLateness:    [len(engine.AnswerLatenessBounds) + 1]uint64{0: 3, 3: 2, 10: 1},
		AnswerLatenessSum: 250 * time.Millisecond,
	}}
	code, body := get(t, NewHandler(src), "/metrics")
	require.Equal(t, 200, code)
	for _, want := range []string{
		`fastbase_requests_total{code="200",method="GET"} 40`,
		`fastbase_requests_total{code="501",method="other"} 1`,
		`fastbase_parse_errors_total{code="400"} 4`,
		`fastbase_parse_errors_total{code="431"} 1`,
		"fastbase_received_bytes_total 1234",
		"fastbase_sent_bytes_total 5678",
		"fastbase_connections_open 3",
		"fastbase_connections_accepted_total 10",
		"fastbase_connections_closed_total 7",
		"fastbase_connections_cut_total 2",
		"fastbase_requests_in_flight 2",
		"fastbase_worker_queue_length 5",
		"fastbase_access_log_dropped_lines_total 9",
		"fastbase_draining 0",
		"fastbase_handler_panics_total 6",
		"fastbase_pending_answers 11",
		`fastbase_answer_lateness_seconds_bucket{le="0.0001"} 3`,
		`fastbase_answer_lateness_seconds_bucket{le="0.0005"} 3`,
		`fastbase_answer_lateness_seconds_bucket{le="0.001"} 5`,
		`fastbase_answer_lateness_seconds_bucket{le="0.1"} 5`,
		`fastbase_answer_lateness_seconds_bucket{le="+Inf"} 6`,
		"fastbase_answer_lateness_seconds_sum 0.25",
		"fastbase_answer_lateness_seconds_count 6",
		"# TYPE fastbase_requests_total counter",
		"# TYPE fastbase_connections_open gauge",
		"go_goroutines ",
		"go_build_info{",
	} {
		assert.Contains(t, body, want+"", want)
	}
}

func TestHealthzFollowsDraining(t *testing.T) {
	src := &fakeSource{}
	h := NewHandler(src)
	code, body := get(t, h, "/healthz")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok\n", body)

	src.draining.Store(true)
	code, body = get(t, h, "/healthz")
	assert.Equal(t, 503, code)
	assert.Equal(t, "draining\n", body)
	_, metrics := get(t, h, "/metrics")
	assert.Contains(t, metrics, "fastbase_draining 1")
}

func TestPprofAndUnknownPaths(t *testing.T) {
	h := NewHandler(&fakeSource{})
	code, body := get(t, h, "/debug/pprof/")
	assert.Equal(t, 200, code)
	assert.Contains(t, body, "goroutine")
	code, _ = get(t, h, "/debug/pprof/goroutine?debug=1")
	assert.Equal(t, 200, code)
	code, _ = get(t, h, "/")
	assert.Equal(t, 404, code)
}

// TestMetricsOfARealServer scrapes the admin listener of a running engine
// and sees its counters move.
func TestMetricsOfARealServer(t *testing.T) {
	srv := &engine.Server{Addr: "127.0.0.1:0", Handler: examples.Hello(), Loops: 1}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(context.Background()) }()
	select {
	case <-srv.Ready():
	case err := <-done:
		t.Fatal(err)
	}
	adm, err := Listen("127.0.0.1:0", srv, nil)
	require.NoError(t, err)
	base := "http://" + adm.Addr().String()

	for range 3 {
		resp, err := http.Get("http://" + srv.ListenAddr().String() + "/")
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	scrape := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	code, body := scrape("/metrics")
	require.Equal(t, 200, code)
	assert.Contains(t, body, `fastbase_requests_total{code="200",method="GET"} 3`)
	assert.Contains(t, body, "fastbase_connections_accepted_total 1")
	assert.NotContains(t, body, "fastbase_sent_bytes_total 0\n")
	code, _ = scrape("/healthz")
	assert.Equal(t, 200, code)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	<-done
	code, body = scrape("/healthz")
	assert.Equal(t, 503, code)
	assert.True(t, strings.HasPrefix(body, "draining"))
	require.NoError(t, adm.Shutdown(ctx))
}

func TestListenReportsBindErrors(t *testing.T) {
	_, err := Listen("127.0.0.1:notaport", &fakeSource{}, nil)
	assert.Error(t, err)
}
