package codec

import "unsafe"

// The rules below are the parser's own, exported for the response side
// (package handler) and the engine, so that each byte rule has one
// implementation.

// EqualFold reports whether b equals s ignoring ASCII case (field names,
// tokens). It does not allocate.
func EqualFold(b []byte, s string) bool { return equalFold(b, s) }

// EqualFoldString is [EqualFold] for a string.
func EqualFoldString(a, s string) bool { return equalFold(stringBytes(a), s) }

// IndexBadFieldByte returns the index of the first byte of s that may not
// appear in a field value or a reason phrase, or -1 when there is none:
// control characters other than HTAB, and DEL (RFC 9110 §5.5, RFC 9112
// §4). CR and LF are among them, so a value that passes cannot split a
// message.
func IndexBadFieldByte(s string) int { return indexBadFieldByte(stringBytes(s)) }

// BlankBadFieldBytes replaces every byte of b that [IndexBadFieldByte]
// would find with a space, in place.
func BlankBadFieldBytes(b []byte) {
	for {
		i := indexBadFieldByte(b)
		if i < 0 {
			return
		}
		b[i] = ' '
		b = b[i+1:]
	}
}

// indexBadFieldByte is [IndexBadFieldByte] over bytes: indexCTL's search,
// resumed past every HTAB.
func indexBadFieldByte(b []byte) int {
	off := 0
	for {
		i := indexCTL(b[off:])
		if i < 0 {
			return -1
		}
		if b[off+i] != '\t' {
			return off + i
		}
		off += i + 1
	}
}

// ParseContentLength parses a Content-Length value as the parser does:
// 1*DIGIT, leading zeros allowed, at most the largest int64.
func ParseContentLength(b []byte) (int64, bool) { return parseContentLength(b) }

// IsToken reports whether s is a token (RFC 9110 §5.6.2), as a method and
// a field name must be, by the parser's own table.
func IsToken(s string) bool { return isTokenString(stringBytes(s)) }

// ConnectionOptions reports whether a Connection field value, a
// comma-separated list of options in any case (RFC 9110 §7.6.1), holds
// "close" and whether it holds "keep-alive". value must be a valid field
// value (see [IndexBadFieldByte]).
func ConnectionOptions(value []byte) (close, keepAlive bool) {
	var f framing
	f.connectionOptions(value)
	return f.connClose, f.connKeepAlive
}

// stringBytes is a read-only view of s's bytes; the functions above only
// read it.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
