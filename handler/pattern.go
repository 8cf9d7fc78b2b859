package handler

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/fastbase/fastbase/codec"
)

// pattern is one registered route: "[METHOD ][HOST]/[PATH]" in the syntax
// of net/http.ServeMux since Go 1.22.
type pattern struct {
	str      string
	method   string // "" matches every method; "GET" matches HEAD too
	host     string // "" matches every host
	segments []segment
	names    []string // wildcard names in path order; an anonymous trailing one has none
	fn       Func
}

// segment is one path segment of a pattern. A literal holds its unescaped
// text; "{$}" is the literal "/", which only the empty segment after a
// trailing slash matches; a trailing "/" without "{$}" is an anonymous
// multi wildcard.
type segment struct {
	s     string // literal text, or the wildcard's name
	wild  bool
	multi bool // matches the rest of the path, possibly empty
}

// endSlash is the segment that stands for the end of a path that ends in
// '/', as "{$}" matches it.
const endSlash = "/"

// parsePattern parses s as net/http.ServeMux does, with one difference: an
// empty path segment ("/a//b") is refused, where ServeMux accepts it in a
// pattern without a method and then matches it like a wildcard.
func parsePattern(s string) (*pattern, error) {
	if s == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	p := &pattern{str: s}
	rest := s
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		p.method, rest = s[:i], strings.TrimLeft(s[i+1:], " \t")
		if p.method != "" && !codec.IsToken(p.method) {
			return nil, fmt.Errorf("invalid method %q", p.method)
		}
	}
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return nil, fmt.Errorf("host/path missing /")
	}
	p.host, rest = rest[:slash], rest[slash:]
	if strings.IndexByte(p.host, '{') >= 0 {
		return nil, fmt.Errorf("host contains '{' (missing initial '/'?)")
	}
	if p.method != "" && p.method != "CONNECT" && !isCleanPath([]byte(rest)) {
		return nil, fmt.Errorf("non-CONNECT pattern with unclean path can never match")
	}
	if err := p.parsePath(rest); err != nil {
		return nil, err
	}
	return p, nil
}

// parsePath fills p.segments and p.names from path, which starts with '/'.
func (p *pattern) parsePath(path string) error {
	for path != "" {
		path = path[1:]
		if path == "" {
			p.segments = append(p.segments, segment{wild: true, multi: true})
			return nil
		}
		end := strings.IndexByte(path, '/')
		if end < 0 {
			end = len(path)
		}
		seg := path[:end]
		path = path[end:]
		if seg == "" {
			return fmt.Errorf("empty path segment")
		}
		if !strings.Contains(seg, "{") {
			p.segments = append(p.segments, segment{s: string(unescapePath(nil, []byte(seg)))})
			continue
		}
		w, err := p.parseWildcard(seg, path == "")
		if err != nil {
			return err
		}
		p.segments = append(p.segments, w)
		if w.s == endSlash && !w.wild {
			return nil
		}
	}
	return nil
}

// parseWildcard parses one "{name}", "{name...}" or "{$}" segment; last
// says whether it ends the pattern.
func (p *pattern) parseWildcard(seg string, last bool) (segment, error) {
	if seg[0] != '{' {
		return segment{}, fmt.Errorf("bad wildcard segment %q (must start with '{')", seg)
	}
	if seg[len(seg)-1] != '}' {
		return segment{}, fmt.Errorf("bad wildcard segment %q (must end with '}')", seg)
	}
	name := seg[1 : len(seg)-1]
	if name == "$" {
		if !last {
			return segment{}, fmt.Errorf("{$} not at end")
		}
		return segment{s: endSlash}, nil
	}
	name, multi := strings.CutSuffix(name, "...")
	if multi && !last {
		return segment{}, fmt.Errorf("{...} wildcard not at end")
	}
	if name == "" {
		return segment{}, fmt.Errorf("empty wildcard")
	}
	if !isIdentifier(name) {
		return segment{}, fmt.Errorf("bad wildcard name %q", name)
	}
	for _, n := range p.names {
		if n == name {
			return segment{}, fmt.Errorf("duplicate wildcard name %q", name)
		}
	}
	p.names = append(p.names, name)
	return segment{s: name, wild: true, multi: multi}, nil
}

func (p *pattern) last() segment { return p.segments[len(p.segments)-1] }

