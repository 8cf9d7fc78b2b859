package httpbin

import (
	"bytes"
	crand "crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	mrand "math/rand"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

func (a *app) get(r *handler.Request) { writeNoBody(r, 200, jsonContentType, noBodyOptions{}) }

// anything answers every method as one with a body, HEAD as GET.
func (a *app) anything(r *handler.Request) {
	if r.Command() == "HEAD" {
		a.get(r)
		return
	}
	a.withBody(r)
}

func (a *app) withBody(r *handler.Request) { a.withBodyAndHeaders(r) }

// withBodyAndHeaders is withBody with extra header fields.
func (a *app) withBodyAndHeaders(r *handler.Request, extra ...handler.HeaderField) {
	nb := a.noBody(r)
	resp := bodyResponse{
		Args: nb.Args, Headers: nb.Headers, Method: nb.Method, Origin: nb.Origin, URL: nb.URL,
		Files: url.Values{}, Form: url.Values{},
	}
	if err := a.parseBody(r, &resp); err != nil {
		writeError(r, 400, "error parsing request body: "+err.Error())
		return
	}
	writeJSON(r, 200, resp, extra...)
}

// parseBody fills data, form, files and json from the body as go-httpbin
// does: data is the body as text for text, form and JSON types, and a
// base64 data URL for any other type.
func (a *app) parseBody(r *handler.Request, resp *bodyResponse) error {
	body, err := readBody(r, a.maxBody)
	if err != nil || len(body) == 0 {
		return err
	}
	resp.Data = string(body)
	ct := r.Header("Content-Type")
	mediaType, _, _ := strings.Cut(ct, ";")
	switch mediaType {
	case "text/html", "text/plain":
	case "application/x-www-form-urlencoded", "multipart/form-data":
		return formFields(r, resp)
	case "application/json":
		dec := json.NewDecoder(bytes.NewReader(body))
		return dec.Decode(&resp.JSON)
	default:
		if mediaType == "" {
			mediaType = binaryContentType
		}
		resp.Data = "data:" + mediaType + ";base64," + base64.URLEncoding.EncodeToString(body)
	}
	return nil
}

// formFields puts the form's fields into form, and the contents of its
// files into files.
func formFields(r *handler.Request, resp *bodyResponse) error {
	fields, err := r.Form()
	if err != nil {
		return err
	}
	for i := range fields {
		f := &fields[i]
		value := f.Value
		if !f.InMemory() {
			var b bytes.Buffer
			if _, err := b.ReadFrom(f.Open()); err != nil {
				return err
			}
			value = b.Bytes()
		}
		if f.IsFile() {
			resp.Files.Add(string(f.Name), string(value))
		} else {
			resp.Form.Add(string(f.Name), string(value))
		}
	}
	return nil
}

func (a *app) headers(r *handler.Request) {
	writeJSON(r, 200, struct {
		Headers map[string][]string `json:"headers"`
	}{requestHeaders(r)})
}

func (a *app) ip(r *handler.Request) {
	writeJSON(r, 200, struct {
		Origin string `json:"origin"`
	}{origin(r)})
}

func (a *app) userAgent(r *handler.Request) {
	writeJSON(r, 200, struct {
		UserAgent string `json:"user-agent"`
	}{r.Header("User-Agent")})
}

func (a *app) uuid(r *handler.Request) {
	var b [16]byte
	_, _ = crand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	h := hex.EncodeToString(b[:])
	writeJSON(r, 200, struct {
		UUID string `json:"uuid"`
	}{h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]})
}

func (a *app) hostnameRoute(r *handler.Request) {
	writeJSON(r, 200, struct {
		Hostname string `json:"hostname"`
	}{a.hostname})
}

// --- Status codes ---

func (a *app) status(r *handler.Request) {
	raw := r.PathValue("code")
	if !strings.Contains(raw, ",") {
		code, err := parseStatusCode(raw, 100, 599)
		if err != nil {
			writeError(r, 400, err.Error())
			return
		}
		doStatus(r, code)
		return
	}
	choices, err := parseWeightedChoices(raw)
	if err != nil {
		writeError(r, 400, err.Error())
		return
	}
	doStatus(r, choices.pick(a.rand()))
}

