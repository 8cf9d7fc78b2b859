package engine

import (
	"net"
	"strings"
	"testing"

	"github.com/panjf2000/gnet/v2"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler/examples"
	"github.com/fastbase/fastbase/internal/handlertest"
)

// pipelineDepth is the number of requests per write of the bench's
// pipelined scenario (bench/cmd/runner/pipeline.lua).
const pipelineDepth = 16

// benchConn is the gnet.Conn of the answer benchmarks: it holds one batch
// of requests as if they had arrived, and drops what is written, so that
// the benchmarks run the loop's code with no socket and no system call.
// Only the methods a keep-alive batch calls are implemented; any other
// call panics on the nil embedded interface.
type benchConn struct {
	gnet.Conn
	in          []byte
	out         int // bytes written
	local, peer net.Addr
}

func (c *benchConn) Peek(int) ([]byte, error)        { return c.in, nil }
func (c *benchConn) Discard(n int) (int, error)      { return n, nil }
func (c *benchConn) Write(b []byte) (int, error)     { c.out += len(b); return len(b), nil }
func (c *benchConn) InboundBuffered() int            { return len(c.in) }
func (c *benchConn) OutboundBuffered() int           { return 0 }
func (c *benchConn) RemoteAddr() net.Addr            { return c.peer }
func (c *benchConn) LocalAddr() net.Addr             { return c.local }
func (c *benchConn) SetContext(any)                  {}
func (c *benchConn) EventLoop() gnet.EventLoop       { return nil }
func (c *benchConn) Context() any                    { return nil }
func (c *benchConn) Fd() int                         { return -1 }
func (c *benchConn) Close() error                    { return nil }
func (c *benchConn) Flush() error                    { return nil }
func (c *benchConn) Writev(bs [][]byte) (int, error) { return 0, nil }

// newBenchConn returns a connection of a server answering with the hello
// handler on the loop, as `fastbase -handler hello -quiet` does (no access
// log, no workers), holding in as its arrived bytes.
func newBenchConn(in []byte) (*conn, *benchConn) {
	s := &Server{Handler: examples.Hello()}
	s.init()
	s.answerer = loopAnswerer{}
	s.inboundMax = s.maxInbound()
	s.timers = newTimerDriver() // not run: a poke only fills its channel
	ws := newWorkspace(s, nil, "loop 0")
	bc := &benchConn{
		in:    in,
		local: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080},
		peer:  &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000},
	}
	return &conn{c: bc, ws: ws}, bc
}

// BenchmarkAnswerBatch runs onTraffic for one batch of 16 pipelined
// TechEmpower requests, as the server runs it for the pipelined scenario:
// gate, Peek, per request the parse, the body check, the answerer, Begin,
// Serve (the hello handler's SendPrepared), the panic check, Finish, the
// counters and the access-log decision, then per batch the one Write,
// Discard and the idle timer. Only the system calls are missing: Peek,
// Write and Discard are those of benchConn. ns/req is per request.
func BenchmarkAnswerBatch(b *testing.B) { benchBatch(b, handlertest.TechEmpowerRequest) }

// BenchmarkAnswerBatchWrk is BenchmarkAnswerBatch for wrk's own request
// (the target and a Host field), where the per-request costs of the parse
// and the answer outweigh the per-byte ones.
func BenchmarkAnswerBatchWrk(b *testing.B) {
	benchBatch(b, "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")
}

// benchBatch runs onTraffic for one batch of pipelineDepth copies of
// request, each answered with the hello response.
func benchBatch(b *testing.B, request string) {
	in := []byte(strings.Repeat(request, pipelineDepth))
	cn, bc := newBenchConn(in)
	b.ReportAllocs()
	for b.Loop() {
		if cn.onTraffic(bc) != gnet.None {
			b.Fatal("the connection closed")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*pipelineDepth), "ns/req")
	if want := pipelineDepth * len(helloWire(b)); bc.out != b.N*want {
		b.Fatalf("wrote %d bytes, want %d", bc.out, b.N*want)
	}
}

// BenchmarkAnswerParsed is the handler path alone: for a request the
// parser has read already, what the loop does after Parse returns it, from
// readWholeBody (body check, answerer, Begin, Serve, the panic check,
// Finish, counters, the access-log decision, the later-answer check) to the
// response in the batch's output. One op is one request.
func BenchmarkAnswerParsed(b *testing.B) {
	in := []byte(handlertest.TechEmpowerRequest)
	cn, bc := newBenchConn(in)
	ws := cn.ws
	bt := cn.startBatch(bc, in)
	var req codec.Request
	n, err := ws.parser.Parse(in, &req)
	if err != nil {
		b.Fatal(err)
	}
	head := in[:n]
	b.ReportAllocs()
	for b.Loop() {
		bt.used, bt.out = 0, bt.out[:0]
		if !cn.readWholeBody(bt, &req, head) || !bt.keepAlive {
			b.Fatal("the batch stopped")
		}
	}
	if string(bt.out) != string(helloWire(b)) {
		b.Fatalf("answered %q", bt.out)
	}
}

// BenchmarkParseOnly is the parse of BenchmarkAnswerParsed's request with
// the loop's parser, to set the handler path against: one op is one
// request.
func BenchmarkParseOnly(b *testing.B) {
	in := []byte(handlertest.TechEmpowerRequest)
	cn, _ := newBenchConn(in)
	var req codec.Request
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cn.ws.parser.Parse(in, &req); err != nil {
			b.Fatal(err)
		}
	}
}

// helloWire is the hello handler's response with today's Date.
func helloWire(b *testing.B) []byte {
	b.Helper()
	d := codec.AppendDate(nil)
	return []byte("HTTP/1.1 200 OK\r\nServer: " + examples.Hello().VersionString() + "\r\nDate: " + string(d) +
		"\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!")
}
