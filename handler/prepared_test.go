package handler

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/fastbase/fastbase/codec"
)

// TestPreparedMatchesCalls checks that a Prepared response is byte for byte
// what the equivalent calls write, for GET and HEAD, on both protocols.
func TestPreparedMatchesCalls(t *testing.T) {
	codec.RefreshDate(time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC))
	p := NewPrepared(200, "Hello, World!", HeaderField{"Content-Type", "text/plain"}, HeaderField{"X-A", "b"})
	calls := func(r *Request) {
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "text/plain")
		r.SendHeader("X-A", "b")
		r.SendHeader("Content-Length", "13")
		r.EndHeaders()
		r.WriteString("Hello, World!")
	}
	for _, protocol := range []string{"HTTP/1.1", "HTTP/1.0"} {
		for _, line := range []string{"GET / HTTP/1.1", "HEAD / HTTP/1.1", "GET / HTTP/1.0"} {
			h := New()
			h.ProtocolVersion = protocol
			want := run(t, h, seedConn, parsed(line, "Host: x"), nil, time.Now(), func(x *Exchange) { calls(x.Request()) })
			got := run(t, h, seedConn, parsed(line, "Host: x"), nil, time.Now(), func(x *Exchange) { x.Request().SendPrepared(p) })
			assert.Equal(t, want.out, got.out, "%s %s", protocol, line)
			assert.Equal(t, want.keep, got.keep, "%s %s", protocol, line)
			assert.Equal(t, want.log, got.log, "%s %s", protocol, line)
		}
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
