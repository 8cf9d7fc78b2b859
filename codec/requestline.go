package codec

import "bytes"

// proto09 is Request.Proto for a request line of two words, http.server's
// default_request_version. It is shared: callers must not write to it.
var proto09 = []byte("HTTP/0.9")[:8:8]

// parseRequestLine parses buf[start:end], the request line without its line
// ending. The common shape is taken by requestLineFast; anything else goes
// through requestLineWords, which splits words and reports errors as
// http.server does.
func (p *Parser) parseRequestLine(buf []byte, start, end int) *Error {
	p.st.requestLine = span{start, end}
	if p.requestLineFast(buf, start, end) {
		return nil
	}
	return p.requestLineWords(buf[start:end], start)
}

// requestLineFast parses buf[start:end] when it has the common shape,
// "METHOD SP target SP HTTP/1.x" with a token method and a target free of
// whitespace and control characters, and reports whether it did. It accepts
// a subset of what requestLineWords does and gives the same result for it.
func (p *Parser) requestLineFast(buf []byte, start, end int) bool {
	sp := start
	for sp < end && isToken[buf[sp]] {
		sp++
	}
	return p.requestLineAt(buf, start, sp, end)
}

// requestLineAt is requestLineFast when the method's end is known: sp is
// the offset of the first byte of the line that is not a tchar.
func (p *Parser) requestLineAt(buf []byte, start, sp, end int) bool {
	line := buf[start:end]
	sp -= start
	n := len(line)
	const version = len(" HTTP/1.x")
	if sp == 0 || n-sp < 1+1+version || line[sp] != ' ' {
		return false
	}
	v := line[n-version:]
	if string(v[:len(" HTTP/1.")]) != " HTTP/1." || v[8] != '0' && v[8] != '1' ||
		!isVisible(line[sp+1:n-version]) {
		return false
	}
	st := &p.st
	st.method = span{start, start + sp}
	st.target = span{start + sp + 1, end - version}
	st.proto = span{end - version + 1, end}
	st.hasProto = true
	st.major, st.minor = 1, int(v[8]-'0')
	st.needHost = v[8] == '1'
	return true
}

// isRequestLineSpace marks the bytes that separate the words of a request
// line. RFC 9112 §3 lets a recipient split on SP, HTAB, VT, FF and bare CR;
// Python's str.split() also splits on these (and on a few more that fastbase
// refuses as control characters).
var isRequestLineSpace = [256]bool{' ': true, '\t': true, '\v': true, '\f': true, '\r': true}

