package handler

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/fastbase/fastbase/codec"
)

// TestPreparedMatchesCalls checks that a Prepared response is byte for byte
// what the equivalent calls write, for GET, HEAD and HTTP/0.9, on both
// protocols, for a status with a body and one without.
func TestPreparedMatchesCalls(t *testing.T) {
	codec.RefreshDate(time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC))
	ok := NewPrepared(200, "Hello, World!", HeaderField{"Content-Type", "text/plain"}, HeaderField{"X-A", "b"})
	okCalls := func(r *Request) {
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "text/plain")
		r.SendHeader("X-A", "b")
		r.SendHeader("Content-Length", "13")
		r.EndHeaders()
		r.WriteString("Hello, World!")
	}
	noContent := NewPrepared(204, "", HeaderField{"X-A", "b"})
	noContentCalls := func(r *Request) {
		r.SendResponse(204, "")
		r.SendHeader("X-A", "b")
		r.EndHeaders()
	}
	for _, c := range []struct {
		p     *Prepared
		calls func(*Request)
	}{{ok, okCalls}, {noContent, noContentCalls}} {
		for _, protocol := range []string{"HTTP/1.1", "HTTP/1.0"} {
			for _, line := range []string{"GET / HTTP/1.1", "HEAD / HTTP/1.1", "GET / HTTP/1.0", "GET /"} {
				h := New()
				h.ProtocolVersion = protocol
				want := run(t, h, seedConn, parsed(line, "Host: x"), nil, time.Now(), func(x *Exchange) { c.calls(x.Request()) })
				got := run(t, h, seedConn, parsed(line, "Host: x"), nil, time.Now(), func(x *Exchange) { x.Request().SendPrepared(c.p) })
				assert.Equal(t, want.out, got.out, "%d %s %s", c.p.status, protocol, line)
				assert.Equal(t, want.keep, got.keep, "%d %s %s", c.p.status, protocol, line)
				assert.Equal(t, want.log, got.log, "%d %s %s", c.p.status, protocol, line)
			}
		}
	}
}

// TestPreparedDateFits checks that a Prepared carries the date of each
// second it is sent in, not the one it was rendered with, and what
// SendPrepared relies on to write the date in place: every date AppendDate
// writes has the same length.
func TestPreparedDateFits(t *testing.T) {
	defer codec.RefreshDate(time.Now())
	p := NewPrepared(200, "x")
	var want int
	for i, at := range []time.Time{
		time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(99999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(-5, 6, 7, 8, 9, 10, 0, time.UTC),
	} {
		codec.RefreshDate(at)
		n := len(codec.AppendDate(nil))
		if i == 0 {
			want = n
		}
		assert.Equal(t, want, n, "%v", at)
		got := serve(t, New().HandlePrepared("GET", p), seedConn, parsed("GET / HTTP/1.1", "Host: x"), nil, at)
		assert.Contains(t, got.out, "\r\nDate: "+string(codec.AppendDate(nil))+"\r\n", "%v", at)
	}
}

func TestPreparedRejectsFraming(t *testing.T) {
	for _, name := range []string{"Content-Length", "transfer-encoding", "Connection"} {
		assert.Panics(t, func() { NewPrepared(200, "", HeaderField{name, "x"}) }, name)
	}
	assert.Panics(t, func() { NewPrepared(200, "", HeaderField{"X", "a\r\nb"}) })
}

// TestPreparedConcurrent renders one Prepared from many goroutines and
// handlers with different versions; run with -race.
func TestPreparedConcurrent(t *testing.T) {
	p := NewPrepared(204, "")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := New()
			if i%2 == 0 {
				h.ServerVersion = "other/1"
			}
			for j := 0; j < 100; j++ {
				var r Exchange
				r.Begin(h, seedConn, parsed("GET / HTTP/1.1", "Host: x"), nil, nil)
				r.Request().SendPrepared(p)
				out, keep := r.Finish()
				assert.True(t, keep)
				assert.Contains(t, string(out), "Server: "+h.serverVersion()+" ")
			}
		}()
	}
	wg.Wait()
}

