package codec

import (
	"errors"
	"strconv"
)

// ErrNeedMore is returned by [Parser.Parse] when the bytes so far are a valid
// prefix of a request but not a whole header block. Call again with the same
// bytes plus whatever arrives next.
var ErrNeedMore = errors.New("codec: need more data")

// Error is a request the server must refuse. It carries the HTTP status to
// answer with, so callers never map error strings to statuses.
type Error struct {
	// Status is the HTTP status code of the answer, e.g. 400 or 431.
	Status int
	// Message is http.server's message: the reason phrase of the status line and
	// the "Message:" line of the error page, e.g. "Bad request version ('FOO/1.0')".
	Message string
	// Explain is the page's explanation; empty means [StatusExplain] of Status.
	Explain string
}

func (e *Error) Error() string {
	return "codec: " + strconv.Itoa(e.Status) + " " + e.Message
}

func newError(status int, message string) *Error {
	return &Error{Status: status, Message: message}
}

// quoted formats message + " (" + repr(detail) + ")" the way http.server formats
// "Bad request version (%r)". Only error paths call it.
func quoted(message string, detail []byte) string {
	return message + " (" + pyRepr(detail) + ")"
}

// pyRepr renders b, decoded as ISO-8859-1, the way Python's repr() renders a str:
// single quotes unless the text holds a single quote and no double quote, and
// backslash escapes for the quote, backslash and unprintable characters.
func pyRepr(b []byte) string {
	quote := byte('\'')
	hasSingle, hasDouble := false, false
	for _, c := range b {
		hasSingle = hasSingle || c == '\''
		hasDouble = hasDouble || c == '"'
	}
	if hasSingle && !hasDouble {
		quote = '"'
	}
	out := make([]byte, 0, len(b)+2)
	out = append(out, quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			out = append(out, '\\', c)
		case c == '\t':
			out = append(out, '\\', 't')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c < 0x20 || (c >= 0x7f && c < 0xa1) || c == 0xad:
			const hex = "0123456789abcdef"
			out = append(out, '\\', 'x', hex[c>>4], hex[c&15])
		case c < 0x80:
			out = append(out, c)
		default:
			out = append(out, 0xc0|c>>6, 0x80|c&0x3f) // ISO-8859-1 to UTF-8
		}
	}
	return string(append(out, quote))
}
