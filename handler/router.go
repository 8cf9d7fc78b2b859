package handler

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Route registers fn for the requests that pattern matches and returns h,
// so that calls can be chained. Patterns are those of net/http.ServeMux
// since Go 1.22, "[METHOD ][HOST]/[PATH]", and so is the choice among them.
//
//   - METHOD, when given, is matched exactly, except that "GET" also
//     matches HEAD; without it the pattern matches every method.
//   - HOST, when given, is matched against the Host header without its
//     port; a pattern with a host wins over one without.
//   - PATH is matched segment by segment against the request's path, each
//     segment percent-decoded first. "{name}" matches one whole segment,
//     "{name...}" the rest of the path, and a PATH that ends in '/' matches
//     every path under it ("/anything/" matches "/anything/a/b"); "{$}"
//     after a final '/' matches that path alone ("/{$}" matches "/" only).
//     [Request.PathValue] gives what a wildcard matched, by name.
//
// When several patterns match a request the most specific one answers: the
// one that matches a strict subset of the others' requests ("/status/200"
// beats "/status/{code}", "GET /x" beats "/x"). Two patterns that match
// some request in common with neither more specific, or the same pattern
// twice, make Route panic naming both, as ServeMux's Handle does; so does a
// pattern that does not parse.
//
// A Handler with routes answers a request that no route matches with the
// [Func] that [Handler.Handle] registered for its method, if any; and
// otherwise as ServeMux does: a redirect (307, which keeps the method) to
// the path with a trailing slash when only that one has a route
// ("/anything" to "/anything/"), a redirect to the cleaned path for a path
// with "." or ".." segments or doubled slashes (not for CONNECT), 405 with an Allow header listing the
// methods that have a route for the path (HEAD where GET has one), or 404.
// The errors are [Request.SendError] pages; the redirects have no body.
//
// A match does not allocate. Route must not be called once h is serving;
// the Funcs it registers run where the engine runs every request (see
// [Handler.HandleBlocking] for methods that block).
func (h *Handler) Route(pattern string, fn Func) *Handler {
	if fn == nil {
		panic("handler: Route needs a Func")
	}
	p, err := parsePattern(pattern)
	if err != nil {
		panic(fmt.Sprintf("handler: parsing pattern %q: %v", pattern, err))
	}
	p.fn = fn
	if h.routes == nil {
		h.routes = &router{}
	}
	h.routes.add(p)
	return h
}

// router is the routing table of a Handler: per host, per method (""
// for any), a tree of path segments.
type router struct {
	hosts    map[string]map[string]*routeNode
	patterns []*pattern
	anyHost  bool // some pattern names a host
}

// routeNode is one level of a path tree. Its children are tried most
// specific first: a literal segment, then a one-segment wildcard, then a
// wildcard for the rest of the path.
type routeNode struct {
	leaf  *pattern // the pattern that ends here
	lits  map[string]*routeNode
	wild  *routeNode
	multi *pattern
}

// routeMatch is what a Request keeps of its route (in its extras): the
// pattern and where each of its named wildcards lies in the request path.
type routeMatch struct {
	p       *pattern
	values  []span
	scratch []byte // a percent-decoded segment
	slashed []byte // the path with a '/' added, to probe for a redirect
}

// span is [from, to) of the request path.
type span struct{ from, to int }

func (rt *router) add(p *pattern) {
	for _, q := range rt.patterns {
		if p.conflicts(q) {
			panic(fmt.Sprintf("handler: pattern %q conflicts with pattern %q: both match some requests and neither is more specific", p.str, q.str))
		}
	}
	rt.patterns = append(rt.patterns, p)
	if rt.hosts == nil {
		rt.hosts = map[string]map[string]*routeNode{}
	}
	methods := rt.hosts[p.host]
	if methods == nil {
		methods = map[string]*routeNode{}
		rt.hosts[p.host] = methods
	}
	n := methods[p.method]
	if n == nil {
		n = &routeNode{}
		methods[p.method] = n
	}
	n.add(p, p.segments)
	rt.anyHost = rt.anyHost || p.host != ""
}