// TestHandlePreparedMatchesFunc checks that a method registered with
// HandlePrepared answers exactly as a Func that calls SendPrepared, on a
// plain method table and on one with routes, for the methods it has and
// one it has not.
func TestHandlePreparedMatchesFunc(t *testing.T) {
	codec.RefreshDate(time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC))
	p := NewPrepared(200, "Hello, World!", HeaderField{"Content-Type", "text/plain"})
	send := func(r *Request) { r.SendPrepared(p) }
	other := func(r *Request) { r.SendError(404, "", "") }
	tables := map[string][2]*Handler{
		"methods": {New().Handle("GET", send).Handle("HEAD", send), New().HandlePrepared("GET", p).HandlePrepared("HEAD", p)},
		"routes": {
			New().Route("/r", other).Handle("GET", send).Handle("HEAD", send),
			New().Route("/r", other).HandlePrepared("GET", p).HandlePrepared("HEAD", p),
		},
	}
	for name, hs := range tables {
		for _, line := range []string{"GET / HTTP/1.1", "HEAD / HTTP/1.1", "GET / HTTP/1.0", "GET /", "POST / HTTP/1.1", "GET /r HTTP/1.1"} {
			want := serve(t, hs[0], seedConn, parsed(line, "Host: x"), nil, time.Now())
			got := serve(t, hs[1], seedConn, parsed(line, "Host: x"), nil, time.Now())
			assert.Equal(t, want.out, got.out, "%s %s", name, line)
			assert.Equal(t, want.keep, got.keep, "%s %s", name, line)
			assert.Equal(t, want.log, got.log, "%s %s", name, line)
		}
	}
}

// TestHandlePreparedReplaces checks that HandlePrepared and Handle replace
// each other's registration of a method, either way round.
func TestHandlePreparedReplaces(t *testing.T) {
	p := NewPrepared(200, "prepared")
	fn := func(r *Request) { r.WriteString("func") }
	req := parsed("GET / HTTP/1.1", "Host: x")
	got := serve(t, New().Handle("GET", fn).HandlePrepared("GET", p), seedConn, req, nil, time.Now())
	assert.True(t, strings.HasSuffix(got.out, "\r\n\r\nprepared"), got.out)
	got = serve(t, New().HandlePrepared("GET", p).Handle("GET", fn), seedConn, req, nil, time.Now())
	assert.True(t, strings.HasSuffix(got.out, "\r\n\r\nfunc"), got.out)
	assert.Panics(t, func() { New().HandlePrepared("GET", nil) })
	assert.Panics(t, func() { New().HandlePrepared("", p) })
}

// TestAppendPreparedIsTheExchange checks that AppendPrepared takes exactly
// the requests whose whole exchange is the Prepared (a plain method table,
// an HTTP/1.1 request that keeps its connection, a handler that keeps
// connections, a final status), appending the bytes Begin, Serve and
// Finish append and keeping the connection as they do, and that it leaves
// every other request, and the buffer, alone.
func TestAppendPreparedIsTheExchange(t *testing.T) {
	codec.RefreshDate(time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC))
	ok := NewPrepared(200, "Hello, World!", HeaderField{"Content-Type", "text/plain"})
	noContent := NewPrepared(204, "", HeaderField{"X-A", "b"})
	interim := NewPrepared(103, "", HeaderField{"Link", "</s.css>; rel=preload"})
	table := func() *Handler {
		return New().HandlePrepared("GET", ok).HandlePrepared("HEAD", ok).HandlePrepared("DELETE", noContent).
			HandlePrepared("PATCH", interim).Handle("POST", func(r *Request) { r.SendPrepared(ok) })
	}
	http10 := table()
	http10.ProtocolVersion = "HTTP/1.0"
	routed := table().Route("/r", func(r *Request) { r.SendPrepared(ok) })
	for _, c := range []struct {
		name    string
		h       *Handler
		line    string
		headers []string
		taken   bool
	}{
		{"GET", table(), "GET / HTTP/1.1", nil, true},
		{"HEAD", table(), "HEAD / HTTP/1.1", nil, true},
		{"204", table(), "DELETE / HTTP/1.1", nil, true},
		{"a body sent along", table(), "GET / HTTP/1.1", []string{"Content-Length: 3"}, true},
		{"keep-alive said", table(), "GET / HTTP/1.1", []string{"Connection: keep-alive"}, true},
		{"Connection: close", table(), "GET / HTTP/1.1", []string{"Connection: close"}, false},
		{"HTTP/1.0", table(), "GET / HTTP/1.0", nil, false},
		{"HTTP/1.0 keep-alive", table(), "GET / HTTP/1.0", []string{"Connection: keep-alive"}, false},
		{"HTTP/0.9", table(), "GET /", nil, false},
		{"a Func", table(), "POST / HTTP/1.1", nil, false},
		{"no registration", table(), "PUT / HTTP/1.1", nil, false},
		{"an interim status", table(), "PATCH / HTTP/1.1", nil, false},
		{"a handler of HTTP/1.0", http10, "GET / HTTP/1.1", nil, false},
		{"routes", routed, "GET / HTTP/1.1", nil, false},
	} {
		req := parsed(c.line, append([]string{"Host: x"}, c.headers...)...)
		want := serve(t, c.h, seedConn, req, nil, time.Now())
		got, status := c.h.AppendPrepared([]byte(prior), req)
		if !c.taken {
			assert.Zero(t, status, c.name)
			assert.Equal(t, prior, string(got), c.name)
			continue
		}
		assert.Equal(t, want.r.Status(), status, c.name)
		assert.Equal(t, prior+want.out, string(got), c.name)
		assert.True(t, want.keep, c.name)
	}
}
