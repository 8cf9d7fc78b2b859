package httpbin_test

import (
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/httpbin"
)

// benchmarkTarget answers one request over and over as the engine does,
// reusing the parser, the Request and the output buffer.
func benchmarkTarget(b *testing.B, raw string) {
	h, err := httpbin.New(httpbin.Options{})
	if err != nil {
		b.Fatal(err)
	}
	in := []byte(raw)
	var (
		p   codec.Parser
		req codec.Request
		r   handler.Exchange
	)
	buf := make([]byte, 0, 8192)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(in, &req); err != nil {
			b.Fatal(err)
		}
		r.Begin(h, testConn, &req, nil, buf[:0])
		h.Serve(r.Request())
		buf, _ = r.Finish()
	}
}

func BenchmarkEchoSize1024(b *testing.B) {
	benchmarkTarget(b, "GET /?size=1024 HTTP/1.1\r\nHost: localhost\r\nUser-Agent: hey/0.0.1\r\n\r\n")
}

func BenchmarkEchoStatusMix(b *testing.B) {
	benchmarkTarget(b, "GET /?status=503:10&size=16 HTTP/1.1\r\nHost: localhost\r\n\r\n")
}

func BenchmarkGet(b *testing.B) {
	benchmarkTarget(b, "GET /get HTTP/1.1\r\nHost: localhost\r\nUser-Agent: hey/0.0.1\r\nAccept: */*\r\n\r\n")
}
