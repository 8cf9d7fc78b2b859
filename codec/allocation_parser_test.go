//go:build !race

package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestParserAllocations proves that parsing does not allocate once the
// Parser and the Request have grown to the largest block they see.
func TestParserAllocations(t *testing.T) {
	for _, in := range benchInputs {
		var p Parser
		var req Request
		parseAll(&p, &req, in.data) // grow req.Headers and p's field offsets
		allocs := testing.AllocsPerRun(100, func() { parseAll(&p, &req, in.data) })
		assert.Zero(t, allocs, in.name)
	}
}

// TestParserAllocationsPiecewise covers the resumable path: a block that
// arrives in pieces does not allocate either.
func TestParserAllocationsPiecewise(t *testing.T) {
	data := []byte(browserRequest)
	var p Parser
	var req Request
	feed := func() {
		for i := 1; i <= len(data); i += 13 {
			_, _ = p.Parse(data[:i], &req)
		}
		_, _ = p.Parse(data, &req)
	}
	feed()
	assert.Zero(t, testing.AllocsPerRun(100, feed))
}
