package examples

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/stretchr/testify/assert"
)

// threadsLine is the body the threads handler answers on runner.
func threadsLine(runner string) string {
	return runner + " pid " + strconv.Itoa(os.Getpid()) + "\n"
}

// threadsLength is the Content-Length header line of threadsLine(runner).
func threadsLength(runner string) string {
	return "Content-Length: " + strconv.Itoa(len(threadsLine(runner))) + "\r\n"
}

func TestThreadsSleep(t *testing.T) {
	tests := []struct {
		target  string
		status  string
		atLeast time.Duration
	}{
		{"/?sleep=30ms", "200", 30 * time.Millisecond},
		{"/?a=1&sleep=1ms&b", "200", time.Millisecond},
		{"/?sleep=1%30ms", "200", 10 * time.Millisecond}, // decoded, as QueryValue decodes
		{"/?sleep=0", "200", 0},
		{"/?sleepy=10s", "200", 0},
		{"/?sleep=abc", "400", 0},
		{"/?sleep=", "400", 0},
		{"/?sleep=-1s", "400", 0},
	}
	for _, tt := range tests {
		start := time.Now()
		x := serve(t, Threads(), seedConn, handlertest.Parsed("GET "+tt.target+" HTTP/1.1"), nil, handlertest.At(21, 24, 17))
		assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 "+tt.status+" "), "%s: %q", tt.target, x.out)
		assert.GreaterOrEqual(t, time.Since(start), tt.atLeast, tt.target)
		if tt.status == "200" {
			assert.True(t, strings.HasSuffix(x.out, "\r\n\r\n"+threadsLine("loop 0")), x.out)
		} else {
			assert.Contains(t, x.out, "Bad sleep duration")
			assert.False(t, x.keep)
		}
	}
}
