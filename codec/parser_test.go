package codec

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// describe renders the outcome of a Parse call as one line, so that table
// rows can state it and split feeds can be compared with whole ones. raw is
// the whole input; n is shown only when the block did not take all of it.
//
// A parsed request reads
//
//	METHOD TARGET PROTO path=P query=Q MAJOR.MINOR [ka] [chunked] [100c] [cl=N] [host=H] | Name: Value | ...
//
// and a refusal
//
//	STATUS MESSAGE [/ EXPLAIN] {line=... proto=... method=...}
//
// where the braces hold what the error page and the access log get.
func describe(raw []byte, n int, err error, req *Request) string {
	var b strings.Builder
	var e *Error
	switch {
	case errors.Is(err, ErrNeedMore):
		return "need more"
	case errors.As(err, &e):
		fmt.Fprintf(&b, "%d %s", e.Status, e.Message)
		if e.Explain != "" {
			fmt.Fprintf(&b, " / %s", e.Explain)
		}
		fmt.Fprintf(&b, " {line=%q proto=%s method=%s}", req.RequestLine, req.Proto, req.Method)
		return b.String()
	case err != nil:
		return "unexpected error " + err.Error()
	}
	fmt.Fprintf(&b, "%s %s %s path=%s query=%s %d.%d", req.Method, req.Target, req.Proto, req.Path, req.Query, req.Major, req.Minor)
	for _, flag := range []struct {
		on   bool
		name string
	}{{req.KeepAlive, "ka"}, {req.Chunked, "chunked"}, {req.Expect100, "100c"}} {
		if flag.on {
			b.WriteString(" " + flag.name)
		}
	}
	if req.ContentLength >= 0 {
		fmt.Fprintf(&b, " cl=%d", req.ContentLength)
	}
	if req.Host != nil {
		fmt.Fprintf(&b, " host=%s", req.Host)
	}
	for _, h := range req.Headers {
		fmt.Fprintf(&b, " | %s: %s", h.Name, h.Value)
	}
	if n != len(raw) {
		fmt.Fprintf(&b, " n=%d", n)
	}
	return b.String()
}

// parseWhole parses raw given in one piece.
func parseWhole(limits Limits, raw []byte) string {
	p := Parser{Limits: limits}
	var req Request
	n, err := p.Parse(raw, &req)
	return describe(raw, n, err, &req)
}

// parsePieces feeds raw to one parser in pieces that end at each of ends (in
// increasing order, the last one len(raw)), the buffer growing by what
// arrived as a connection's would, and describes the first result that is
// not ErrNeedMore. With move, every call gets a fresh copy of the bytes so
// far, as if the buffer had been reallocated, and the copy the call before
// got is overwritten: a parser that kept a slice of it would read garbage.
func parsePieces(limits Limits, raw []byte, ends []int, move bool) string {
	p := Parser{Limits: limits}
	var req Request
	var old []byte
	for _, end := range ends {
		buf := raw[:end]
		if move {
			buf = append([]byte(nil), buf...)
			poison(old)
			old = buf
		}
		n, err := p.Parse(buf, &req)
		if !errors.Is(err, ErrNeedMore) || end == len(raw) {
			return describe(raw, n, err, &req)
		}
	}
	panic("ends must finish with len(raw)")
}

// poison overwrites b with bytes no request holds.
func poison(b []byte) {
	for i := range b {
		b[i] = 0xfe
	}
}

// checkSplits asserts that raw gives want fed whole, split in two at every
// offset, and fed one byte at a time.
func checkSplits(t *testing.T, limits Limits, raw []byte, want string) {
	t.Helper()
	require.Equal(t, want, parseWhole(limits, raw), "whole")
	// Copying the buffer on every call costs O(n) per call; for the long
	// rows the moving buffer is tested at a sample of offsets.
	move := len(raw) <= 4096
	for i := 1; i < len(raw); i++ {
		if got := parsePieces(limits, raw, []int{i, len(raw)}, move || i%997 == 0); got != want {
			require.Equal(t, want, got, "split at %d", i)
		}
	}
	ends := []int{0}
	for i := 1; i <= len(raw); i++ {
		ends = append(ends, i)
	}
	require.Equal(t, want, parsePieces(limits, raw, ends, move), "one byte at a time")
}

const (
	te = techEmpowerRequest
	// teWant is te parsed.
	teWant = "GET /plaintext HTTP/1.1 path=/plaintext query= 1.1 ka host=localhost" +
		" | Host: localhost" +
		" | Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7" +
		" | Connection: keep-alive"
	badSyntax400  = "Bad request syntax or unsupported method" // StatusExplain(400), for reference
	errLineGet11  = ` {line="GET / HTTP/1.1" proto=HTTP/1.1 method=GET}`
	errLinePost11 = ` {line="POST / HTTP/1.1" proto=HTTP/1.1 method=POST}`
	// explainMissingHost is the explanation of the 400 for a missing Host.
	explainMissingHost = "an HTTP/1.1 request must have a Host header (RFC 9112 section 3.2)"
)

