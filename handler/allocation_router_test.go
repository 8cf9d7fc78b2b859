//go:build !race

package handler

import (
	"testing"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/stretchr/testify/assert"
)

// TestRouteAllocations checks that a routed request does not allocate from
// parsing to the log line, whatever kind of route matches it: a literal, a
// wildcard, a percent-encoded segment, a host, a rest-of-path wildcard and
// a catch-all that is probed for a trailing-slash redirect first.
func TestRouteAllocations(t *testing.T) {
	h := New()
	for _, p := range routeTables[0].patterns {
		h.Route(p, func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("X-Route", r.Pattern())
			r.EndHeaders()
		})
	}
	for _, target := range []string{
		"/get", "/status/503", "/base64/a%2Fb", "/static/css/site.css",
		"/anything/a/b", "/unrouted/path", "/items/7/edit",
	} {
		in := []byte("GET " + target + " HTTP/1.1\r\nHost: example.com\r\n\r\n")
		var (
			p   codec.Parser
			req codec.Request
			r   Exchange
		)
		buf := make([]byte, 0, 4096)
		log := make([]byte, 0, 512)
		now := time.Now()
		allocs := testing.AllocsPerRun(200, func() {
			if _, err := p.Parse(in, &req); err != nil {
				panic(err)
			}
			r.Begin(h, seedConn, &req, nil, buf[:0])
			h.Serve(r.Request())
			buf, _ = r.Finish()
			log = AppendRequestLog(log[:0], &r, now)
		})
		assert.Zero(t, allocs, target)
		assert.Contains(t, string(buf), "200 OK", target)
	}
}
