package handler

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fastbase/fastbase/codec"
)

// FuzzRoute is the router's differential target: a request line that both
// codec's parser and net/http's accept is answered by ServeMux and by a
// routed Handler over the same routes, and the answers must agree on
// status, route, path values and Allow, and on Location once both are
// percent-decoded until nothing changes: fastbase keeps the client's
// escapes where ServeMux decodes and re-escapes, and ServeMux escapes the
// already escaped path once more when it redirects to a cleaned one ("%22"
// becomes "%2522", as it builds the URL from the escaped path), and
// fastbase escapes bytes a URI may not hold that ServeMux leaves in a
// query (a '"').
//
// Two disagreements are allowed, and TestRouteFuzzAllowedDisagreements
// shows that each still happens:
//   - A target starting with "//", whose leading slashes codec's parser
//     collapses as http.server does (gh-87389), so the router never sees
//     them; ServeMux redirects to the cleaned path.
//   - A path holding a byte a URI path may not hold (such as '"', which
//     both parsers let through): net/http then finds the raw path invalid,
//     decodes it whole and escapes it again, so that "%2F" turns into a
//     '/' between segments; fastbase routes the path as sent.
func FuzzRoute(f *testing.F) {
	for _, tab := range routeTables {
		for _, line := range tab.requests {
			fields := strings.Fields(line)
			f.Add(fields[0], fields[1], fields[2])
		}
	}
	f.Add("GET", "localhost", "/a/../../b/./c//d")
	f.Add("POST", "example.com:80", "/items/%2F/edit")
	f.Add("CONNECT", "localhost", "/static/x")
	muxes := make([]*http.ServeMux, len(routeTables))
	routed := make([]*Handler, len(routeTables))
	for i, tab := range routeTables {
		muxes[i], routed[i] = newMux(tab.patterns), newRouted(tab.patterns)
	}
	f.Fuzz(func(t *testing.T, method, host, target string) {
		raw := method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
		var p codec.Parser
		req := new(codec.Request)
		if n, err := p.Parse([]byte(raw), req); err != nil || n != len(raw) {
			return
		}
		goReq, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || !uriPath(req.Path) {
			return
		}
		for i := range routeTables {
			w := httptest.NewRecorder()
			muxes[i].ServeHTTP(w, goReq)
			want := routeAnswer{w.Code, w.Header().Get("X-Route"), decoded(w.Header().Get("Location")), w.Header().Get("Allow")}
			got := routedAnswer(t, routed[i], method, host, target)
			got.Location = decoded(got.Location)
			if want != got {
				t.Fatalf("%q: ServeMux %+v, fastbase %+v", raw, want, got)
			}
		}
	})
}

// hexEscape is a percent-encoded byte.
var hexEscape = regexp.MustCompile(`%[0-9a-fA-F]{2}`)

// decoded replaces every well-formed escape in loc by its byte, three
// times over, leaving malformed ones as they are.
func decoded(loc string) string {
	for range 3 {
		loc = hexEscape.ReplaceAllStringFunc(loc, func(e string) string {
			b, _ := url.PathUnescape(e)
			return b
		})
	}
	return loc
}

func uriPath(path []byte) bool {
	for _, c := range path {
		if !uriPathChar[c] {
			return false
		}
	}
	return true
}

// TestRouteFuzzAllowedDisagreements shows that the disagreements FuzzRoute
// allows still happen.
func TestRouteFuzzAllowedDisagreements(t *testing.T) {
	patterns := []string{"GET /get", "/{x}"}
	for _, target := range []string{"//get", `/0"%2F.`} {
		want := muxAnswer(newMux(patterns), "GET", "localhost", target)
		got := routedAnswer(t, newRouted(patterns), "GET", "localhost", target)
		if want.Status != 307 || got.Status != 200 {
			t.Errorf("%s: ServeMux %+v, fastbase %+v: the disagreement is gone; drop it from FuzzRoute", target, want, got)
		}
	}
}

// FuzzRoutePatterns registers two patterns, in order, with ServeMux and
// with a Handler, and requires both to refuse the same registration: the
// first pattern if it does not parse, the second if it does not parse or
// conflicts with the first. The one difference allowed is the empty path
// segment, which Route refuses and ServeMux accepts in a pattern without
// a method (see parsePattern).
func FuzzRoutePatterns(f *testing.F) {
	for _, tab := range routeTables {
		for i := 1; i < len(tab.patterns); i++ {
			f.Add(tab.patterns[i-1], tab.patterns[i])
		}
	}
	f.Add("/a/{x}", "/{y}/b")
	f.Add("GET /", "/a")
	f.Add("/{$}", "/")
	f.Add("example.com/a/{x...}", "example.com/a/")
	f.Add("/a//b", "/a")
	f.Fuzz(func(t *testing.T, p1, p2 string) {
		if strings.Contains(p1, "//") || strings.Contains(p2, "//") {
			return
		}
		mux := http.NewServeMux()
		h := New()
		noop := func(http.ResponseWriter, *http.Request) {}
		for i, p := range []string{p1, p2} {
			muxRefused := panics(func() { mux.HandleFunc(p, noop) })
			ourRefused := panics(func() { h.Route(p, hello) })
			if muxRefused != ourRefused {
				t.Fatalf("pattern %d of %q, %q: ServeMux refused %v, Route refused %v", i+1, p1, p2, muxRefused, ourRefused)
			}
			if muxRefused {
				return
			}
		}
	})
}
