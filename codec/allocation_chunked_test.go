//go:build !race

package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestChunkedAllocations proves that decoding does not allocate when dst
// has room for the body, whole or in pieces.
func TestChunkedAllocations(t *testing.T) {
	src := []byte("5;ext=\"v\"\r\nhello\r\n1a\r\n" + "abcdefghijklmnopqrstuvwxyz" + "\r\n0\r\nX-Sum: 1\r\n\r\n")
	dst := make([]byte, 0, 64)
	var d ChunkedDecoder
	whole := func() {
		d.Reset()
		_, _, _, _ = d.Decode(dst[:0], src)
	}
	pieces := func() {
		d.Reset()
		out, consumed := dst[:0], 0
		for end := 1; end <= len(src); end += 3 {
			var n int
			out, n, _, _ = d.Decode(out, src[consumed:end])
			consumed += n
		}
		_, _, _, _ = d.Decode(out, src[consumed:])
	}
	assert.Zero(t, testing.AllocsPerRun(100, whole), "whole")
	assert.Zero(t, testing.AllocsPerRun(100, pieces), "pieces")
}
