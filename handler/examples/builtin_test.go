package examples

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/fastbase/fastbase/internal/seedref"
	"github.com/stretchr/testify/assert"
)

// fbServer is the Server header of a Handler with default versions.
var fbServer = "Server: " + handler.DefaultServerVersion + " " + handler.DefaultSysVersion + "\r\n"

const date = "Date: Mon, 23 Nov 2026 21:24:17 GMT\r\n"

// TestBuiltins runs every built-in handler with fastbase's defaults
// (HTTP/1.1, keep-alive) and checks the response bytes.
func TestBuiltins(t *testing.T) {
	echoBody := func(version string) string {
		return strings.NewReplacer(
			"request_version=HTTP/1.1", "request_version="+version,
			"BaseHTTP/0.6", handler.DefaultServerVersion,
			"Python/3.11.7", handler.DefaultSysVersion,
			"protocol_version=HTTP/1.0", "protocol_version=HTTP/1.1",
		).Replace(echoBodyGet)
	}
	echoIPv6 := strings.Replace(echoBody("HTTP/1.1"), "('127.0.0.1', 35548) (127.0.0.1)", "('::1', 35548, 0, 0) (::1)", 1)
	ipv6 := &handler.ConnInfo{Remote: netip.MustParseAddrPort("[::1]:35548"), Runner: "worker 3"}
	tests := []struct {
		name     string
		h        *handler.Handler
		conn     *handler.ConnInfo
		req      *codec.Request
		want     string
		wantKeep bool
	}{
		{"hello GET", Hello(), seedConn, handlertest.Parsed("GET /plaintext HTTP/1.1", "Host: x"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!", true},
		{"hello any path", Hello(), seedConn, handlertest.Parsed("GET /anything/else?x=1 HTTP/1.1"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!", true},
		{"hello HEAD", Hello(), seedConn, handlertest.Parsed("HEAD / HTTP/1.1"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n", true},
		{"hello HTTP/1.0 keep-alive", Hello(), seedConn, handlertest.Parsed("GET / HTTP/1.0", "Connection: keep-alive"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + "Content-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, World!", true},
		{"hello HTTP/1.0", Hello(), seedConn, handlertest.Parsed("GET / HTTP/1.0"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + "Content-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!", false},
		{"hello POST", Hello(), seedConn, handlertest.Parsed("POST / HTTP/1.1"),
			"HTTP/1.1 501 Unsupported method ('POST')\r\n" + fbServer + date +
				"Connection: close\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: 357\r\n\r\n" +
				strings.ReplaceAll(seedref.Body("get_brew.txt"), "BREW", "POST"), false},
		{"threads", Threads(), seedConn, handlertest.Parsed("GET / HTTP/1.1"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + threadsLength("loop 0") + "\r\n" + threadsLine("loop 0"), true},
		{"threads worker", Threads(), ipv6, handlertest.Parsed("GET / HTTP/1.1"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + threadsLength("worker 3") + "\r\n" + threadsLine("worker 3"), true},
		{"threads Connection: close", Threads(), seedConn, handlertest.Parsed("GET / HTTP/1.1", "Connection: close"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + threadsLength("loop 0") + "Connection: close\r\n\r\n" + threadsLine("loop 0"), false},
		{"echo keep-alive", Echo(), seedConn, handlertest.Parsed("GET /?foo=bar HTTP/1.1"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + contentLength(echoBody("HTTP/1.1")) + "\r\n" + echoBody("HTTP/1.1"), true},
		{"echo HEAD", Echo(), seedConn, handlertest.Parsed("HEAD /?foo=bar HTTP/1.1"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + contentLength(strings.Replace(echoBody("HTTP/1.1"), "GET", "HEAD", 1)) + "\r\n", true},
		{"echo HTTP/0.9", Echo(), seedConn, handlertest.Parsed("GET /?foo=bar"), echoBody("HTTP/0.9"), false},
		{"echo IPv6", Echo(), ipv6, handlertest.Parsed("GET /?foo=bar HTTP/1.1"),
			"HTTP/1.1 200 OK\r\n" + fbServer + date + contentLength(echoIPv6) + "\r\n" + echoIPv6, true},
		{"not found", NotFound(), seedConn, handlertest.Parsed("GET /x HTTP/1.1"),
			"HTTP/1.1 404 Not Found\r\n" + fbServer + date +
				"Connection: close\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: 330\r\n\r\n" + seedref.Body("error.txt"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := serve(t, tt.h, tt.conn, tt.req, nil, handlertest.At(21, 24, 17))
			assert.Equal(t, tt.want, x.out)
			assert.Equal(t, tt.wantKeep, x.keep)
		})
	}
}

func contentLength(body string) string {
	return "Content-Length: " + strconv.Itoa(len(body)) + "\r\n"
}

func TestEchoLatin1(t *testing.T) {
	// http.server decodes the request line as ISO-8859-1 and the seed's
	// handler encodes its page in UTF-8: byte 0xe9 comes out as "é".
	x := serve(t, Echo(), seedConn, handlertest.Parsed("GET /caf\xe9?q=\xe9 HTTP/1.1"), nil, handlertest.At(21, 24, 17))
	assert.Contains(t, x.out, "\npath=/café?q=é\nreal path=/café\nquery=q=é\n")
}
