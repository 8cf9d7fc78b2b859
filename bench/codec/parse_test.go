// Package codec_test compares request header parsers on identical inputs:
// fastbase's codec.Parser, fasthttp's RequestHeader.Read and net/http's
// ReadRequest.
//
// Every parser gets the whole input already in memory; the ones that read
// from a bufio.Reader get one large enough to hold it, so the numbers compare
// parsing work, not I/O.
package codec_test

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fasthttp"
)

// parser runs one parser over every request of an input. check parses once
// and reports what it saw, so the benchmarks measure parsers that work.
type parser struct {
	name  string
	bench func(b *testing.B, in input)
	check func(t *testing.T, in input)
}

var parsers = []parser{
	{name: "fastbase", bench: benchFastbase, check: checkFastbase},
	{name: "fasthttp", bench: benchFasthttp, check: checkFasthttp},
	{name: "nethttp", bench: benchNetHTTP, check: checkNetHTTP},
}

// readerFor returns a bufio.Reader over in that never needs a second fill.
func readerFor(in input) (*bytes.Reader, *bufio.Reader) {
	r := bytes.NewReader(in.data)
	return r, bufio.NewReaderSize(r, len(in.data)+4096)
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

func benchFasthttp(b *testing.B, in input) {
	r, br := readerFor(in)
	var h fasthttp.RequestHeader
	for b.Loop() {
		r.Reset(in.data)
		br.Reset(r)
		for range in.requests {
			if err := h.Read(br); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func checkFasthttp(t *testing.T, in input) {
	r, br := readerFor(in)
	r.Reset(in.data)
	var h fasthttp.RequestHeader
	for range in.requests {
		require.NoError(t, h.Read(br))
		require.Equal(t, "GET", string(h.Method()))
		require.Equal(t, in.headers, h.Len())
	}
	require.Zero(t, br.Buffered())
}

func benchNetHTTP(b *testing.B, in input) {
	r, br := readerFor(in)
	for b.Loop() {
		r.Reset(in.data)
		br.Reset(r)
		for range in.requests {
			if _, err := http.ReadRequest(br); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func checkNetHTTP(t *testing.T, in input) {
	r, br := readerFor(in)
	r.Reset(in.data)
	for range in.requests {
		req, err := http.ReadRequest(br)
		require.NoError(t, err)
		require.Equal(t, "GET", req.Method)
		// net/http moves Host out of the header map.
		require.Len(t, req.Header, in.headers-1)
	}
	require.Zero(t, br.Buffered())
}

// TestParsersAgree makes sure every benchmarked parser accepts every input
// and sees the same number of requests and fields.
func TestParsersAgree(t *testing.T) {
	for _, in := range inputs {
		for _, p := range parsers {
			t.Run(in.name+"/"+p.name, func(t *testing.T) { p.check(t, in) })
		}
	}
}

// BenchmarkParse reports, per input, one op = the whole input parsed (16
// requests for pipelined16); bytes/s (MB/s, and GB/s) is input bytes.
func BenchmarkParse(b *testing.B) {
	for _, in := range inputs {
		for _, p := range parsers {
			b.Run(in.name+"/"+p.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.data)))
				b.ReportAllocs()
				p.bench(b, in)
				reportGBs(b, len(in.data))
			})
		}
	}
}

// reportGBs adds the input bytes parsed per second in GB/s, the unit parser
// speeds are quoted in, beside go test's MB/s.
func reportGBs(b *testing.B, size int) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/s/1e9, "GB/s")
	}
}
