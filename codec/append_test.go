package codec

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendStatusLine(t *testing.T) {
	tests := []struct {
		proto  string
		code   int
		reason string
		want   string
	}{
		{"HTTP/1.0", 200, "", "HTTP/1.0 200 OK\r\n"},
		{"HTTP/1.1", 200, "", "HTTP/1.1 200 OK\r\n"},
		{"HTTP/1.0", 404, "", "HTTP/1.0 404 Not Found\r\n"},
		{"HTTP/1.1", 414, "", "HTTP/1.1 414 Request-URI Too Long\r\n"},
		{"HTTP/1.1", 418, "", "HTTP/1.1 418 I'm a Teapot\r\n"},
		{"HTTP/1.1", 100, "", "HTTP/1.1 100 Continue\r\n"},
		{"HTTP/1.0", 100, "Continue", "HTTP/1.0 100 Continue\r\n"},
		// send_error passes its message as the reason (get_brew.txt,
		// get_too_many_headers.txt).
		{"HTTP/1.0", 501, "Unsupported method ('BREW')", "HTTP/1.0 501 Unsupported method ('BREW')\r\n"},
		{"HTTP/1.0", 431, "Too many headers", "HTTP/1.0 431 Too many headers\r\n"},
		{"HTTP/1.1", 200, "Fine", "HTTP/1.1 200 Fine\r\n"},
		// Unknown codes: send_response_only's message defaults to ''.
		{"HTTP/1.1", 599, "", "HTTP/1.1 599 \r\n"},
		{"HTTP/1.0", 306, "", "HTTP/1.0 306 \r\n"},
		{"HTTP/1.0", 599, "???", "HTTP/1.0 599 ???\r\n"},
		{"HTTP/1.1", 42, "", "HTTP/1.1 42 \r\n"},
		{"HTTP/1.1", 1000, "Big", "HTTP/1.1 1000 Big\r\n"},
		{"HTTP/1.1", -1, "", "HTTP/1.1 -1 \r\n"},
		// Other protocol strings take the slow path with the same result.
		{"HTTP/2.0", 404, "", "HTTP/2.0 404 Not Found\r\n"},
		{"HTTP/0.9", 599, "", "HTTP/0.9 599 \r\n"},
	}
	for _, tt := range tests {
		got := AppendStatusLine([]byte("x"), tt.proto, tt.code, tt.reason)
		assert.Equal(t, "x"+tt.want, string(got), "AppendStatusLine(%q, %d, %q)", tt.proto, tt.code, tt.reason)
	}
}

func TestAppendStatusLineEveryKnownCode(t *testing.T) {
	for _, s := range pythonStatuses {
		for _, proto := range []string{"HTTP/1.0", "HTTP/1.1", "HTTP/1.2"} {
			want := proto + " " + itoa(s.code) + " " + s.text + "\r\n"
			assert.Equal(t, want, string(AppendStatusLine(nil, proto, s.code, "")))
			assert.Equal(t, want, string(AppendStatusLine(nil, proto, s.code, s.text)))
		}
	}
}

func TestAppendHeader(t *testing.T) {
	dst := AppendHeader([]byte("HTTP/1.0 200 OK\r\n"), "Server", "BaseHTTP/0.6 Python/3.11.7")
	dst = AppendHeaderBytes(dst, "Content-Type", []byte(ErrorContentType))
	dst = AppendHeader(dst, "X-Empty", "")
	dst = AppendHeaderBytes(dst, "X-Nil", nil)
	assert.Equal(t, "HTTP/1.0 200 OK\r\n"+
		"Server: BaseHTTP/0.6 Python/3.11.7\r\n"+
		"Content-Type: text/html;charset=utf-8\r\n"+
		"X-Empty: \r\n"+
		"X-Nil: \r\n", string(dst))
}

func TestAppendUint(t *testing.T) {
	tests := []struct {
		n    uint64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{10, "10"},
		{330, "330"},
		{65536, "65536"},
		{math.MaxUint64, "18446744073709551615"},
	}
	for _, tt := range tests {
		assert.Equal(t, "n="+tt.want, string(AppendUint([]byte("n="), tt.n)))
	}
}

func TestAppendContentLength(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "Content-Length: 0\r\n"},
		{330, "Content-Length: 330\r\n"},
		{2097152, "Content-Length: 2097152\r\n"},
		{math.MaxInt64, "Content-Length: 9223372036854775807\r\n"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(AppendContentLength(nil, tt.n)))
	}
}

// itoa is strconv.Itoa written out, so that the expected values of the tests
// do not come from the function under test's own helper.
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}
