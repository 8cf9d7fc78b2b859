package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCopyToOutlivesTheBuffer parses requests, copies them, wipes the
// parsed buffer and checks that the copy still reads the same.
func TestCopyToOutlivesTheBuffer(t *testing.T) {
	for _, raw := range []string{
		"GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nX-A: one\r\nx-a: two\r\n\r\n",
		"\r\n\r\nPOST http://h/x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc",
		"GET /old\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
	} {
		buf := []byte(raw)
		var p Parser
		var req Request
		n, err := p.Parse(buf, &req)
		require.NoError(t, err, raw)
		want := snapshot(&req)

		var dst Request
		dst.Headers = make([]Header, 0, 1)
		storage := []byte("prefix")
		storage = req.CopyTo(&dst, buf[:n], storage)
		assert.Equal(t, "prefix", string(storage[:6]))
		for i := range buf {
			buf[i] = '#'
		}
		assert.Equal(t, want, snapshot(&dst), raw)
		assert.Equal(t, req.ContentLength, dst.ContentLength)
		assert.Equal(t, req.KeepAlive, dst.KeepAlive)
		assert.Equal(t, req.Expect100, dst.Expect100)
		assert.Equal(t, req.Major*10+req.Minor, dst.Major*10+dst.Minor)
		assert.Equal(t, req.IsHTTP09(), dst.IsHTTP09())
	}
}

// snapshot copies every view of r into strings.
func snapshot(r *Request) []string {
	out := []string{string(r.RequestLine), string(r.Method), string(r.Target), string(r.Path),
		string(r.Query), string(r.Proto), string(r.Host)}
	for _, h := range r.Headers {
		out = append(out, string(h.Name)+": "+string(h.Value))
	}
	return out
}