func (n *routeNode) add(p *pattern, segs []segment) {
	for _, s := range segs {
		switch {
		case s.multi:
			n.multi = p
			return
		case s.wild:
			if n.wild == nil {
				n.wild = &routeNode{}
			}
			n = n.wild
		default:
			if n.lits == nil {
				n.lits = map[string]*routeNode{}
			}
			c := n.lits[s.s]
			if c == nil {
				c = &routeNode{}
				n.lits[s.s] = c
			}
			n = c
		}
	}
	n.leaf = p
}

// match returns the most specific pattern for host, method and path, with
// its wildcards' values in m.values, or nil.
func (rt *router) match(host, method, path []byte, m *routeMatch) *pattern {
	if rt.anyHost && len(host) > 0 {
		if p := matchMethod(rt.hosts[string(host)], method, path, m); p != nil {
			return p
		}
	}
	return matchMethod(rt.hosts[""], method, path, m)
}

func matchMethod(methods map[string]*routeNode, method, path []byte, m *routeMatch) *pattern {
	if methods == nil {
		return nil
	}
	if n := methods[string(method)]; n != nil {
		if p := n.matchPath(path, 0, m); p != nil {
			return p
		}
	}
	if string(method) == "HEAD" {
		if n := methods["GET"]; n != nil {
			if p := n.matchPath(path, 0, m); p != nil {
				return p
			}
		}
	}
	if n := methods[""]; n != nil {
		return n.matchPath(path, 0, m)
	}
	return nil
}

// matchPath matches path[pos:], which is empty or starts with '/'.
func (n *routeNode) matchPath(path []byte, pos int, m *routeMatch) *pattern {
	if pos == len(path) {
		return n.leaf
	}
	from, next := pos+1, len(path)
	if i := bytes.IndexByte(path[from:], '/'); i >= 0 {
		next = from + i
	}
	seg := path[from:next]
	if from == len(path) {
		seg = []byte(endSlash) // the empty segment after a final '/'
	} else if bytes.IndexByte(seg, '%') >= 0 {
		m.scratch = unescapePath(m.scratch[:0], seg)
		seg = m.scratch
	}
	if c := n.lits[string(seg)]; c != nil {
		if p := c.matchPath(path, next, m); p != nil {
			return p
		}
	}
	if n.wild != nil && string(seg) != endSlash {
		m.values = append(m.values, span{from, next})
		if p := n.wild.matchPath(path, next, m); p != nil {
			return p
		}
		m.values = m.values[:len(m.values)-1]
	}
	if p := n.multi; p != nil {
		if p.last().s != "" {
			m.values = append(m.values, span{from, len(path)})
		}
		return p
	}
	return nil
}

// exact reports whether p matched path without its multi wildcard taking
// a non-empty part of it: "/a/" matches "/a/" exactly, not "/a/b".
func (p *pattern) exact(path []byte) bool {
	if !p.last().multi {
		return true
	}
	return len(path) > 0 && path[len(path)-1] == '/' && len(p.segments) == bytes.Count(path, []byte{'/'})
}

// serve answers r by its route; it reports false when no route matches and
// no redirect applies, leaving r untouched.
func (rt *router) serve(r *Request) bool {
	path := r.req.Path
	if len(path) == 0 || path[0] != '/' {
		return false // "*" or an authority: no path to route
	}
	// CONNECT's path is routed as sent, as ServeMux routes it.
	unclean := string(r.req.Method) != "CONNECT" && !isCleanPath(path)
	clean := path
	if unclean {
		clean = []byte(cleanPath(string(path)))
	}
	host := r.req.Host
	if rt.anyHost {
		host = stripPort(host)
	}
	m := &r.extras().route
	m.p, m.values = nil, m.values[:0]
	p := rt.match(host, r.req.Method, clean, m)
	if (p == nil || !p.exact(clean)) && clean[len(clean)-1] != '/' {
		m.slashed = append(append(m.slashed[:0], clean...), '/')
		n := len(m.values)
		q := rt.match(host, r.req.Method, m.slashed, m)
		m.values = m.values[:n]
		if q != nil && q.exact(m.slashed) {
			r.redirect(string(m.slashed))
			return true
		}
	}
	if unclean {
		r.redirect(string(clean))
		return true
	}
	if p == nil {
		return false
	}
	m.p = p
	p.fn(r)
	return true
}

