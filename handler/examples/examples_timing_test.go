package examples

import (
	"github.com/fastbase/fastbase/handler"
	"testing"

	"github.com/fastbase/fastbase/codec"
)

// BenchmarkHello measures one hello request from parsed request to encoded
// response: Begin, Serve, Finish into a reused buffer.
func BenchmarkHello(b *testing.B) {
	h := Hello()
	req := parsed("GET /plaintext HTTP/1.1", "Host: localhost", "Accept: text/plain", "Connection: keep-alive")
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
	in := []byte(techEmpowerRequest)
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
	req := parsed("GET /plaintext HTTP/1.1", "Host: localhost")
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
	req := parsed("GET /?foo=bar HTTP/1.1", "Host: localhost")
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
	req := parsed("GET / HTTP/1.1", "Host: localhost")
	var r handler.Exchange
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		r.Begin(h, seedConn, req, nil, buf[:0])
		h.Serve(r.Request())
		buf, _ = r.Finish()
	}
}
