package handler

import (
	"testing"
	"time"
)

func BenchmarkAppendRequestLog(b *testing.B) {
	h := New().Handle("GET", hello).Handle("HEAD", hello)
	var r Exchange
	r.Begin(h, seedConn, parsed("GET /plaintext HTTP/1.1"), nil, nil)
	h.Serve(r.Request())
	r.Finish()
	log := make([]byte, 0, 256)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		log = AppendRequestLog(log[:0], &r, now)
	}
}
