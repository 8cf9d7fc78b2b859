package codec

import (
	"bytes"
	"strconv"
)

// Defaults of [ChunkedDecoder]'s limits.
const (
	DefaultMaxChunkLineBytes = 4096
	DefaultMaxTrailerBytes   = 64 << 10
)

// maxChunkSize is the largest chunk size a [ChunkedDecoder] accepts: what
// an int64 holds.
const maxChunkSize = 1<<63 - 1

// chunkState says what a [ChunkedDecoder] expects next.
type chunkState uint8

const (
	chunkSizeLine chunkState = iota // chunk-size [ chunk-ext ] CRLF
	chunkData                       // the rest of the current chunk's data
	chunkDataCR                     // the CR after a chunk's data
	chunkDataLF                     // the LF after a chunk's data
	chunkTrailer                    // a trailer field line, or the CRLF that ends the body
	chunkDone                       // the whole body has been read
)

// ChunkedDecoder decodes a chunked request body (RFC 9112 §7.1)
// incrementally. Its zero value is ready to use; call [ChunkedDecoder.Reset]
// between bodies.
//
// Chunk extensions are checked against their grammar and ignored. Trailer
// fields are checked as header fields are and discarded: fastbase gives
// handlers no trailers. Line ends inside the chunked framing must be CRLF;
// the bare LF that [Parser] tolerates in a header block is refused here,
// where recipients that disagree about it can be made to disagree about
// where a body ends.
//
// A ChunkedDecoder is not safe for concurrent use.
type ChunkedDecoder struct {
	// MaxLineBytes bounds a chunk-size line, extensions and CRLF included;
	// a longer one is refused with 400. Zero means
	// [DefaultMaxChunkLineBytes].
	MaxLineBytes int
	// MaxTrailerBytes bounds the trailer section, from the first byte after
	// the last chunk's line to the end of the blank line; a longer one is
	// refused with 431. Zero means [DefaultMaxTrailerBytes].
	MaxTrailerBytes int

	state     chunkState
	remaining int64 // bytes of the current chunk's data not yet decoded
	scanned   int   // bytes of the pending line already searched for LF
	trailer   int   // bytes of the trailer section consumed so far
	err       *Error
}

// Reset makes d ready for the next body. The limits are kept.
func (d *ChunkedDecoder) Reset() {
	d.state, d.remaining, d.scanned, d.trailer, d.err = chunkSizeLine, 0, 0, 0, nil
}

// Decode reads chunked framing from src, appends the body data it holds to
// dst and returns the extended dst, how many bytes of src it consumed, and
// done once the last chunk and the trailer section have been consumed.
//
// A partial chunk-size or trailer line is left unconsumed (n stops before
// it) and must be passed again, with more bytes after it, on the next call;
// the decoder remembers how far it searched that line, so a body fed one
// byte at a time costs O(n) in total. Chunk data may be consumed partially.
// The bytes after a done body (the next pipelined request) are not touched.
//
// Errors are [*Error]s with status 400 (a bad chunk size, a size that does
// not fit an int64, a missing CRLF after chunk data, bad extension or trailer
// syntax, an over-long chunk-size line) or 431 (a trailer section longer than
// MaxTrailerBytes). Once Decode has returned an error, or done, it returns the
// same again, consuming nothing, until Reset.
//
// Decode does not allocate when dst has room for the data.
func (d *ChunkedDecoder) Decode(dst, src []byte) (out []byte, n int, done bool, err error) {
	if d.err != nil {
		return dst, 0, false, d.err
	}
	for {
		var e *Error
		var more bool
		switch d.state {
		case chunkDone:
			return dst, n, true, nil
		case chunkSizeLine:
			n, more, e = d.sizeLine(src, n)
		case chunkData:
			k := int(min(d.remaining, int64(len(src)-n)))
			dst = append(dst, src[n:n+k]...)
			n += k
			if d.remaining -= int64(k); d.remaining > 0 {
				return dst, n, false, nil
			}
			d.state = chunkDataCR
		case chunkDataCR, chunkDataLF:
			n, more, e = d.dataEnd(src, n)
		case chunkTrailer:
			n, more, e = d.trailerLine(src, n)
		}
		if e != nil {
			d.err = e
			return dst, n, false, e
		}
		if more {
			return dst, n, false, nil
		}
	}
}

// dataEnd consumes the CR or LF that must follow a chunk's data at src[n].
func (d *ChunkedDecoder) dataEnd(src []byte, n int) (int, bool, *Error) {
	if n == len(src) {
		return n, true, nil
	}
	want := byte('\r')
	if d.state == chunkDataLF {
		want = '\n'
	}
	if src[n] != want {
		// RFC 9112 §7.1: chunk-data is followed by CRLF. Anything else means
		// the size did not describe the data.
		return n, false, newError(400, "Missing CRLF after chunk data")
	}
	if d.state == chunkDataCR {
		d.state = chunkDataLF
	} else {
		d.state = chunkSizeLine
	}
	return n + 1, false, nil
}

// sizeLine reads the chunk-size line that starts at src[n].
func (d *ChunkedDecoder) sizeLine(src []byte, n int) (int, bool, *Error) {
	limit := positiveOr(d.MaxLineBytes, DefaultMaxChunkLineBytes)
	line, next, e := d.nextLine(src, n, limit)
	if e == errLineLimit {
		return n, false, &Error{Status: 400, Message: "Chunk size line too long",
			Explain: "got more than " + strconv.Itoa(limit) + " bytes when reading a chunk size line"}
	}
	if line == nil || e != nil {
		return n, e == nil, e
	}
	size, e := parseChunkSizeLine(line)
	if e != nil {
		return n, false, e
	}
	switch {
	case size > 0:
		d.state, d.remaining = chunkData, size
	default:
		d.state = chunkTrailer
	}
	return next, false, nil
}

