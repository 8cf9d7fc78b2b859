package handler

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseErrorTranscripts parses the transcripts' malformed requests with
// codec's parser and answers them as the engine does: a bare page until the
// version word has been accepted, a full response for 414 and for header
// errors.
func TestParseErrorTranscripts(t *testing.T) {
	const head = "Server: BaseHTTP/0.6 Python/3.11.7\n" +
		"Date: Mon, 23 Nov 2026 21:23:57 GMT\n" +
		"Connection: close\n" +
		"Content-Type: text/html;charset=utf-8\n"
	const prefix = "127.0.0.1 - - [23/Nov/2026 21:23:57] "
	tooMany := make([]string, 101)
	for i := range tooMany {
		tooMany[i] = "X-H" + itoa(i) + ": v"
	}
	tests := []struct {
		name     string
		line     string
		headers  []string
		wantHead string // "" where http.server sends a bare page: fastbase sends a full response there
		wantPage string // the message and explanation lines; "" for no page
		wantLog  string
	}{
		{"get_raw_http09_post.txt", "POST /", nil, "",
			"<p>Message: Bad HTTP/0.9 request type ('POST').</p>\n        <p>Error code explanation: 400 - Bad request syntax or unsupported method.</p>",
			prefix + "code 400, message Bad HTTP/0.9 request type ('POST')\n" + prefix + `"POST /" 400 366` + "\n"},
		{"get_raw_bad_version.txt", "GET / FOO/1.0", nil, "",
			"<p>Message: Bad request version ('FOO/1.0').</p>",
			prefix + "code 400, message Bad request version ('FOO/1.0')\n" + prefix + `"GET / FOO/1.0" 400 363` + "\n"},
		{"get_raw_four_words.txt", "GET / HTTP/1.1 extra", nil, "",
			"<p>Message: Bad request version ('extra').</p>",
			prefix + "code 400, message Bad request version ('extra')\n" + prefix + `"GET / HTTP/1.1 extra" 400 361` + "\n"},
		{"get_raw_four_words_valid_version.txt", "GET / x HTTP/1.1", nil,
			"HTTP/1.0 400 Bad request syntax ('GET / x HTTP/1.1')\n" + head + "Content-Length: 371\n\n",
			"<p>Message: Bad request syntax ('GET / x HTTP/1.1').</p>",
			prefix + "code 400, message Bad request syntax ('GET / x HTTP/1.1')\n" + prefix + `"GET / x HTTP/1.1" 400 371` + "\n"},
		{"get_raw_garbage.txt", "GARBAGE", nil, "",
			"<p>Message: Bad request syntax ('GARBAGE').</p>",
			prefix + "code 400, message Bad request syntax ('GARBAGE')\n" + prefix + `"GARBAGE" 400 362` + "\n"},
		{"get_raw_http2.txt", "GET / HTTP/2.0", nil, "",
			"<p>Message: Invalid HTTP version (2.0).</p>\n        <p>Error code explanation: 505 - Cannot fulfill request.</p>",
			prefix + "code 505, message Invalid HTTP version (2.0)\n" + prefix + `"GET / HTTP/2.0" 505 340` + "\n"},
		{"get_uri_too_long_raw.txt", "GET /" + strings.Repeat("a", 65536) + " HTTP/1.1", nil,
			"HTTP/1.0 414 Request-URI Too Long\n" + head + "Content-Length: 327\n\n",
			"<p>Message: Request-URI Too Long.</p>\n        <p>Error code explanation: 414 - URI is too long.</p>",
			prefix + "code 414, message Request-URI Too Long\n" + prefix + `"" 414 327` + "\n"},
		{"get_too_many_headers.txt", "GET / HTTP/1.1", tooMany,
			"HTTP/1.0 431 Too many headers\n" + head + "Content-Length: 333\n\n",
			"<p>Message: Too many headers.</p>\n        <p>Error code explanation: 431 - got more than 100 headers.</p>",
			prefix + "code 431, message Too many headers\n" + prefix + `"GET / HTTP/1.1" 431 333` + "\n"},
		{"431 on HEAD: head only", "HEAD / HTTP/1.1", tooMany,
			"HTTP/1.0 431 Too many headers\n" + head + "Content-Length: 333\n\n", "",
			prefix + "code 431, message Too many headers\n" + prefix + `"HEAD / HTTP/1.1" 431 0` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, e := parse(tt.line, tt.headers...)
			require.NotNil(t, e)
			x := serveParseError(t, seedStyle(New()), req, e, at(21, 23, 57))
			wantHead := tt.wantHead
			if wantHead == "" {
				wantHead = "HTTP/1.0 " + itoa(e.Status) + " " + e.Message + "\n" + head +
					"Content-Length: " + itoa(len(page(e.Status, e.Message, e.Explain))) + "\n\n"
			}
			head := crlf(wantHead)
			require.True(t, strings.HasPrefix(x.out, head), "%q", x.out[:min(len(x.out), 200)])
			if tt.wantPage == "" {
				assert.Equal(t, head, x.out)
			} else {
				assert.Equal(t, page(e.Status, e.Message, e.Explain), x.out[len(head):])
				assert.Contains(t, x.out, tt.wantPage)
			}
			assert.False(t, x.keep)
			assert.Equal(t, tt.wantLog, x.log)
		})
	}
}