func parseStatusCode(raw string, lo, hi int) (int, error) {
	code, err := strconv.Atoi(raw)
	if err != nil {
		return 0, fmt.Errorf("invalid status code: %q: %v", raw, err)
	}
	if code < lo || code > hi {
		return 0, fmt.Errorf("invalid status code: %d not in range [%d, %d]", code, lo, hi)
	}
	return code, nil
}

// weighted is a list of status codes with weights that need not sum to 1.
type weighted struct {
	codes   []int
	weights []float64
	total   float64
}

// parseWeightedChoices reads "200:3,500:1"; a code without ":weight" weighs 1.
func parseWeightedChoices(raw string) (*weighted, error) {
	w := &weighted{}
	for _, pair := range strings.Split(raw, ",") {
		rawCode, rawWeight, found := strings.Cut(pair, ":")
		weight := 1.0
		if found {
			var err error
			if weight, err = strconv.ParseFloat(rawWeight, 64); err != nil {
				return nil, fmt.Errorf("invalid weight value: %q", rawWeight)
			}
		}
		code, err := parseStatusCode(rawCode, 100, 599)
		if err != nil {
			return nil, fmt.Errorf("invalid choice value: %q", rawCode)
		}
		w.codes = append(w.codes, code)
		w.weights = append(w.weights, weight)
		w.total += weight
	}
	if w.total <= 0 {
		return nil, fmt.Errorf("invalid weights: they must add up to more than 0")
	}
	return w, nil
}

// pick chooses a code with its weight's share of probability; x is in [0, 1).
func (w *weighted) pick(x float64) int {
	x *= w.total
	sum := 0.0
	for i, wt := range w.weights {
		sum += wt
		if x < sum {
			return w.codes[i]
		}
	}
	return w.codes[len(w.codes)-1]
}

// statusExtras are go-httpbin's special cases of /status: headers and
// bodies that make the status meaningful.
var statusExtras = map[int]struct {
	headers []handler.HeaderField
	body    string
}{
	300: {[]handler.HeaderField{{Name: "Location", Value: "/image/jpeg"}}, `<!doctype html>
<head>
<title>Multiple Choices</title>
</head>
<body>
<ul>
<li><a href="/image/jpeg">/image/jpeg</a></li>
<li><a href="/image/png">/image/png</a></li>
<li><a href="/image/svg">/image/svg</a></li>
</body>
</html>`},
	301: {redirectOne, ""},
	302: {redirectOne, ""},
	303: {redirectOne, ""},
	305: {redirectOne, ""},
	307: {redirectOne, ""},
	308: {[]handler.HeaderField{{Name: "Location", Value: "/image/jpeg"}}, `<!doctype html>
<head>
<title>Permanent Redirect</title>
</head>
<body>Permanently redirected to <a href="/image/jpeg">/image/jpeg</a>
</body>
</html>`},
	401: {[]handler.HeaderField{{Name: "WWW-Authenticate", Value: `Basic realm="Fake Realm"`}}, ""},
	402: {[]handler.HeaderField{{Name: "X-More-Info", Value: "http://vimeo.com/22053820"}}, "Fuck you, pay me!"},
	406: {[]handler.HeaderField{{Name: "Content-Type", Value: jsonContentType}}, `{
  "message": "Client did not request a supported media type",
  "accept": [
    "image/webp",
    "image/svg+xml",
    "image/jpeg",
    "image/png",
    "image/"
  ]
}
`},
	407: {[]handler.HeaderField{{Name: "Proxy-Authenticate", Value: `Basic realm="Fake Realm"`}}, ""},
	418: {[]handler.HeaderField{{Name: "X-More-Info", Value: "http://tools.ietf.org/html/rfc2324"}}, "I'm a teapot!"},
}

var redirectOne = []handler.HeaderField{{Name: "Location", Value: "/redirect/1"}}

