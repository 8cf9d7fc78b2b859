package codec

import "bytes"

// fieldWords are the words of the errors about a malformed field line: a
// header field's and a trailer field's are checked alike and named apart.
type fieldWords struct {
	folded, noColon, spaceBeforeColon, badName, badValue string
}

var (
	headerWords = fieldWords{
		folded:           "Folded header line",
		noColon:          "Header line without colon",
		spaceBeforeColon: "Whitespace before colon in header",
		badName:          "Bad header name",
		badValue:         "Bad header value",
	}
	trailerWords = fieldWords{
		folded:           "Folded trailer line",
		noColon:          "Trailer line without colon",
		spaceBeforeColon: "Whitespace before colon in trailer",
		badName:          "Bad trailer name",
		badValue:         "Bad trailer value",
	}
)

// parseField parses the header line buf[start:end] (without its line
// ending) and returns the offsets of its name and value.
func parseField(buf []byte, start, end int) (name, value span, e *Error) {
	return parseFieldWords(buf, start, end, &headerWords)
}

// parseFieldWords is parseField with the words of its errors.
func parseFieldWords(buf []byte, start, end int, words *fieldWords) (name, value span, e *Error) {
	line := buf[start:end]
	colon := 0
	for colon < len(line) && isToken[line[colon]] {
		colon++
	}
	if colon == 0 || colon == len(line) || line[colon] != ':' {
		return name, value, badFieldLine(line, colon, words)
	}
	// RFC 9110 §5.5: the value is trimmed of surrounding whitespace and may
	// hold no control character other than HTAB (CR, LF and NUL included).
	vs, ve := colon+1, len(line)
	for vs < ve && (line[vs] == ' ' || line[vs] == '\t') {
		vs++
	}
	for ve > vs && (line[ve-1] == ' ' || line[ve-1] == '\t') {
		ve--
	}
	if !isFieldValue(line[vs:ve]) {
		return name, value, newError(400, quotedShort(words.badValue, line[:colon]))
	}
	return span{start, start + colon}, span{start + vs, start + ve}, nil
}

// scanField parses a well-formed field line starting at start and ending
// before end in one pass, finding its end as it goes. It returns the
// offsets of the name, the value and the line's LF; lf is 0 when the line is
// not well formed or not all there, and parseField must decide. It gives the
// same name and value as parseField does for the lines it accepts. seen is
// the number of bytes it looked at.
func scanField(buf []byte, start, end int) (name, value span, lf, seen int) {
	buf = buf[:end]
	i := start
	for i < len(buf) && isToken[buf[i]] {
		i++
	}
	if i == start || i == len(buf) || buf[i] != ':' {
		return name, value, 0, i - start
	}
	colon := i
	for i++; i < len(buf) && (buf[i] == ' ' || buf[i] == '\t'); i++ {
	}
	vs := i
	for {
		j := indexCTL(buf[i:])
		if j < 0 {
			return name, value, 0, len(buf) - start
		}
		if i += j; buf[i] != '\t' {
			break
		}
		i++
	}
	ve := i
	switch {
	case buf[i] == '\n':
		lf = i
	case buf[i] == '\r' && i+1 < len(buf) && buf[i+1] == '\n':
		lf = i + 1
	default:
		return name, value, 0, i - start
	}
	for ve > vs && (buf[ve-1] == ' ' || buf[ve-1] == '\t') {
		ve--
	}
	return span{start, colon}, span{vs, ve}, lf, lf + 1 - start
}

// badFieldLine explains why line, whose name stopped at offset i, is not a
// field line (RFC 9112 §5, RFC 9110 §5.1).
func badFieldLine(line []byte, i int, words *fieldWords) *Error {
	if line[0] == ' ' || line[0] == '\t' {
		// RFC 9112 §5.2: obs-fold in a request MUST be rejected or replaced;
		// whitespace before the first field likewise (§2.2).
		return newError(400, quotedShort(words.folded, line))
	}
	colon := bytes.IndexByte(line, ':')
	switch {
	case colon < 0:
		return newError(400, quotedShort(words.noColon, line))
	case len(trimOWS(line[i:colon])) == 0 && i > 0:
		// RFC 9112 §5.1: a server MUST reject whitespace between the field
		// name and the colon; proxies disagree about such names.
		return newError(400, quotedShort(words.spaceBeforeColon, line[:colon]))
	default:
		return newError(400, quotedShort(words.badName, line[:colon]))
	}
}

