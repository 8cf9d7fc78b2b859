package handler

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendLogLine(t *testing.T) {
	logAt := at(21, 24, 17)
	tests := []struct {
		name, addr, msg, want string
	}{
		{"plain", "127.0.0.1", `"GET / HTTP/1.1" 200 -`, `127.0.0.1 - - [23/Nov/2026 21:24:17] "GET / HTTP/1.1" 200 -`},
		{"C0 and DEL", "::1", "a\r\nb\x00\x1b[31m\x7f", `::1 - - [23/Nov/2026 21:24:17] a\x0d\x0ab\x00\x1b[31m\x7f`},
		{"backslash doubled", "127.0.0.1", `a\b`, `127.0.0.1 - - [23/Nov/2026 21:24:17] a\\b`},
		{"C1 controls escaped, other text kept", "127.0.0.1", "\u0085\u009b\u00a0é€😀", `127.0.0.1 - - [23/Nov/2026 21:24:17] \x85\x9b` + "\u00a0é€😀"},
		{"bytes that are not UTF-8", "127.0.0.1", "\x9b\xff\xc3(\xed\xa0\x80\xf0\x9f\x98", `127.0.0.1 - - [23/Nov/2026 21:24:17] \x9b\xff\xc3(\xed\xa0\x80\xf0\x9f\x98`},
	}
	for _, tt := range tests {
		got := AppendLogLine([]byte("prev\n"), tt.addr, logAt, []byte(tt.msg))
		assert.Equal(t, "prev\n"+tt.want+"\n", string(got), tt.name)
	}
}

func TestAppendRequestLog(t *testing.T) {
	logAt := at(21, 24, 17)
	const prefix = "127.0.0.1 - - [23/Nov/2026 21:24:17] "
	zoned := &ConnInfo{Remote: netip.MustParseAddrPort("[fe80::1%eth0]:80")}
	tests := []struct {
		name string
		h    *Handler
		conn *ConnInfo
		req  *codec.Request
		want string
	}{
		{"size known", New().Handle("GET", hello).Handle("HEAD", hello), seedConn, parsed("GET / HTTP/1.1"), prefix + `"GET / HTTP/1.1" 200 13` + "\n"},
		{"HEAD sends no body", New().Handle("GET", hello).Handle("HEAD", hello), seedConn, parsed("HEAD / HTTP/1.1"), prefix + `"HEAD / HTTP/1.1" 200 0` + "\n"},
		{"zone kept", New().Handle("GET", hello).Handle("HEAD", hello), zoned, parsed("GET / HTTP/1.1"), `fe80::1%eth0 - - [23/Nov/2026 21:24:17] "GET / HTTP/1.1" 200 13` + "\n"},
		{"request line read as ISO-8859-1", New().Handle("GET", hello).Handle("HEAD", hello), seedConn, parsed("GET /\xe9 HTTP/1.1"),
			prefix + `"GET /é HTTP/1.1" 200 13` + "\n"},
		{"send_error's line first", New().Handle("GET", notFound), seedConn, parsed("GET / HTTP/1.1"),
			prefix + "code 404, message Not Found\n" + prefix + `"GET / HTTP/1.1" 404 330` + "\n"},
		{"error message escaped", New().Handle("GET", func(r *Request) { r.SendError(400, "bad\n\\", "") }), seedConn, parsed("GET / HTTP/1.1"),
			prefix + `code 400, message bad\x0a\\` + "\n" + prefix + `"GET / HTTP/1.1" 400 337` + "\n"},
	}
	for _, tt := range tests {
		x := serve(t, tt.h, tt.conn, tt.req, nil, logAt)
		assert.Equal(t, tt.want, x.log, tt.name)
	}
}

// TestAppendRequestLogEscapes logs requests the parser refuses for the
// bytes that the log must escape.
func TestAppendRequestLogEscapes(t *testing.T) {
	const prefix = "127.0.0.1 - - [23/Nov/2026 21:24:17] "
	req, e := parse("GET /\xe9\x85\\\"\x1b[31m HTTP/1.1")
	require.NotNil(t, e)
	x := serveParseError(t, New(), req, e, at(21, 24, 17))
	assert.True(t, strings.HasSuffix(x.log, "\n"+prefix+`"GET /é\x85\\"\x1b[31m HTTP/1.1" 400 `+itoa(x.r.BodySize())+"\n"), x.log)
	assert.NotContains(t, x.log, "\x1b", "no raw escape byte reaches the log")
}

func TestAppendRequestLogBeforeResponse(t *testing.T) {
	var r Exchange
	r.Begin(New().Handle("GET", hello).Handle("HEAD", hello), seedConn, parsed("GET / HTTP/1.1"), nil, nil)
	assert.Equal(t, -1, r.BodySize())
	got := AppendRequestLog(nil, &r, at(21, 24, 17))
	assert.Equal(t, `127.0.0.1 - - [23/Nov/2026 21:24:17] "GET / HTTP/1.1" 0 -`+"\n", string(got))
}