func doStatus(r *handler.Request, code int) {
	extra := statusExtras[code]
	ct := textContentType
	var headers []handler.HeaderField
	for _, f := range extra.headers {
		if f.Name == "Content-Type" {
			ct = f.Value
		} else {
			headers = append(headers, f)
		}
	}
	respond(r, code, ct, []byte(extra.body), headers...)
}

func (a *app) unstable(r *handler.Request) {
	q := args(r)
	rng, err := parseSeed(q.Get("seed"))
	if err != nil {
		writeError(r, 400, "invalid seed: "+err.Error())
		return
	}
	failureRate := 0.5
	if raw := q.Get("failure_rate"); raw != "" {
		failureRate, err = strconv.ParseFloat(raw, 64)
		if err != nil {
			writeError(r, 400, "invalid failure rate: "+err.Error())
			return
		}
		if failureRate < 0 || failureRate > 1 {
			writeError(r, 400, fmt.Sprintf("invalid failure rate: %v not in range [0, 1]", failureRate))
			return
		}
	}
	x := a.rand()
	if rng != nil {
		x = rng.Float64()
	}
	status := 200
	if x < failureRate {
		status = 500
	}
	respond(r, status, textContentType, nil)
}

// parseSeed returns a math/rand source seeded with raw, the generator
// go-httpbin uses, so that a seed gives the same bytes as there; nil for no
// seed.
func parseSeed(raw string) (*mrand.Rand, error) {
	if raw == "" {
		return nil, nil
	}
	seed, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, err
	}
	return mrand.New(mrand.NewSource(seed)), nil
}

// --- Generated bodies ---

func (a *app) bytesRoute(r *handler.Request) {
	if body, ok := a.randomBytes(r); ok {
		respond(r, 200, binaryContentType, body)
	}
}

// randomBytes makes the body of /bytes/{numBytes} and /stream-bytes: that
// many random bytes, go-httpbin's for a seed= given. It answers the request
// itself, and reports false, when the count or the seed is bad or the count
// is 0.
func (a *app) randomBytes(r *handler.Request) ([]byte, bool) {
	n, err := strconv.Atoi(r.PathValue("numBytes"))
	if err != nil {
		writeError(r, 400, "invalid byte count: "+err.Error())
		return nil, false
	}
	rng, err := parseSeed(args(r).Get("seed"))
	if err != nil {
		writeError(r, 400, "invalid seed: "+err.Error())
		return nil, false
	}
	switch {
	case n < 0:
		writeError(r, 400, fmt.Sprintf("invalid byte count: %d must be greater than 0", n))
		return nil, false
	case n == 0:
		respond(r, 200, "", nil, handler.HeaderField{Name: "Content-Length", Value: "0"})
		return nil, false
	case int64(n) > a.maxBody:
		writeError(r, 400, fmt.Sprintf("invalid byte count: %d not in range [1, %d]", n, a.maxBody))
		return nil, false
	}
	if rng == nil {
		rng = mrand.New(mrand.NewSource(time.Now().UnixNano()))
	}
	body := make([]byte, n)
	for i := range body {
		body[i] = byte(rng.Intn(256))
	}
	return body, true
}