// frameField takes note of the fields that decide how the request is framed
// and answered. The field is field number index+1 of the block.
func (p *Parser) frameField(name, value []byte, number int) *Error {
	st := &p.st
	// equalLower(name, "host") and so on, a word or two at a time.
	switch len(name) {
	case len("Host"):
		if lowerWord32(name, 0) == stringWord32("host") {
			return st.hostField(value, number)
		}
	case len("Expect"):
		if lowerWord32(name, 0) == stringWord32("expe") && lowerWord32(name, 2) == stringWord32("pect") {
			st.expectations(value)
		}
	case len("Connection"):
		if lowerWord(name, 0) == stringWord("connecti") && lowerWord(name, 2) == stringWord("nnection") {
			st.connectionOptions(value)
		}
	case len("Content-Length"):
		if lowerWord(name, 0) == stringWord("content-") && lowerWord(name, 6) == stringWord("t-length") {
			return st.contentLengthField(value)
		}
	case len("Transfer-Encoding"):
		if lowerWord(name, 0) == stringWord("transfer") && lowerWord(name, 8) == stringWord("-encodin") &&
			name[16]|0x20 == 'g' {
			st.transferCodings(value, number)
		}
	}
	return nil
}

// hostField checks the Host field, field number number of the block. RFC
// 9112 §3.2: a server MUST answer 400 to a request with more than one Host
// field or with a Host value that is not valid.
func (f *framing) hostField(value []byte, number int) *Error {
	if f.host > 0 {
		return newError(400, "Multiple Host headers")
	}
	if !isHostValue(value) {
		return newError(400, quotedShort("Bad Host header", value))
	}
	f.host, f.needHost = number, false
	return nil
}

// expectations notes the expectations of an Expect field (RFC 9110
// §10.1.1: a comma-separated list, any case). 100-continue is the only one
// there is; any other makes the request one the server cannot meet.
func (f *framing) expectations(value []byte) {
	if equalLower(value, "100-continue") {
		f.expect100 = true
		return
	}
	for len(value) > 0 {
		var expectation []byte
		expectation, value = nextListElement(value)
		switch {
		case len(expectation) == 0:
		case equalLower(expectation, "100-continue"):
			f.expect100 = true
		default:
			f.expectOther = true
		}
	}
}

// isHostValue reports whether b is a Host value (RFC 9110 §7.2): uri-host
// [ ":" port ], where uri-host is an IP literal in brackets, or a reg-name
// or IPv4 address (RFC 3986 §3.2.2), and port is digits. An empty value is
// allowed: it is what a client sends for a target without an authority.
//
// The usual value is a name or an IPv4 address, with a port or without.
// The port's digits are passed over from the end, and the bytes before its
// colon looked up eight at a time in a table whose entries are OR-ed (one
// branch per eight bytes, and loads that do not wait on each other): that
// the OR is zero means they are all bytes a name is made of. Anything else
// (a byte no host holds, a bracket, a percent sign, another colon) is for
// hostShape.
func isHostValue(b []byte) bool {
	name := b
	i := len(b) - 1
	for i >= 0 && b[i]-'0' <= 9 {
		i--
	}
	if i >= 0 && b[i] == ':' {
		name = b[:i]
	}
	if hostBytes(name) == 0 {
		return true
	}
	return hostShape(b)
}