// requestLineWords parses a request line of any shape the way http.server's
// parse_request does, with its error messages, and then applies fastbase's
// own checks on the method and target. line starts at offset start of the
// buffer.
func (p *Parser) requestLineWords(line []byte, start int) *Error {
	st := &p.st
	var first, second, last span // relative to line
	words := 0
	for i := 0; i < len(line); {
		if isRequestLineSpace[line[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(line) && !isRequestLineSpace[line[j]] {
			j++
		}
		switch words {
		case 0:
			first = span{i, j}
		case 1:
			second = span{i, j}
		}
		last = span{i, j}
		words++
		i = j
	}
	if words == 0 {
		return newError(400, quoted(msgBadSyntax, line))
	}
	if words >= 3 {
		word := line[last.start:last.end]
		major, minor, ok := parseVersion(word)
		if !ok {
			return newError(400, quoted("Bad request version", word))
		}
		if major >= 2 {
			return newError(505, "Invalid HTTP version ("+string(word[len("HTTP/"):])+")")
		}
		st.proto = span{start + last.start, start + last.end}
		st.hasProto = true
		st.major, st.minor = major, minor
		st.needHost = major == 1 && minor >= 1
	}
	if words > 3 || words == 1 {
		return newError(400, quoted(msgBadSyntax, line))
	}
	method := line[first.start:first.end]
	if words == 2 {
		if string(method) != "GET" {
			return newError(400, quoted("Bad HTTP/0.9 request type", method))
		}
		st.major, st.minor = 0, 9
	}
	// Python takes any word as the method and the target; fastbase requires
	// a token (RFC 9110 §9.1) and a target free of control characters
	// (RFC 9112 §3.2).
	if !isTokenString(method) {
		return newError(400, quoted("Bad request method", method))
	}
	target := line[second.start:second.end]
	if !isVisible(target) {
		return newError(400, quoted("Bad request target", target))
	}
	st.method = span{start + first.start, start + first.end}
	st.target = span{start + second.start, start + second.end}
	return nil
}

// parseVersion parses the version word the way http.server does: "HTTP/",
// then exactly two dot-separated runs of 1 to 10 digits, leading zeros
// allowed.
func parseVersion(word []byte) (major, minor int, ok bool) {
	const prefix = "HTTP/"
	if len(word) < len(prefix) || string(word[:len(prefix)]) != prefix {
		return 0, 0, false
	}
	rest := word[len(prefix):]
	dot := bytes.IndexByte(rest, '.')
	if dot < 0 {
		return 0, 0, false
	}
	major, ok = parseVersionNumber(rest[:dot])
	if !ok {
		return 0, 0, false
	}
	minor, ok = parseVersionNumber(rest[dot+1:])
	return major, minor, ok
}

func parseVersionNumber(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// splitTarget splits a request target into path and query. The origin form
// "/p?q" gives "/p" and "q"; the absolute form "http://host/p?q" gives the
// same; the asterisk form and CONNECT's authority form have no path. A
// leading run of slashes in the path becomes one, as http.server does
// (gh-87389), so "//evil.example/x" cannot pass for a scheme-relative URL.
func splitTarget(method, target []byte) (path, query []byte) {
	path = target
	if q := indexQuery(target); q >= 0 {
		path, query = target[:q], target[q+1:]
	}
	switch {
	case len(path) > 0 && path[0] == '/':
	case string(path) == "*" || string(method) == "CONNECT":
		return path[:0], query
	default:
		path = absolutePath(path)
	}
	for len(path) > 1 && path[1] == '/' {
		path = path[1:]
	}
	return path, query
}

// indexQuery returns the index of the first '?' in target, or -1. Most
// targets are short, and a loop beats the call into bytes.IndexByte there.
func indexQuery(target []byte) int {
	if len(target) > 32 {
		return bytes.IndexByte(target, '?')
	}
	for i, c := range target {
		if c == '?' {
			return i
		}
	}
	return -1
}

// absolutePath returns the path of an absolute-form target (RFC 9112 §3.2.2),
// "scheme://authority/path", without its query: what follows the authority.
// A target that is not in absolute form is returned unchanged.
func absolutePath(target []byte) []byte {
	authority, ok := afterScheme(target)
	if !ok {
		return target
	}
	if slash := bytes.IndexByte(authority, '/'); slash >= 0 {
		return authority[slash:]
	}
	return authority[len(authority):]
}

// absoluteAuthority returns the authority of an absolute-form target
// (RFC 9112 §3.2.2): what follows "scheme://", up to the path or the
// query, where absolutePath and splitTarget cut it too. A fragment, which
// has no place in a request target, stays in it, and fails the host check.
// ok is false for a target of another form.
func absoluteAuthority(target []byte) (authority []byte, ok bool) {
	authority, ok = afterScheme(target)
	for i, c := range authority {
		if c == '/' || c == '?' {
			return authority[:i], ok
		}
	}
	return authority, ok
}

// afterScheme returns what follows "scheme://" in target, and whether
// target begins so.
func afterScheme(target []byte) ([]byte, bool) {
	i := 0
	for i < len(target) && isSchemeChar(target[i], i) {
		i++
	}
	if i == 0 || len(target)-i < len("://") || string(target[i:i+3]) != "://" {
		return nil, false
	}
	return target[i+3:], true
}

// isSchemeChar reports whether c may be byte i of a URI scheme
// (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
func isSchemeChar(c byte, i int) bool {
	letter := c|0x20 >= 'a' && c|0x20 <= 'z'
	return letter || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')
}