// isIdentifier reports whether s is a Go identifier, which is what a
// wildcard may be named.
func isIdentifier(s string) bool {
	for i, c := range s {
		if !unicode.IsLetter(c) && c != '_' && (i == 0 || !unicode.IsDigit(c)) {
			return false
		}
	}
	return s != ""
}

// relation is how the requests two patterns match compare.
type relation uint8

const (
	sameRequests relation = iota // both match exactly the same requests
	moreSpecific                 // the first matches a strict subset of the second's
	moreGeneral                  // the first matches a strict superset
	disjoint                     // no request matches both
	overlapping                  // some requests match both, neither is a subset
)

// conflicts reports whether p and q may not be registered together: they
// match some request in common and neither is more specific (ServeMux's
// rule). Patterns for different hosts never conflict, since a pattern with
// a host takes precedence over one without.
func (p *pattern) conflicts(q *pattern) bool {
	if p.host != q.host {
		return false
	}
	rel := p.compareMethods(q)
	if rel != disjoint {
		rel = combine(rel, p.comparePaths(q))
	}
	return rel == sameRequests || rel == overlapping
}

func (p *pattern) compareMethods(q *pattern) relation {
	switch {
	case p.method == q.method:
		return sameRequests
	case p.method == "":
		return moreGeneral
	case q.method == "":
		return moreSpecific
	case p.method == "GET" && q.method == "HEAD":
		return moreGeneral
	case p.method == "HEAD" && q.method == "GET":
		return moreSpecific
	}
	return disjoint
}

func (p *pattern) comparePaths(q *pattern) relation {
	ps, qs := p.segments, q.segments
	rel := sameRequests
	for ; len(ps) > 0 && len(qs) > 0; ps, qs = ps[1:], qs[1:] {
		rel = combine(rel, compareSegments(ps[0], qs[0]))
		if rel == disjoint {
			return disjoint
		}
	}
	switch {
	case len(ps) == 0 && len(qs) == 0:
		return rel
	case len(ps) == 0 && p.last().multi:
		return combine(rel, moreGeneral)
	case len(qs) == 0 && q.last().multi:
		return combine(rel, moreSpecific)
	}
	return disjoint
}

func compareSegments(a, b segment) relation {
	switch {
	case a.multi && b.multi:
		return sameRequests
	case a.multi:
		return moreGeneral
	case b.multi:
		return moreSpecific
	case a.wild && b.wild:
		return sameRequests
	case a.wild:
		if b.s == endSlash {
			return disjoint
		}
		return moreGeneral
	case b.wild:
		if a.s == endSlash {
			return disjoint
		}
		return moreSpecific
	case a.s == b.s:
		return sameRequests
	}
	return disjoint
}

// combine is the relation of two patterns whose parts relate as a and b.
func combine(a, b relation) relation {
	switch a {
	case sameRequests:
		return b
	case disjoint:
		return disjoint
	case overlapping:
		if b == disjoint {
			return disjoint
		}
		return overlapping
	}
	// a is moreSpecific or moreGeneral.
	switch {
	case b == sameRequests:
		return a
	case b == moreSpecific && a == moreGeneral, b == moreGeneral && a == moreSpecific:
		return overlapping
	}
	return b
}

// unescapePath appends the percent-decoded form of seg to dst, as
// url.PathUnescape decodes ('+' stays '+'); a malformed escape leaves seg
// as it is, as ServeMux does.
func unescapePath(dst, seg []byte) []byte {
	out, err := codec.AppendPathUnescape(dst, seg)
	if err != nil {
		return append(dst, seg...)
	}
	return out
}

// isCleanPath reports whether path, which starts with '/', has no empty,
// "." or ".." segment except for one empty segment at its end: whether
// path.Clean would leave it as it is, trailing slash aside.
func isCleanPath(path []byte) bool {
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	for i := 1; i <= len(path); {
		end := i
		for end < len(path) && path[end] != '/' {
			end++
		}
		seg := path[i:end]
		if end < len(path) && len(seg) == 0 || string(seg) == "." || string(seg) == ".." {
			return false
		}
		i = end + 1
	}
	return true
}

// cleanPath returns path as ServeMux redirects to it: a leading '/', empty,
// "." and ".." segments resolved, a trailing slash kept.
func cleanPath(path string) string {
	if path == "" {
		return "/"
	}
	var out []string
	for _, seg := range strings.Split(path, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	clean := "/" + strings.Join(out, "/")
	if strings.HasSuffix(path, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}
