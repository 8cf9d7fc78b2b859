package httpbin_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"io"
	mrand "math/rand"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fastbase/fastbase/handler/httpbin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The answers below are checked against what go-httpbin documents and
// answers: its field names and their order, statuses and headers.

func TestGet(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/get?a=1&a=2&b=x+y", "User-Agent: test/1", "Accept: */*", "accept: text/plain")
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "application/json; charset=utf-8", a.Header.Get("Content-Type"))
	assert.Equal(t, "*", a.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "true", a.Header.Get("Access-Control-Allow-Credentials"))
	assert.True(t, a.keep)
	want := `{
  "args": {
    "a": [
      "1",
      "2"
    ],
    "b": [
      "x y"
    ]
  },
  "headers": {
    "Accept": [
      "*/*",
      "text/plain"
    ],
    "Host": [
      "localhost:8080"
    ],
    "User-Agent": [
      "test/1"
    ]
  },
  "method": "GET",
  "origin": "127.0.0.1",
  "url": "http://localhost:8080/get?a=1&a=2&b=x+y"
}
`
	assert.Equal(t, want, string(a.body))

	head := get(t, h, "HEAD", "/get")
	assert.Equal(t, 200, head.StatusCode)
	assert.Empty(t, head.body)
	// The length of what GET would send, with "HEAD" for "GET" in it.
	assert.Equal(t, int64(len(get(t, h, "GET", "/get").body)+1), head.ContentLength)

	assert.Equal(t, 200, get(t, h, "HEAD", "/head").StatusCode)
	assert.Equal(t, 405, get(t, h, "GET", "/head").StatusCode)
}

func TestWrongMethodIs405(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for _, c := range []struct{ method, path, allow string }{
		{"POST", "/get", "GET, HEAD"}, {"GET", "/post", "POST"}, {"POST", "/put", "PUT"},
		{"GET", "/patch", "PATCH"}, {"GET", "/delete", "DELETE"}, {"GET", "/head", "HEAD"},
	} {
		a := get(t, h, c.method, c.path)
		assert.Equal(t, 405, a.StatusCode, c.path)
		assert.Equal(t, c.allow, a.Header.Get("Allow"), c.path)
		// go-httpbin leaves these to net/http.ServeMux, which answers in text.
		assert.Equal(t, "text/plain; charset=utf-8", a.Header.Get("Content-Type"))
		assert.Equal(t, "Method Not Allowed\n", string(a.body))
		assert.True(t, a.keep)
	}
	// Every other route takes every method, as go-httpbin's do.
	for _, path := range []string{"/uuid", "/headers", "/ip", "/gzip", "/cookies", "/json", "/base64/aGk="} {
		assert.Equal(t, 200, get(t, h, "DELETE", path).StatusCode, path)
	}
}

func TestPreflight(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "OPTIONS", "/post", "Origin: http://a.example", "Access-Control-Request-Headers: X-Custom")
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "http://a.example", a.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "GET, POST, HEAD, PUT, DELETE, PATCH, QUERY, OPTIONS", a.Header.Get("Access-Control-Allow-Methods"))
	assert.Equal(t, "3600", a.Header.Get("Access-Control-Max-Age"))
	assert.Equal(t, "X-Custom", a.Header.Get("Access-Control-Allow-Headers"))
	assert.Empty(t, a.body)
}

func TestBodyMethods(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := post(t, h, "POST", "/post?q=1", "application/x-www-form-urlencoded", "x=1&y=2&x=3")
	assert.Equal(t, 200, a.StatusCode)
	m := a.json(t)
	assert.Equal(t, []string{"args", "data", "files", "form", "headers", "json", "method", "origin", "url"}, keys(m))
	assert.Equal(t, map[string]any{"q": []any{"1"}}, m["args"])
	assert.Equal(t, "x=1&y=2&x=3", m["data"])
	assert.Equal(t, map[string]any{"x": []any{"1", "3"}, "y": []any{"2"}}, m["form"])
	assert.Equal(t, map[string]any{}, m["files"])
	assert.Nil(t, m["json"])
	assert.Equal(t, "POST", m["method"])
	// go-httpbin's field order: args headers method origin url data files form json.
	order := regexp.MustCompile(`(?m)^  "(\w+)":`).FindAllStringSubmatch(string(a.body), -1)
	var names []string
	for _, o := range order {
		names = append(names, o[1])
	}
	assert.Equal(t, []string{"args", "headers", "method", "origin", "url", "data", "files", "form", "json"}, names)

	m = post(t, h, "PUT", "/put", "application/json", `{"n": 1, "s": ["a"]}`).json(t)
	assert.Equal(t, map[string]any{"n": 1.0, "s": []any{"a"}}, m["json"])
	assert.Equal(t, `{"n": 1, "s": ["a"]}`, m["data"])

	m = post(t, h, "PATCH", "/patch", "text/plain; charset=utf-8", "hello").json(t)
	assert.Equal(t, "hello", m["data"])

	m = post(t, h, "DELETE", "/delete", "application/x-thing", "\x00\x01").json(t)
	assert.Equal(t, "data:application/x-thing;base64,AAE=", m["data"])
	m = post(t, h, "POST", "/post", "", "\xff").json(t)
	assert.Equal(t, "data:application/octet-stream;base64,_w==", m["data"])

	multipart := "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n--b--\r\n"
	m = post(t, h, "POST", "/post", "multipart/form-data; boundary=b", multipart).json(t)
	assert.Equal(t, map[string]any{"f": []any{"v"}}, m["form"])
	assert.Equal(t, map[string]any{"up": []any{"file body"}}, m["files"])

	bad := post(t, h, "POST", "/post", "application/json", `{"n":`)
	assert.Equal(t, 400, bad.StatusCode)
	assert.Equal(t, "Bad Request", bad.json(t)["error"])
	assert.Contains(t, bad.json(t)["detail"], "error parsing request body: ")

	small := newApp(t, httpbin.Options{MaxBodySize: 4})
	big := post(t, small, "POST", "/post", "text/plain", "12345")
	assert.Equal(t, 400, big.StatusCode)
	assert.Equal(t, "error parsing request body: http: request body too large", big.json(t)["detail"])
}

func keys(m map[string]any) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return sortStrings(k)
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func TestAnything(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for _, target := range []string{"/anything", "/anything/a/b?c=d"} {
		for _, method := range []string{"GET", "PUT", "BREW"} {
			a := post(t, h, method, target, "text/plain", "body")
			assert.Equal(t, 200, a.StatusCode, method+" "+target)
			m := a.json(t)
			assert.Equal(t, method, m["method"])
			assert.Equal(t, "body", m["data"])
			assert.Equal(t, "http://localhost:8080"+target, m["url"])
		}
	}
	head := get(t, h, "HEAD", "/anything/x")
	assert.Equal(t, 200, head.StatusCode)
	assert.Empty(t, head.body)
}

func TestRequestInspection(t *testing.T) {
	h := newApp(t, httpbin.Options{Hostname: "box"})
	assert.Equal(t, map[string]any{"headers": map[string]any{
		"Host": []any{"localhost:8080"}, "X-Thing": []any{"1", "2"},
	}}, get(t, h, "GET", "/headers", "x-thing: 1", "X-THING: 2").json(t))

	// Host as go-httpbin gives it: net/http's Request.Host, which for an
	// absolute-form target is the target's authority, and which is there,
	// empty, when an HTTP/1.0 request has no Host field.
	absolute := do(t, h, "GET http://admin.example/headers HTTP/1.1\r\nHost: public.example\r\n\r\n").json(t)
	assert.Equal(t, map[string]any{"headers": map[string]any{"Host": []any{"admin.example"}}}, absolute)
	assert.Equal(t, "http://admin.example/get",
		do(t, h, "GET http://admin.example/get HTTP/1.1\r\nHost: public.example\r\n\r\n").json(t)["url"])
	noHost := do(t, h, "GET /headers HTTP/1.0\r\nX-Thing: 1\r\n\r\n").json(t)
	assert.Equal(t, map[string]any{"headers": map[string]any{"Host": []any{""}, "X-Thing": []any{"1"}}}, noHost)

	assert.Equal(t, map[string]any{"origin": "127.0.0.1"}, get(t, h, "GET", "/ip").json(t))
	assert.Equal(t, map[string]any{"origin": "203.0.113.7"}, get(t, h, "GET", "/ip", "X-Forwarded-For: 203.0.113.7, 10.0.0.1").json(t))
	assert.Equal(t, map[string]any{"origin": "198.51.100.2"}, get(t, h, "GET", "/ip", "X-Forwarded-For: 203.0.113.7", "CF-Connecting-IP: 198.51.100.2").json(t))
	assert.Equal(t, "https://localhost:8080/get", get(t, h, "GET", "/get", "X-Forwarded-Proto: https").json(t)["url"])

	assert.Equal(t, map[string]any{"user-agent": "curl/8"}, get(t, h, "GET", "/user-agent", "User-Agent: curl/8").json(t))
	assert.Equal(t, map[string]any{"hostname": "box"}, get(t, h, "GET", "/hostname").json(t))

	uuid := get(t, h, "GET", "/uuid").json(t)["uuid"].(string)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, uuid)
	assert.NotEqual(t, uuid, get(t, h, "GET", "/uuid").json(t)["uuid"])
}

func TestStatus(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for _, c := range []struct {
		code         int
		header, want string
		body         string
	}{
		{200, "", "", ""},
		{201, "", "", ""},
		{204, "", "", ""},
		{302, "Location", "/redirect/1", ""},
		{307, "Location", "/redirect/1", ""},
		{401, "WWW-Authenticate", `Basic realm="Fake Realm"`, ""},
		{402, "X-More-Info", "http://vimeo.com/22053820", "Fuck you, pay me!"},
		{407, "Proxy-Authenticate", `Basic realm="Fake Realm"`, ""},
		{418, "X-More-Info", "http://tools.ietf.org/html/rfc2324", "I'm a teapot!"},
		{500, "", "", ""},
		{599, "", "", ""},
	} {
		a := get(t, h, "GET", "/status/"+itoa(c.code))
		assert.Equal(t, c.code, a.StatusCode)
		if c.header != "" {
			assert.Equal(t, c.want, a.Header.Get(c.header), c.code)
		}
		assert.Equal(t, c.body, string(a.body), c.code)
		if c.code != 204 {
			assert.Equal(t, "text/plain; charset=utf-8", a.Header.Get("Content-Type"), c.code)
		}
	}
	notAcceptable := get(t, h, "GET", "/status/406")
	assert.Equal(t, "application/json; charset=utf-8", notAcceptable.Header.Get("Content-Type"))
	assert.Equal(t, "Client did not request a supported media type", notAcceptable.json(t)["message"])
	assert.Equal(t, 201, get(t, h, "POST", "/status/201").StatusCode, "every method")

	for target, detail := range map[string]string{
		"/status/abc":       `invalid status code: "abc": strconv.Atoi: parsing "abc": invalid syntax`,
		"/status/99":        "invalid status code: 99 not in range [100, 599]",
		"/status/600":       "invalid status code: 600 not in range [100, 599]",
		"/status/200:x,500": `invalid weight value: "x"`,
		"/status/200,abc:1": `invalid choice value: "abc"`,
	} {
		a := get(t, h, "GET", target)
		assert.Equal(t, 400, a.StatusCode, target)
		assert.Equal(t, map[string]any{"status_code": 400.0, "error": "Bad Request", "detail": detail}, a.json(t), target)
	}
}

// TestStatusWeighted checks go-httpbin's weighted choice over 10,000
// requests: weights need not add up to 1, and a code without one weighs 1.
func TestStatusWeighted(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	const n = 10000
	counts := map[int]int{}
	for range n {
		counts[get(t, h, "GET", "/status/200:3,500:1,503").StatusCode]++
	}
	assert.Len(t, counts, 3)
	withinBinomial(t, counts[200], n, 3.0/5, "200")
	withinBinomial(t, counts[500], n, 1.0/5, "500")
	withinBinomial(t, counts[503], n, 1.0/5, "503")
}

func TestUnstable(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	const n = 10000
	for _, c := range []struct {
		query string
		rate  float64
	}{{"", 0.5}, {"?failure_rate=0.1", 0.1}, {"?failure_rate=0", 0}, {"?failure_rate=1", 1}} {
		fails := 0
		for range n {
			a := get(t, h, "GET", "/unstable"+c.query)
			require.Contains(t, []int{200, 500}, a.StatusCode)
			if a.StatusCode == 500 {
				fails++
			}
		}
		if c.rate == 0 || c.rate == 1 {
			assert.Equal(t, int(c.rate*n), fails, c.query)
		} else {
			withinBinomial(t, fails, n, c.rate, "/unstable"+c.query)
		}
	}
	seeded := func() []int {
		var s []int
		for i := range 20 {
			s = append(s, get(t, h, "GET", "/unstable?seed="+itoa(i)).StatusCode)
		}
		return s
	}
	assert.Equal(t, seeded(), seeded(), "a seed decides the answer")
	assert.Equal(t, 400, get(t, h, "GET", "/unstable?failure_rate=2").StatusCode)
	assert.Equal(t, 400, get(t, h, "GET", "/unstable?failure_rate=x").StatusCode)
	assert.Equal(t, 400, get(t, h, "GET", "/unstable?seed=x").StatusCode)
}

func TestBytes(t *testing.T) {
	h := newApp(t, httpbin.Options{MaxBodySize: 1000})
	a := get(t, h, "GET", "/bytes/100?seed=42")
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "application/octet-stream", a.Header.Get("Content-Type"))
	// go-httpbin draws each byte with math/rand's Intn(256) from the seed,
	// so a seed gives the same bytes from both.
	rng := mrand.New(mrand.NewSource(42))
	want := make([]byte, 100)
	for i := range want {
		want[i] = byte(rng.Intn(256))
	}
	assert.Equal(t, want, a.body)
	assert.NotEqual(t, a.body, get(t, h, "GET", "/bytes/100?seed=43").body)
	assert.NotEqual(t, get(t, h, "GET", "/bytes/100").body, get(t, h, "GET", "/bytes/100").body)

	zero := get(t, h, "GET", "/bytes/0")
	assert.Equal(t, 200, zero.StatusCode)
	assert.Equal(t, int64(0), zero.ContentLength)
	assert.Len(t, get(t, h, "GET", "/bytes/1000").body, 1000)
	for target, detail := range map[string]string{
		"/bytes/1001":     "invalid byte count: 1001 not in range [1, 1000]",
		"/bytes/-1":       "invalid byte count: -1 must be greater than 0",
		"/bytes/x":        `invalid byte count: strconv.Atoi: parsing "x": invalid syntax`,
		"/bytes/1?seed=y": `invalid seed: strconv.ParseInt: parsing "y": invalid syntax`,
	} {
		a := get(t, h, "GET", target)
		assert.Equal(t, 400, a.StatusCode, target)
		assert.Equal(t, detail, a.json(t)["detail"], target)
	}
}

func TestRange(t *testing.T) {
	h := newApp(t, httpbin.Options{MaxBodySize: 100})
	full := get(t, h, "GET", "/range/30")
	assert.Equal(t, 200, full.StatusCode)
	assert.Equal(t, "abcdefghijklmnopqrstuvwxyzabcd", string(full.body))
	assert.Equal(t, "bytes", full.Header.Get("Accept-Ranges"))
	assert.Equal(t, "range30", full.Header.Get("ETag"))

	for spec, want := range map[string][2]string{
		"bytes=0-3":   {"abcd", "bytes 0-3/30"},
		"bytes=26-":   {"abcd", "bytes 26-29/30"},
		"bytes=-2":    {"cd", "bytes 28-29/30"},
		"bytes=25-99": {"zabcd", "bytes 25-29/30"},
		"bytes=-99":   {"abcdefghijklmnopqrstuvwxyzabcd", "bytes 0-29/30"},
	} {
		a := get(t, h, "GET", "/range/30", "Range: "+spec)
		assert.Equal(t, 206, a.StatusCode, spec)
		assert.Equal(t, want[0], string(a.body), spec)
		assert.Equal(t, want[1], a.Header.Get("Content-Range"), spec)
	}
	for _, spec := range []string{"bytes=30-", "bytes=5-2", "items=0-1", "bytes=x-1", "bytes=-0"} {
		a := get(t, h, "GET", "/range/30", "Range: "+spec)
		assert.Equal(t, 416, a.StatusCode, spec)
		assert.Equal(t, "bytes */30", a.Header.Get("Content-Range"), spec)
	}
	assert.Equal(t, 400, get(t, h, "GET", "/range/101").StatusCode)
	assert.Equal(t, 400, get(t, h, "GET", "/range/0").StatusCode)
	assert.Equal(t, 400, get(t, h, "GET", "/range/x").StatusCode)
}

func TestGzipAndDeflate(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/gzip?a=1")
	assert.Equal(t, "gzip", a.Header.Get("Content-Encoding"))
	assert.Equal(t, "application/json; charset=utf-8", a.Header.Get("Content-Type"))
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(plain, &m))
	assert.Equal(t, true, m["gzipped"])
	assert.Equal(t, map[string]any{"a": []any{"1"}}, m["args"])
	assert.Equal(t, "", m["url"], "go-httpbin leaves url out of /gzip")

	a = get(t, h, "GET", "/deflate")
	assert.Equal(t, "deflate", a.Header.Get("Content-Encoding"))
	zl, err := zlib.NewReader(bytes.NewReader(a.body))
	require.NoError(t, err)
	plain, err = io.ReadAll(zl)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(plain, &m))
	assert.Equal(t, true, m["deflated"])
}

func TestResponseHeaders(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/response-headers?X-Foo=1&X-Foo=2&Server-Timing=x")
	assert.Equal(t, []string{"1", "2"}, a.Header.Values("X-Foo"))
	assert.Equal(t, "application/json; charset=utf-8", a.Header.Get("Content-Type"))
	assert.Equal(t, map[string]any{
		"Content-Type": []any{"application/json; charset=utf-8"}, "Server-Timing": []any{"x"}, "X-Foo": []any{"1", "2"},
	}, a.json(t))

	a = get(t, h, "GET", "/response-headers?Content-Type=text/html&X-A=%3Cb%3E")
	assert.Equal(t, "text/html", a.Header.Get("Content-Type"))
	assert.Equal(t, "<b>", a.Header.Get("X-A"), "headers are not escaped")
	assert.Contains(t, string(a.body), `"&lt;b&gt;"`, "a body a browser would render is escaped")
}

func TestRedirects(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	for target, loc := range map[string]string{
		"/redirect/3":               "/relative-redirect/2",
		"/redirect/1":               "/get",
		"/redirect/2?absolute=true": "http://localhost:8080/absolute-redirect/1",
		"/relative-redirect/2":      "/relative-redirect/1",
		"/absolute-redirect/3":      "http://localhost:8080/absolute-redirect/2",
		"/absolute-redirect/1":      "http://localhost:8080/get",
	} {
		a := get(t, h, "GET", target)
		assert.Equal(t, 302, a.StatusCode, target)
		assert.Equal(t, loc, a.Header.Get("Location"), target)
	}
	assert.Equal(t, "redirect count must be > 0", get(t, h, "GET", "/redirect/0").json(t)["detail"])
	assert.Equal(t, 400, get(t, h, "GET", "/redirect/x").StatusCode)

	a := get(t, h, "GET", "/redirect-to?url=http%3A%2F%2Fexample.com%2Fx&status_code=307")
	assert.Equal(t, 307, a.StatusCode)
	assert.Equal(t, "http://example.com/x", a.Header.Get("Location"))
	assert.Equal(t, 302, get(t, h, "POST", "/redirect-to?url=/get").StatusCode)
	assert.Equal(t, "missing required query parameter: url", get(t, h, "GET", "/redirect-to").json(t)["detail"])
	assert.Equal(t, "invalid status code: 200 not in range [300, 399]",
		get(t, h, "GET", "/redirect-to?url=/x&status_code=200").json(t)["detail"])
}

func TestAuth(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	basic := func(user, pass string) string {
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	a := get(t, h, "GET", "/basic-auth/ann/s3cret", basic("ann", "s3cret"))
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "{\n  \"authenticated\": true,\n  \"user\": \"ann\",\n  \"authorized\": true\n}\n", string(a.body))

	a = get(t, h, "GET", "/basic-auth/ann/s3cret", basic("ann", "wrong"))
	assert.Equal(t, 401, a.StatusCode)
	assert.Equal(t, `Basic realm="Fake Realm"`, a.Header.Get("WWW-Authenticate"))
	assert.Equal(t, map[string]any{"authenticated": false, "user": "ann", "authorized": false}, a.json(t))
	assert.Equal(t, 401, get(t, h, "GET", "/basic-auth/ann/s3cret").StatusCode)

	assert.Equal(t, 200, get(t, h, "GET", "/hidden-basic-auth/ann/s3cret", basic("ann", "s3cret")).StatusCode)
	hidden := get(t, h, "GET", "/hidden-basic-auth/ann/s3cret", basic("bob", "s3cret"))
	assert.Equal(t, 404, hidden.StatusCode)
	assert.Empty(t, hidden.Header.Get("WWW-Authenticate"))

	a = get(t, h, "GET", "/bearer", "Authorization: Bearer tok123")
	assert.Equal(t, map[string]any{"authenticated": true, "token": "tok123"}, a.json(t))
	for _, hdr := range []string{"Authorization: Basic x", "Authorization: Bearer", "X-None: 1"} {
		a := get(t, h, "GET", "/bearer", hdr)
		assert.Equal(t, 401, a.StatusCode, hdr)
		assert.Equal(t, "Bearer", a.Header.Get("WWW-Authenticate"), hdr)
	}
}

func TestCaching(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/cache")
	assert.Equal(t, 200, a.StatusCode)
	assert.NotEmpty(t, a.Header.Get("Last-Modified"))
	assert.Regexp(t, `^"[0-9a-f]{40}"$`, a.Header.Get("ETag"))
	assert.Equal(t, "GET", a.json(t)["method"])
	for _, hdr := range []string{"If-None-Match: \"x\"", "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT"} {
		c := get(t, h, "GET", "/cache", hdr)
		assert.Equal(t, 304, c.StatusCode, hdr)
		assert.Empty(t, c.body)
	}
	c := get(t, h, "GET", "/cache/60")
	assert.Equal(t, "public, max-age=60", c.Header.Get("Cache-Control"))
	assert.Equal(t, 400, get(t, h, "GET", "/cache/x").StatusCode)

	e := get(t, h, "GET", "/etag/abc")
	assert.Equal(t, 200, e.StatusCode)
	assert.Equal(t, `"abc"`, e.Header.Get("ETag"))
	assert.Equal(t, "GET", e.json(t)["method"])
	for hdr, status := range map[string]int{
		`If-None-Match: "abc"`:        304,
		`If-None-Match: "x", W/"abc"`: 304,
		`If-None-Match: *`:            304,
		`If-None-Match: "x"`:          200,
		`If-Match: "abc"`:             200,
		`If-Match: *`:                 200,
		`If-Match: "x"`:               412,
		`If-Match: W/"abc"`:           412,
	} {
		a := get(t, h, "GET", "/etag/abc", hdr)
		assert.Equal(t, status, a.StatusCode, hdr)
		assert.Equal(t, `"abc"`, a.Header.Get("ETag"), hdr)
	}
}

func TestCookies(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	assert.Equal(t, map[string]any{"cookies": map[string]any{"a": "1", "b": "two", "c": "q"}},
		get(t, h, "GET", "/cookies", "Cookie: a=1; b=two", `Cookie: c="q"; bad name=x`).json(t))
	assert.Equal(t, map[string]any{"cookies": map[string]any{}}, get(t, h, "GET", "/cookies").json(t))

	a := get(t, h, "GET", "/cookies/set?k=v&sp=a%20b")
	assert.Equal(t, 302, a.StatusCode)
	assert.Equal(t, "/cookies", a.Header.Get("Location"))
	assert.Equal(t, []string{"k=v; Path=/; HttpOnly", `sp="a b"; Path=/; HttpOnly`}, a.Header.Values("Set-Cookie"))

	a = get(t, h, "GET", "/cookies/set?k=v&attr[path]=/p&attr[Domain]=example.com&attr[HttpOnly]=0&attr[Secure]=true&attr[SameSite]=Strict")
	assert.Equal(t, []string{"k=v; Path=/p; Domain=example.com; Secure; SameSite=Strict"}, a.Header.Values("Set-Cookie"))
	a = get(t, h, "GET", "/cookies/set?k=v", "X-Forwarded-Proto: https")
	assert.Equal(t, []string{"k=v; Path=/; HttpOnly; Secure"}, a.Header.Values("Set-Cookie"), "Secure over https")

	d := get(t, h, "GET", "/cookies/delete?k")
	assert.Equal(t, 302, d.StatusCode)
	assert.Equal(t, []string{"k=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly"}, d.Header.Values("Set-Cookie"))
	cookies := d.Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, -1, cookies[0].MaxAge, "net/http reads it as a deletion")
}

func TestBase64(t *testing.T) {
	h := newApp(t, httpbin.Options{MaxBodySize: 64})
	a := get(t, h, "GET", "/base64/aGVsbG8gd29ybGQ=")
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", a.Header.Get("Content-Type"))
	assert.Equal(t, "hello world", string(a.body))
	assert.Equal(t, "hello world", string(get(t, h, "GET", "/base64/decode/aGVsbG8gd29ybGQ=").body))
	assert.Equal(t, "aGk_Pw==", string(get(t, h, "GET", "/base64/encode/hi%3F%3F").body))
	assert.Equal(t, "<b>", string(get(t, h, "GET", "/base64/PGI-?content-type=text/plain").body))
	assert.Equal(t, "&lt;b&gt;", string(get(t, h, "GET", "/base64/PGI-?content-type=text/html").body))

	for target, detail := range map[string]string{
		"/base64/rot13/abc":                     "invalid operation: rot13",
		"/base64/%%%":                           "",
		"/base64/" + strings.Repeat("QUFB", 17): "input data exceeds max length of 64",
	} {
		a := get(t, h, "GET", target)
		if detail == "" {
			continue // a target the parser refuses never reaches the route
		}
		assert.Equal(t, 400, a.StatusCode, target)
		assert.Equal(t, detail, a.json(t)["detail"], target)
	}
	for _, data := range []string{"!!!", "%25%25", "QUJD%"} {
		bad := get(t, h, "GET", "/base64/"+data)
		assert.Equal(t, 400, bad.StatusCode, data)
		assert.Contains(t, bad.json(t)["detail"], "base64 decode failed: ", data)
	}
}

func TestDocuments(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	j := get(t, h, "GET", "/json")
	assert.Equal(t, "application/json; charset=utf-8", j.Header.Get("Content-Type"))
	show := j.json(t)["slideshow"].(map[string]any)
	assert.Equal(t, "Sample Slide Show", show["title"])
	assert.Len(t, show["slides"], 2)

	for target, ct := range map[string]string{
		"/html": "text/html; charset=utf-8", "/xml": "application/xml",
		"/robots.txt": "text/plain; charset=utf-8", "/deny": "text/plain; charset=utf-8",
		"/encoding/utf8": "text/html; charset=utf-8",
	} {
		a := get(t, h, "GET", target)
		assert.Equal(t, 200, a.StatusCode, target)
		assert.Equal(t, ct, a.Header.Get("Content-Type"), target)
		assert.NotEmpty(t, a.body, target)
	}
	assert.Equal(t, "User-agent: *\nDisallow: /deny\n", string(get(t, h, "GET", "/robots.txt").body))
	assert.Contains(t, string(get(t, h, "GET", "/deny").body), "YOU SHOULDN'T BE HERE")
	assert.Contains(t, string(get(t, h, "GET", "/encoding/utf8").body), "Φορτίο")
	assert.Contains(t, string(get(t, h, "GET", "/html").body), "Moby-Dick")
}

func TestDumpRequest(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	raw := "POST /dump/request?x=1 HTTP/1.1\r\nHost: localhost\r\nx-lower: a\r\nContent-Length: 4\r\n\r\nbody"
	a := do(t, h, raw)
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", a.Header.Get("Content-Type"))
	assert.Equal(t, raw, string(a.body))
}

func TestUnknownOptionsRefused(t *testing.T) {
	_, err := httpbin.New(httpbin.Options{EchoDefault: "status=abc"})
	assert.Error(t, err)
	_, err = httpbin.New(httpbin.Options{EchoDefault: "delay=1s"})
	assert.NoError(t, err)
	_, err = httpbin.New(httpbin.Options{EchoDefault: "delay=soon"})
	assert.ErrorContains(t, err, "delay")
	h := newApp(t, httpbin.Options{})
	host, _ := os.Hostname()
	assert.Equal(t, host, get(t, h, "GET", "/hostname").json(t)["hostname"])
}

func TestDelayRoute(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/delay/1.5?x=1")
	assert.Equal(t, 200, a.StatusCode)
	assert.Equal(t, 1500*time.Millisecond, a.delay)
	assert.Equal(t, map[string]any{"x": []any{"1"}}, a.json(t)["args"])
	assert.Equal(t, `initial_delay;dur=1500.00;desc="initial delay"`, a.Header.Get("Server-Timing"))
	assert.Equal(t, 200*time.Millisecond, get(t, h, "POST", "/delay/200ms").delay)
	for _, bad := range []string{"/delay/11", "/delay/abc", "/delay/-1"} {
		a := get(t, h, "GET", bad)
		assert.Equal(t, 400, a.StatusCode, bad)
		assert.Contains(t, a.json(t)["detail"], "invalid duration", bad)
		assert.Zero(t, a.delay, bad)
	}
	short := newApp(t, httpbin.Options{MaxDuration: time.Second})
	assert.Equal(t, 400, get(t, short, "GET", "/delay/2").StatusCode)
}

func TestDrip(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/drip?duration=1s&numbytes=10&delay=500ms&code=201")
	assert.Equal(t, 201, a.StatusCode)
	assert.Equal(t, 500*time.Millisecond, a.delay)
	assert.Equal(t, int64(10), a.ContentLength)
	assert.Nil(t, a.TransferEncoding, "a slow server, not a chunked one")
	assert.Equal(t, strings.Repeat("*", 10), string(a.body))
	assert.Len(t, a.waits, 9, "ten pieces, nine pauses")
	assert.InDelta(t, time.Second, a.waited(), float64(10*time.Millisecond))
	assert.Contains(t, a.Header.Get("Server-Timing"), `pause_per_write;dur=111.11`)
	assert.True(t, a.keep)

	// Defaults: 10 bytes over 2 s after 2 s.
	a = get(t, h, "GET", "/drip")
	assert.Equal(t, 2*time.Second, a.delay)
	assert.InDelta(t, 2*time.Second, a.waited(), float64(10*time.Millisecond))
	// Many bytes over a short time go in bigger pieces, the total intact.
	a = get(t, h, "GET", "/drip?numbytes=100000&duration=100ms&delay=0")
	assert.Len(t, a.body, 100000)
	assert.LessOrEqual(t, len(a.waits), 51)
	assert.InDelta(t, 100*time.Millisecond, a.waited(), float64(5*time.Millisecond))
	for _, bad := range []string{"duration=x", "delay=-1", "numbytes=0", "numbytes=99999999", "code=700", "duration=6s&delay=5s"} {
		assert.Equal(t, 400, get(t, h, "GET", "/drip?"+bad).StatusCode, bad)
	}
}

func TestStreamRoute(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/stream/3?a=b")
	assert.Equal(t, []string{"chunked"}, a.TransferEncoding)
	lines := strings.Split(strings.TrimSuffix(string(a.body), "\n"), "\n")
	require.Len(t, lines, 3)
	for i, l := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		assert.Equal(t, float64(i), m["id"])
		assert.Equal(t, map[string]any{"a": []any{"b"}}, m["args"])
		assert.Equal(t, "http://localhost:8080/stream/3?a=b", m["url"])
	}
	assert.True(t, strings.HasPrefix(lines[0], `{"id":0,"args":`), "go-httpbin's field order")
	assert.Equal(t, 100, strings.Count(string(get(t, h, "GET", "/stream/500").body), "\n"), "at most 100")
	assert.Equal(t, 400, get(t, h, "GET", "/stream/x").StatusCode)
}

func TestStreamBytes(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/stream-bytes/25000?seed=7&chunk_size=10000")
	assert.Equal(t, []string{"chunked"}, a.TransferEncoding)
	assert.Equal(t, get(t, h, "GET", "/bytes/25000?seed=7").body, a.body, "the same bytes as /bytes for a seed")
	assert.Equal(t, 3, strings.Count(a.raw, "\r\n2710\r\n")+strings.Count(a.raw, "\r\n1388\r\n"), "chunks of chunk_size")
	assert.Equal(t, "0", get(t, h, "GET", "/stream-bytes/0").Header.Get("Content-Length"))
	for _, bad := range []string{"/stream-bytes/-1", "/stream-bytes/x", "/stream-bytes/10?chunk_size=0", "/stream-bytes/99999999"} {
		assert.Equal(t, 400, get(t, h, "GET", bad).StatusCode, bad)
	}
}

func TestSSE(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/sse?count=3&duration=1s&delay=100ms")
	assert.Equal(t, "text/event-stream; charset=utf-8", a.Header.Get("Content-Type"))
	assert.Equal(t, 100*time.Millisecond, a.delay)
	assert.InDelta(t, time.Second, a.waited(), float64(5*time.Millisecond))
	events := strings.Split(strings.TrimSuffix(string(a.body), "\n\n"), "\n\n")
	require.Len(t, events, 3)
	for i, e := range events {
		name, data, ok := strings.Cut(e, "\ndata: ")
		require.True(t, ok, e)
		assert.Equal(t, "event: ping", name)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(data), &m))
		assert.Equal(t, float64(i), m["id"])
	}
	for _, bad := range []string{"count=0", "count=x", "duration=0", "delay=x", "duration=8s&delay=3s"} {
		assert.Equal(t, 400, get(t, h, "GET", "/sse?"+bad).StatusCode, bad)
	}
}

func TestRangeDuration(t *testing.T) {
	h := newApp(t, httpbin.Options{})
	a := get(t, h, "GET", "/range/10?duration=300ms")
	assert.Equal(t, 300*time.Millisecond, a.delay)
	assert.Equal(t, "abcdefghij", string(a.body))
	assert.Equal(t, 400, get(t, h, "GET", "/range/10?duration=x").StatusCode)
}