// rangeRoute serves n bytes of "abcd…z" cycled, answering a Range request
// for one range with 206, an unsatisfiable or malformed one with 416, and
// one for several ranges with the whole body, as RFC 9110 §14.2 allows.
func (a *app) rangeRoute(r *handler.Request) {
	n, err := strconv.ParseInt(r.PathValue("numBytes"), 10, 64)
	if err != nil {
		writeError(r, 400, "invalid count: "+err.Error())
		return
	}
	if v := args(r).Get("duration"); v != "" {
		// go-httpbin paces the body over the duration; here it is the
		// delay before the answer, which is what it amounts to.
		d, err := boundedDuration(v, 0, a.maxDuration)
		if err != nil {
			writeError(r, 400, "invalid duration: "+err.Error())
			return
		}
		r.SendAfter(d)
	}
	tags := []handler.HeaderField{{Name: "ETag", Value: "range" + strconv.FormatInt(n, 10)}, {Name: "Accept-Ranges", Value: "bytes"}}
	if n <= 0 || n > a.maxBody {
		writeError(r, 400, fmt.Sprintf("invalid count: %d not in range [1, %d]", n, a.maxBody), tags...)
		return
	}
	from, to, status := int64(0), n, 200
	if spec := r.Header("Range"); spec != "" && !strings.Contains(spec, ",") {
		var err error
		if from, to, err = parseRange(spec, n); err != nil {
			respond(r, 416, textContentType, []byte(err.Error()+"\n"),
				append(tags, handler.HeaderField{Name: "Content-Range", Value: "bytes */" + strconv.FormatInt(n, 10)})...)
			return
		}
		status = 206
		tags = append(tags, handler.HeaderField{Name: "Content-Range",
			Value: fmt.Sprintf("bytes %d-%d/%d", from, to-1, n)})
	}
	body := make([]byte, to-from)
	for i := range body {
		body[i] = byte('a' + (from+int64(i))%26)
	}
	respond(r, status, textContentType, body, tags...)
}

// parseRange reads a Range value of one byte range ("bytes=0-9",
// "bytes=10-", "bytes=-5") of a body of n bytes and returns [from, to), or
// the error net/http's ServeContent, under go-httpbin, answers 416 with.
func parseRange(spec string, n int64) (from, to int64, err error) {
	errInvalid := errors.New("invalid range")
	rest, found := strings.CutPrefix(spec, "bytes=")
	if !found {
		return 0, 0, errInvalid
	}
	first, last, found := strings.Cut(strings.TrimSpace(rest), "-")
	if !found {
		return 0, 0, errInvalid
	}
	if first == "" {
		suffix, err := strconv.ParseInt(last, 10, 64)
		if err != nil || suffix < 0 {
			return 0, 0, errInvalid
		}
		if suffix == 0 {
			return 0, 0, errNoOverlap
		}
		return max(n-suffix, 0), n, nil
	}
	from, err = strconv.ParseInt(first, 10, 64)
	if err != nil || from < 0 {
		return 0, 0, errInvalid
	}
	to = n
	if last != "" {
		end, err := strconv.ParseInt(last, 10, 64)
		if err != nil || end < from {
			return 0, 0, errInvalid
		}
		to = min(end+1, n)
	}
	if from >= n {
		return 0, 0, errNoOverlap
	}
	return from, to, nil
}

var errNoOverlap = errors.New("invalid range: failed to overlap")

func (a *app) gzip(r *handler.Request) {
	writeNoBody(r, 200, jsonContentType, noBodyOptions{noURL: true, gzipped: true})
}

// deflate answers with the zlib format, which is what HTTP's "deflate"
// coding is (RFC 9110 §8.4.1.2) and what go-httpbin sends.
func (a *app) deflate(r *handler.Request) {
	writeNoBody(r, 200, jsonContentType, noBodyOptions{noURL: true, deflated: true})
}

// responseHeaders sends every query parameter as a response header and
// the parameters as JSON, HTML-escaped when the Content-Type asked for is
// one a browser might render.
func (a *app) responseHeaders(r *handler.Request) {
	q := args(r)
	ct := q.Get("Content-Type")
	if ct == "" {
		ct = jsonContentType
		q.Set("Content-Type", ct)
	}
	r.SendResponse(200, "")
	corsHeaders(r)
	for _, k := range sortedKeys(q) {
		for _, v := range q[k] {
			r.SendHeader(k, v)
		}
	}
	r.EndHeaders()
	if dangerous(ct) {
		escaped := url.Values{}
		for k, vs := range q {
			for _, v := range vs {
				escaped.Add(html.EscapeString(k), html.EscapeString(v))
			}
		}
		q = escaped
	}
	_, _ = r.Write(marshal(q))
}

// dangerous reports whether a browser might render a body of this type as
// something other than text or data.
func dangerous(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return true
	}
	switch mediaType {
	case "text/plain", "application/json", "application/octet-string":
		return false
	}
	return true
}