// hostBytes returns the OR of b's entries in hostByte.
func hostBytes(b []byte) byte {
	var seen byte
	for len(b) >= 8 {
		seen |= hostByte[b[0]] | hostByte[b[1]] | hostByte[b[2]] | hostByte[b[3]] |
			hostByte[b[4]] | hostByte[b[5]] | hostByte[b[6]] | hostByte[b[7]]
		b = b[8:]
	}
	for _, c := range b {
		seen |= hostByte[c]
	}
	return seen
}

// Entries of hostByte: notHost for a byte no Host value holds, hostPlaced
// for the bytes whose place the grammar decides (':' before a port and in
// IP literals, '[' and ']' around an IP literal, '%' before two hex
// digits).
const (
	notHost    = 1
	hostPlaced = 2
)

// hostByte classifies every byte for isHostValue: RFC 3986's unreserved and
// sub-delims are 0, and so are the digits and letters.
var hostByte = func() (t [256]byte) {
	for i := range t {
		t[i] = notHost
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 0
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 0
		t[c-'a'+'A'] = 0
	}
	for _, c := range "-._~!$&'()*+,;=" {
		t[c] = 0
	}
	for _, c := range ":[]%" {
		t[c] = hostPlaced
	}
	return t
}()

// isPort reports whether b, what follows a host's colon, is a port:
// digits, maybe none.
func isPort(b []byte) bool {
	for _, c := range b {
		if c-'0' > 9 {
			return false
		}
	}
	return true
}

// hostShape is isHostValue for the values its loop does not take: an IP
// literal, "[" IPv6address or IPvFuture "]", with a port or without; or a
// reg-name whose percent signs each begin two hex digits (pct-encoded),
// with a port or without.
func hostShape(b []byte) bool {
	if hostBytes(b)&notHost != 0 {
		return false
	}
	if b[0] == '[' {
		end := bytes.IndexByte(b, ']')
		if end < 0 || !isIPLiteral(b[1:end]) {
			return false
		}
		rest := b[end+1:]
		return len(rest) == 0 || rest[0] == ':' && isPort(rest[1:])
	}
	name := b
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		if !isPort(b[i+1:]) {
			return false
		}
		name = b[:i]
	}
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '[', ']':
			return false
		case '%':
			if i+2 >= len(name) || unhex[name[i+1]] > 15 || unhex[name[i+2]] > 15 {
				return false
			}
		}
	}
	return true
}

// isIPLiteral reports whether b, what is between the brackets of an IP
// literal, is an IPv6 address without a zone (RFC 3986 §3.2.2) or an
// IPvFuture: "v", hex digits, ".", then unreserved, sub-delims or colons.
func isIPLiteral(b []byte) bool {
	if len(b) > 0 && b[0]|0x20 == 'v' {
		dot := bytes.IndexByte(b, '.')
		if dot < 2 || dot == len(b)-1 {
			return false
		}
		for _, c := range b[1:dot] {
			if unhex[c] > 15 {
				return false
			}
		}
		for _, c := range b[dot+1:] {
			if hostByte[c] != 0 && c != ':' {
				return false
			}
		}
		return true
	}
	return isIPv6(b)
}

// isIPv6 reports whether b is an IPv6address of RFC 3986 §3.2.2: eight
// groups of one to four hex digits separated by colons, where one "::"
// stands for one or more groups of zeros, and the last two groups may be
// an IPv4 address.
func isIPv6(b []byte) bool {
	groups, elided := 0, false
	if len(b) >= 2 && b[0] == ':' && b[1] == ':' {
		elided, b = true, b[2:]
	} else if len(b) > 0 && b[0] == ':' {
		return false
	}
	for len(b) > 0 {
		n := 0
		for n < len(b) && n < 5 && unhex[b[n]] <= 15 {
			n++
		}
		if n < len(b) && b[n] == '.' {
			// The rest is an IPv4 address, two groups' worth.
			if !isIPv4(b) {
				return false
			}
			groups += 2
			break
		}
		if n == 0 || n > 4 {
			return false
		}
		groups++
		b = b[n:]
		switch {
		case len(b) == 0:
		case len(b) >= 2 && b[0] == ':' && b[1] == ':':
			if elided {
				return false
			}
			elided, b = true, b[2:]
		case b[0] == ':' && len(b) > 1:
			b = b[1:]
		default:
			return false
		}
	}
	if elided {
		return groups < 8
	}
	return groups == 8
}

