package httpbin_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fastbase/fastbase/handler/httpbin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The echo's parameters as fortio's echo server reads them.

func TestEchoBody(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for _, target := range []string{"/", "/some/path", "/debug/echo/x", "/?foo=bar"} {
		a := post(t, h, "POST", target, "application/x-custom", "payload bytes")
		assert.Equal(t, 200, a.StatusCode, target)
		assert.Equal(t, "application/x-custom", a.Header.Get("Content-Type"), target)
		assert.Equal(t, "payload bytes", string(a.body), target)
		assert.Equal(t, int64(13), a.ContentLength)
		assert.True(t, a.keep)
	}
	a := get(t, h, "GET", "/")
	assert.Equal(t, 200, a.StatusCode)
	assert.Empty(t, a.body)
	assert.Empty(t, a.Header.Get("Content-Type"), "no body type to echo")
	assert.Empty(t, a.Header.Get("Access-Control-Allow-Origin"), "the echo is fortio's, without go-httpbin's CORS headers")
}

func TestEchoStatus(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := post(t, h, "PUT", "/x?status=503", "text/plain", "hi")
	assert.Equal(t, 503, a.StatusCode)
	assert.Equal(t, "hi", string(a.body), "the body is echoed whatever the status")
	assert.Equal(t, 204, get(t, h, "GET", "/?status=204").StatusCode)
	assert.Equal(t, 200, get(t, h, "GET", "/?status=").StatusCode)
	for _, bad := range []string{"abc", "42", "1000", "200,500", "503:x", "503:101", "503:60,500:50", "5:3:1"} {
		a := get(t, h, "GET", "/?status="+bad)
		assert.Equal(t, 400, a.StatusCode, bad)
		assert.Equal(t, "text/plain; charset=utf-8", a.Header.Get("Content-Type"))
		assert.Contains(t, string(a.body), "status", bad)
		assert.True(t, a.keep, "a refused parameter keeps the connection")
	}
}

// TestEchoStatusDistribution checks percentages over 10,000 answers:
// 503 10 %, 429 5 %, 0.5 % of 418, and the rest 200.
func TestEchoStatusDistribution(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	const n = 10000
	counts := map[int]int{}
	for range n {
		counts[get(t, h, "GET", "/?status=503:10,429:5,418:0.5%25").StatusCode]++
	}
	assert.Len(t, counts, 4)
	withinBinomial(t, counts[503], n, 0.10, "503")
	withinBinomial(t, counts[429], n, 0.05, "429")
	withinBinomial(t, counts[418], n, 0.005, "418")
	withinBinomial(t, counts[200], n, 0.845, "200")

	all := 0
	for range 1000 {
		if get(t, h, "GET", "/?status=503:100").StatusCode == 503 {
			all++
		}
	}
	assert.Equal(t, 1000, all, "100 % is every time")
}

func TestEchoSize(t *testing.T) {
	h := newApp(t, httpbin.Options{MaxBodySize: 4096})
	a := post(t, h, "POST", "/?size=1024", "text/plain", "ignored")
	assert.Equal(t, 200, a.StatusCode)
	assert.Len(t, a.body, 1024)
	assert.Equal(t, "application/octet-stream", a.Header.Get("Content-Type"))
	assert.Equal(t, a.body, get(t, h, "GET", "/?size=1024").body, "the payload is the same bytes each time")
	assert.Equal(t, a.body[:10], get(t, h, "GET", "/?size=10").body)

	zero := post(t, h, "POST", "/?size=0", "text/plain", "body")
	assert.Empty(t, zero.body, "0 forces an empty answer")
	assert.Equal(t, int64(0), zero.ContentLength)

	assert.Len(t, get(t, h, "GET", "/?size=999999").body, 4096, "cut to the maximum")
	assert.Equal(t, "text/x", get(t, h, "GET", "/?size=4&header=Content-Type:text/x").Header.Get("Content-Type"),
		"a header parameter wins over the payload's type")
	both := get(t, h, "GET", "/?size=5&status=201")
	assert.Equal(t, 201, both.StatusCode)
	assert.Len(t, both.body, 5)
}

func TestEchoSizeDistribution(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	const n = 10000
	counts := map[int]int{}
	for range n {
		a := post(t, h, "POST", "/?size=512:20,16384:10", "text/plain", "echo")
		counts[len(a.body)]++
	}
	assert.Len(t, counts, 3)
	withinBinomial(t, counts[512], n, 0.20, "512 bytes")
	withinBinomial(t, counts[16384], n, 0.10, "16 KiB")
	withinBinomial(t, counts[4], n, 0.70, "the echo")
}

