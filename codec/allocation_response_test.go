//go:build !race

package codec

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestResponseAllocations(t *testing.T) {
	buf := make([]byte, 0, 4096)
	now := time.Now()
	tests := []struct {
		name string
		fn   func()
	}{
		{"AppendStatusLine known HTTP/1.1", func() { buf = AppendStatusLine(buf[:0], "HTTP/1.1", 200, "") }},
		{"AppendStatusLine known HTTP/1.0", func() { buf = AppendStatusLine(buf[:0], "HTTP/1.0", 404, "Not Found") }},
		{"AppendStatusLine custom reason", func() { buf = AppendStatusLine(buf[:0], "HTTP/1.0", 501, "Unsupported method ('BREW')") }},
		{"AppendStatusLine unknown code", func() { buf = AppendStatusLine(buf[:0], "HTTP/1.1", 599, "") }},
		{"AppendHeader", func() { buf = AppendHeader(buf[:0], "Server", "BaseHTTP/0.6 Python/3.11.7") }},
		{"AppendHeaderBytes", func() { buf = AppendHeaderBytes(buf[:0], "Host", buf[:0]) }},
		{"AppendUint", func() { buf = AppendUint(buf[:0], 1<<40) }},
		{"AppendContentLength", func() { buf = AppendContentLength(buf[:0], 330) }},
		{"AppendDate", func() { buf = AppendDate(buf[:0]) }},
		{"AppendLogDate", func() { buf = AppendLogDate(buf[:0], now) }},
		{"AppendErrorPage defaults", func() { buf = AppendErrorPage(buf[:0], 404, "", "") }},
		{"AppendErrorPage escaped", func() { buf = AppendErrorPage(buf[:0], 400, "Bad request syntax ('<&>')", "a < b") }},
		{"AppendErrorPage unknown code", func() { buf = AppendErrorPage(buf[:0], 599, "", "") }},
		{"ErrorPageLen", func() { _ = ErrorPageLen(431, "Too many headers", "got more than 100 headers") }},
		{"StatusText", func() { _ = StatusText(404) }},
		{"StatusExplain", func() { _ = StatusExplain(404) }},
	}
	for _, tt := range tests {
		assert.Zero(t, testing.AllocsPerRun(100, tt.fn), tt.name)
	}
}
