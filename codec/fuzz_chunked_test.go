package codec

import (
	"testing"
)

// FuzzChunked checks that any input gives the same body, the same number of
// bytes consumed and the same outcome fed whole as fed in pieces that end at
// fuzz-chosen offsets, the buffer moving between calls; that Decode never
// panics; and that the body is never longer than what was consumed. The
// seeds, and the rows of TestChunkedDecode, run as ordinary tests.
func FuzzChunked(f *testing.F) {
	seeds := []string{
		"5\r\nhello\r\n0\r\n\r\n",
		"5;a=\"b\\\"c\";d\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Sum: 1\r\n\r\nGET / HTTP/1.1\r\n\r\n",
		"7fffffffffffffff\r\nabc",
		"8000000000000000\r\n",
		"5\nhello\r\n0\r\n\r\n",
		"3\r\nhello\r\n",
		"0\r\nX : 1\r\n\r\n",
		"0\r\nX: 1\r\n 2\r\n\r\n",
	}
	for _, tt := range chunkedTests {
		if len(tt.raw) < 256 {
			seeds = append(seeds, tt.raw)
		}
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint64(i*7919+1), uint8(i))
	}
	f.Fuzz(func(t *testing.T, raw []byte, cuts uint64, limits uint8) {
		if len(raw) > 4096 {
			raw = raw[:4096]
		}
		// Small limits make the limit paths reachable with short inputs.
		var d ChunkedDecoder
		if limits&1 != 0 {
			d.MaxLineBytes = 1 + int(limits>>2)%16
		}
		if limits&2 != 0 {
			d.MaxTrailerBytes = 1 + int(limits>>4)*4
		}
		fresh := d
		body, n, done, err := d.Decode(nil, raw)
		if n < 0 || n > len(raw) || len(body) > n {
			t.Fatalf("consumed %d of %d bytes for a body of %d", n, len(raw), len(body))
		}
		if done && err != nil {
			t.Fatalf("done with an error: %v", err)
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, not *Error", err)
			}
		}
		want := describeChunked(body, n, done, err)
		got := decodePieces(fresh, raw, append([]int{0}, cutOffsets(len(raw), cuts)...))
		if got != want {
			t.Fatalf("fed whole:\n%s\nin pieces:\n%s", want, got)
		}
	})
}