// isIPv4 reports whether b is an IPv4address of RFC 3986 §3.2.2: four
// decimal octets of one to three digits, without leading zeros, at most
// 255, separated by dots.
func isIPv4(b []byte) bool {
	for octet := range 4 {
		if octet > 0 {
			if len(b) == 0 || b[0] != '.' {
				return false
			}
			b = b[1:]
		}
		n, v := 0, 0
		for n < len(b) && n < 4 && b[n] >= '0' && b[n] <= '9' {
			v = v*10 + int(b[n]-'0')
			n++
		}
		if n == 0 || n > 3 || v > 255 || n > 1 && b[0] == '0' {
			return false
		}
		b = b[n:]
	}
	return len(b) == 0
}

// connectionOptions notes the close and keep-alive options of a Connection
// field (RFC 9110 §7.6.1: a comma-separated list, any case).
func (f *framing) connectionOptions(value []byte) {
	// The usual values are a single option.
	switch {
	case len(value) == len("keep-alive") &&
		lowerWord(value, 0) == stringWord("keep-ali") && lowerWord(value, 2) == stringWord("ep-alive"):
		f.connKeepAlive = true
		return
	case len(value) == len("close") &&
		lowerWord32(value, 0) == stringWord32("clos") && lowerWord32(value, 1) == stringWord32("lose"):
		f.connClose = true
		return
	}
	for len(value) > 0 {
		var option []byte
		option, value = nextListElement(value)
		switch {
		case equalLower(option, "close"):
			f.connClose = true
		case equalLower(option, "keep-alive"):
			f.connKeepAlive = true
		}
	}
}

// contentLengthField checks one Content-Length field. RFC 9112 §6.3: a
// value that is not a number, or fields that disagree, make the framing
// unknowable, and the server MUST answer 400 and close. Repeated equal values
// are accepted (RFC 9110 §8.6); a list in one field is not.
func (f *framing) contentLengthField(value []byte) *Error {
	n, ok := parseContentLength(value)
	if !ok {
		return newError(400, quotedShort("Bad Content-Length", value))
	}
	if f.hasLength && n != f.contentLength {
		return newError(400, quotedShort("Conflicting Content-Length", value))
	}
	f.contentLength, f.hasLength = n, true
	return nil
}

