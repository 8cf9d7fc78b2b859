package codec

import (
	"testing"
)

// FuzzParser checks that any input gives the same result fed whole as fed in
// pieces that end at fuzz-chosen offsets, the buffer growing and moving
// between calls, and that Parse never panics.
func FuzzParser(f *testing.F) {
	seeds := []string{
		techEmpowerRequest,
		browserRequest,
		"GET /?foo=bar\r\n\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n\r\n",
		"GET //x?y HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\nGET / HTTP/1.1\r\n\r\n",
		"\r\n\r\nGET http://h/p HTTP/1.1\r\nHost: h\r\nHost: h\r\n\r\n",
		"GET / x HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nA\x00: b\r\n c\r\n\r\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint64(i*7919+1), uint8(i))
	}
	f.Fuzz(func(t *testing.T, raw []byte, cuts uint64, limits uint8) {
		// Small limits make the limit paths reachable with short inputs.
		var l Limits
		if limits&1 != 0 {
			l = Limits{MaxRequestLine: 40, MaxHeaderLine: 20, MaxHeaders: 4}
		}
		if limits&2 != 0 {
			l.MaxHeaderBytes = 64
		}
		want := parseWhole(l, raw)
		got := parsePieces(l, raw, cutOffsets(len(raw), cuts), true)
		if got != want {
			t.Fatalf("fed whole: %s\nin pieces: %s", want, got)
		}
	})
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
