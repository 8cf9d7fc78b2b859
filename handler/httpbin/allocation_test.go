//go:build !race

package httpbin_test

import (
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/httpbin"
	"github.com/stretchr/testify/assert"
)

// TestEchoAllocations checks that fortio's load-test path, a fixed status
// and payload size, and go-httpbin's /get do not allocate from the parsed
// request to the framed answer.
func TestEchoAllocations(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for _, target := range []string{"/?size=1024", "/echo?status=503&size=16", "/get?a=1&b=%41"} {
		in := []byte("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: hey/0.0.1\r\nAccept-Encoding: gzip\r\nContent-Type: text/plain\r\n\r\n")
		var (
			p   codec.Parser
			req codec.Request
			r   handler.Exchange
		)
		buf := make([]byte, 0, 8192)
		allocs := testing.AllocsPerRun(500, func() {
			if _, err := p.Parse(in, &req); err != nil {
				panic(err)
			}
			r.Begin(h, testConn, &req, nil, buf[:0])
			h.Serve(r.Request())
			buf, _ = r.Finish()
		})
		assert.Zero(t, allocs, target)
	}
}
