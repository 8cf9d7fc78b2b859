//go:build !race

package handler

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestResponseAllocations(t *testing.T) {
	req := parsed("GET /?foo=bar HTTP/1.1", "Host: localhost")
	var r Exchange
	buf := make([]byte, 0, 4096)
	h := New()
	tests := []struct {
		name string
		fn   func(*Request)
	}{
		{"seed style, Content-Length added", func(r *Request) {
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("CLIENT VALUES:\n")
		}},
		{"SendError 404", func(r *Request) { r.SendError(404, "", "") }},
		{"accessors", func(r *Request) {
			_ = r.Command()
			_ = r.RequestVersion()
			_ = r.ClientAddress()
			_ = r.Headers()
			_ = r.Parsed().Header("host")
			r.WriteString(r.Runner())
		}},
	}
	for _, tt := range tests {
		allocs := testing.AllocsPerRun(100, func() {
			r.Begin(h, seedConn, req, nil, buf[:0])
			tt.fn(r.Request())
			buf, _ = r.Finish()
		})
		assert.Zero(t, allocs, tt.name)
	}
}

func TestLogAllocations(t *testing.T) {
	var r Exchange
	buf := make([]byte, 0, 4096)
	log := make([]byte, 0, 4096)
	now := time.Now()
	h := New().Handle("GET", notFound)
	r.Begin(h, seedConn, parsed("GET /\xe9\\ HTTP/1.1"), nil, buf)
	h.Serve(r.Request())
	r.Finish()
	allocs := testing.AllocsPerRun(100, func() {
		log = AppendRequestLog(log[:0], &r, now)
		log = AppendLogLine(log, "127.0.0.1", now, []byte("é\x85\x01"))
	})
	assert.Zero(t, allocs)
}
