//go:build !race

package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCopyToAllocations(t *testing.T) {
	buf := []byte("GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\nAccept: */*\r\n\r\n")
	var p Parser
	var req, dst Request
	n, err := p.Parse(buf, &req)
	require.NoError(t, err)
	storage := make([]byte, 0, 1024)
	dst.Headers = make([]Header, 0, 8)
	allocs := testing.AllocsPerRun(1000, func() {
		storage = req.CopyTo(&dst, buf[:n], storage[:0])
	})
	assert.Zero(t, allocs)
	assert.Equal(t, "example.com", string(dst.Host))
}