func TestEchoHeaders(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/?header=x-one:1&header=X-Two:%20two%20&header=X-One:again&header=")
	assert.Equal(t, []string{"1", "again"}, a.Header.Values("X-One"))
	assert.Equal(t, "two", a.Header.Get("X-Two"))
	assert.Contains(t, a.raw, "\r\nX-One: 1\r\n", "names are canonicalized")
	for _, bad := range []string{"nocolon", "bad%20name:x", ":x"} {
		assert.Equal(t, 400, get(t, h, "GET", "/?header="+bad).StatusCode, bad)
	}
}

func TestEchoClose(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for _, v := range []string{"true", "1e9", "yes", "true:10"} {
		a := get(t, h, "GET", "/?close="+v)
		assert.Contains(t, a.raw, "\r\nConnection: close\r\n", v)
		assert.False(t, a.keep, v)
	}
	for _, v := range []string{"", "false", "0"} {
		a := get(t, h, "GET", "/?close="+v)
		assert.NotContains(t, a.raw, "Connection:", v)
		assert.True(t, a.keep, v)
	}
	const n = 10000
	closed := 0
	for range n {
		if !get(t, h, "GET", "/?close=30").keep {
			closed++
		}
	}
	withinBinomial(t, closed, n, 0.30, "close=30")
}

func TestEchoGzip(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	body := strings.Repeat("compress me ", 100)
	a := do(t, h, "POST /?gzip=true HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip\r\nContent-Type: text/plain\r\nContent-Length: 1200\r\n\r\n"+body)
	assert.Equal(t, "gzip", a.Header.Get("Content-Encoding"))
	assert.Less(t, len(a.body), len(body))
	assert.Equal(t, int64(len(a.body)), a.ContentLength)
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, body, string(plain))

	plainAnswer := post(t, h, "POST", "/?gzip=true", "text/plain", body)
	assert.Empty(t, plainAnswer.Header.Get("Content-Encoding"), "only for a client that accepts gzip")
	assert.Equal(t, body, string(plainAnswer.body))

	sized := get(t, h, "GET", "/?gzip=true&size=100", "Accept-Encoding: gzip")
	assert.Equal(t, "gzip", sized.Header.Get("Content-Encoding"))

	const n = 10000
	zipped := 0
	for range n {
		if get(t, h, "GET", "/?gzip=25", "Accept-Encoding: gzip").Header.Get("Content-Encoding") == "gzip" {
			zipped++
		}
	}
	withinBinomial(t, zipped, n, 0.25, "gzip=25")
}

func TestEchoDelay(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/?delay=250ms&size=3")
	assert.Equal(t, 250*time.Millisecond, a.delay)
	assert.Len(t, a.body, 3)
	assert.True(t, a.keep)
	// Capped at MaxDuration, as fortio caps at its maximum.
	assert.Equal(t, httpbin.DefaultMaxDuration, get(t, h, "GET", "/?delay=1h").delay)
	capped := newApp(t, httpbin.Options{MaxDuration: time.Second})
	assert.Equal(t, time.Second, get(t, capped, "GET", "/?delay=5s").delay)
	for _, v := range []string{"soon", "-1s", "1s:200", "10ms:20,1s"} {
		a := get(t, h, "GET", "/?delay="+v)
		assert.Equal(t, 400, a.StatusCode, v)
		assert.Contains(t, string(a.body), "delay", v)
	}
}

func TestEchoDelayWeighted(t *testing.T) {
	const n = 10000
	h := newApp(t, httpbin.Options{})
	var short, long int
	for range n {
		switch get(t, h, "GET", "/?delay=10ms:20,1s:0.5&size=0").delay {
		case 10 * time.Millisecond:
			short++
		case time.Second:
			long++
		case 0:
		default:
			t.Fatal("a delay that was not asked for")
		}
	}
	withinBinomial(t, short, n, 0.20, "10ms:20")
	withinBinomial(t, long, n, 0.005, "1s:0.5")
}

func TestEchoReset(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	assert.True(t, get(t, h, "GET", "/?reset=100").reset)
	assert.True(t, get(t, h, "GET", "/?reset=true").reset)
	assert.False(t, get(t, h, "GET", "/?reset=0").reset)
	const n = 10000
	resets := 0
	for range n {
		if get(t, h, "GET", "/?reset=10&size=1").reset {
			resets++
		}
	}
	withinBinomial(t, resets, n, 0.10, "reset=10")
}

