package handler

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// routeAnswer is what a router answered, reduced to what ServeMux and
// fastbase must agree on.
type routeAnswer struct {
	Status   int
	Route    string // the matching pattern and its path values, for 200
	Location string
	Allow    string
}

// answerBody is what the test routes write: their pattern, then each
// wildcard's value.
func answerBody(pattern string, value func(string) string) string {
	p, err := parsePattern(pattern)
	if err != nil {
		panic(err)
	}
	b := pattern
	for _, n := range p.names {
		b += "|" + n + "=" + value(n)
	}
	return b
}

func newMux(patterns []string) *http.ServeMux {
	mux := http.NewServeMux()
	for _, p := range patterns {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Route", answerBody(p, r.PathValue))
		})
	}
	return mux
}

func newRouted(patterns []string) *Handler {
	h := New()
	for _, p := range patterns {
		h.Route(p, func(r *Request) {
			if r.Pattern() != p {
				panic("Pattern() is " + r.Pattern() + ", want " + p)
			}
			r.SendResponse(200, "")
			r.SendHeader("X-Route", answerBody(p, r.PathValue))
			r.EndHeaders()
		})
	}
	return h
}

func muxAnswer(mux *http.ServeMux, method, host, target string) routeAnswer {
	req := httptest.NewRequest(method, target, nil)
	req.Host = host
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, req)
	return routeAnswer{Status: w.Code, Route: w.Header().Get("X-Route"), Location: w.Header().Get("Location"), Allow: w.Header().Get("Allow")}
}

func routedAnswer(t *testing.T, h *Handler, method, host, target string) routeAnswer {
	t.Helper()
	req := parsed(method+" "+target+" HTTP/1.1", "Host: "+host)
	x := serve(t, h, seedConn, req, nil, at(10, 0, 0))
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(x.out)), nil)
	require.NoError(t, err, x.out)
	return routeAnswer{Status: resp.StatusCode, Route: resp.Header.Get("X-Route"), Location: resp.Header.Get("Location"), Allow: resp.Header.Get("Allow")}
}

// routeTables are sets of patterns and requests, each answered by
// net/http.ServeMux and by a Handler with the same routes.
var routeTables = []struct {
	name     string
	patterns []string
	requests []string // "METHOD host target"
}{
	{
		name: "httpbin-like, with a catch-all",
		patterns: []string{
			"GET /get", "POST /post", "/anything", "/anything/", "GET /status/{code}",
			"/bytes/{n}", "/", "GET /{$}", "/base64/{data}", "/base64/{op}/{data}",
			"GET /static/{path...}", "POST /items/{id}", "DELETE /items/{id}",
			"/items/{id}/edit", "example.com/host", "example.com/", "GET /a/b/{$}",
			"/files/", "HEAD /head-only", "GET /status/418",
		},
		requests: []string{
			"GET localhost /get", "HEAD localhost /get", "POST localhost /get", "GET localhost /get/",
			"POST localhost /post", "GET localhost /post", "PUT localhost /anything",
			"GET localhost /anything/a/b?x=1", "GET localhost /status/200", "GET localhost /status/418",
			"HEAD localhost /status/503", "POST localhost /status/200", "GET localhost /status",
			"GET localhost /status/", "GET localhost /bytes/10", "GET localhost /bytes/",
			"GET localhost /", "HEAD localhost /", "POST localhost /", "GET localhost /?size=10",
			"GET localhost /base64/aGVsbG8=", "GET localhost /base64/encode/hello",
			"GET localhost /base64/a%2Fb", "GET localhost /static/css/site.css",
			"GET localhost /static/", "GET localhost /static", "POST localhost /items/7",
			"DELETE localhost /items/7", "GET localhost /items/7", "PATCH localhost /items/7/edit",
			"GET example.com /host", "GET example.com:8080 /host", "GET example.com /other",
			"GET other.example /host", "GET localhost /a/b/", "GET localhost /a/b",
			"GET localhost /a/b/c", "GET localhost /files", "GET localhost /files/x",
			"HEAD localhost /head-only", "GET localhost /head-only", "GET localhost /x/../get",
			"GET localhost /./get", "GET localhost /anything/./b", "GET localhost /items/%37",
			"BREW localhost /coffee", "GET localhost /%E2%82%AC",
		},
	},
	{
		name: "no catch-all: 404, 405 and Allow",
		patterns: []string{
			"GET /x", "POST /x", "/y/", "GET /z/{id}", "PUT /z/{id}", "/w/{rest...}",
			"GET /v/{$}", "DELETE /d", "OPTIONS /o/",
		},
		requests: []string{
			"GET localhost /x", "PUT localhost /x", "HEAD localhost /x", "DELETE localhost /x",
			"GET localhost /y", "POST localhost /y/a", "GET localhost /z/1", "POST localhost /z/1",
			"GET localhost /z/", "GET localhost /w", "GET localhost /w/", "GET localhost /w/a/b",
			"GET localhost /v", "GET localhost /v/", "POST localhost /v/", "GET localhost /v/a",
			"GET localhost /d", "GET localhost /o", "GET localhost /nothing", "BREW localhost /x",
			"GET localhost /y?q=1", "GET localhost /y/../x", "GET localhost /z/1?q=a",
		},
	},
}

