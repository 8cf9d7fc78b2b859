package httpbin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// DefaultMaxBodySize is go-httpbin's default bound on a request body and on
// a generated response body (1 MiB).
const DefaultMaxBodySize = 1 << 20

// Options configure the application; the zero value means every default.
type Options struct {
	// MaxBodySize bounds request bodies (larger ones get 400 on the
	// httpbin routes, 413 on the echo) and generated bodies (/bytes,
	// /range, the echo's size); 0 means [DefaultMaxBodySize].
	MaxBodySize int64
	// EchoDefault is a query string ("status=503:10&size=1024") that the
	// echo applies to requests that have none, as fortio's
	// -echo-server-default-params. New refuses one the echo would refuse.
	EchoDefault string
	// MaxDuration bounds the time a route may take (/delay, /drip, /sse:
	// 400 beyond it) and caps the echo's delay=; 0 means
	// [DefaultMaxDuration]. Keep it within the server's MaxDelay.
	MaxDuration time.Duration
	// Hostname is what /hostname answers; empty means the machine's.
	Hostname string
	// Rand returns numbers in [0, 1) for the weighted and random choices
	// (status lists, /unstable, the echo's percentages); nil means
	// math/rand/v2's Float64. It must be safe for concurrent use.
	Rand func() float64
}

// app is one configured application; its methods are the routes.
type app struct {
	maxBody     int64
	maxDuration time.Duration
	echoDefault []byte
	hostname    string
	rand        func() float64
	started     time.Time
	payload     []byte // what size= answers with
}

// New returns the httpbin application: go-httpbin's routes and fortio's
// echo on every other path, as described in the package documentation.
func New(opts Options) (*handler.Handler, error) {
	a := &app{
		maxBody:     opts.MaxBodySize,
		maxDuration: opts.MaxDuration,
		echoDefault: []byte(opts.EchoDefault),
		hostname:    opts.Hostname,
		rand:        opts.Rand,
		started:     time.Now(),
	}
	if a.maxDuration <= 0 {
		a.maxDuration = DefaultMaxDuration
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodySize
	}
	a.payload = newPayload(a.maxBody)
	if a.rand == nil {
		a.rand = rand.Float64
	}
	if a.hostname == "" {
		a.hostname, _ = os.Hostname()
	}
	if err := CheckEchoQuery(opts.EchoDefault); err != nil {
		return nil, fmt.Errorf("httpbin: echo default %q: %v", opts.EchoDefault, err)
	}
	h := handler.New()
	a.routes(h)
	return h, nil
}

// route is one go-httpbin endpoint: its path pattern (method-less, so that
// another method gets go-httpbin's 405 rather than the echo) and the
// methods it answers; none means all, as for most of go-httpbin's routes.
// HEAD is answered wherever GET is.
type route struct {
	pattern string
	methods []string
	fn      handler.Func
}

func (a *app) routes(h *handler.Handler) {
	for _, rt := range []route{
		{"/get", []string{"GET"}, a.get},
		{"/head", []string{"HEAD"}, a.get},
		{"/post", []string{"POST"}, a.withBody},
		{"/put", []string{"PUT"}, a.withBody},
		{"/patch", []string{"PATCH"}, a.withBody},
		{"/delete", []string{"DELETE"}, a.withBody},
		{"/anything", nil, a.anything},
		{"/anything/", nil, a.anything},
		{"/headers", nil, a.headers},
		{"/ip", nil, a.ip},
		{"/user-agent", nil, a.userAgent},
		{"/uuid", nil, a.uuid},
		{"/hostname", nil, a.hostnameRoute},
		{"/status/{code}", nil, a.status},
		{"/unstable", nil, a.unstable},
		{"/bytes/{numBytes}", nil, a.bytesRoute},
		{"/range/{numBytes}", nil, a.rangeRoute},
		{"/gzip", nil, a.gzip},
		{"/deflate", nil, a.deflate},
		{"/response-headers", nil, a.responseHeaders},
		{"/redirect/{numRedirects}", nil, a.redirect},
		{"/relative-redirect/{numRedirects}", nil, a.relativeRedirect},
		{"/absolute-redirect/{numRedirects}", nil, a.absoluteRedirect},
		{"/redirect-to", nil, a.redirectTo},
		{"/basic-auth/{user}/{password}", nil, a.basicAuth},
		{"/hidden-basic-auth/{user}/{password}", nil, a.hiddenBasicAuth},
		{"/bearer", nil, a.bearer},
		{"/cache", nil, a.cache},
		{"/cache/{numSeconds}", nil, a.cacheControl},
		{"/etag/{etag}", nil, a.etag},
		{"/cookies", nil, a.cookies},
		{"/cookies/set", nil, a.setCookies},
		{"/cookies/delete", nil, a.deleteCookies},
		{"/base64/{data}", nil, a.base64},
		{"/base64/{operation}/{data}", nil, a.base64},
		{"/json", nil, static(jsonContentType, sampleJSON)},
		{"/html", nil, static(htmlContentType, sampleHTML)},
		{"/xml", nil, static("application/xml", sampleXML)},
		{"/robots.txt", nil, static(textContentType, robotsTxt)},
		{"/deny", nil, static(textContentType, denyText)},
		{"/encoding/utf8", nil, static(htmlContentType, utf8HTML)},
		{"/dump/request", nil, a.dumpRequest},
		{"/delay/{duration}", nil, a.delay},
		{"/drip", nil, a.drip},
		{"/stream/{numLines}", nil, a.stream},
		{"/stream-bytes/{numBytes}", nil, a.streamBytes},
		{"/sse", nil, a.sse},
		{"/debug", nil, a.debug},
		{"/", nil, a.echo},
	} {
		h.Route(rt.pattern, a.guard(rt))
	}
}

