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

// Error returns "codec: " followed by the status and the message, or the
// status text when the message is empty.
func (e *Error) Error() string {
	message := e.Message
	if message == "" {
		message = StatusText(e.Status)
	}
	return "codec: " + strconv.Itoa(e.Status) + " " + message
}

func newError(status int, message string) *Error {
	return &Error{Status: status, Message: message}
}

// msgBadSyntax is http.server's message for a request line it cannot split
// into two or three words.
const msgBadSyntax = "Bad request syntax"

// errRequestLineTooLong is http.server's 414: its message and explanation
// are the defaults, and the log shows an empty request line.
func errRequestLineTooLong() *Error {
	return &Error{Status: 414}
}

// errLineTooLong is http.client's LineTooLong("header line") as http.server
// reports it.
func errLineTooLong(limit int) *Error {
	return &Error{Status: 431, Message: "Line too long",
		Explain: "got more than " + strconv.Itoa(limit) + " bytes when reading header line"}
}

// errTooManyHeaders is http.client's "got more than 100 headers" as
// http.server reports it.
func errTooManyHeaders(limit int) *Error {
	return &Error{Status: 431, Message: "Too many headers",
		Explain: "got more than " + strconv.Itoa(limit) + " headers"}
}

// errHeaderBlock refuses a header block longer than Limits.MaxHeaderBytes,
// in the words of the two http.server messages above.
func errHeaderBlock(limit int) *Error {
	return &Error{Status: 431, Message: "Header block too long",
		Explain: "got more than " + strconv.Itoa(limit) + " bytes when reading the header block"}
}

// maxQuoted bounds the client bytes quoted in a message about a header
// field, so that a 64 KiB line does not become a 64 KiB reason phrase.
const maxQuoted = 64

// quotedShort is quoted with detail cut to maxQuoted bytes and "..." added
// after the closing quote when it was cut.
func quotedShort(message string, detail []byte) string {
	if len(detail) <= maxQuoted {
		return quoted(message, detail)
	}
	return message + " (" + pyRepr(detail[:maxQuoted]) + "...)"
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