// parseContentLength parses 1*DIGIT, leading zeros allowed, up to the
// largest int64 (RFC 9110 §8.6: a recipient must guard against overflow).
func parseContentLength(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	if len(b) <= 18 {
		// No 18-digit numeral overflows.
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		return n, true
	}
	const maxLength = 1<<63 - 1
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (maxLength-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// transferCodings adds the codings of one Transfer-Encoding field, field
// number index+1, to those seen so far. Whether they are acceptable is
// decided in finish, once all fields are known.
func (f *framing) transferCodings(value []byte, field int) {
	f.hasTE = true
	f.lastTE = field
	for len(value) > 0 {
		var coding []byte
		var hasParams bool
		coding, hasParams, value = nextCoding(value)
		if len(coding) == 0 {
			continue // RFC 9110 §5.6.1: empty list elements are ignored
		}
		if f.chunkedLast {
			f.teMisordered = true
		}
		// chunked takes no parameters (RFC 9112 §7): "chunked;x=1" is a
		// coding that only looks like it, and a recipient that took it for
		// chunked would frame the body as others do not.
		f.chunkedLast = !hasParams && equalLower(coding, "chunked")
		if !f.chunkedLast && f.teUnsupported == 0 {
			f.teUnsupported = field
		}
	}
}

// firstUnsupportedCoding returns the first coding other than chunked in a
// Transfer-Encoding value, or nil.
func firstUnsupportedCoding(value []byte) []byte {
	for len(value) > 0 {
		var coding []byte
		var hasParams bool
		coding, hasParams, value = nextCoding(value)
		if len(coding) > 0 && (hasParams || !equalLower(coding, "chunked")) {
			return coding
		}
	}
	return nil
}

// nextCoding splits the first transfer coding off a Transfer-Encoding value
// and returns its name and whether parameters (";q=...") followed it.
func nextCoding(value []byte) (coding []byte, hasParams bool, rest []byte) {
	coding, rest = nextListElement(value)
	if semi := bytes.IndexByte(coding, ';'); semi >= 0 {
		return trimOWS(coding[:semi]), true, rest
	}
	return coding, false, rest
}

// nextListElement splits the first element off a comma-separated list and
// returns it without surrounding whitespace.
func nextListElement(list []byte) (elem, rest []byte) {
	if comma := bytes.IndexByte(list, ','); comma >= 0 {
		return trimOWS(list[:comma]), list[comma+1:]
	}
	return trimOWS(list), nil
}

// finish applies the rules that need the whole header block: how the body
// is framed (RFC 9112 §6), then Host (RFC 9112 §3.2), then Expect (RFC 9110
// §10.1.1). Framing comes first: a request whose end cannot be found is the
// one that most needs refusing.
func (p *Parser) finish(buf []byte, req *Request) *Error {
	st := &p.st
	if st.hasTE {
		if e := p.transferEncoding(buf, req); e != nil {
			return e
		}
	}
	if st.needHost {
		// RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request
		// without Host. (http.server does not; fastbase does.)
		return errMissingHost
	}
	if target := buf[st.target.start:st.target.end]; len(target) > 0 && target[0] != '/' {
		// RFC 9112 §3.2.2: the authority of an absolute-form target is the
		// request's host, so it must be one; an "http" URI with an empty
		// host MUST be refused (RFC 9110 §4.2.1), and so is one with
		// userinfo, which a recipient SHOULD treat as an error (§4.2.4).
		if authority, ok := absoluteAuthority(target); ok && (len(authority) == 0 || !isHostValue(authority)) {
			return newError(400, quotedShort("Bad request target", target))
		}
	}
	if st.expectOther {
		// RFC 9110 §10.1.1: a server MAY answer 417 to an expectation it
		// does not support; going on as if it were met could leave the
		// client waiting, or sending what the server does not expect.
		return errExpectation
	}
	return nil
}

var (
	errMissingHost = &Error{Status: 400, Message: "Missing Host header",
		Explain: "an HTTP/1.1 request must have a Host header (RFC 9112 section 3.2)"}
	errExpectation = &Error{Status: 417}
)

// transferEncoding decides whether the request's Transfer-Encoding can be
// decoded. A request with Transfer-Encoding is refused unless chunked is its
// final coding and the only one: fastbase decodes no other.
func (p *Parser) transferEncoding(buf []byte, req *Request) *Error {
	st := &p.st
	switch {
	case st.hasLength:
		// RFC 9112 §6.1: a sender MUST NOT send Content-Length with
		// Transfer-Encoding; a server MAY reject such a request, and must
		// then close the connection. Both framings at once is the classic
		// request smuggling vector, so fastbase always rejects it.
		return newError(400, "Transfer-Encoding with Content-Length")
	case !st.atLeast11():
		// RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means
		// faulty framing.
		return newError(400, "Transfer-Encoding in an HTTP/1.0 request")
	case st.teMisordered || !st.chunkedLast:
		// RFC 9112 §6.3: if chunked is not the final coding of a request,
		// the server MUST answer 400 and close; chunked MUST NOT be applied
		// twice (§6.1).
		return newError(400, quotedShort("Bad Transfer-Encoding", p.fieldValue(buf, req, st.lastTE-1)))
	case st.teUnsupported > 0:
		// RFC 9112 §6.1: a server SHOULD answer 501 to a transfer coding it
		// does not understand.
		return newError(501, quotedShort("Unsupported transfer coding",
			firstUnsupportedCoding(p.fieldValue(buf, req, st.teUnsupported-1))))
	}
	return nil
}