// trailerLine reads the trailer field line, or the blank line that ends the
// body, that starts at src[n].
func (d *ChunkedDecoder) trailerLine(src []byte, n int) (int, bool, *Error) {
	limit := positiveOr(d.MaxTrailerBytes, DefaultMaxTrailerBytes)
	line, next, e := d.nextLine(src, n, limit-d.trailer)
	if e == errLineLimit {
		return n, false, &Error{Status: 431, Message: "Trailer section too long",
			Explain: "got more than " + strconv.Itoa(limit) + " bytes when reading the trailer section"}
	}
	if line == nil || e != nil {
		return n, e == nil, e
	}
	d.trailer += next - n
	if len(line) == 0 {
		d.state = chunkDone
		return next, false, nil
	}
	// RFC 9112 §7.1.2: trailer fields are field lines; fastbase discards
	// them once they are known to be well formed.
	if _, _, e := parseFieldWords(line, 0, len(line), &trailerWords); e != nil {
		return n, false, e
	}
	return next, false, nil
}

// errLineLimit is nextLine's signal that a line did not end within its
// limit; callers replace it with their own error.
var errLineLimit = &Error{Status: 400}

// nextLine finds the CRLF-terminated line that starts at src[n] and must end
// within limit bytes, CRLF included. It returns the line without its CRLF
// and the offset after it; or a nil line and nil error when src holds only
// part of the line; or errLineLimit, or an error for a bare LF.
func (d *ChunkedDecoder) nextLine(src []byte, n, limit int) (line []byte, next int, e *Error) {
	rest := src[n:]
	if d.scanned > len(rest) {
		// The caller gave fewer bytes than before: search again.
		d.scanned = 0
	}
	end := min(len(rest), max(limit, 0))
	lf := -1
	if d.scanned < end {
		if i := bytes.IndexByte(rest[d.scanned:end], '\n'); i >= 0 {
			lf = d.scanned + i
		}
	}
	if lf < 0 {
		if end >= limit {
			d.scanned = 0
			return nil, n, errLineLimit
		}
		d.scanned = end
		return nil, n, nil
	}
	d.scanned = 0
	if lf == 0 || rest[lf-1] != '\r' {
		// RFC 9112 §7.1: every line of the chunked coding ends in CRLF.
		// §2.2's leave to accept a bare LF covers the start line and header
		// fields only; in a body, recipients that differ on it differ on
		// where the body ends (RFC 9112 §11.2).
		return nil, n, newError(400, "Bare LF in chunked body")
	}
	return rest[:lf-1], n + lf + 1, nil
}

// parseChunkSizeLine parses a chunk-size line without its CRLF (RFC 9112
// §7.1): 1*HEXDIG, then chunk extensions, which are checked and ignored.
func parseChunkSizeLine(line []byte) (int64, *Error) {
	var size int64
	i := 0
	for ; i < len(line); i++ {
		v := hexValue(line[i])
		if v < 0 {
			break
		}
		if size > maxChunkSize>>4 {
			return 0, newError(400, quotedShort("Chunk size too large", line[:i+1]))
		}
		size = size<<4 | int64(v)
	}
	if i == 0 {
		return 0, newError(400, quotedShort("Bad chunk size", line))
	}
	if !validChunkExtensions(line[i:]) {
		return 0, newError(400, quotedShort("Bad chunk extension", line[i:]))
	}
	return size, nil
}

// hexValue returns the value of the hex digit c, or -1.
func hexValue(c byte) int {
	if v := unhex[c]; v <= 15 {
		return int(v)
	}
	return -1
}

// validChunkExtensions reports whether b is a list of chunk extensions
// (RFC 9112 §7.1.1):
//
//	chunk-ext     = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//	chunk-ext-val = token / quoted-string
func validChunkExtensions(b []byte) bool {
	for i := 0; i < len(b); {
		i = skipBWS(b, i)
		if i == len(b) || b[i] != ';' {
			return false
		}
		i = skipBWS(b, i+1)
		name := i
		i = skipToken(b, i)
		if i == name {
			return false
		}
		// The BWS before "=" belongs to the value: without a value, the
		// extension ends at its name.
		j := skipBWS(b, i)
		if j == len(b) || b[j] != '=' {
			if j == len(b) && j > i || j < len(b) && b[j] != ';' {
				return false // BWS belongs before ";" or "=", not at the end
			}
			i = j
			continue
		}
		i = skipBWS(b, j+1)
		if i < len(b) && b[i] == '"' {
			i = skipQuotedString(b, i)
		} else {
			value := i
			if i = skipToken(b, i); i == value {
				i = -1
			}
		}
		if i < 0 {
			return false
		}
	}
	return true
}

// skipBWS returns the offset of the first byte at or after i that is not
// SP or HTAB.
func skipBWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// skipToken returns the offset of the first byte at or after i that is not
// a tchar.
func skipToken(b []byte, i int) int {
	for i < len(b) && isToken[b[i]] {
		i++
	}
	return i
}

// skipQuotedString returns the offset after the quoted-string that starts
// at b[i] (RFC 9110 §5.6.4), or -1 if it is not one.
func skipQuotedString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
			if i++; i == len(b) || !isQuotable(b[i]) {
				return -1
			}
		case !isQuotable(c):
			return -1
		}
	}
	return -1
}

// isQuotable reports whether c may appear in a quoted-string, escaped or
// not: HTAB, SP, VCHAR or obs-text (the unescaped '"' and '\' are handled by
// the caller).
func isQuotable(c byte) bool {
	return c == '\t' || c >= ' ' && c != 0x7f
}
