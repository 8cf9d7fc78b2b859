//go:build fastbaseparser

package codec_test

import (
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/stretchr/testify/require"
)

// This file needs codec.Parser, so it builds only with -tags fastbaseparser;
// bench/Makefile sets the tag when the main module's codec has Parse.

func init() {
	parsers = append([]parser{{name: "fastbase", bench: benchFastbase, check: checkFastbase}}, parsers...)
}

func benchFastbase(b *testing.B, in input) {
	var p codec.Parser
	var req codec.Request
	for b.Loop() {
		buf := in.data
		for len(buf) > 0 {
			n, err := p.Parse(buf, &req)
			if err != nil {
				b.Fatal(err)
			}
			buf = buf[n:]
		}
	}
}

func checkFastbase(t *testing.T, in input) {
	var p codec.Parser
	var req codec.Request
	buf := in.data
	for range in.requests {
		n, err := p.Parse(buf, &req)
		require.NoError(t, err)
		require.Equal(t, "GET", string(req.Method))
		require.Len(t, req.Headers, in.headers)
		buf = buf[n:]
	}
	require.Empty(t, buf)
}
