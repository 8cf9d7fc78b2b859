package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// lines decodes what a JSON slog handler wrote to w (see accept_test.go),
// a line each.
func (w *syncBuffer) lines(t *testing.T) []map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(w.b.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m)
	}
	return out
}

func panickingHandler() *handler.Handler {
	boom := func(*handler.Request) { panic("boom at the handler") }
	return handler.New().Handle("GET", boom).HandleBlocking("POST", boom)
}

// TestPanicsAreLoggedOnceAndCounted sends requests whose handler panics, on
// the event loop and on a worker: each is answered 500, each is counted,
// and one log line names the first with its method, target, value and
// stack while the rest, within PanicLogInterval, are only counted.
func TestPanicsAreLoggedOnceAndCounted(t *testing.T) {
	var log syncBuffer
	srv := &Server{Handler: panickingHandler(), Logger: slog.New(slog.NewJSONHandler(&log, nil))}
	addr := startServer(t, srv)
	const n = 20
	for i := range n {
		method, raw := "GET", "GET /first?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"
		if i > 0 {
			method, raw = "POST", "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
		}
		if i > n/2 {
			method, raw = "GET", "GET /later HTTP/1.1\r\nHost: x\r\n\r\n"
		}
		rc := dial(t, addr)
		rc.send(raw)
		resp := rc.response(method)
		assert.Equal(t, 500, resp.StatusCode)
		assert.True(t, resp.Close, "Connection: close")
	}
	assert.Equal(t, uint64(n), srv.Stats().HandlerPanics)

	var panics []map[string]any
	for _, l := range log.lines(t) {
		if strings.Contains(l["msg"].(string), "panicked") {
			panics = append(panics, l)
		}
	}
	require.Len(t, panics, 1, "a burst of panics within PanicLogInterval logs one line")
	p := panics[0]
	assert.Equal(t, "ERROR", p["level"])
	assert.Equal(t, "GET", p["method"])
	assert.Equal(t, "/first?x=1", p["target"])
	assert.Equal(t, "boom at the handler", p["value"])
	assert.Contains(t, p["stack"], "panickingHandler")
	assert.Equal(t, float64(0), p["suppressed"])
}

// TestPanicLogResumesWithCount checks that the line after an interval
// says how many panics went unlogged in between.
func TestPanicLogResumesWithCount(t *testing.T) {
	var log syncBuffer
	srv := &Server{Logger: slog.New(slog.NewJSONHandler(&log, nil))}
	var r handler.Exchange
	h := panickingHandler()
	serve := func() {
		req := parsedGET(t)
		r.Begin(h, nil, req, nil, nil)
		h.Serve(r.Request())
		srv.notePanic(&r)
		r.Finish()
	}
	serve()
	serve()
	serve()
	srv.panics.next.Store(0) // the interval is over
	serve()
	lines := log.lines(t)
	require.Len(t, lines, 2)
	assert.Equal(t, float64(0), lines[0]["suppressed"])
	assert.Equal(t, float64(2), lines[1]["suppressed"])
	assert.Equal(t, uint64(4), srv.panics.total.Load())
}

// parsedGET returns a parsed "GET /again".
func parsedGET(t *testing.T) *codec.Request {
	var p codec.Parser
	req := new(codec.Request)
	_, err := p.Parse([]byte("GET /again HTTP/1.1\r\nHost: x\r\n\r\n"), req)
	require.NoError(t, err)
	return req
}
