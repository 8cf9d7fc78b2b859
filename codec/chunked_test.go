package codec

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// describeChunked renders the outcome of decoding as one line: the body
// decoded, the bytes consumed, and "done", "need more" or the error.
func describeChunked(body []byte, n int, done bool, err error) string {
	var e *Error
	switch {
	case errors.As(err, &e):
		s := fmt.Sprintf("%d %s", e.Status, e.Message)
		if e.Explain != "" {
			s += " / " + e.Explain
		}
		return fmt.Sprintf("body=%q n=%d %s", body, n, s)
	case err != nil:
		return "unexpected error " + err.Error()
	case done:
		return fmt.Sprintf("body=%q n=%d done", body, n)
	}
	return fmt.Sprintf("body=%q n=%d need more", body, n)
}

// decodeWhole decodes src given in one piece.
func decodeWhole(d ChunkedDecoder, src []byte) string {
	body, n, done, err := d.Decode(nil, src)
	return describeChunked(body, n, done, err)
}

// decodePieces decodes raw arriving in pieces that end at each of ends (in
// increasing order, the last one len(raw)). Each call gets a fresh buffer
// with the bytes the last call left unconsumed and those that arrived since,
// and the buffer before is overwritten: a decoder that kept a slice of it
// would read garbage. n in the result is the total consumed.
func decodePieces(d ChunkedDecoder, raw []byte, ends []int) string {
	var body, old []byte
	consumed, arrived := 0, 0
	for _, end := range ends {
		arrived = end
		buf := append([]byte(nil), raw[consumed:arrived]...)
		poison(old)
		old = buf
		var n int
		var done bool
		var err error
		body, n, done, err = d.Decode(body, buf)
		consumed += n
		if done || err != nil || end == len(raw) {
			return describeChunked(body, consumed, done, err)
		}
	}
	panic("ends must finish with len(raw)")
}

// checkChunkedSplits asserts that raw gives want fed whole, split in two at
// every offset, and fed one byte at a time.
func checkChunkedSplits(t *testing.T, d ChunkedDecoder, raw []byte, want string) {
	t.Helper()
	require.Equal(t, want, decodeWhole(d, raw), "whole")
	for i := 1; i < len(raw); i++ {
		if got := decodePieces(d, raw, []int{i, len(raw)}); got != want {
			require.Equal(t, want, got, "split at %d", i)
		}
	}
	ends := make([]int, len(raw)+1)
	for i := range ends {
		ends[i] = i
	}
	require.Equal(t, want, decodePieces(d, raw, ends), "one byte at a time")
}