// TestRouteDifferential answers every request of every table with both
// ServeMux and a routed Handler and requires the same status, route, path
// values, Location and Allow.
func TestRouteDifferential(t *testing.T) {
	for _, tab := range routeTables {
		t.Run(tab.name, func(t *testing.T) {
			mux, h := newMux(tab.patterns), newRouted(tab.patterns)
			for _, line := range tab.requests {
				f := strings.Fields(line)
				want := muxAnswer(mux, f[0], f[1], f[2])
				got := routedAnswer(t, h, f[0], f[1], f[2])
				assert.Equal(t, want, got, "%s", line)
			}
		})
	}
}

// TestRoutePatternErrors requires Route to panic exactly where ServeMux's
// HandleFunc does: patterns that do not parse and pairs that conflict.
func TestRoutePatternErrors(t *testing.T) {
	sets := [][]string{
		{"/{x}{y}"}, {"/a/{x...}/b"}, {"/{$}/a"}, {"GET /a/../b"}, {"/{bad-name}"},
		{"/{x}/{x}"}, {"host{/a"}, {""}, {"GET"}, {"/{}"}, {"/{x"}, {"/a{x}"},
		{"G(T /a"}, {"/a", "/a"}, {"/a/{x}", "/{y}/b"}, {"GET /", "/a"},
		{"GET /a", "HEAD /a"}, {"/a/{x}", "/a/{y}"}, {"/{$}", "/"}, {"/a/{x...}", "/a/"},
		{"example.com/a", "/a"}, {"/a/{x}/c", "/a/b/{y}"}, {"GET /a/{x}", "/a/b"},
		{"/a/{x}", "/a/b"}, {"/a/{$}", "/a/{x...}"}, {"/a/{$}", "/a/{x}"},
		{"POST /p", "GET /p"}, {"/a/{x}/{y...}", "/a/{z}/"}, {"/é", "/%C3%A9"},
		{"GET /a/{x}", "HEAD /a/b"}, {"/a/b/{$}", "/a/{x}/{y}"},
	}
	for _, set := range sets {
		muxPanicked := panics(func() { newMux(set) })
		ourPanicked := panics(func() { newRouted(set) })
		assert.Equal(t, muxPanicked, ourPanicked, "%q: ServeMux panicked %v", set, muxPanicked)
	}
}

