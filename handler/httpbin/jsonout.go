package httpbin

import (
	"bytes"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// The answers of /get and its kin are written here by hand, from views of
// the request, byte for byte as go-httpbin's encoding/json writes them
// (two-space indent, HTML characters left alone, a newline at the end):
// they are what load tests ask for, and reflection, maps and re-indenting
// took three quarters of their time. TestNoBodyJSONMatchesEncodingJSON
// holds the two encodings equal.

// jsonScratch is what one answer is built in; pooled, so that the buffers
// grow once.
type jsonScratch struct {
	text    []byte  // decoded query pairs and canonical header names
	entries []entry // one per pair or header line
	out     []byte
}

// entry is a key and a value, as spans of jsonScratch.text or views.
type entry struct {
	key, value []byte
}

var scratchPool = sync.Pool{New: func() any { return new(jsonScratch) }}

// noBodyOptions are the fields of go-httpbin's noBodyResponse that vary.
type noBodyOptions struct {
	noURL             bool // /gzip and /deflate leave url empty
	deflated, gzipped bool
}

// appendNoBody appends go-httpbin's noBodyResponse for r.
func appendNoBody(s *jsonScratch, dst []byte, r *handler.Request, o noBodyOptions) []byte {
	dst = append(dst, "{\n  \"args\": "...)
	dst = appendGrouped(dst, s.queryPairs(r.Query()))
	dst = append(dst, ",\n  \"headers\": "...)
	dst = appendGrouped(dst, s.headerLines(r))
	dst = append(dst, ",\n  \"method\": "...)
	dst = appendJSONString(dst, r.Parsed().Method)
	dst = append(dst, ",\n  \"origin\": \""...)
	dst = appendOrigin(dst, r)
	dst = append(dst, "\",\n  \"url\": "...)
	if o.noURL {
		dst = append(dst, `""`...)
	} else {
		start := len(s.text)
		s.text = appendRequestURL(s.text, r)
		dst = appendJSONString(dst, s.text[start:])
	}
	if o.deflated {
		dst = append(dst, ",\n  \"deflated\": true"...)
	}
	if o.gzipped {
		dst = append(dst, ",\n  \"gzipped\": true"...)
	}
	return append(dst, "\n}\n"...)
}

// queryPairs decodes the query as url.ParseQuery does: pairs split on
// '&', a pair with ';' or a malformed escape dropped, '+' a space. The
// entries are sorted by key, values of a key in their order.
func (s *jsonScratch) queryPairs(query []byte) []entry {
	s.entries = s.entries[:0]
	for len(query) > 0 {
		var pair []byte
		pair, query, _ = bytes.Cut(query, []byte{'&'})
		if len(pair) == 0 || bytes.IndexByte(pair, ';') >= 0 {
			continue
		}
		rawKey, rawValue, _ := bytes.Cut(pair, []byte{'='})
		start := len(s.text)
		var err error
		if s.text, err = codec.AppendFormUnescape(s.text, rawKey); err != nil {
			s.text = s.text[:start]
			continue
		}
		mid := len(s.text)
		if s.text, err = codec.AppendFormUnescape(s.text, rawValue); err != nil {
			s.text = s.text[:start]
			continue
		}
		s.entries = append(s.entries, entry{s.text[start:mid:mid], s.text[mid:len(s.text):len(s.text)]})
	}
	return s.sorted()
}

// headerLines lists the request's header lines by canonical name, as
// net/http's Header holds them, and Host as go-httpbin adds it: once, the
// request's host (which for an absolute-form target is the target's, not
// the Host field's), also when the request had no Host field.
func (s *jsonScratch) headerLines(r *handler.Request) []entry {
	s.entries = s.entries[:0]
	for _, h := range r.Headers() {
		if isHost(h.Name) {
			continue
		}
		start := len(s.text)
		s.text = appendCanonicalKey(s.text, h.Name)
		s.entries = append(s.entries, entry{s.text[start:len(s.text):len(s.text)], h.Value})
	}
	s.entries = append(s.entries, entry{hostKey, r.Parsed().Host})
	return s.sorted()
}

var hostKey = []byte("Host")

// isHost reports whether name is Host, in any case.
func isHost(name []byte) bool { return len(name) == 4 && bytes.EqualFold(name, hostKey) }

// sorted sorts the entries by key, keeping the order of equal keys.
func (s *jsonScratch) sorted() []entry {
	slices.SortStableFunc(s.entries, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
	return s.entries
}

// appendGrouped appends entries sorted by key as a JSON object of arrays
// at the second level of indentation: {"k": ["v1", "v2"]}.
func appendGrouped(dst []byte, entries []entry) []byte {
	if len(entries) == 0 {
		return append(dst, "{}"...)
	}
	dst = append(dst, '{')
	for i, e := range entries {
		if i > 0 && bytes.Equal(e.key, entries[i-1].key) {
			dst = append(dst, ",\n      "...)
			dst = appendJSONString(dst, e.value)
			continue
		}
		if i > 0 {
			dst = append(dst, "\n    ],"...)
		}
		dst = append(dst, "\n    "...)
		dst = appendJSONString(dst, e.key)
		dst = append(dst, ": [\n      "...)
		dst = appendJSONString(dst, e.value)
	}
	return append(dst, "\n    ]\n  }"...)
}

// appendJSONString appends s quoted as encoding/json quotes a string with
// HTML escaping off: '"' and '\\' escaped, control characters as \n, \r,
// \t, \b, \f or \u00XX, invalid UTF-8 as \ufffd, and U+2028 and U+2029
// escaped, as they end a line in JavaScript.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			if r == utf8.RuneError {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&15])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendCanonicalKey appends name as textproto.CanonicalMIMEHeaderKey
// writes it: the first letter and each one after '-' upper case, the rest
// lower case. Names reach here as tokens, which codec's parser requires.
func appendCanonicalKey(dst, name []byte) []byte {
	upper := true
	for _, c := range name {
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst
}

// appendOrigin appends what origin returns, without making strings of the
// headers it reads. The value is inside a JSON string: it is escaped.
func appendOrigin(dst []byte, r *handler.Request) []byte {
	p := r.Parsed()
	for _, name := range [...]string{"Fly-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "True-Client-IP"} {
		if v := p.Header(name); len(v) > 0 {
			return appendEscapedBody(dst, v)
		}
	}
	if v := p.Header("X-Forwarded-For"); len(v) > 0 {
		first, _, _ := bytes.Cut(v, []byte{','})
		return appendEscapedBody(dst, bytes.TrimSpace(first))
	}
	if a := r.ClientAddress().Addr(); a.IsValid() {
		return a.AppendTo(dst)
	}
	return dst
}

// appendEscapedBody appends s escaped as inside a JSON string, without the
// quotes.
func appendEscapedBody(dst, s []byte) []byte {
	start := len(dst)
	dst = appendJSONString(dst, s)
	copy(dst[start:], dst[start+1:len(dst)-1])
	return dst[:len(dst)-2]
}

// appendRequestURL appends what requestURL returns.
func appendRequestURL(dst []byte, r *handler.Request) []byte {
	p := r.Parsed()
	scheme := p.Header("X-Forwarded-Proto")
	if len(scheme) == 0 {
		scheme = p.Header("X-Forwarded-Protocol")
	}
	if len(scheme) == 0 && string(p.Header("X-Forwarded-Ssl")) == "on" {
		scheme = []byte("https")
	}
	if len(scheme) == 0 {
		dst = append(dst, "http"...)
	} else {
		dst = append(dst, scheme...)
	}
	dst = append(dst, "://"...)
	dst = append(dst, p.Host...)
	dst = append(dst, p.Path...)
	if bytes.IndexByte(p.Target, '?') >= 0 {
		dst = append(dst, '?')
		dst = append(dst, p.Query...)
	}
	return dst
}

// writeNoBody answers status with go-httpbin's noBodyResponse, as JSON
// unless contentType says otherwise; an answer that says it is gzipped or
// deflated is.
func writeNoBody(r *handler.Request, status int, contentType string, o noBodyOptions, extra ...handler.HeaderField) {
	s := scratchPool.Get().(*jsonScratch)
	s.text, s.out = s.text[:0], s.out[:0]
	s.out = appendNoBody(s, s.out, r, o)
	body := s.out
	switch {
	case o.gzipped:
		body = gzipped(body)
		extra = append(extra, handler.HeaderField{Name: "Content-Encoding", Value: "gzip"})
	case o.deflated:
		body = deflated(body)
		extra = append(extra, handler.HeaderField{Name: "Content-Encoding", Value: "deflate"})
	}
	respond(r, status, contentType, body, extra...)
	scratchPool.Put(s)
}
