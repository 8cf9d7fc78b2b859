package codec

import (
	"math"
	"testing"

	"github.com/fastbase/fastbase/internal/seedref"

	"github.com/stretchr/testify/assert"
)

// The pages below are the bodies of seed-reference transcripts, byte for
// byte.
const (
	// transcripts/error.txt: send_error(404).
	page404 = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: 404</p>
        <p>Message: Not Found.</p>
        <p>Error code explanation: 404 - Nothing matches the given URI.</p>
    </body>
</html>
`
	// transcripts/get_brew.txt: send_error(501, "Unsupported method ('BREW')").
	page501Brew = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: 501</p>
        <p>Message: Unsupported method ('BREW').</p>
        <p>Error code explanation: 501 - Server does not support this operation.</p>
    </body>
</html>
`
	// transcripts/get_too_many_headers.txt:
	// send_error(431, "Too many headers", "got more than 100 headers").
	page431 = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: 431</p>
        <p>Message: Too many headers.</p>
        <p>Error code explanation: 431 - got more than 100 headers.</p>
    </body>
</html>
`
)

// TestErrorPagesAreTheTranscripts checks the pages above against the
// transcripts they were taken from.
func TestErrorPagesAreTheTranscripts(t *testing.T) {
	for name, page := range map[string]string{
		"error.txt":                page404,
		"get_brew.txt":             page501Brew,
		"get_too_many_headers.txt": page431,
	} {
		assert.Equal(t, seedref.Body(name), page, name)
	}
}

// errorPage builds the page with plain string concatenation, as an
// independent reading of the template.
func errorPage(code, message, explain string) string {
	return "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n" +
		"        <meta charset=\"utf-8\">\n        <title>Error response</title>\n" +
		"    </head>\n    <body>\n        <h1>Error response</h1>\n" +
		"        <p>Error code: " + code + "</p>\n" +
		"        <p>Message: " + message + ".</p>\n" +
		"        <p>Error code explanation: " + code + " - " + explain + ".</p>\n" +
		"    </body>\n</html>\n"
}

func TestAppendErrorPageTranscripts(t *testing.T) {
	tests := []struct {
		name             string
		code             int
		message, explain string
		want             string
		wantLen          int // Content-Length in the transcript
	}{
		{"error.txt", 404, "", "", page404, 330},
		{"get_brew.txt", 501, "Unsupported method ('BREW')", "", page501Brew, 357},
		{"get_too_many_headers.txt", 431, "Too many headers", "got more than 100 headers", page431, 333},
		// Passing the defaults explicitly changes nothing.
		{"error.txt explicit", 404, "Not Found", "Nothing matches the given URI", page404, 330},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendErrorPage(nil, tt.code, tt.message, tt.explain)
			assert.Equal(t, tt.want, string(got))
			assert.Len(t, got, tt.wantLen)
			assert.Equal(t, tt.wantLen, ErrorPageLen(tt.code, tt.message, tt.explain))
		})
	}
}

func TestAppendErrorPage(t *testing.T) {
	tests := []struct {
		name             string
		code             int
		message, explain string
		want             string
	}{
		{"defaults", 400, "", "", errorPage("400", "Bad Request", "Bad request syntax or unsupported method")},
		{"414", 414, "", "", errorPage("414", "Request-URI Too Long", "URI is too long")},
		{"teapot", 418, "", "", errorPage("418", "I'm a Teapot", "Server refuses to brew coffee because it is a teapot.")},
		{"known code, empty description", 102, "", "", errorPage("102", "Processing", "")},
		{"unknown code", 599, "", "", errorPage("599", "???", "???")},
		{"unknown code with message", 599, "Odd", "", errorPage("599", "Odd", "???")},
		{"unknown code with explain", 299, "", "why", errorPage("299", "???", "why")},
		{"four-digit code", 1000, "", "", errorPage("1000", "???", "???")},
		{"negative code", -5, "", "", errorPage("-5", "???", "???")},
		{"custom explain", 404, "", "No such page", errorPage("404", "Not Found", "No such page")},
		// html.escape(s, quote=False): & first, then < and >; quotes stay.
		{"escaping", 400, `Bad request syntax ('<a href="x">&amp;</a>')`, "1 < 2 & 3 > 2 's' \"d\"",
			errorPage("400", `Bad request syntax ('&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;')`, "1 &lt; 2 &amp; 3 &gt; 2 's' \"d\"")},
		{"only specials", 400, "&&", "<>",
			errorPage("400", "&amp;&amp;", "&lt;&gt;")},
		{"utf-8 passes through", 400, "Ünïcode ✓", "",
			errorPage("400", "Ünïcode ✓", "Bad request syntax or unsupported method")},
		{"default explain is not escaped twice", 429, "", "",
			errorPage("429", "Too Many Requests", `The user has sent too many requests in a given amount of time ("rate limiting")`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendErrorPage([]byte("prefix"), tt.code, tt.message, tt.explain)
			assert.Equal(t, "prefix"+tt.want, string(got))
			assert.Equal(t, len(tt.want), ErrorPageLen(tt.code, tt.message, tt.explain))
		})
	}
}

func TestErrorPageLenEveryKnownCode(t *testing.T) {
	for _, s := range pythonStatuses {
		page := AppendErrorPage(nil, s.code, "", "")
		assert.Equal(t, errorPage(itoa(s.code), s.text, s.explain), string(page))
		assert.Equal(t, len(page), ErrorPageLen(s.code, "", ""), "code %d", s.code)
	}
}

func TestDecimalLen(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 99, 100, 999, 1000, -1, -9, -10, math.MaxInt64, math.MinInt64} {
		assert.Equal(t, len(itoaInt64(int64(n))), decimalLen(n), "decimalLen(%d)", n)
	}
}

func itoaInt64(n int64) string {
	if n == math.MinInt64 {
		return "-9223372036854775808"
	}
	return itoa(int(n))
}