func panics(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

func TestRouteConflictNamesBothPatterns(t *testing.T) {
	assert.PanicsWithValue(t,
		`handler: pattern "/{y}/b" conflicts with pattern "/a/{x}": both match some requests and neither is more specific`,
		func() { New().Route("/a/{x}", hello).Route("/{y}/b", hello) })
	assert.Panics(t, func() { New().Route("/", nil) })
}

// TestRouteWithMethodTable checks the fallback: a Handler with routes and
// methods answers unrouted requests with the method's Func, and the Allow
// of a 405 lists the method table's methods too.
func TestRouteWithMethodTable(t *testing.T) {
	h := New().Route("GET /only", hello).Handle("POST", func(r *Request) { r.WriteString("posted") })
	x := serve(t, h, seedConn, parsed("POST /anywhere HTTP/1.1"), nil, at(10, 0, 0))
	assert.True(t, strings.HasSuffix(x.out, "\r\n\r\nposted"), x.out)

	x = serve(t, h, seedConn, parsed("PUT /only HTTP/1.1"), nil, at(10, 0, 0))
	assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 405 Method Not Allowed\r\n"), x.out)
	assert.Contains(t, x.out, "\r\nAllow: GET, HEAD, POST\r\n")
	assert.False(t, x.keep, "an error page closes the connection, as every SendError does")

	// Without a route for it, a method gets 404 rather than the seed's 501.
	x = serve(t, New().Route("/a", hello), seedConn, parsed("BREW /b HTTP/1.1"), nil, at(10, 0, 0))
	assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 404 Not Found\r\n"), x.out)
	// The plain method table keeps it.
	x = serve(t, New().Handle("GET", hello), seedConn, parsed("BREW /b HTTP/1.1"), nil, at(10, 0, 0))
	assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 501 Unsupported method ('BREW')\r\n"), x.out)
}

// TestRouteRedirectBytes is the redirect as bytes: 307, Location with the
// query, no body, the connection kept.
func TestRouteRedirectBytes(t *testing.T) {
	h := New().Route("/anything/", hello)
	at(10, 0, 0)
	x := serve(t, h, seedConn, parsed("GET /anything?a=1 HTTP/1.1"), nil, at(10, 0, 0))
	assert.Equal(t, "HTTP/1.1 307 Temporary Redirect\r\n"+
		"Server: "+DefaultServerVersion+" "+DefaultSysVersion+"\r\n"+
		"Date: Mon, 23 Nov 2026 10:00:00 GMT\r\n"+
		"Location: /anything/?a=1\r\n"+
		"Content-Length: 0\r\n\r\n", x.out)
	assert.True(t, x.keep)
}

// TestRouteOddTargets covers targets without a path to route.
func TestRouteOddTargets(t *testing.T) {
	h := New().Route("/", hello)
	x := serve(t, h, seedConn, parsed("OPTIONS * HTTP/1.1"), nil, at(10, 0, 0))
	assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 404 "), x.out)
	x = serve(t, h, seedConn, parsed("GET http://localhost/x?y=1 HTTP/1.1"), nil, at(10, 0, 0))
	assert.True(t, strings.HasSuffix(x.out, "Hello, World!"), x.out)
	// HTTP/0.9 gets the 405 page without a head to put Allow in.
	x = serve(t, New().Route("POST /p", hello), seedConn, parsed("GET /p"), nil, at(10, 0, 0))
	assert.Contains(t, x.out, "Error code: 405")
	assert.NotContains(t, x.out, "Allow:")
}

func TestPathValueOutsideRoutes(t *testing.T) {
	var got []string
	h := New().Handle("GET", func(r *Request) {
		got = append(got, r.PathValue("x"), r.Pattern())
		r.WriteString("ok")
	})
	serve(t, h, seedConn, parsed("GET /a HTTP/1.1"), nil, at(10, 0, 0))
	assert.Equal(t, []string{"", ""}, got)

	// A Request reused after a routed request forgets its route.
	routed := New().Route("/{x}", func(r *Request) { got = append(got, r.PathValue("x")) })
	r := new(Exchange)
	r.Begin(routed, seedConn, parsed("GET /v HTTP/1.1"), nil, nil)
	routed.Serve(r.Request())
	r.Finish()
	r.Begin(h, seedConn, parsed("GET /w HTTP/1.1"), nil, nil)
	h.Serve(r.Request())
	r.Finish()
	assert.Equal(t, []string{"", "", "v", "", ""}, got)
}

func TestQueryAccessors(t *testing.T) {
	var got []any
	h := New().Handle("GET", func(r *Request) {
		v1, ok1 := r.QueryValue("a")
		v2, ok2 := r.QueryValue("b c")
		v3, ok3 := r.QueryValue("missing")
		v4, ok4 := r.QueryValue("flag")
		got = []any{string(r.Query()), v1, ok1, v2, ok2, v3, ok3, v4, ok4}
		r.WriteString("ok")
	})
	serve(t, h, seedConn, parsed("GET /p?a=1&b+c=x%20y&a=2&flag HTTP/1.1"), nil, at(10, 0, 0))
	assert.Equal(t, []any{"a=1&b+c=x%20y&a=2&flag", "1", true, "x y", true, "", false, "", true}, got)

	serve(t, h, seedConn, parsed("GET /p?a=%zz&b+c=1 HTTP/1.1"), nil, at(10, 0, 0))
	assert.Equal(t, false, got[2], "a malformed escape ends the search")
	serve(t, h, seedConn, parsed("GET /p HTTP/1.1"), nil, at(10, 0, 0))
	assert.Equal(t, []any{"", "", false, "", false, "", false, "", false}, got)
}