func TestEchoTruncate(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/?size=100&truncate=10")
	assert.Equal(t, int64(100), a.ContentLength, "the declared length is the whole body's")
	assert.Len(t, a.body, 10)
	assert.False(t, a.keep, "the connection closes after the short body")
	a = get(t, h, "GET", "/?size=5&truncate=10")
	assert.Len(t, a.body, 5)
	assert.True(t, a.keep, "nothing to cut")
	assert.Equal(t, 400, get(t, h, "GET", "/?truncate=x").StatusCode)
}

func TestEchoRate(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/?rate=1000&size=5000")
	assert.Equal(t, int64(5000), a.ContentLength)
	assert.Len(t, a.body, 5000)
	assert.True(t, a.keep)
	assert.InDelta(t, 5*time.Second, a.waited(), float64(100*time.Millisecond), "5000 bytes at 1000 bytes/s")
	assert.Greater(t, len(a.waits), 50, "in pieces")
	a = get(t, h, "GET", "/?rate=1000&size=5000&truncate=2000")
	assert.Len(t, a.body, 2000)
	assert.False(t, a.keep)
	assert.InDelta(t, 2*time.Second, a.waited(), float64(100*time.Millisecond))
	for _, v := range []string{"0", "-5", "fast"} {
		assert.Equal(t, 400, get(t, h, "GET", "/?rate="+v).StatusCode, v)
	}
}

func TestEchoDefault(t *testing.T) {
	h := newApp(t, httpbin.Options{EchoDefault: "status=418&size=3&header=X-D:1"})
	a := get(t, h, "GET", "/any")
	assert.Equal(t, 418, a.StatusCode)
	assert.Len(t, a.body, 3)
	assert.Equal(t, "1", a.Header.Get("X-D"))
	for _, target := range []string{"/any?", "/any?status=201"} {
		a := post(t, h, "POST", target, "text/plain", "mine")
		assert.NotEqual(t, 418, a.StatusCode, "a query string of its own, even empty, replaces the default")
		assert.Equal(t, "mine", string(a.body))
	}
	assert.Equal(t, 200, get(t, h, "GET", "/get").StatusCode, "the httpbin routes do not take echo defaults")
	assert.Error(t, httpbin.CheckEchoQuery("size=x"))
	assert.NoError(t, httpbin.CheckEchoQuery("status=503:10&size=1024:50&close=5&gzip=true&header=A:b&other=1"))
}

func TestDebug(t *testing.T) {
	h := newApp(t, httpbin.Options{Hostname: "box"})
	a := do(t, h, "POST /debug?x=1 HTTP/1.1\r\nHost: example\r\nx-b: 2\r\nX-A: 1\r\nx-a: 3\r\nContent-Length: 5\r\n\r\nhe\"lo")
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "text/plain; charset=UTF-8", a.Header.Get("Content-Type"))
	l := lines(string(a.body))
	assert.Regexp(t, `^fastbase/\S+ Go/\S+ echo debug server up for \S+ on box - request from 127\.0\.0\.1:40000$`, l[0])
	assert.Equal(t, []string{"", "POST /debug?x=1 HTTP/1.1", "", "headers:", "",
		"Host: example", "Content-Length: 5", "X-A: 1,3", "X-B: 2", "", "body:", "", `he\"lo`}, l[1:])

	zipped := get(t, h, "GET", "/debug", "Accept-Encoding: gzip")
	assert.Equal(t, "gzip", zipped.Header.Get("Content-Encoding"), "as fortio, /debug compresses for any client that accepts it")
	closing := get(t, h, "GET", "/debug?close=true&header=X-Y:z")
	assert.False(t, closing.keep)
	assert.Equal(t, "z", closing.Header.Get("X-Y"))

	long := get(t, newApp(t, httpbin.Options{}), "POST", "/debug")
	assert.Equal(t, 200, long.StatusCode)
}

func TestEchoBodyBound(t *testing.T) {
	h := newApp(t, httpbin.Options{MaxBodySize: 8})
	assert.Equal(t, "12345678", string(post(t, h, "POST", "/", "text/plain", "12345678").body))
	a := post(t, h, "POST", "/", "text/plain", "123456789")
	assert.Equal(t, 413, a.StatusCode)
	assert.Contains(t, string(a.body), "larger than 8 bytes")
	assert.Len(t, post(t, h, "POST", "/?size=3", "text/plain", "123456789").body, 3,
		"a body that is not echoed may be larger, as it is not kept")
}