// guard wraps a route with what go-httpbin does around every one: CORS
// headers, OPTIONS preflight, and 405 for a method the route does not
// answer. The echo and /debug are fortio's and take every method as they
// are.
func (a *app) guard(rt route) handler.Func {
	if rt.pattern == "/" || rt.pattern == "/debug" {
		return rt.fn
	}
	return func(r *handler.Request) {
		if r.Command() == "OPTIONS" {
			preflight(r)
			return
		}
		if rt.methods != nil && !allows(rt.methods, r.Command()) {
			allow := slices.Clone(rt.methods)
			if slices.Contains(allow, "GET") {
				allow = append(allow, "HEAD")
			}
			// go-httpbin leaves this to net/http.ServeMux, whose 405 is text.
			respond(r, 405, textContentType, []byte("Method Not Allowed\n"),
				handler.HeaderField{Name: "X-Content-Type-Options", Value: "nosniff"},
				handler.HeaderField{Name: "Allow", Value: strings.Join(allow, ", ")})
			return
		}
		rt.fn(r)
	}
}

func allows(methods []string, method string) bool {
	return slices.Contains(methods, method) || method == "HEAD" && slices.Contains(methods, "GET")
}

// corsHeaders are sent on every httpbin route, as go-httpbin does.
func corsHeaders(r *handler.Request) {
	origin := r.Header("Origin")
	if origin == "" {
		origin = "*"
	}
	r.SendHeader("Access-Control-Allow-Origin", origin)
	r.SendHeader("Access-Control-Allow-Credentials", "true")
}

func preflight(r *handler.Request) {
	r.SendResponse(200, "")
	corsHeaders(r)
	r.SendHeader("Access-Control-Allow-Methods", "GET, POST, HEAD, PUT, DELETE, PATCH, QUERY, OPTIONS")
	r.SendHeader("Access-Control-Max-Age", "3600")
	if h := r.Header("Access-Control-Request-Headers"); h != "" {
		r.SendHeader("Access-Control-Allow-Headers", h)
	}
	r.EndHeaders()
}

// Content types as go-httpbin sends them.
const (
	binaryContentType = "application/octet-stream"
	htmlContentType   = "text/html; charset=utf-8"
	jsonContentType   = "application/json; charset=utf-8"
	textContentType   = "text/plain; charset=utf-8"
)

// respond writes a whole response: status, the CORS headers, Content-Type
// (unless empty), extra headers and body.
func respond(r *handler.Request, status int, contentType string, body []byte, extra ...handler.HeaderField) {
	r.SendResponse(status, "")
	corsHeaders(r)
	if contentType != "" {
		r.SendHeader("Content-Type", contentType)
	}
	for _, f := range extra {
		r.SendHeader(f.Name, f.Value)
	}
	r.EndHeaders()
	if len(body) > 0 {
		_, _ = r.Write(body)
	}
}

