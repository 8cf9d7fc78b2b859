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

// isHostValue reports whether b may be a Host value (RFC 9110 §7.2,
// uri-host [ ":" port ]): it holds only the bytes a reg-name, an IP
// literal and a port are made of. An empty value is allowed: it is what a
// client sends for a target without an authority. The bytes' table
// entries are OR-ed eight at a time: one branch per eight bytes, and loads
// that do not wait on each other.
func isHostValue(b []byte) bool {
	var bad byte
	for len(b) >= 8 {
		bad |= notHostByte[b[0]] | notHostByte[b[1]] | notHostByte[b[2]] | notHostByte[b[3]] |
			notHostByte[b[4]] | notHostByte[b[5]] | notHostByte[b[6]] | notHostByte[b[7]]
		b = b[8:]
	}
	for _, c := range b {
		bad |= notHostByte[c]
	}
	return bad == 0
}

// notHostByte is 1 for every byte but RFC 3986's unreserved, sub-delims and
// pct-encoded bytes, ':' and the brackets of an IP literal.
var notHostByte = func() (t [256]byte) {
	for i := range t {
		t[i] = 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 0
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 0
		t[c-'a'+'A'] = 0
	}
	for _, c := range "-._~%!$&'()*+,;=:[]" {
		t[c] = 0
	}
	return t
}()

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