// parseTests are raw requests and what Parse makes of them. Each runs whole,
// split at every offset and one byte at a time.
var parseTests = []struct {
	name   string
	raw    string
	want   string
	limits Limits
}{
	// Accepted requests.
	{name: "techempower", raw: te, want: teWant},
	{name: "minimal HTTP/1.1", raw: "GET / HTTP/1.1\r\nHost: h\r\n\r\n", want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h"},
	{name: "HTTP/1.0 closes", raw: "GET / HTTP/1.0\r\n\r\n", want: "GET / HTTP/1.0 path=/ query= 1.0"},
	{name: "HTTP/1.0 keep-alive", raw: "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
		want: "GET / HTTP/1.0 path=/ query= 1.0 ka | Connection: Keep-Alive"},
	{name: "HTTP/1.0 keep-alive then close", raw: "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
		want: "GET / HTTP/1.0 path=/ query= 1.0 | Connection: keep-alive, close"},
	{name: "HTTP/1.1 close", raw: "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 host=h | Host: h | Connection: close"},
	{name: "close among options", raw: "GET / HTTP/1.1\r\nHost: h\r\nconnection: Upgrade,  CLOSE \r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 host=h | Host: h | connection: Upgrade,  CLOSE"},
	{name: "close in a second Connection field", raw: "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 host=h | Host: h | Connection: keep-alive | Connection: close"},
	{name: "closed is not close", raw: "GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h | Connection: closed"},
	{name: "higher minor version", raw: "GET / HTTP/1.7\r\nHost: h\r\n\r\n", want: "GET / HTTP/1.7 path=/ query= 1.7 ka host=h | Host: h"},
	{name: "leading zeros in version", raw: "GET / HTTP/01.01\r\nHost: h\r\n\r\n", want: "GET / HTTP/01.01 path=/ query= 1.1 ka host=h | Host: h"},
	{name: "bare LF line ends", raw: "GET /a HTTP/1.1\nHost: x\n\n", want: "GET /a HTTP/1.1 path=/a query= 1.1 ka host=x | Host: x"},
	{name: "mixed line ends", raw: "GET /a HTTP/1.1\r\nHost: x\n\r\n", want: "GET /a HTTP/1.1 path=/a query= 1.1 ka host=x | Host: x"},
	{name: "query", raw: "GET /search?q=a+b&x=%20?y HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "GET /search?q=a+b&x=%20?y HTTP/1.1 path=/search query=q=a+b&x=%20?y 1.1 ka host=h | Host: h"},
	{name: "empty query", raw: "GET /p? HTTP/1.1\r\nHost: h\r\n\r\n", want: "GET /p? HTTP/1.1 path=/p query= 1.1 ka host=h | Host: h"},
	// get_raw_double_slash.txt: path=/evil.example/x?y, real path=/evil.example/x.
	{name: "leading slashes collapse", raw: "GET //evil.example/x?y HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "GET //evil.example/x?y HTTP/1.1 path=/evil.example/x query=y 1.1 ka host=h | Host: h"},
	{name: "only slashes", raw: "GET /// HTTP/1.1\r\nHost: h\r\n\r\n", want: "GET /// HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h"},
	{name: "inner double slash kept", raw: "GET /a//b HTTP/1.1\r\nHost: h\r\n\r\n", want: "GET /a//b HTTP/1.1 path=/a//b query= 1.1 ka host=h | Host: h"},
	{name: "absolute form", raw: "GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n",
		want: "GET http://example.com:8080/p/q?x=1 HTTP/1.1 path=/p/q query=x=1 1.1 ka host=example.com:8080 | Host: example.com:8080"},
	{name: "absolute form without path", raw: "GET https://example.com?x HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "GET https://example.com?x HTTP/1.1 path= query=x 1.1 ka host=example.com | Host: h"},
	{name: "absolute form: the target's host, not the Host field", raw: "GET http://admin.example/x HTTP/1.1\r\nHost: public.example\r\n\r\n",
		want: "GET http://admin.example/x HTTP/1.1 path=/x query= 1.1 ka host=admin.example | Host: public.example"},
	{name: "absolute form with a fragment", raw: "GET http://a.example#/admin HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "400 Bad request target ('http://a.example#/admin')" + ` {line="GET http://a.example#/admin HTTP/1.1" proto=HTTP/1.1 method=GET}`},
	{name: "absolute form with a fragment and userinfo", raw: "GET http://a.example#@b.example/admin HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "400 Bad request target ('http://a.example#@b.example/admin')" + ` {line="GET http://a.example#@b.example/admin HTTP/1.1" proto=HTTP/1.1 method=GET}`},
	{name: "absolute form in HTTP/1.0 without Host", raw: "GET http://a.example/ HTTP/1.0\r\n\r\n",
		want: "GET http://a.example/ HTTP/1.0 path=/ query= 1.0 host=a.example"},
	{name: "absolute form with double slash path", raw: "GET http://h//x HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "GET http://h//x HTTP/1.1 path=/x query= 1.1 ka host=h | Host: h"},
	{name: "asterisk form", raw: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", want: "OPTIONS * HTTP/1.1 path= query= 1.1 ka host=h | Host: h"},
	{name: "authority form", raw: "CONNECT example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "CONNECT example.com:443 HTTP/1.1 path= query= 1.1 ka host=h | Host: h"},
	{name: "relative target kept as path", raw: "GET foo/bar HTTP/1.1\r\nHost: h\r\n\r\n", want: "GET foo/bar HTTP/1.1 path=foo/bar query= 1.1 ka host=h | Host: h"},
	{name: "method is case-sensitive and any token", raw: "get / HTTP/1.1\r\nHost: h\r\n\r\n", want: "get / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h"},
	{name: "extension method", raw: "BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n", want: "BREW /pot HTTP/1.1 path=/pot query= 1.1 ka host=h | Host: h"},
	{name: "obs-text in target", raw: "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", want: "GET /caf\xc3\xa9 HTTP/1.1 path=/caf\xc3\xa9 query= 1.1 ka host=h | Host: h"},
	// RFC 9112 §3: words may be split on any whitespace; http.server does.
	{name: "request line with extra whitespace", raw: "GET  /x \t HTTP/1.1 \r\nHost: h\r\n\r\n",
		want: "GET /x HTTP/1.1 path=/x query= 1.1 ka host=h | Host: h"},
	{name: "request line with bare CR", raw: "GET\r/x HTTP/1.1\r\r\nHost: h\r\n\r\n", want: "GET /x HTTP/1.1 path=/x query= 1.1 ka host=h | Host: h"},
	{name: "leading empty lines skipped", raw: "\r\n\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h"},
	{name: "sixteen leading empty lines", raw: strings.Repeat("\r\n", 16) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h"},
	{name: "header OWS trimmed", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A:\t v a l \t \r\nX-B:v\r\nX-C:\r\nX-D:   \r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h | X-A: v a l | X-B: v | X-C:  | X-D: "},
	{name: "HTAB and obs-text in value", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\tb\xff\x80\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h | X-A: a\tb\xff\x80"},
	{name: "repeated fields kept in order", raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\nX-B: 3\r\nX-A: 4\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h | X-A: 1 | x-a: 2 | X-B: 3 | X-A: 4"},
	{name: "name case kept, any token", raw: "GET / HTTP/1.1\r\nhOsT: h\r\n!#$%&'*+-.^_`|~09aZ: t\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | hOsT: h | !#$%&'*+-.^_`|~09aZ: t"},
	{name: "empty Host", raw: "GET / HTTP/1.1\r\nHost:\r\n\r\n", want: "GET / HTTP/1.1 path=/ query= 1.1 ka host= | Host: "},
	{name: "Content-Length", raw: "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world",
		want: "POST /f HTTP/1.1 path=/f query= 1.1 ka cl=11 host=x | Host: x | Content-Length: 11 n=49"},
	{name: "Content-Length zero", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka cl=0 host=h | Host: h | Content-Length: 0"},
	{name: "Content-Length leading zeros and OWS", raw: "POST / HTTP/1.1\r\nHost: h\r\ncontent-length:  007 \r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka cl=7 host=h | Host: h | content-length: 007"},
	{name: "Content-Length 18 digits", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 999999999999999999\r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka cl=999999999999999999 host=h | Host: h | Content-Length: 999999999999999999"},
	{name: "Content-Length 2^63-1", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka cl=9223372036854775807 host=h | Host: h | Content-Length: 9223372036854775807"},
	{name: "Content-Length leading zeros beyond 18 digits", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 00000000000000000000012\r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka cl=12 host=h | Host: h | Content-Length: 00000000000000000000012"},
	{name: "Content-Length repeated equal", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 05\r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka cl=5 host=h | Host: h | Content-Length: 5 | Content-Length: 05"},
	{name: "chunked", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka chunked host=h | Host: h | Transfer-Encoding: chunked n=56"},
	{name: "chunked any case, empty elements", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: , CHUNKED ,\r\n\r\n",
		want: "POST / HTTP/1.1 path=/ query= 1.1 ka chunked host=h | Host: h | Transfer-Encoding: , CHUNKED ,"},
	{name: "chunked on HTTP/1.2", raw: "POST / HTTP/1.2\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
		want: "POST / HTTP/1.2 path=/ query= 1.2 ka chunked host=h | Host: h | Transfer-Encoding: chunked"},
	{name: "Expect 100-continue", raw: "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n",
		want: "PUT /u HTTP/1.1 path=/u query= 1.1 ka 100c cl=3 host=h | Host: h | Expect: 100-Continue | Content-Length: 3"},
	// RFC 9110 §10.1.1: a server MUST ignore 100-continue in HTTP/1.0.
	{name: "Expect in HTTP/1.0 ignored", raw: "PUT /u HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
		want: "PUT /u HTTP/1.0 path=/u query= 1.0 | Expect: 100-continue"},
	{name: "Expect 100-continue among empty elements", raw: "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: ,100-continue ,\r\n\r\n",
		want: "PUT /u HTTP/1.1 path=/u query= 1.1 ka 100c host=h | Host: h | Expect: ,100-continue ,"},
	{name: "empty Expect ignored", raw: "PUT /u HTTP/1.1\r\nHost: h\r\nExpect:\r\n\r\n",
		want: "PUT /u HTTP/1.1 path=/u query= 1.1 ka host=h | Host: h | Expect: "},
	{name: "pipelined: first request only", raw: "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
		want: "GET /1 HTTP/1.1 path=/1 query= 1.1 ka host=x | Host: x n=28"},
	// get_raw_http09.txt: two words are HTTP/0.9, and headers are still read.
	{name: "HTTP/0.9", raw: "GET /?foo=bar\r\n\r\n", want: "GET /?foo=bar HTTP/0.9 path=/ query=foo=bar 0.9"},
	{name: "HTTP/0.9 with headers", raw: "GET /x\r\nHost: h\r\n\r\n", want: "GET /x HTTP/0.9 path=/x query= 0.9 host=h | Host: h"},
	{name: "HTTP/0.9 version word", raw: "GET / HTTP/0.9\r\n\r\n", want: "GET / HTTP/0.9 path=/ query= 0.9"},
	{name: "limits 99 headers", raw: manyHeaders(99), want: "GET / HTTP/1.1 path=/ query= 1.1 ka" + manyHeadersWant(99)},

	// Incomplete blocks.
	{name: "empty", raw: "", want: "need more"},
	{name: "no blank line", raw: "GET / HTTP/1.1\r\nHost: x\r\n", want: "need more"},
	{name: "HTTP/0.9 without blank line", raw: "GET /?foo=bar\r\n", want: "need more"},
	{name: "only empty lines", raw: "\r\n\r\n", want: "need more"},

	// http.server's refusals, byte for byte (seed-reference §b).
	{name: "garbage", raw: "GARBAGE\r\n\r\n", want: `400 Bad request syntax ('GARBAGE') {line="GARBAGE" proto=HTTP/0.9 method=}`},
	{name: "bad version", raw: "GET / FOO/1.0\r\n\r\n", want: `400 Bad request version ('FOO/1.0') {line="GET / FOO/1.0" proto=HTTP/0.9 method=}`},
	{name: "four words", raw: "GET / HTTP/1.1 extra\r\n\r\n", want: `400 Bad request version ('extra') {line="GET / HTTP/1.1 extra" proto=HTTP/0.9 method=}`},
	{name: "four words valid version", raw: "GET / x HTTP/1.1\r\n\r\n",
		want: `400 Bad request syntax ('GET / x HTTP/1.1') {line="GET / x HTTP/1.1" proto=HTTP/1.1 method=}`},
	{name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\n\r\n", want: `505 Invalid HTTP version (2.0) {line="GET / HTTP/2.0" proto=HTTP/0.9 method=}`},
	{name: "HTTP/10.0", raw: "GET / HTTP/10.0\r\n\r\n", want: `505 Invalid HTTP version (10.0) {line="GET / HTTP/10.0" proto=HTTP/0.9 method=}`},
	{name: "HTTP/0.9 POST", raw: "POST /\r\n", want: `400 Bad HTTP/0.9 request type ('POST') {line="POST /" proto=HTTP/0.9 method=}`},
	{name: "version without dot", raw: "GET / HTTP/1\r\n\r\n", want: `400 Bad request version ('HTTP/1') {line="GET / HTTP/1" proto=HTTP/0.9 method=}`},
	{name: "version with two dots", raw: "GET / HTTP/1.1.1\r\n\r\n", want: `400 Bad request version ('HTTP/1.1.1') {line="GET / HTTP/1.1.1" proto=HTTP/0.9 method=}`},
	{name: "version empty minor", raw: "GET / HTTP/1.\r\n\r\n", want: `400 Bad request version ('HTTP/1.') {line="GET / HTTP/1." proto=HTTP/0.9 method=}`},
	{name: "version lower case", raw: "GET / http/1.1\r\n\r\n", want: `400 Bad request version ('http/1.1') {line="GET / http/1.1" proto=HTTP/0.9 method=}`},
	{name: "version 11 digits", raw: "GET / HTTP/1.00000000001\r\n\r\n",
		want: `400 Bad request version ('HTTP/1.00000000001') {line="GET / HTTP/1.00000000001" proto=HTTP/0.9 method=}`},
	{name: "version 10 digits", raw: "GET / HTTP/0000000001.0000000001\r\nHost: h\r\n\r\n",
		want: "GET / HTTP/0000000001.0000000001 path=/ query= 1.1 ka host=h | Host: h"},
	{name: "repr picks double quotes", raw: "GET / it's\r\n\r\n", want: `400 Bad request version ("it's") {line="GET / it's" proto=HTTP/0.9 method=}`},
	{name: "whitespace-only line", raw: " \t \r\n", want: `400 Bad request syntax (' \t ') {line=" \t " proto=HTTP/0.9 method=}`},
	{name: "seventeen leading empty lines", raw: strings.Repeat("\r\n", 17) + "GET / HTTP/1.1\r\n\r\n",
		want: `400 Bad request syntax ('') {line="" proto= method=}`},

	// Stricter than http.server: RFC 9110 and 9112.
	{name: "method not a token", raw: "G@T / HTTP/1.1\r\n\r\n", want: `400 Bad request method ('G@T') {line="G@T / HTTP/1.1" proto=HTTP/1.1 method=}`},
	{name: "NUL in target", raw: "GET /a\x00b HTTP/1.1\r\n\r\n",
		want: `400 Bad request target ('/a\x00b') {line="GET /a\x00b HTTP/1.1" proto=HTTP/1.1 method=}`},
	{name: "DEL in target", raw: "GET /\x7f HTTP/1.1\r\n\r\n",
		want: `400 Bad request target ('/\x7f') {line="GET /\x7f HTTP/1.1" proto=HTTP/1.1 method=}`},
	{name: "obs-fold", raw: "GET / HTTP/1.1\r\nX-A: 1\r\n 2\r\n\r\n", want: "400 Folded header line (' 2')" + errLineGet11},
	{name: "whitespace before first field", raw: "GET / HTTP/1.1\r\n\tHost: x\r\n\r\n", want: `400 Folded header line ('\tHost: x')` + errLineGet11},
	{name: "whitespace before colon", raw: "GET / HTTP/1.1\r\nHost : x\r\n\r\n", want: "400 Whitespace before colon in header ('Host ')" + errLineGet11},
	{name: "no colon", raw: "GET / HTTP/1.1\r\nHost x\r\n\r\n", want: "400 Header line without colon ('Host x')" + errLineGet11},
	{name: "empty name", raw: "GET / HTTP/1.1\r\n: x\r\n\r\n", want: "400 Bad header name ('')" + errLineGet11},
	{name: "space in name", raw: "GET / HTTP/1.1\r\nX A: x\r\n\r\n", want: "400 Bad header name ('X A')" + errLineGet11},
	{name: "non-token in name", raw: "GET / HTTP/1.1\r\nX(A): x\r\n\r\n", want: "400 Bad header name ('X(A)')" + errLineGet11},
	{name: "NUL in value", raw: "GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n", want: "400 Bad header value ('X-A')" + errLineGet11},
	{name: "bare CR in value", raw: "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", want: "400 Bad header value ('X-A')" + errLineGet11},
	{name: "CR CR LF", raw: "GET / HTTP/1.1\r\nX-A: a\r\r\n\r\n", want: "400 Bad header value ('X-A')" + errLineGet11},
	{name: "DEL in value", raw: "GET / HTTP/1.1\r\nX-A: \x7f\r\n\r\n", want: "400 Bad header value ('X-A')" + errLineGet11},
	{name: "CR alone before blank line", raw: "GET / HTTP/1.1\r\n\r\r\n", want: `400 Header line without colon ('\r')` + errLineGet11},
	{name: "long name quoted short", raw: "GET / HTTP/1.1\r\n" + strings.Repeat("n", 70) + "\r\n\r\n",
		want: "400 Header line without colon ('" + strings.Repeat("n", 64) + "'...)" + errLineGet11},
	{name: "two Host fields", raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", want: "400 Multiple Host headers" + errLineGet11},
	// RFC 9112 §3.2: Host is required in HTTP/1.1, once, with a valid value.
	{name: "missing Host", raw: "GET / HTTP/1.1\r\n\r\n", want: "400 Missing Host header / " + explainMissingHost + errLineGet11},
	{name: "missing Host, higher minor", raw: "GET / HTTP/1.9\r\nX: y\r\n\r\n",
		want: "400 Missing Host header / " + explainMissingHost + ` {line="GET / HTTP/1.9" proto=HTTP/1.9 method=GET}`},
	// RFC 9112 §3.2.2, RFC 9110 §4.2.1 and §4.2.4: an absolute-form target
	// names a host, without userinfo.
	{name: "absolute form with userinfo", raw: "GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "400 Bad request target ('http://u@h/')" + ` {line="GET http://u@h/ HTTP/1.1" proto=HTTP/1.1 method=GET}`},
	{name: "absolute form with an empty host", raw: "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "400 Bad request target ('http:///x')" + ` {line="GET http:///x HTTP/1.1" proto=HTTP/1.1 method=GET}`},
	{name: "absolute form with a bad port", raw: "GET http://h:x/ HTTP/1.1\r\nHost: h\r\n\r\n",
		want: "400 Bad request target ('http://h:x/')" + ` {line="GET http://h:x/ HTTP/1.1" proto=HTTP/1.1 method=GET}`},
	{name: "missing Host, absolute form", raw: "GET http://h/ HTTP/1.1\r\n\r\n",
		want: "400 Missing Host header / " + explainMissingHost + ` {line="GET http://h/ HTTP/1.1" proto=HTTP/1.1 method=GET}`},
	{name: "two Host fields in HTTP/1.0", raw: "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
		want: `400 Multiple Host headers {line="GET / HTTP/1.0" proto=HTTP/1.0 method=GET}`},
	{name: "two Host fields, first empty", raw: "GET / HTTP/1.1\r\nHost:\r\nHost: a\r\n\r\n", want: "400 Multiple Host headers" + errLineGet11},
	{name: "Host with space", raw: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", want: "400 Bad Host header ('a b')" + errLineGet11},
	{name: "Host with two ports", raw: "GET / HTTP/1.1\r\nHost: a.example:80:b.example\r\n\r\n",
		want: "400 Bad Host header ('a.example:80:b.example')" + errLineGet11},
	{name: "Host with an open bracket", raw: "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", want: "400 Bad Host header ('[::1')" + errLineGet11},
	{name: "Host IPv6 with port", raw: "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=[::1]:8080 | Host: [::1]:8080"},
	{name: "Host with slash", raw: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", want: "400 Bad Host header ('a/b')" + errLineGet11},
	{name: "Host with userinfo", raw: "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", want: "400 Bad Host header ('u@a')" + errLineGet11},
	{name: "Host IPv6 literal and port", raw: "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=[::1]:8080 | Host: [::1]:8080"},
	{name: "Host reg-name characters", raw: "GET / HTTP/1.1\r\nHost: a-b.c_d~e%41!$&'()*+,;=:1\r\n\r\n",
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=a-b.c_d~e%41!$&'()*+,;=:1 | Host: a-b.c_d~e%41!$&'()*+,;=:1"},
	{name: "framing error wins over missing Host", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
		want: "400 Bad Transfer-Encoding ('gzip')" + errLinePost11},
	// RFC 9110 §10.1.1: 100-continue is the only expectation; others get 417.
	{name: "other expectation", raw: "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n",
		want: `417  {line="PUT /u HTTP/1.1" proto=HTTP/1.1 method=PUT}`},
	{name: "other expectation beside 100-continue", raw: "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue, x=1\r\n\r\n",
		want: `417  {line="PUT /u HTTP/1.1" proto=HTTP/1.1 method=PUT}`},
	{name: "100-continue with a parameter", raw: "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue;a=b\r\n\r\n",
		want: `417  {line="PUT /u HTTP/1.1" proto=HTTP/1.1 method=PUT}`},
	{name: "other expectation in HTTP/1.0", raw: "PUT /u HTTP/1.0\r\nExpect: 200-ok\r\n\r\n",
		want: `417  {line="PUT /u HTTP/1.0" proto=HTTP/1.0 method=PUT}`},
	{name: "missing Host wins over expectation", raw: "PUT /u HTTP/1.1\r\nExpect: 200-ok\r\n\r\n",
		want: "400 Missing Host header / " + explainMissingHost + ` {line="PUT /u HTTP/1.1" proto=HTTP/1.1 method=PUT}`},
	// RFC 9112 §5, RFC 9110 §5.1, §5.5: field syntax.
	{name: "HTAB before colon", raw: "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", want: `400 Whitespace before colon in header ('Host\t')` + errLineGet11},
	{name: "obs-fold with HTAB", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\t2\r\n\r\n", want: `400 Folded header line ('\t2')` + errLineGet11},
	{name: "NUL in name", raw: "GET / HTTP/1.1\r\nX\x00A: b\r\n\r\n", want: `400 Bad header name ('X\x00A')` + errLineGet11},
	{name: "CTL in name", raw: "GET / HTTP/1.1\r\nX\x01A: b\r\n\r\n", want: `400 Bad header name ('X\x01A')` + errLineGet11},
	{name: "bare CR in name", raw: "GET / HTTP/1.1\r\nX\rA: b\r\n\r\n", want: `400 Bad header name ('X\rA')` + errLineGet11},
	{name: "CTL in value", raw: "GET / HTTP/1.1\r\nX-A: a\x1bb\r\n\r\n", want: "400 Bad header value ('X-A')" + errLineGet11},
	{name: "colon only in value position missing", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-A b\r\n\r\n", want: "400 Header line without colon ('X-A b')" + errLineGet11},
	{name: "Content-Length sign", raw: "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", want: "400 Bad Content-Length ('+5')" + errLinePost11},
	{name: "Content-Length negative", raw: "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", want: "400 Bad Content-Length ('-1')" + errLinePost11},
	{name: "Content-Length empty", raw: "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", want: "400 Bad Content-Length ('')" + errLinePost11},
	{name: "Content-Length hex", raw: "POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", want: "400 Bad Content-Length ('0x10')" + errLinePost11},
	{name: "Content-Length list", raw: "POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", want: "400 Bad Content-Length ('5, 5')" + errLinePost11},
	{name: "Content-Length inner space", raw: "POST / HTTP/1.1\r\nContent-Length: 1 0\r\n\r\n", want: "400 Bad Content-Length ('1 0')" + errLinePost11},
	{name: "Content-Length overflow", raw: "POST / HTTP/1.1\r\nContent-Length: 9223372036854775808\r\n\r\n",
		want: "400 Bad Content-Length ('9223372036854775808')" + errLinePost11},
	{name: "Content-Length 2^63", raw: "POST / HTTP/1.1\r\nContent-Length: 00009223372036854775808\r\n\r\n",
		want: "400 Bad Content-Length ('00009223372036854775808')" + errLinePost11},
	{name: "Content-Length 20 digits", raw: "POST / HTTP/1.1\r\nContent-Length: 10000000000000000000\r\n\r\n",
		want: "400 Bad Content-Length ('10000000000000000000')" + errLinePost11},
	{name: "Content-Length differing", raw: "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		want: "400 Conflicting Content-Length ('6')" + errLinePost11},
	{name: "Transfer-Encoding with Content-Length", raw: "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
		want: "400 Transfer-Encoding with Content-Length" + errLinePost11},
	{name: "Content-Length after Transfer-Encoding", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
		want: "400 Transfer-Encoding with Content-Length" + errLinePost11},
	{name: "Transfer-Encoding in HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		want: `400 Transfer-Encoding in an HTTP/1.0 request {line="POST / HTTP/1.0" proto=HTTP/1.0 method=POST}`},
	{name: "chunked not last", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
		want: "400 Bad Transfer-Encoding ('chunked, gzip')" + errLinePost11},
	{name: "chunked twice", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
		want: "400 Bad Transfer-Encoding ('chunked')" + errLinePost11},
	{name: "no chunked", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", want: "400 Bad Transfer-Encoding ('gzip')" + errLinePost11},
	{name: "identity", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", want: "400 Bad Transfer-Encoding ('identity')" + errLinePost11},
	{name: "chunked with a parameter", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked;x=1\r\n\r\n",
		want: "400 Bad Transfer-Encoding ('chunked;x=1')" + errLinePost11},
	{name: "chunked then a parameter-free coding after a parameter", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip;q=1, chunked\r\n\r\n",
		want: "501 Unsupported transfer coding ('gzip')" + errLinePost11},
	{name: "Transfer-Encoding and Content-Length in HTTP/1.0", raw: "POST / HTTP/1.0\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
		want: `400 Transfer-Encoding with Content-Length {line="POST / HTTP/1.0" proto=HTTP/1.0 method=POST}`},
	{name: "empty Transfer-Encoding", raw: "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", want: "400 Bad Transfer-Encoding ('')" + errLinePost11},
	{name: "unsupported coding", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		want: "501 Unsupported transfer coding ('gzip')" + errLinePost11},
	{name: "unsupported coding in an earlier field", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: x-foo;a=1\r\nTransfer-Encoding: chunked\r\n\r\n",
		want: "501 Unsupported transfer coding ('x-foo')" + errLinePost11},
	{name: "field error wins over framing", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nX\r\n\r\n",
		want: "400 Header line without colon ('X')" + errLinePost11},
	{name: "HEAD keeps its method for the error page", raw: "HEAD / HTTP/1.1\r\nBad\r\n\r\n",
		want: `400 Header line without colon ('Bad') {line="HEAD / HTTP/1.1" proto=HTTP/1.1 method=HEAD}`},
	{name: "HTTP/0.9 error keeps HTTP/0.9", raw: "GET /\r\nBad\r\n\r\n",
		want: `400 Header line without colon ('Bad') {line="GET /" proto=HTTP/0.9 method=GET}`},

	// Limits (seed-reference limits_*.txt).
	{name: "limits headers 100", raw: manyHeaders(100), want: "431 Too many headers / got more than 100 headers" + errLineGet11},
	{name: "too many headers 101", raw: manyHeaders(101), want: "431 Too many headers / got more than 100 headers" + errLineGet11},
	{name: "too many headers without blank line", raw: manyHeaders(101)[:len(manyHeaders(101))-2],
		want: "431 Too many headers / got more than 100 headers" + errLineGet11},
	{name: "MaxHeaders 3", raw: manyHeaders(3), limits: Limits{MaxHeaders: 3},
		want: "431 Too many headers / got more than 3 headers" + errLineGet11},
	{name: "MaxHeaders 3 with 2 fields", raw: manyHeaders(2), limits: Limits{MaxHeaders: 3},
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka" + manyHeadersWant(2)},
	{name: "MaxRequestLine one short", raw: "GET /0123456 HTTP/1.1\r\n\r\n", limits: Limits{MaxRequestLine: 22},
		want: `414  {line="" proto= method=}`},
	{name: "MaxRequestLine exact", raw: "GET /0123456 HTTP/1.0\r\n\r\n", limits: Limits{MaxRequestLine: 23},
		want: "GET /0123456 HTTP/1.0 path=/0123456 query= 1.0"},
	{name: "MaxRequestLine exact with bare LF", raw: "GET /01234567 HTTP/1.0\n\n", limits: Limits{MaxRequestLine: 23},
		want: "GET /01234567 HTTP/1.0 path=/01234567 query= 1.0"},
	{name: "MaxHeaderLine one short", raw: "GET / HTTP/1.1\r\nA: 12345\r\n\r\n", limits: Limits{MaxHeaderLine: 9},
		want: "431 Line too long / got more than 9 bytes when reading header line" + errLineGet11},
	{name: "MaxHeaderLine exact", raw: "GET / HTTP/1.1\r\nHost: h\r\nA: 12345\r\n\r\n", limits: Limits{MaxHeaderLine: 10},
		want: "GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h | A: 12345"},
	{name: "line too long wins over a bad name", raw: "GET / HTTP/1.1\r\nA B: 12345\r\n\r\n", limits: Limits{MaxHeaderLine: 8},
		want: "431 Line too long / got more than 8 bytes when reading header line" + errLineGet11},
	{name: "MaxHeaderBytes exact", raw: "GET / HTTP/1.0\r\nA: 1\r\n\r\n", limits: Limits{MaxHeaderBytes: 24},
		want: "GET / HTTP/1.0 path=/ query= 1.0 | A: 1"},
	{name: "MaxHeaderBytes one short", raw: "GET / HTTP/1.1\r\nA: 1\r\n\r\n", limits: Limits{MaxHeaderBytes: 23},
		want: "431 Header block too long / got more than 23 bytes when reading the header block" + errLineGet11},
	{name: "MaxHeaderBytes ends at a line end", raw: "GET / HTTP/1.1\r\nA: 1\r\n\r\n", limits: Limits{MaxHeaderBytes: 22},
		want: "431 Header block too long / got more than 22 bytes when reading the header block" + errLineGet11},
	{name: "MaxHeaderBytes in the request line", raw: "GET / HTTP/1.1\r\nA: 1\r\n\r\n", limits: Limits{MaxHeaderBytes: 10},
		want: `431 Header block too long / got more than 10 bytes when reading the header block {line="" proto= method=}`},
	{name: "MaxHeaderBytes beyond the block", raw: "GET / HTTP/1.0\r\n\r\nbody", limits: Limits{MaxHeaderBytes: 18},
		want: "GET / HTTP/1.0 path=/ query= 1.0 n=18"},
	{name: "line limit before block limit", raw: "GET / HTTP/1.1\r\nA: 12345\r\n\r\n", limits: Limits{MaxHeaderLine: 8, MaxHeaderBytes: 25},
		want: "431 Line too long / got more than 8 bytes when reading header line" + errLineGet11},
	{name: "block limit before line limit", raw: "GET / HTTP/1.1\r\nA: 12345\r\n\r\n", limits: Limits{MaxHeaderLine: 8, MaxHeaderBytes: 23},
		want: "431 Header block too long / got more than 23 bytes when reading the header block" + errLineGet11},
}

// manyHeaders is get_too_many_headers.txt's request with n fields, the
// first of them Host.
func manyHeaders(n int) string {
	var b strings.Builder
	b.WriteString("GET / HTTP/1.1\r\nHost: h\r\n")
	for i := range n - 1 {
		fmt.Fprintf(&b, "X-H%d: v\r\n", i)
	}
	b.WriteString("\r\n")
	return b.String()
}

// manyHeadersWant is manyHeaders(n) parsed, after its request line.
func manyHeadersWant(n int) string {
	var b strings.Builder
	b.WriteString(" host=h | Host: h")
	for i := range n - 1 {
		fmt.Fprintf(&b, " | X-H%d: v", i)
	}
	return b.String()
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			checkSplits(t, tt.limits, []byte(tt.raw), tt.want)
		})
	}
}

// The boundaries of seed-reference's limits_*.txt and get_*_too_long.txt,
// with the default limits. Their requests are 64 KiB long, so they are split
// at a sample of offsets rather than at all of them.
func TestParseLineLimits(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		// limits_request_line_65536.txt: a 65536-byte line with its CRLF passes.
		{"request line 65536", "GET /" + strings.Repeat("a", 65520) + " HTTP/1.1\r\nHost: h\r\n\r\n",
			"GET /" + strings.Repeat("a", 65520) + " HTTP/1.1 path=/" + strings.Repeat("a", 65520) + " query= 1.1 ka host=h | Host: h"},
		// limits_request_line_65537.txt: one more byte is a 414 with an empty request line.
		{"request line 65537", "GET /" + strings.Repeat("a", 65521) + " HTTP/1.1\r\n\r\n", `414  {line="" proto= method=}`},
		// get_uri_too_long_raw.txt
		{"request line 65552", "GET /" + strings.Repeat("a", 65536) + " HTTP/1.1\r\n\r\n", `414  {line="" proto= method=}`},
		{"request line without end", strings.Repeat("a", 70000), `414  {line="" proto= method=}`},
		{"request line 65536 without LF yet", "GET /" + strings.Repeat("a", 65520) + " HTTP/1.1\r", "need more"},
		// limits_header_line_65536.txt
		{"header line 65536", "GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + strings.Repeat("a", 65526) + "\r\n\r\n",
			"GET / HTTP/1.1 path=/ query= 1.1 ka host=h | Host: h | X-Long: " + strings.Repeat("a", 65526)},
		// limits_header_line_65537.txt
		{"header line 65537", "GET / HTTP/1.1\r\nX-Long: " + strings.Repeat("a", 65527) + "\r\n\r\n",
			"431 Line too long / got more than 65536 bytes when reading header line" + errLineGet11},
		// get_header_line_too_long.txt
		{"header line 65546", "GET / HTTP/1.1\r\nX-Long: " + strings.Repeat("a", 65536) + "\r\n\r\n",
			"431 Line too long / got more than 65536 bytes when reading header line" + errLineGet11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			require.Equal(t, tt.want, parseWhole(Limits{}, raw), "whole")
			for i := 1; i < len(raw); i += 251 {
				require.Equal(t, tt.want, parsePieces(Limits{}, raw, []int{i, len(raw)}, true), "split at %d", i)
			}
			for _, i := range []int{len(raw) - 3, len(raw) - 2, len(raw) - 1} {
				require.Equal(t, tt.want, parsePieces(Limits{}, raw, []int{i, len(raw)}, true), "split at %d", i)
			}
			ends := make([]int, len(raw))
			for i := range ends {
				ends[i] = i + 1
			}
			require.Equal(t, tt.want, parsePieces(Limits{}, raw, ends, false), "one byte at a time")
		})
	}
}

// TestParseExamined proves that parsing is linear in the input however it is
// split: the parser counts the bytes it looks at, and feeding a 64 KiB block
// one byte per call may not look at more than a small multiple of it.
func TestParseExamined(t *testing.T) {
	var b strings.Builder
	b.WriteString("GET /" + strings.Repeat("p", 4000) + " HTTP/1.1\r\nHost: h\r\n")
	for i := 0; b.Len() < 60000; i++ {
		fmt.Fprintf(&b, "X-Field-%d: %s\r\n", i, strings.Repeat("v", 40+i*13%900))
	}
	b.WriteString("X-Long: " + strings.Repeat("w", 8000) + "\r\n\r\n")
	raw := []byte(b.String())
	require.Greater(t, len(raw), 65536)
	limits := Limits{MaxHeaders: 1000}

	feeds := map[string][]int{"whole": {len(raw)}, "halves": {len(raw) / 2, len(raw)}}
	for _, step := range []int{1, 7, 1000} {
		var ends []int
		for i := step; i < len(raw); i += step {
			ends = append(ends, i)
		}
		feeds[fmt.Sprintf("%d bytes per call", step)] = append(ends, len(raw))
	}
	for name, ends := range feeds {
		p := Parser{Limits: limits}
		var req Request
		var n int
		var err error
		for _, end := range ends {
			n, err = p.Parse(raw[:end], &req)
		}
		require.NoError(t, err, name)
		require.Equal(t, len(raw), n, name)
		assert.LessOrEqual(t, p.examined, 3*len(raw), "%s: examined %d bytes of %d", name, p.examined, len(raw))
	}
}

// TestParsePipelined parses requests one after another from one buffer, as
// the engine does with a batch of pipelined requests.
func TestParsePipelined(t *testing.T) {
	reqs := []string{
		te,
		"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n",
		"\r\nGET /after-crlf HTTP/1.0\r\n\r\n",
		"GET /x\r\n\r\n",
		browserRequest,
		"PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
		te,
	}
	wantPaths := []string{"/plaintext", "/form", "/after-crlf", "/x", "/articles/2026/11/event-loops-and-parsers", "/c", "/plaintext"}
	raw := []byte(strings.Join(reqs, ""))
	var p Parser
	var req Request
	buf := raw
	for i, want := range wantPaths {
		n, err := p.Parse(buf, &req)
		require.NoError(t, err, "request %d", i)
		assert.Equal(t, len(reqs[i]), n, "request %d", i)
		assert.Equal(t, want, string(req.Path), "request %d", i)
		buf = buf[n:]
	}
	assert.Empty(t, buf)
	n, err := p.Parse(buf, &req)
	assert.Zero(t, n)
	assert.ErrorIs(t, err, ErrNeedMore)

	// The same stream arriving 5 bytes at a time: each call gets the bytes
	// that arrived since the end of the last request it finished.
	var got []string
	consumed := 0
	for arrived := 5; consumed < len(raw); arrived = min(arrived+5, len(raw)) {
		for consumed < arrived {
			n, err := p.Parse(raw[consumed:arrived], &req)
			if errors.Is(err, ErrNeedMore) {
				break
			}
			require.NoError(t, err)
			got = append(got, string(req.Path))
			consumed += n
		}
	}
	assert.Equal(t, wantPaths, got)
}

// TestParseAfterError checks that a refused block leaves the parser ready for
// the next one.
func TestParseAfterError(t *testing.T) {
	var p Parser
	var req Request
	_, err := p.Parse([]byte("GET / HTTP/1.1\r\nX-A: 1\r\n"), &req)
	require.ErrorIs(t, err, ErrNeedMore)
	_, err = p.Parse([]byte("GET / HTTP/1.1\r\nX-A: 1\r\nBad\r\n"), &req)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.Status)
	n, err := p.Parse([]byte(te), &req)
	require.NoError(t, err)
	assert.Equal(t, teWant, describe([]byte(te), n, err, &req))
}

// TestParseReset checks that Reset drops a partial block.
func TestParseReset(t *testing.T) {
	var p Parser
	var req Request
	_, err := p.Parse([]byte("POST /old HTTP/1.1\r\nContent-Length: 5\r\n"), &req)
	require.ErrorIs(t, err, ErrNeedMore)
	p.Reset()
	n, err := p.Parse([]byte(te), &req)
	require.NoError(t, err)
	assert.Equal(t, teWant, describe([]byte(te), n, err, &req))
}

// TestParseShorterBuffer checks that a caller who breaks the contract and
// gives fewer bytes than before gets a fresh parse, not a panic.
func TestParseShorterBuffer(t *testing.T) {
	var p Parser
	var req Request
	_, err := p.Parse([]byte("GET /a-long-target-that-is-never-finished"), &req)
	require.ErrorIs(t, err, ErrNeedMore)
	n, err := p.Parse([]byte("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), &req)
	require.NoError(t, err)
	assert.Equal(t, 27, n)
	assert.Equal(t, "/", string(req.Path))
}

// TestParseReusesHeaders checks that a reused Request keeps its Headers
// array, and that a block with fewer fields shows only its own.
func TestParseReusesHeaders(t *testing.T) {
	var p Parser
	var req Request
	_, err := p.Parse([]byte(browserRequest), &req)
	require.NoError(t, err)
	require.Len(t, req.Headers, 20)
	first := &req.Headers[:1][0]
	_, err = p.Parse([]byte(te), &req)
	require.NoError(t, err)
	require.Len(t, req.Headers, 3)
	assert.Same(t, first, &req.Headers[0])
	assert.Equal(t, "localhost", string(req.Header("host")))
}

func TestErrorString(t *testing.T) {
	assert.Equal(t, "codec: 414 Request-URI Too Long", errRequestLineTooLong().Error())
	assert.Equal(t, "codec: 431 Too many headers", errTooManyHeaders(100).Error())
}
