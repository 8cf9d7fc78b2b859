//go:build !race

package examples

import (
	"testing"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/stretchr/testify/assert"
)

// TestHelloAllocations checks that answering hello does not allocate, from
// the bytes of a request through parsing, dispatch and encoding to the log
// line, with the parser, requests and buffers reused as the engine reuses
// them.
func TestHelloAllocations(t *testing.T) {
	h := Hello()
	in := []byte(handlertest.TechEmpowerRequest)
	var (
		p   codec.Parser
		req codec.Request
		r   handler.Exchange
	)
	buf := make([]byte, 0, 4096)
	log := make([]byte, 0, 512)
	now := time.Now()
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := p.Parse(in, &req); err != nil {
			panic(err)
		}
		r.Begin(h, seedConn, &req, nil, buf[:0])
		h.Serve(r.Request())
		buf, _ = r.Finish()
		log = handler.AppendRequestLog(log[:0], &r, now)
	})
	assert.Zero(t, allocs)
	assert.Contains(t, string(buf), "\r\n\r\nHello, World!")
}