// --- Redirects ---

func (a *app) redirect(r *handler.Request) {
	a.redirectN(r, !strings.EqualFold(args(r).Get("absolute"), "true"))
}

func (a *app) relativeRedirect(r *handler.Request) { a.redirectN(r, true) }
func (a *app) absoluteRedirect(r *handler.Request) { a.redirectN(r, false) }

func (a *app) redirectN(r *handler.Request, relative bool) {
	n, err := strconv.Atoi(r.PathValue("numRedirects"))
	if err != nil {
		writeError(r, 400, "invalid redirect count: "+err.Error())
		return
	}
	if n < 1 {
		writeError(r, 400, "redirect count must be > 0")
		return
	}
	path := "/get"
	switch {
	case n-1 < 1:
	case relative:
		path = "/relative-redirect/" + strconv.Itoa(n-1)
	default:
		path = "/absolute-redirect/" + strconv.Itoa(n-1)
	}
	if !relative {
		u, _ := url.Parse(requestURL(r))
		u.Path, u.RawPath, u.RawQuery, u.ForceQuery = path, "", "", false
		path = u.String()
	}
	respond(r, 302, "", nil, handler.HeaderField{Name: "Location", Value: path})
}

func (a *app) redirectTo(r *handler.Request) {
	q := args(r)
	target := q.Get("url")
	if target == "" {
		writeError(r, 400, "missing required query parameter: url")
		return
	}
	u, err := url.Parse(target)
	if err != nil {
		writeError(r, 400, "invalid url: "+err.Error())
		return
	}
	status := 302
	if raw := q.Get("status_code"); raw != "" {
		if status, err = parseStatusCode(raw, 300, 399); err != nil {
			writeError(r, 400, err.Error())
			return
		}
	}
	respond(r, status, "", nil, handler.HeaderField{Name: "Location", Value: u.String()})
}

// --- Authentication ---

type authResponse struct {
	Authenticated bool   `json:"authenticated"`
	User          string `json:"user"`
	Authorized    bool   `json:"authorized"` // go-httpbin keeps it for old clients
}

func (a *app) basicAuth(r *handler.Request) {
	user, pass, _ := parseBasicAuth(r.Header("Authorization"))
	ok := user == r.PathValue("user") && pass == r.PathValue("password")
	if !ok {
		writeJSON(r, 401, authResponse{false, user, false},
			handler.HeaderField{Name: "WWW-Authenticate", Value: `Basic realm="Fake Realm"`})
		return
	}
	writeJSON(r, 200, authResponse{true, user, true})
}

func (a *app) hiddenBasicAuth(r *handler.Request) {
	user, pass, _ := parseBasicAuth(r.Header("Authorization"))
	if user != r.PathValue("user") || pass != r.PathValue("password") {
		writeError(r, 404, "")
		return
	}
	writeJSON(r, 200, authResponse{true, user, true})
}

// parseBasicAuth reads "Basic base64(user:password)", the scheme name in
// any case (RFC 9110 §11.1).
func parseBasicAuth(h string) (user, pass string, ok bool) {
	const prefix = "basic "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(h[len(prefix):])
	if err != nil {
		return "", "", false
	}
	user, pass, ok = strings.Cut(string(raw), ":")
	if !ok {
		return "", "", false
	}
	return user, pass, true
}

func (a *app) bearer(r *handler.Request) {
	fields := strings.Fields(r.Header("Authorization"))
	if len(fields) != 2 || fields[0] != "Bearer" {
		writeError(r, 401, "", handler.HeaderField{Name: "WWW-Authenticate", Value: "Bearer"})
		return
	}
	writeJSON(r, 200, struct {
		Authenticated bool   `json:"authenticated"`
		Token         string `json:"token"`
	}{true, fields[1]})
}

// --- Caching ---

// httpDate is the date format of HTTP header fields (RFC 9110 §5.6.7).
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

