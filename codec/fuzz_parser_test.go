package codec

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParser checks that any input, taken as a stream of pipelined header
// blocks, gives the same results fed whole as fed in pieces that end at
// fuzz-chosen offsets, the buffer moving between calls, and the same with
// the portable line scanner as with the vectorised one; and that Parse
// never panics. The seeds run as ordinary tests.
func FuzzParser(f *testing.F) {
	seeds := []string{
		techEmpowerRequest,
		browserRequest,
		techEmpowerRequest + "GET /2 HTTP/1.0\r\n\r\nGET /3\r\n\r\nBAD\r\n\r\n",
		"GET /?foo=bar\r\n\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n\r\n",
		"GET //x?y HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\nGET / HTTP/1.1\r\n\r\n",
		"\r\n\r\nGET http://h/p HTTP/1.1\r\nHost: h\r\nHost: h\r\n\r\n",
		"GET / x HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nA\x00: b\r\n c\r\n\r\n",
		"GET\t/a\vHTTP/1.1\r\r\nX: \t1\t\r\nY:2\n\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint64(i*7919+1), uint8(i))
	}
	f.Fuzz(func(t *testing.T, raw []byte, cuts uint64, limits uint8) {
		// Piecewise feeding copies the buffer on every call; keep that
		// quadratic cost small.
		if len(raw) > 2048 {
			raw = raw[:2048]
		}
		// Small limits make the limit paths reachable with short inputs.
		var l Limits
		if limits&1 != 0 {
			l = Limits{MaxRequestLine: 40, MaxHeaderLine: 20, MaxHeaders: 4}
		}
		if limits&2 != 0 {
			l.MaxHeaderBytes = 64
		}
		want := streamWhole(l, raw)
		got := streamPieces(l, raw, cutOffsets(len(raw), cuts))
		if got != want {
			t.Fatalf("fed whole:\n%s\nin pieces:\n%s", want, got)
		}
		// The portable line scanner gives what the vectorised one gives.
		withScan(scanImpl{name: "go"}, func() { got = streamWhole(l, raw) })
		if got != want {
			t.Fatalf("with the vectorised scanner:\n%s\nwith the portable one:\n%s", want, got)
		}
	})
}

// streamWhole parses raw, held whole in one buffer, as a stream of header
// blocks, and describes each result, up to the first that is not a request.
func streamWhole(limits Limits, raw []byte) string {
	p := Parser{Limits: limits}
	var req Request
	var out []string
	for rest := raw; len(rest) > 0; {
		n, err := p.Parse(rest, &req)
		out = append(out, describe(rest, n, err, &req))
		if err != nil {
			break
		}
		rest = rest[n:]
	}
	return strings.Join(out, "\n")
}

// streamPieces is streamWhole for raw arriving in pieces that end at each of
// ends, the last one len(raw). Each call gets a fresh copy of the bytes that
// arrived since the last request, and the copy before is overwritten.
func streamPieces(limits Limits, raw []byte, ends []int) string {
	p := Parser{Limits: limits}
	var req Request
	var out []string
	var old []byte
	consumed := 0
	for _, end := range ends {
		for consumed < end {
			buf := append([]byte(nil), raw[consumed:end]...)
			poison(old)
			old = buf
			n, err := p.Parse(buf, &req)
			if errors.Is(err, ErrNeedMore) && end < len(raw) {
				break
			}
			out = append(out, describe(raw[consumed:], n, err, &req))
			if err != nil {
				return strings.Join(out, "\n")
			}
			consumed += n
		}
	}
	return strings.Join(out, "\n")
}

// cutOffsets turns the bits of cuts into increasing offsets in (0, n], the
// last one n: each byte of cuts is a step of 1 to 256 bytes, and the steps
// repeat until the input is used up.
func cutOffsets(n int, cuts uint64) []int {
	var ends []int
	for end, i := 0, 0; ; i = (i + 1) % 8 {
		end += int(cuts>>(8*i)&0xff) + 1
		if end >= n {
			return append(ends, n)
		}
		ends = append(ends, end)
	}
}