var chunkedTests = []struct {
	name string
	raw  string
	want string
	d    ChunkedDecoder
}{
	// Accepted bodies.
	{name: "one chunk", raw: "5\r\nhello\r\n0\r\n\r\n", want: `body="hello" n=15 done`},
	{name: "two chunks", raw: "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", want: `body="hello world" n=26 done`},
	{name: "empty body", raw: "0\r\n\r\n", want: `body="" n=5 done`},
	{name: "hex sizes any case", raw: "a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n", want: `body="0123456789abcdefghij" n=35 done`},
	{name: "leading zeros", raw: "0005\r\nhello\r\n000\r\n\r\n", want: `body="hello" n=20 done`},
	{name: "size with 15 significant digits after zeros", raw: "00000000000000000001\r\nx\r\n0\r\n\r\n", want: `body="x" n=30 done`},
	{name: "data holds CRLF", raw: "4\r\n\r\n\r\n\r\n0\r\n\r\n", want: `body="\r\n\r\n" n=14 done`},
	{name: "bytes after the body untouched", raw: "1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n", want: `body="a" n=11 done`},
	// RFC 9112 §7.1.1: extensions are parsed and ignored.
	{name: "extension", raw: "5;name\r\nhello\r\n0\r\n\r\n", want: `body="hello" n=20 done`},
	{name: "extension with token value", raw: "5;a=b;c=d\r\nhello\r\n0;e=f\r\n\r\n", want: `body="hello" n=27 done`},
	{name: "extension BWS", raw: "5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n", want: `body="hello" n=27 done`},
	{name: "extension quoted value", raw: "5;a=\"x y;\\\"z\\\\\"\r\nhello\r\n0\r\n\r\n", want: `body="hello" n=29 done`},
	{name: "extension quoted obs-text", raw: "1;a=\"\xff\"\r\nx\r\n0\r\n\r\n", want: `body="x" n=17 done`},
	// RFC 9112 §7.1.2: trailers are checked and discarded.
	{name: "trailers", raw: "5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-B:\t2 \r\n\r\n", want: `body="hello" n=34 done`},
	{name: "empty trailer value", raw: "0\r\nX:\r\n\r\n", want: `body="" n=9 done`},

	// Incomplete bodies.
	{name: "nothing", raw: "", want: `body="" n=0 need more`},
	{name: "size line partial", raw: "5", want: `body="" n=0 need more`},
	{name: "size line without LF", raw: "5\r", want: `body="" n=0 need more`},
	{name: "data partial", raw: "5\r\nhel", want: `body="hel" n=6 need more`},
	{name: "CR after data", raw: "5\r\nhello\r", want: `body="hello" n=9 need more`},
	{name: "trailer partial", raw: "0\r\nX-A: 1\r\nX-B", want: `body="" n=11 need more`},
	{name: "no final CRLF", raw: "0\r\n", want: `body="" n=3 need more`},
	{name: "final CR only", raw: "0\r\n\r", want: `body="" n=3 need more`},

	// Bad chunk sizes (RFC 9112 §7.1).
	{name: "empty size", raw: "\r\nhello\r\n", want: `body="" n=0 400 Bad chunk size ('')`},
	{name: "not hex", raw: "g\r\n", want: `body="" n=0 400 Bad chunk size ('g')`},
	{name: "sign", raw: "+5\r\nhello\r\n0\r\n\r\n", want: `body="" n=0 400 Bad chunk size ('+5')`},
	{name: "negative", raw: "-1\r\n", want: `body="" n=0 400 Bad chunk size ('-1')`},
	{name: "0x prefix", raw: "0x5\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension ('x5')`},
	{name: "leading space", raw: " 5\r\nhello\r\n", want: `body="" n=0 400 Bad chunk size (' 5')`},
	{name: "trailing space", raw: "5 \r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (' ')`},
	{name: "overflow", raw: "8000000000000000\r\n", want: `body="" n=0 400 Chunk size too large ('8000000000000000')`},
	{name: "overflow 17 digits", raw: "10000000000000000\r\n", want: `body="" n=0 400 Chunk size too large ('10000000000000000')`},
	{name: "largest size", raw: "7fffffffffffffff\r\nab", want: `body="ab" n=20 need more`},
	{name: "size line too long", raw: "1;a=" + strings.Repeat("b", 4092) + "\r\n",
		want: `body="" n=0 400 Chunk size line too long / got more than 4096 bytes when reading a chunk size line`},
	{name: "size line at the limit", raw: "1;a=" + strings.Repeat("b", 4090) + "\r\nx\r\n0\r\n\r\n", want: `body="x" n=4104 done`},
	{name: "MaxLineBytes", raw: "1;ab\r\nx\r\n0\r\n\r\n", d: ChunkedDecoder{MaxLineBytes: 5},
		want: `body="" n=0 400 Chunk size line too long / got more than 5 bytes when reading a chunk size line`},
	{name: "MaxLineBytes exact", raw: "1;a\r\nx\r\n0\r\n\r\n", d: ChunkedDecoder{MaxLineBytes: 5}, want: `body="x" n=13 done`},

	// Line ends and the CRLF after data.
	{name: "bare LF after size", raw: "5\nhello\r\n0\r\n\r\n", want: `body="" n=0 400 Bare LF in chunked body`},
	{name: "bare LF in last chunk line", raw: "0\n\r\n", want: `body="" n=0 400 Bare LF in chunked body`},
	{name: "bare LF ends trailers", raw: "0\r\n\n", want: `body="" n=3 400 Bare LF in chunked body`},
	{name: "bare LF after trailer", raw: "0\r\nX: 1\n\r\n", want: `body="" n=3 400 Bare LF in chunked body`},
	{name: "data longer than size", raw: "3\r\nhello\r\n0\r\n\r\n", want: `body="hel" n=6 400 Missing CRLF after chunk data`},
	{name: "data shorter than size", raw: "6\r\nhello\r\n0\r\n\r\n", want: `body="hello\r" n=9 400 Missing CRLF after chunk data`},
	{name: "CR without LF after data", raw: "5\r\nhelloX\n", want: `body="hello" n=8 400 Missing CRLF after chunk data`},
	{name: "LF only after data", raw: "5\r\nhello\n0\r\n\r\n", want: `body="hello" n=8 400 Missing CRLF after chunk data`},
	{name: "CR CR after data", raw: "5\r\nhello\r\r\n", want: `body="hello" n=9 400 Missing CRLF after chunk data`},

	// Bad extensions (RFC 9112 §7.1.1).
	{name: "empty extension", raw: "5;\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';')`},
	{name: "extension name not a token", raw: "5;a@b\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a@b')`},
	{name: "extension empty value", raw: "5;a=\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a=')`},
	{name: "extension trailing space", raw: "5;a \r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a ')`},
	{name: "extension value trailing space", raw: "5;a=b \r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a=b ')`},
	{name: "extension two names", raw: "5;a b\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a b')`},
	{name: "extension unterminated quote", raw: "5;a=\"b\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a="b')`},
	{name: "extension quoted CTL", raw: "5;a=\"\x01\"\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a="\x01"')`},
	{name: "extension bare CR", raw: "5;a=b\rc\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a=b\rc')`},
	{name: "extension NUL", raw: "5;\x00\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';\x00')`},
	{name: "extension escape at end", raw: "5;a=\"\\\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension (';a="\\')`},
	{name: "extension without semicolon", raw: "5a=b\r\nhello\r\n", want: `body="" n=0 400 Bad chunk extension ('=b')`},

	// Bad trailers, checked as header fields are (RFC 9112 §7.1.2, §5).
	{name: "trailer without colon", raw: "0\r\nX\r\n\r\n", want: `body="" n=3 400 Trailer line without colon ('X')`},
	{name: "trailer whitespace before colon", raw: "0\r\nX : 1\r\n\r\n", want: `body="" n=3 400 Whitespace before colon in trailer ('X ')`},
	{name: "trailer folded", raw: "0\r\nX: 1\r\n 2\r\n\r\n", want: `body="" n=9 400 Folded trailer line (' 2')`},
	{name: "trailer bad name", raw: "0\r\nX(1): 1\r\n\r\n", want: `body="" n=3 400 Bad trailer name ('X(1)')`},
	{name: "trailer NUL in value", raw: "0\r\nX: a\x00b\r\n\r\n", want: `body="" n=3 400 Bad trailer value ('X')`},
	{name: "trailer bare CR in value", raw: "0\r\nX: a\rb\r\n\r\n", want: `body="" n=3 400 Bad trailer value ('X')`},
	{name: "trailer section too long", raw: "0\r\nX: " + strings.Repeat("v", 100) + "\r\n\r\n", d: ChunkedDecoder{MaxTrailerBytes: 64},
		want: `body="" n=3 431 Trailer section too long / got more than 64 bytes when reading the trailer section`},
	{name: "trailer section too long over lines", raw: "0\r\nX: 123456\r\nY: 123456\r\n\r\n", d: ChunkedDecoder{MaxTrailerBytes: 23},
		want: `body="" n=25 431 Trailer section too long / got more than 23 bytes when reading the trailer section`},
	{name: "trailer section at the limit", raw: "0\r\nX: 123456\r\nY: 123456\r\n\r\n", d: ChunkedDecoder{MaxTrailerBytes: 24},
		want: `body="" n=27 done`},
	{name: "trailer section default limit", raw: "0\r\nX: " + strings.Repeat("v", 65536) + "\r\n\r\n",
		want: `body="" n=3 431 Trailer section too long / got more than 65536 bytes when reading the trailer section`},
}

func TestChunkedDecode(t *testing.T) {
	for _, tt := range chunkedTests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			if len(raw) > 8192 {
				// Long rows: whole and a sample of splits.
				require.Equal(t, tt.want, decodeWhole(tt.d, raw), "whole")
				for i := 1; i < len(raw); i += 509 {
					require.Equal(t, tt.want, decodePieces(tt.d, raw, []int{i, len(raw)}), "split at %d", i)
				}
				return
			}
			checkChunkedSplits(t, tt.d, raw, tt.want)
		})
	}
}

// TestChunkedDoneAndErrorAreSticky checks that a finished or failed decoder
// consumes nothing more until Reset, and that Reset keeps the limits.
func TestChunkedDoneAndErrorAreSticky(t *testing.T) {
	d := ChunkedDecoder{MaxLineBytes: 8}
	body, n, done, err := d.Decode(nil, []byte("1\r\na\r\n0\r\n\r\n1\r\nb\r\n"))
	require.NoError(t, err)
	require.True(t, done)
	assert.Equal(t, 11, n)
	assert.Equal(t, "a", string(body))
	_, n, done, err = d.Decode(nil, []byte("1\r\nb\r\n"))
	assert.NoError(t, err)
	assert.True(t, done)
	assert.Zero(t, n)

	d.Reset()
	_, _, _, err = d.Decode(nil, []byte("zz\r\n"))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.Status)
	_, n, _, err2 := d.Decode(nil, []byte("1\r\na\r\n0\r\n\r\n"))
	assert.Same(t, err, err2)
	assert.Zero(t, n)

	d.Reset()
	assert.Equal(t, 8, d.MaxLineBytes)
	body, n, done, err = d.Decode(body[:0], []byte("1\r\nc\r\n0\r\n\r\n"))
	require.NoError(t, err)
	assert.True(t, done)
	assert.Equal(t, 11, n)
	assert.Equal(t, "c", string(body))
}

// TestChunkedLinear proves that a long trailer fed one byte per call is
// searched once, not once per call: a quadratic decoder would take minutes.
func TestChunkedLinear(t *testing.T) {
	raw := []byte("0\r\nX: " + strings.Repeat("v", 60000) + "\r\n\r\n")
	var d ChunkedDecoder
	pending := 0 // start of the bytes not consumed yet
	for end := 1; end <= len(raw); end++ {
		_, n, done, err := d.Decode(nil, raw[pending:end])
		require.NoError(t, err)
		pending += n
		if done {
			assert.Equal(t, len(raw), end)
			return
		}
	}
	t.Fatal("not done")
}

// TestChunkedShorterBuffer checks that a caller who gives fewer bytes than
// before gets a fresh search, not a panic.
func TestChunkedShorterBuffer(t *testing.T) {
	var d ChunkedDecoder
	_, n, _, err := d.Decode(nil, []byte("0\r\nX-Long-Trailer"))
	require.NoError(t, err)
	require.Equal(t, 3, n)
	_, n, done, err := d.Decode(nil, []byte("\r\n"))
	require.NoError(t, err)
	assert.True(t, done)
	assert.Equal(t, 2, n)
}