func (a *app) cache(r *handler.Request) {
	if r.Header("If-Modified-Since") != "" || r.Header("If-None-Match") != "" {
		respond(r, 304, "", nil)
		return
	}
	lastModified := time.Now().UTC().Format(httpDate)
	sum := sha1.Sum([]byte(lastModified))
	writeNoBody(r, 200, jsonContentType, noBodyOptions{},
		handler.HeaderField{Name: "Last-Modified", Value: lastModified},
		handler.HeaderField{Name: "ETag", Value: `"` + hex.EncodeToString(sum[:]) + `"`})
}

func (a *app) cacheControl(r *handler.Request) {
	seconds, err := strconv.ParseInt(r.PathValue("numSeconds"), 10, 64)
	if err != nil {
		writeError(r, 400, "invalid seconds: "+err.Error())
		return
	}
	writeNoBody(r, 200, jsonContentType, noBodyOptions{}, handler.HeaderField{Name: "Cache-Control", Value: "public, max-age=" + strconv.FormatInt(seconds, 10)})
}

// etag answers as a resource whose entity tag is the path's: 304 to a
// matching If-None-Match, 412 to an If-Match that does not match.
func (a *app) etag(r *handler.Request) {
	tag := `"` + r.PathValue("etag") + `"`
	headers := []handler.HeaderField{{Name: "ETag", Value: tag}}
	if im := r.Header("If-Match"); im != "" && !matchesETag(im, tag, false) {
		respond(r, 412, textContentType, nil, headers...)
		return
	}
	if inm := r.Header("If-None-Match"); inm != "" && matchesETag(inm, tag, true) {
		respond(r, 304, "", nil, headers...)
		return
	}
	writeNoBody(r, 200, textContentType, noBodyOptions{}, headers...)
}

// matchesETag reports whether the list of entity tags (or "*") in h
// matches tag, comparing weakly (W/ ignored) or strongly (RFC 9110 §8.8.3.2).
func matchesETag(h, tag string, weak bool) bool {
	if strings.TrimSpace(h) == "*" {
		return true
	}
	for _, t := range strings.Split(h, ",") {
		t = strings.TrimSpace(t)
		if strings.HasPrefix(t, "W/") {
			if !weak {
				continue
			}
			t = t[2:]
		}
		if t == tag {
			return true
		}
	}
	return false
}

// --- Cookies ---

func (a *app) cookies(r *handler.Request) {
	cookies := map[string]string{}
	for _, v := range r.Parsed().Values(nil, "Cookie") {
		for _, pair := range strings.Split(string(v), ";") {
			name, value, found := strings.Cut(strings.TrimSpace(pair), "=")
			if !found || !codec.IsToken(name) {
				continue
			}
			if len(value) > 1 && value[0] == '"' && value[len(value)-1] == '"' {
				value = value[1 : len(value)-1]
			}
			cookies[name] = value
		}
	}
	writeJSON(r, 200, struct {
		Cookies map[string]string `json:"cookies"`
	}{cookies})
}

func (a *app) setCookies(r *handler.Request)    { a.cookieRedirect(r, "") }
func (a *app) deleteCookies(r *handler.Request) { a.cookieRedirect(r, "Thu, 01 Jan 1970 00:00:00 GMT") }

// cookieRedirect sets a cookie per query parameter (or, with an expiry,
// deletes it) and redirects to /cookies. The attr[Path], attr[Domain],
// attr[HttpOnly], attr[Secure] and attr[SameSite] parameters set the
// cookies' attributes, which default to Path=/ and HttpOnly, and Secure
// for a request that came over https.
func (a *app) cookieRedirect(r *handler.Request, expires string) {
	q := args(r)
	attrs := cookieAttrs(q, strings.HasPrefix(requestURL(r), "https:"))
	r.SendResponse(302, "")
	corsHeaders(r)
	for _, name := range sortedKeys(q) {
		if strings.HasPrefix(name, "attr[") && strings.HasSuffix(name, "]") || !codec.IsToken(name) {
			continue
		}
		c := name + "=" + cookieValue(q.Get(name))
		if attrs.path != "" {
			c += "; Path=" + attrs.path
		}
		if attrs.domain != "" {
			c += "; Domain=" + attrs.domain
		}
		if expires != "" {
			c += "; Expires=" + expires + "; Max-Age=0"
		}
		if attrs.httpOnly {
			c += "; HttpOnly"
		}
		if attrs.secure {
			c += "; Secure"
		}
		if attrs.sameSite != "" {
			c += "; SameSite=" + attrs.sameSite
		}
		r.SendHeader("Set-Cookie", c)
	}
	r.SendHeader("Location", "/cookies")
	r.EndHeaders()
}

