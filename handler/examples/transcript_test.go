package examples

import (
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/fastbase/fastbase/internal/seedref"
	"github.com/stretchr/testify/assert"
)

// Responses of the seed's examples, byte for byte from seed-reference
// transcripts (heads with CRLF line ends), and the server's log lines. The
// error pages are read from the transcripts themselves (internal/seedref).
const (
	// transcripts/get.txt
	echoHeadGet = "HTTP/1.0 200 OK\n" +
		"Server: BaseHTTP/0.6 Python/3.11.7\n" +
		"Date: Mon, 23 Nov 2026 21:23:38 GMT\n\n"
	echoBodyGet = `CLIENT VALUES:
client_address=('127.0.0.1', 35548) (127.0.0.1)
command=GET
path=/?foo=bar
real path=/
query=foo=bar
request_version=HTTP/1.1

SERVER VALUES:
server_version=BaseHTTP/0.6
sys_version=Python/3.11.7
protocol_version=HTTP/1.0
`
	echoLogGet = `127.0.0.1 - - [23/Nov/2026 21:23:38] "GET /?foo=bar HTTP/1.1" 200 237` + "\n"

	// transcripts/get_raw_http09.txt: the body alone.
	echoBodyHTTP09 = `CLIENT VALUES:
client_address=('127.0.0.1', 35548) (127.0.0.1)
command=GET
path=/?foo=bar
real path=/
query=foo=bar
request_version=HTTP/0.9

SERVER VALUES:
server_version=BaseHTTP/0.6
sys_version=Python/3.11.7
protocol_version=HTTP/1.0
`
	// transcripts/get_raw_double_slash.txt
	echoHeadDoubleSlash = "HTTP/1.0 200 OK\n" +
		"Server: BaseHTTP/0.6 Python/3.11.7\n" +
		"Date: Mon, 23 Nov 2026 21:23:56 GMT\n\n"
	echoBodyDoubleSlash = `CLIENT VALUES:
client_address=('127.0.0.1', 35548) (127.0.0.1)
command=GET
path=/evil.example/x?y
real path=/evil.example/x
query=y
request_version=HTTP/1.1

SERVER VALUES:
server_version=BaseHTTP/0.6
sys_version=Python/3.11.7
protocol_version=HTTP/1.0
`

	// transcripts/error.txt
	errorHead404 = "HTTP/1.0 404 Not Found\n" +
		"Server: BaseHTTP/0.6 Python/3.11.7\n" +
		"Date: Mon, 23 Nov 2026 21:24:17 GMT\n" +
		"Connection: close\n" +
		"Content-Type: text/html;charset=utf-8\n" +
		"Content-Length: 330\n\n"
	errorLog404 = "127.0.0.1 - - [23/Nov/2026 21:24:17] code 404, message Not Found\n" +
		`127.0.0.1 - - [23/Nov/2026 21:24:17] "GET / HTTP/1.1" 404 330` + "\n"

	// transcripts/error_head.txt: HEAD on a handler without do_HEAD.
	errorHeadHEAD = "HTTP/1.0 501 Unsupported method ('HEAD')\n" +
		"Server: BaseHTTP/0.6 Python/3.11.7\n" +
		"Date: Mon, 23 Nov 2026 21:24:17 GMT\n" +
		"Connection: close\n" +
		"Content-Type: text/html;charset=utf-8\n" +
		"Content-Length: 357\n\n"
	errorLogHEAD = "127.0.0.1 - - [23/Nov/2026 21:24:17] code 501, message Unsupported method ('HEAD')\n" +
		`127.0.0.1 - - [23/Nov/2026 21:24:17] "HEAD / HTTP/1.1" 501 0` + "\n"

	// transcripts/get_brew.txt
	errorHeadBrew = "HTTP/1.0 501 Unsupported method ('BREW')\n" +
		"Server: BaseHTTP/0.6 Python/3.11.7\n" +
		"Date: Mon, 23 Nov 2026 21:23:39 GMT\n" +
		"Connection: close\n" +
		"Content-Type: text/html;charset=utf-8\n" +
		"Content-Length: 357\n\n"
	errorLogBrew = "127.0.0.1 - - [23/Nov/2026 21:23:39] code 501, message Unsupported method ('BREW')\n" +
		`127.0.0.1 - - [23/Nov/2026 21:23:39] "BREW / HTTP/1.1" 501 357` + "\n"
)

// TestSeedTranscripts runs the seed's examples configured as the seed ran
// them (http.server's versions, protocol HTTP/1.0) and compares every byte
// with the transcripts. The logs differ from the transcripts only in the
// size, which http.server never knows and fastbase does.
func TestSeedTranscripts(t *testing.T) {
	tests := []struct {
		name     string
		h        *handler.Handler
		req      *codec.Request
		at       [3]int
		wantHead string // LF line ends; "" for an HTTP/0.9 answer
		wantBody string
		wantLog  string
	}{
		{"get.txt", Echo(), handlertest.Parsed("GET /?foo=bar HTTP/1.1", "Host: 127.0.0.1:58485", "User-Agent: curl/7.88.1", "Accept: */*"),
			[3]int{21, 23, 38}, echoHeadGet, echoBodyGet, echoLogGet},
		{"get_raw_http09.txt", Echo(), handlertest.Parsed("GET /?foo=bar"),
			[3]int{21, 23, 41}, "", echoBodyHTTP09,
			`127.0.0.1 - - [23/Nov/2026 21:23:41] "GET /?foo=bar" 200 237` + "\n"},
		{"get_raw_double_slash.txt", Echo(), handlertest.Parsed("GET //evil.example/x?y HTTP/1.1"),
			[3]int{21, 23, 56}, echoHeadDoubleSlash, echoBodyDoubleSlash,
			`127.0.0.1 - - [23/Nov/2026 21:23:56] "GET //evil.example/x?y HTTP/1.1" 200 253` + "\n"},
		{"get_brew.txt", Echo(), handlertest.Parsed("BREW / HTTP/1.1"),
			[3]int{21, 23, 39}, errorHeadBrew, seedref.Body("get_brew.txt"), errorLogBrew},
		{"error.txt", NotFound(), handlertest.Parsed("GET / HTTP/1.1"),
			[3]int{21, 24, 17}, errorHead404, seedref.Body("error.txt"), errorLog404},
		{"error_head.txt", NotFound(), handlertest.Parsed("HEAD / HTTP/1.1"),
			[3]int{21, 24, 17}, errorHeadHEAD, "", errorLogHEAD},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logAt := handlertest.At(tt.at[0], tt.at[1], tt.at[2])
			x := serve(t, seedStyle(tt.h), seedConn, tt.req, nil, logAt)
			assert.Equal(t, handlertest.CRLF(tt.wantHead)+tt.wantBody, x.out)
			assert.False(t, x.keep, "http.server's protocol HTTP/1.0 closes after every response")
			assert.Equal(t, tt.wantLog, x.log)
		})
	}
}
