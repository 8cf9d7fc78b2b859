package codec

import "strconv"

// ErrorContentType is the Content-Type of the page [AppendErrorPage] builds:
// http.server's DEFAULT_ERROR_CONTENT_TYPE.
const ErrorContentType = "text/html;charset=utf-8"

// unknownStatus is what send_error uses for both the message and the
// explanation of a code that is not an http.HTTPStatus member.
const unknownStatus = "???"

// The pieces of http.server's DEFAULT_ERROR_MESSAGE around its four
// substitutions: %(code)d, %(message)s, %(code)s and %(explain)s. The third
// one really is %(code)s in CPython; for an int it prints the same digits.
const (
	errorPage0 = "<!DOCTYPE HTML>\n" +
		"<html lang=\"en\">\n" +
		"    <head>\n" +
		"        <meta charset=\"utf-8\">\n" +
		"        <title>Error response</title>\n" +
		"    </head>\n" +
		"    <body>\n" +
		"        <h1>Error response</h1>\n" +
		"        <p>Error code: "
	errorPage1 = "</p>\n" +
		"        <p>Message: "
	errorPage2 = ".</p>\n" +
		"        <p>Error code explanation: "
	errorPage3 = " - "
	errorPage4 = ".</p>\n" +
		"    </body>\n" +
		"</html>\n"

	errorPageFixedLen = len(errorPage0) + len(errorPage1) + len(errorPage2) + len(errorPage3) + len(errorPage4)
)

// AppendErrorPage appends to dst the HTML page http.server's send_error
// writes for code (DEFAULT_ERROR_MESSAGE) and returns the extended slice.
// The page is sent with Content-Type [ErrorContentType], and only when
// [BodyAllowed](code).
//
// An empty message means [StatusText](code) and an empty explain means
// [StatusExplain](code); for a code that is not an http.HTTPStatus member
// both default to "???", as in Python. Both are HTML-escaped like Python's
// html.escape(s, quote=False): only &, < and > are replaced. They are
// otherwise copied as they are, so they should be UTF-8, which is what
// Python encodes the page in.
//
// The message is also the reason phrase of the status line Python sends with
// the page; for an unknown code that is "???", not the empty reason
// [AppendStatusLine] defaults to.
func AppendErrorPage(dst []byte, code int, message, explain string) []byte {
	message, explain = errorPageTexts(code, message, explain)
	dst = append(dst, errorPage0...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, errorPage1...)
	dst = appendHTMLEscaped(dst, message)
	dst = append(dst, errorPage2...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, errorPage3...)
	dst = appendHTMLEscaped(dst, explain)
	return append(dst, errorPage4...)
}

// ErrorPageLen returns len(AppendErrorPage(nil, code, message, explain))
// without building the page, for the Content-Length header that precedes it.
func ErrorPageLen(code int, message, explain string) int {
	message, explain = errorPageTexts(code, message, explain)
	return errorPageFixedLen + 2*decimalLen(code) + htmlEscapedLen(message) + htmlEscapedLen(explain)
}

// errorPageTexts fills in send_error's defaults for message and explain.
func errorPageTexts(code int, message, explain string) (string, string) {
	s, known := lookupStatus(code)
	if !known {
		s = statusInfo{text: unknownStatus, explain: unknownStatus}
	}
	if message == "" {
		message = s.text
	}
	if explain == "" {
		explain = s.explain
	}
	return message, explain
}

// appendHTMLEscaped appends s with &, < and > replaced by their entities,
// which is html.escape(s, quote=False).
func appendHTMLEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var entity string
		switch s[i] {
		case '&':
			entity = "&amp;"
		case '<':
			entity = "&lt;"
		case '>':
			entity = "&gt;"
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, entity...)
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// htmlEscapedLen returns len(appendHTMLEscaped(nil, s)).
func htmlEscapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			n += len("&amp;") - 1
		case '<', '>':
			n += len("&lt;") - 1
		}
	}
	return n
}

// decimalLen returns len(strconv.AppendInt(nil, int64(n), 10)).
func decimalLen(n int) int {
	l := 1
	u := uint64(n)
	if n < 0 {
		l++
		u = -u
	}
	for ; u >= 10; u /= 10 {
		l++
	}
	return l
}