type cookieAttributes struct {
	path, domain, sameSite string
	httpOnly, secure       bool
}

// cookieAttrs reads the attr[Name] parameters, names in any case.
func cookieAttrs(q url.Values, https bool) cookieAttributes {
	c := cookieAttributes{path: "/", httpOnly: true, secure: https}
	for k, v := range q {
		name, ok := strings.CutPrefix(k, "attr[")
		if !ok || !strings.HasSuffix(name, "]") || len(v) == 0 {
			continue
		}
		flag := v[0] == "1" || strings.EqualFold(v[0], "true")
		switch strings.ToLower(strings.TrimSuffix(name, "]")) {
		case "path":
			c.path = cookieValue(v[0])
		case "domain":
			c.domain = cookieValue(v[0])
		case "httponly":
			c.httpOnly = flag
		case "secure":
			c.secure = flag
		case "samesite":
			switch strings.ToLower(v[0]) {
			case "strict":
				c.sameSite = "Strict"
			case "lax":
				c.sameSite = "Lax"
			case "none":
				c.sameSite = "None"
			}
		}
	}
	return c
}

// cookieValue drops the bytes RFC 6265 §4.1.1 forbids in a cookie value
// and quotes one with a space or a comma, as net/http's SetCookie does.
func cookieValue(v string) string {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if c := v[i]; 0x20 <= c && c < 0x7f && c != '"' && c != ';' && c != '\\' {
			b = append(b, c)
		}
	}
	if bytes.ContainsAny(b, " ,") {
		return `"` + string(b) + `"`
	}
	return string(b)
}

// --- base64 ---

func (a *app) base64(r *handler.Request) {
	op, data := r.PathValue("operation"), r.PathValue("data")
	if op == "" {
		op = "decode"
	}
	var out []byte
	var err error
	switch {
	case data == "":
		err = fmt.Errorf("no input data")
	case int64(len(data)) > a.maxBody:
		err = fmt.Errorf("input data exceeds max length of %d", a.maxBody)
	case op == "encode":
		out = []byte(base64.URLEncoding.EncodeToString([]byte(data)))
	case op == "decode":
		if out, err = base64.URLEncoding.DecodeString(data); err != nil {
			out, err = base64.StdEncoding.DecodeString(data)
		}
		if err != nil {
			err = fmt.Errorf("base64 decode failed: %v", err)
		}
	default:
		err = fmt.Errorf("invalid operation: %s", op)
	}
	if err != nil {
		writeError(r, 400, err.Error())
		return
	}
	ct := args(r).Get("content-type")
	if ct == "" {
		ct = textContentType
	}
	if dangerous(ct) {
		out = []byte(html.EscapeString(string(out)))
	}
	respond(r, 200, ct, out)
}

// --- Documents ---

func static(contentType, body string) handler.Func {
	return func(r *handler.Request) { respond(r, 200, contentType, []byte(body)) }
}

// dumpRequest answers with the request as it came: request line, header
// lines in their order and case, the blank line and the body.
func (a *app) dumpRequest(r *handler.Request) {
	body, err := readBody(r, a.maxBody)
	if err != nil {
		writeError(r, 400, "failed to dump request: "+err.Error())
		return
	}
	b := append([]byte(nil), r.Parsed().RequestLine...)
	b = append(b, "\r\n"...)
	for _, h := range r.Headers() {
		b = append(b, h.Name...)
		b = append(b, ": "...)
		b = append(b, h.Value...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, body...)
	respond(r, 200, textContentType, b)
}

func sortedKeys(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