// marshal encodes v as go-httpbin does: indented by two spaces, HTML
// characters left alone, a newline at the end.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic("httpbin: " + err.Error()) // every value here is encodable
	}
	return b.Bytes()
}

func writeJSON(r *handler.Request, status int, v any, extra ...handler.HeaderField) {
	respond(r, status, jsonContentType, marshal(v), extra...)
}

// errorResponse is go-httpbin's error body.
type errorResponse struct {
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
	Detail     string `json:"detail,omitempty"`
}

// writeError answers status with go-httpbin's JSON error; detail says what
// was wrong.
func writeError(r *handler.Request, status int, detail string, extra ...handler.HeaderField) {
	writeJSON(r, status, errorResponse{status, codec.StatusText(status), detail}, extra...)
}

// --- What the JSON answers say about the request ---

// noBodyResponse is go-httpbin's answer for requests without a body.
type noBodyResponse struct {
	Args     url.Values          `json:"args"`
	Headers  map[string][]string `json:"headers"`
	Method   string              `json:"method"`
	Origin   string              `json:"origin"`
	URL      string              `json:"url"`
	Deflated bool                `json:"deflated,omitempty"`
	Gzipped  bool                `json:"gzipped,omitempty"`
}

// bodyResponse is go-httpbin's answer for requests that may have a body.
type bodyResponse struct {
	Args    url.Values          `json:"args"`
	Headers map[string][]string `json:"headers"`
	Method  string              `json:"method"`
	Origin  string              `json:"origin"`
	URL     string              `json:"url"`
	Data    string              `json:"data"`
	Files   url.Values          `json:"files"`
	Form    url.Values          `json:"form"`
	JSON    any                 `json:"json"`
}

func (a *app) noBody(r *handler.Request) noBodyResponse {
	return noBodyResponse{
		Args:    args(r),
		Headers: requestHeaders(r),
		Method:  r.Command(),
		Origin:  origin(r),
		URL:     requestURL(r),
	}
}

// args is the query as go-httpbin's r.URL.Query() gives it: pairs that do
// not decode are dropped.
func args(r *handler.Request) url.Values {
	v, _ := url.ParseQuery(string(r.Query()))
	return v
}

// requestHeaders is every request header by canonical name, values in the
// order received, and Host as go-httpbin sets it: once, the request's host
// (see headerLines).
func requestHeaders(r *handler.Request) map[string][]string {
	h := make(map[string][]string, len(r.Headers())+1)
	for _, f := range r.Headers() {
		if isHost(f.Name) {
			continue
		}
		k := textproto.CanonicalMIMEHeaderKey(string(f.Name))
		h[k] = append(h[k], string(f.Value))
	}
	h["Host"] = []string{string(r.Parsed().Host)}
	return h
}

// origin is the client's address as go-httpbin reports it: what a proxy
// or CDN header says, else the peer's address.
func origin(r *handler.Request) string {
	for _, name := range []string{"Fly-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "True-Client-IP"} {
		if v := r.Header(name); v != "" {
			return v
		}
	}
	if v := r.Header("X-Forwarded-For"); v != "" {
		first, _, _ := strings.Cut(v, ",")
		return strings.TrimSpace(first)
	}
	return r.AddressString()
}

// requestURL is the URL the client asked for, with the scheme a proxy
// header gives.
func requestURL(r *handler.Request) string {
	scheme := r.Header("X-Forwarded-Proto")
	if scheme == "" {
		scheme = r.Header("X-Forwarded-Protocol")
	}
	if scheme == "" && r.Header("X-Forwarded-Ssl") == "on" {
		scheme = "https"
	}
	if scheme == "" {
		scheme = "http"
	}
	p := r.Parsed()
	target := string(p.Path)
	if bytes.IndexByte(p.Target, '?') >= 0 {
		target += "?" + string(p.Query)
	}
	return scheme + "://" + string(p.Host) + target
}

// readBody reads the whole request body, at most max bytes of it.
func readBody(r *handler.Request, max int64) ([]byte, error) {
	if r.BodyLength() > max {
		return nil, errTooLarge
	}
	if b := r.Body(); b != nil || r.BodyLength() == 0 {
		return b, nil
	}
	return io.ReadAll(io.LimitReader(r.BodyReader(), max))
}

var errTooLarge = errors.New("http: request body too large")
