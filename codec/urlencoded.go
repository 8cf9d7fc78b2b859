package codec

import (
	"bytes"
	"slices"
	"strconv"
)

// URLEncodedScanner reads the fields of an application/x-www-form-urlencoded
// body (or of a query string) in the order they were sent, repeated names
// kept. Fields are separated by '&' (empty pieces are skipped, as Python's
// parse_qsl skips them); a piece without '=' is a name with an empty value.
// '+' decodes to a space and "%XX" to the byte XX. Unlike parse_qsl,
// fields with blank values are kept, and a '%' that does not start a
// two-digit hex escape is an error rather than literal text: a form that
// says "%zz" was not encoded by a browser, and guessing what it meant hides
// bugs in the client.
//
// Use it as a bufio.Scanner:
//
//	var s codec.URLEncodedScanner
//	s.Reset(body)
//	for s.Next() {
//		use(s.Name(), s.Value())
//	}
//	if err := s.Err(); err != nil { ... }
//
// Fields without escapes are views into the data given to Reset; the others
// are decoded into a buffer the scanner reuses, so a scanner that has grown
// to the longest field it sees does not allocate. A URLEncodedScanner is not
// safe for concurrent use.
type URLEncodedScanner struct {
	// Limits bounds the fields: more than MaxParts of them is an error (400).
	// Change it only before Reset.
	Limits FormLimits

	data        []byte
	pos         int
	count       int
	name, value []byte
	buf         []byte
	err         error
}

// Reset starts scanning data, dropping the state of an earlier scan. data
// must stay unchanged while the scan lasts.
func (s *URLEncodedScanner) Reset(data []byte) {
	s.data, s.pos, s.count = data, 0, 0
	s.name, s.value, s.err = nil, nil, nil
	s.buf = s.buf[:0]
}

// Next advances to the next field and reports whether there is one. It
// returns false at the end of the data or at the first error, which
// [URLEncodedScanner.Err] then returns.
func (s *URLEncodedScanner) Next() bool {
	if s.err != nil {
		return false
	}
	var piece []byte
	for len(piece) == 0 {
		if s.pos >= len(s.data) {
			return false
		}
		rest := s.data[s.pos:]
		end := bytes.IndexByte(rest, '&')
		if end < 0 {
			end = len(rest)
		}
		piece = rest[:end]
		s.pos += end + 1
	}
	s.count++
	if limit := s.Limits.maxParts(); s.count > limit {
		s.err = errTooManyFields(limit)
		return false
	}
	rawName, rawValue, _ := bytes.Cut(piece, []byte{'='})
	s.buf = s.buf[:0]
	nameEnd, valueStart := -1, -1
	if needsFormUnescape(rawName) {
		if s.buf, s.err = AppendFormUnescape(s.buf, rawName); s.err != nil {
			s.err = s.badField(rawName)
			return false
		}
		nameEnd = len(s.buf)
	}
	if needsFormUnescape(rawValue) {
		valueStart = len(s.buf)
		if s.buf, s.err = AppendFormUnescape(s.buf, rawValue); s.err != nil {
			s.err = s.badField(rawValue)
			return false
		}
	}
	// Both are sliced from s.buf only now: decoding the value may have
	// moved the name's bytes.
	s.name, s.value = rawName, rawValue
	if nameEnd >= 0 {
		s.name = s.buf[:nameEnd]
	}
	if valueStart >= 0 {
		s.value = s.buf[valueStart:]
	}
	return true
}

func needsFormUnescape(raw []byte) bool {
	return bytes.IndexByte(raw, '%') >= 0 || bytes.IndexByte(raw, '+') >= 0
}

// badField is the error for a name or value whose escapes do not decode.
func (s *URLEncodedScanner) badField(raw []byte) *Error {
	return &Error{Status: 400, Message: quotedShort("Bad form field", raw),
		Explain: "field " + strconv.Itoa(s.count) + " of the urlencoded form holds a '%' that is not followed by two hex digits"}
}

// Name returns the decoded name of the current field. It is valid until the
// next call of Next or Reset and must not be written to.
func (s *URLEncodedScanner) Name() []byte { return s.name }

// Value returns the decoded value of the current field. It is valid until the
// next call of Next or Reset and must not be written to.
func (s *URLEncodedScanner) Value() []byte { return s.value }

// Err returns the error that stopped the scan, an [*Error] with status 400,
// or nil.
func (s *URLEncodedScanner) Err() error { return s.err }

// AppendFormUnescape appends raw, decoded as a name or value of an
// application/x-www-form-urlencoded form ('+' is a space, "%XX" the byte
// XX), to dst. A '%' that is not followed by two hex digits is an error; dst
// is returned with what was decoded before it.
func AppendFormUnescape(dst, raw []byte) ([]byte, error) { return appendUnescape(dst, raw, true) }

// AppendPathUnescape appends raw with its "%XX" escapes decoded to dst, as
// url.PathUnescape decodes a path ('+' stays '+'). A '%' that is not
// followed by two hex digits is an error; dst is returned with what was
// decoded before it.
func AppendPathUnescape(dst, raw []byte) ([]byte, error) { return appendUnescape(dst, raw, false) }

// appendUnescape decodes "%XX" escapes, and '+' to a space when plusSpace.
func appendUnescape(dst, raw []byte, plusSpace bool) ([]byte, error) {
	// Decoding never lengthens: grow once, then write by index.
	j := len(dst)
	dst = slices.Grow(dst, len(raw))[:j+len(raw)]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '+':
			if plusSpace {
				c = ' '
			}
		case '%':
			if i+2 >= len(raw) || unhex[raw[i+1]] > 15 || unhex[raw[i+2]] > 15 {
				return dst[:j], errBadEscape
			}
			c = unhex[raw[i+1]]<<4 | unhex[raw[i+2]]
			i += 2
		}
		dst[j] = c
		j++
	}
	return dst[:j], nil
}

// errBadEscape is what AppendFormUnescape returns; callers that know where
// the field was say so in an [*Error].
var errBadEscape = &Error{Status: 400, Message: "Bad form field", Explain: "a '%' is not followed by two hex digits"}

// unhex maps hex digits to their value and every other byte to 0xff.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()

func errTooManyFields(limit int) *Error {
	return &Error{Status: 400, Message: "Too many form fields",
		Explain: "got more than " + strconv.Itoa(limit) + " fields"}
}