// redirect answers 307 to path with the request's query. Bytes a URI
// path may not hold, which a lenient request line can bring, are
// percent-encoded; the client's own escapes stay as they were.
func (r *Request) redirect(path string) {
	loc := appendURIPath(nil, path, false)
	if len(r.req.Query) > 0 {
		loc = appendURIPath(append(loc, '?'), string(r.req.Query), true)
	}
	r.SendResponse(307, "")
	r.SendHeader("Location", string(loc))
	r.EndHeaders()
}

// appendURIPath appends path with every byte that is not a pchar, '/' or
// '%' percent-encoded (RFC 3986 §3.3); a query may also hold '?' (§3.4).
func appendURIPath(dst []byte, path string, query bool) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(path); i++ {
		c := path[i]
		if uriPathChar[c] || query && c == '?' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// uriPathChar marks unreserved, sub-delims, ':', '@', '/' and '%'.
var uriPathChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "-._~!$&'()*+,;=:@/%" {
		t[c] = true
	}
	return t
}()

// notRouted answers a request that no route (nor method Func) took: 405
// with Allow when the path has routes for other methods, else 404.
func (rt *router) notRouted(h *Handler, r *Request) {
	allow := rt.allowed(h, r)
	if len(allow) == 0 {
		r.SendError(404, "", "")
		return
	}
	r.SendError(405, "", "")
	if !r.http09 {
		r.insertHead([]byte("Allow: " + strings.Join(allow, ", ") + "\r\n"))
	}
}

// allowed lists, sorted, the methods that would have answered r's path:
// those of routes that match it (or it with a '/' added, which would have
// redirected), HEAD with GET, and those of the method table.
func (rt *router) allowed(h *Handler, r *Request) []string {
	path := r.req.Path
	host := r.req.Host
	if rt.anyHost {
		host = stripPort(host)
	}
	var set []string
	addMethods := func(methods map[string]*routeNode, path []byte) {
		for method, n := range methods {
			var m routeMatch
			if method != "" && n.matchPath(path, 0, &m) != nil && !slices.Contains(set, method) {
				set = append(set, method)
			}
		}
	}
	var paths [][]byte
	if len(path) > 0 && path[0] == '/' {
		paths = append(paths, path)
		if path[len(path)-1] != '/' {
			paths = append(paths, append(path[:len(path):len(path)], '/'))
		}
	}
	for _, p := range paths {
		if rt.anyHost && len(host) > 0 {
			addMethods(rt.hosts[string(host)], p)
		}
		addMethods(rt.hosts[""], p)
	}
	for _, mr := range h.methods {
		if !slices.Contains(set, mr.method) {
			set = append(set, mr.method)
		}
	}
	if slices.Contains(set, "GET") && !slices.Contains(set, "HEAD") {
		set = append(set, "HEAD")
	}
	slices.Sort(set)
	return set
}

// stripPort returns host without a ":port" suffix and without the brackets
// of an IPv6 literal, as ServeMux matches hosts.
func stripPort(host []byte) []byte {
	if len(host) > 0 && host[0] == '[' {
		if end := bytes.IndexByte(host, ']'); end > 0 {
			return host[1:end]
		}
		return host
	}
	if i := bytes.LastIndexByte(host, ':'); i >= 0 {
		return host[:i]
	}
	return host
}

// PathValue returns the part of the request path that the wildcard name
// of the matching route (see [Handler.Route]) matched, percent-decoded, or
// "" when the route has no such wildcard or the request was not routed. The
// string is a copy and may be kept.
func (r *Request) PathValue(name string) string {
	if r.spare == nil || r.spare.route.p == nil {
		return ""
	}
	m := &r.spare.route
	for i, n := range m.p.names {
		if n == name && i < len(m.values) {
			v := m.values[i]
			return string(unescapePath(nil, r.req.Path[v.from:v.to]))
		}
	}
	return ""
}

// Pattern returns the pattern of the route that answers the request, as
// given to [Handler.Route], or "" when it was not routed.
func (r *Request) Pattern() string {
	if r.spare == nil || r.spare.route.p == nil {
		return ""
	}
	return r.spare.route.p.str
}
