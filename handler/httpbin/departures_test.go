package httpbin_test

import (
	"os"
	"testing"
	"time"

	"github.com/fastbase/fastbase/handler/httpbin"
	"github.com/stretchr/testify/assert"
)

// Each departure the package documentation lists, shown to hold. Where
// fortio or go-httpbin would answer otherwise, the comment says how.

// fortio answers a bad status with 400 and the echo, and ignores a bad
// size or header; here each is a 400 saying what was wrong.
func TestDepartureBadEchoParameters(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for query, words := range map[string]string{
		"status=abc":         `status "abc": want a final status code`,
		"status=100":         `status "100": want a final status code`,
		"size=abc":           `size "abc": want a byte count`,
		"size=-1":            `size "-1": want a byte count`,
		"size=10:x":          `size "10:x": the percentage must be a number from 0 to 100`,
		"size=10:60,20:50":   `the percentages add up to more than 100`,
		"header=NoColonHere": `header "NoColonHere": want Name:Value`,
		"status=%zz":         `query: `,
	} {
		a := get(t, h, "GET", "/?"+query)
		assert.Equal(t, 400, a.StatusCode, query)
		assert.Contains(t, string(a.body), words, query)
	}
}

// fortio cuts size= to its -maxpayloadsizekb; here to MaxBodySize.
func TestDepartureSizeCut(t *testing.T) {
	h := newApp(t, httpbin.Options{MaxBodySize: 100})
	assert.Len(t, get(t, h, "GET", "/?size=101").body, 100)
	assert.Len(t, get(t, h, "GET", "/?size=1000:100").body, 100)
}

// fortio reads a body of any size to echo it; here one over MaxBodySize
// gets 413 (TestEchoBodyBound), and the echo's Content-Length is what it
// sends, also when compressed (TestEchoGzip).

// /debug never dumps the environment, whatever env= says.
func TestDepartureDebugKeepsTheEnvironment(t *testing.T) {
	t.Setenv("HTTPBIN_TEST_SECRET", "do-not-show")
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/debug?env=dump")
	assert.Equal(t, 200, a.StatusCode)
	assert.NotContains(t, string(a.body), "do-not-show")
	assert.NotContains(t, string(a.body), "environment:")
}

// go-httpbin answers "go-httpbin" unless told to use the real name.
func TestDepartureHostname(t *testing.T) {
	name, err := os.Hostname()
	assert.NoError(t, err)
	assert.Equal(t, name, get(t, newApp(t, httpbin.Options{}), "GET", "/hostname").json(t)["hostname"])
}

// go-httpbin's /cache ETag is unquoted, which is not an entity tag; here it
// is quoted, and Last-Modified is an HTTP date in GMT.
func TestDepartureCacheValidators(t *testing.T) {
	a := get(t, newApp(t, httpbin.Options{}), "GET", "/cache")
	assert.Regexp(t, `^"[0-9a-f]{40}"$`, a.Header.Get("ETag"))
	assert.Regexp(t, `^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$`, a.Header.Get("Last-Modified"))
}

// go-httpbin answers several ranges with multipart/byteranges; here with
// the whole body, as RFC 9110 §14.2 lets a server ignore Range.
func TestDepartureSeveralRanges(t *testing.T) {
	a := get(t, newApp(t, httpbin.Options{}), "GET", "/range/10", "Range: bytes=0-1,4-5")
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "abcdefghij", string(a.body))
	assert.Empty(t, a.Header.Get("Content-Range"))
}

// go-httpbin's /dump/request goes through net/http, which sorts and
// canonicalizes header names; here they come back as they were sent
// (TestDumpRequest).

func TestDepartureEchoDelay(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	assert.Equal(t, 3*time.Second, get(t, h, "GET", "/?delay=3s&size=0").delay, "beyond fortio's 1.5 s")
	a := get(t, h, "GET", "/?delay=later")
	assert.Equal(t, 400, a.StatusCode)
	assert.Zero(t, a.delay)
}

func TestDepartureRangeDuration(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/range/26?duration=2s")
	assert.Equal(t, 2*time.Second, a.delay)
	assert.Empty(t, a.waits, "the whole body at once, after the wait")
	assert.Equal(t, "abcdefghijklmnopqrstuvwxyz", string(a.body))
}
