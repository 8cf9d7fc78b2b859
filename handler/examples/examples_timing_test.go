package examples

import (
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/internal/handlertest"
)

// BenchmarkHello measures one hello request from parsed request to encoded
// response: Begin, Serve, Finish into a reused buffer.
func BenchmarkHello(b *testing.B) {
	h := Hello()
	req := handlertest.Parsed("GET /plaintext HTTP/1.1", "Host: localhost", "Accept: text/plain", "Connection: keep-alive")
	var r handler.Exchange
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		r.Begin(h, seedConn, req, nil, buf[:0])
		h.Serve(r.Request())
		buf, _ = r.Finish()
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkHelloParsed adds parsing the request's bytes to BenchmarkHello:
// the whole path from bytes in to bytes out.
func BenchmarkHelloParsed(b *testing.B) {
	h := Hello()
	in := []byte(handlertest.TechEmpowerRequest)
	var (
		p   codec.Parser
		req codec.Request
		r   handler.Exchange
	)
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(in, &req); err != nil {
			b.Fatal(err)
		}
		r.Begin(h, seedConn, &req, nil, buf[:0])
		h.Serve(r.Request())
		buf, _ = r.Finish()
	}
	b.SetBytes(int64(len(in)))
}

// BenchmarkHelloPipelined16 appends 16 responses to one buffer, as the engine
// does for a batch of pipelined requests.
func BenchmarkHelloPipelined16(b *testing.B) {
	h := Hello()
	req := handlertest.Parsed("GET /plaintext HTTP/1.1", "Host: localhost")
	var r handler.Exchange
	buf := make([]byte, 0, 16<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for range 16 {
			r.Begin(h, seedConn, req, nil, buf)
			h.Serve(r.Request())
			buf, _ = r.Finish()
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkEchoKeepAlive measures a seed-style handler whose Content-Length
// Finish inserts.
func BenchmarkEchoKeepAlive(b *testing.B) {
	h := Echo()
	req := handlertest.Parsed("GET /?foo=bar HTTP/1.1", "Host: localhost")
	var r handler.Exchange
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		r.Begin(h, seedConn, req, nil, buf[:0])
		h.Serve(r.Request())
		buf, _ = r.Finish()
	}
}

func BenchmarkNotFound(b *testing.B) {
	h := NotFound()
	req := handlertest.Parsed("GET / HTTP/1.1", "Host: localhost")
	var r handler.Exchange
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		r.Begin(h, seedConn, req, nil, buf[:0])
		h.Serve(r.Request())
		buf, _ = r.Finish()
	}
}
