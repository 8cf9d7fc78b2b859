package codec

import (
	"bytes"
	"math/bits"
	"slices"
)

// Defaults of [Limits], the limits of Python's http.server and http.client
// (_MAXLINE, _MAXHEADERS).
const (
	DefaultMaxRequestLine = 65536
	DefaultMaxHeaderLine  = 65536
	DefaultMaxHeaders     = 100
)

// maxLeadingEmptyLines bounds the empty lines skipped before a request line
// (RFC 9112 §2.2 lets a server ignore "at least one"; a client that sends a
// stream of them is not sending a request).
const maxLeadingEmptyLines = 16

// Limits bounds what a [Parser] accepts. Zero fields mean the defaults.
type Limits struct {
	// MaxRequestLine is the longest request line, in bytes including its
	// line ending; a longer one is refused with 414. Default
	// [DefaultMaxRequestLine].
	MaxRequestLine int
	// MaxHeaderLine is the longest header line, in bytes including its line
	// ending; a longer one is refused with 431 "Line too long". Default
	// [DefaultMaxHeaderLine].
	MaxHeaderLine int
	// MaxHeaders bounds the lines of the header block, counted as
	// http.server counts them: the blank line that ends the block is one of
	// them, so with the default of [DefaultMaxHeaders] a request with 99
	// fields passes and one with 100 is refused with 431 "Too many headers".
	MaxHeaders int
	// MaxHeaderBytes bounds the whole header block, from the first byte given
	// to [Parser.Parse] to the end of the blank line; a longer block is
	// refused with 431. Zero means only the per-line limits apply.
	MaxHeaderBytes int
}

// resolved returns l with the defaults in place of zeros.
func (l Limits) resolved() Limits {
	return Limits{
		MaxRequestLine: positiveOr(l.MaxRequestLine, DefaultMaxRequestLine),
		MaxHeaderLine:  positiveOr(l.MaxHeaderLine, DefaultMaxHeaderLine),
		MaxHeaders:     positiveOr(l.MaxHeaders, DefaultMaxHeaders),
		MaxHeaderBytes: max(l.MaxHeaderBytes, 0),
	}
}

func positiveOr(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// Parser parses request header blocks incrementally. Its zero value is ready
// to use with the default [Limits].
//
// A Parser keeps the progress of one partially received header block between
// calls to [Parser.Parse] as offsets, never as slices, so the caller's buffer
// may move between calls (a ring buffer that grows, a copy into a bigger
// slice) as long as it begins at the same byte. A Parser is not safe for
// concurrent use; use one per connection, or one per event loop for
// connections whose requests arrive whole.
type Parser struct {
	// Limits bounds the requests the parser accepts. Change it only between
	// header blocks.
	Limits Limits

	st     parseState
	fields []fieldSpan // the fields read, once a block has taken more than one call
	direct bool        // this call keeps fields in the Request, not in fields
	limits Limits      // Limits with the defaults filled in, for this call
	lines  lineIndex   // the line ends parseFast found

	// examined counts the bytes the parser has looked at since it was made.
	// Tests use it to prove that parsing is linear in the input, however it
	// is split.
	examined int
}

// span is a half-open byte range [start, end) of the buffer being parsed.
type span struct{ start, end int }

// fieldSpan is one header field as offsets.
type fieldSpan struct{ name, value span }

// parseState is everything a Parser remembers about the header block it is
// reading. Its zero value means "nothing read yet".
type parseState struct {
	inHeaders bool // the request line has been accepted
	pos       int  // offset of the first byte of the line being read
	scanned   int  // offset of the first byte of that line not yet searched for LF
	empties   int  // empty lines skipped before the request line
	lines     int  // lines of the header block read, as http.server counts them; field i is line i+1

	requestLine span // without its line ending; end > 0 once it was read
	method      span
	target      span
	proto       span // empty for a request line of two words (HTTP/0.9)
	hasProto    bool // a version word was accepted
	major       int
	minor       int

	framing
}

// framing is what the fields that decide how a request is framed and
// answered (Host, Connection, Expect, Content-Length, Transfer-Encoding)
// said so far.
type framing struct {
	host          int  // index+1 of the Host field, 0 if none
	needHost      bool // HTTP/1.1 or later, and no Host field yet
	contentLength int64
	hasLength     bool
	connClose     bool
	connKeepAlive bool
	expect100     bool
	expectOther   bool // an expectation other than 100-continue

	// Transfer-Encoding, all its fields taken as one list (RFC 9110 §5.3).
	hasTE         bool
	lastTE        int  // index+1 of the last Transfer-Encoding field
	chunkedLast   bool // the last coding so far is chunked
	teMisordered  bool // a coding followed chunked
	teUnsupported int  // index+1 of the field with the first coding other than chunked
}

// Parse parses one request header block from the start of buf.
//
// It returns the number of bytes the block took — leading empty lines,
// request line, header lines and the blank line, but not the body, which
// begins at buf[n] — and nil; or 0 and [ErrNeedMore] when buf holds only the
// start of a valid block; or 0 and an [*Error] that carries the status to
// answer with.
//
// Beyond http.server's checks it refuses, with 400 unless said otherwise:
// a field line with whitespace before its colon, a folded line, a line
// without a colon, control characters in names or values (RFC 9112 §5, RFC
// 9110 §5.5); an HTTP/1.1 request without Host, more than one Host, or a
// Host value that is not uri-host [":" port] (RFC 9112 §3.2); a malformed,
// listed or conflicting Content-Length; Transfer-Encoding together with
// Content-Length, in HTTP/1.0, or without chunked as its only and final
// coding, and 501 for a coding other than chunked (RFC 9112 §6); 417 for an
// expectation other than 100-continue (RFC 9110 §10.1.1). A request with
// Transfer-Encoding has Chunked set; its body is for a [ChunkedDecoder].
//
// Between calls that return ErrNeedMore, buf must begin at the same byte and
// hold at least the bytes given before (the caller appends what arrives); it
// may have moved. Bytes already searched are not searched again, so a block
// fed one byte at a time costs O(n) in total. After nil or an *Error the
// parser is ready for the next block, which begins at buf[n] after nil.
//
// On nil, req is filled in: its slices are views into buf and req.Headers
// reuses its backing array, so a reused Request does not allocate. On an
// *Error, req holds what the error page and the access log need: RequestLine
// once the request line was read (empty for 414), Proto (the version word, or
// "HTTP/0.9" when the request line was refused before a version was accepted,
// which [Request.IsHTTP09] reports), and Method, Target, Path and Query once
// the request line was accepted; its other fields are zero. On ErrNeedMore,
// req holds nothing of use.
func (p *Parser) Parse(buf []byte, req *Request) (n int, err error) {
	st := &p.st
	if st.scanned > len(buf) {
		// The caller broke the contract and gave fewer bytes than before;
		// start over rather than index past the end.
		p.Reset()
	}
	p.limits = p.Limits.resolved()
	// Until a header line has been read, fields can go straight into
	// req.Headers: if the block is whole, as it usually is, they never need
	// to be stored as offsets.
	p.direct = st.lines == 0
	if p.direct {
		req.Headers = req.Headers[:0]
	}
	if st.scanned == 0 {
		// Nothing seen yet: most blocks arrive whole.
		if n := p.parseFast(buf, req); n > 0 {
			return n, nil
		}
	}
	for {
		if n, err := p.step(buf, req); n > 0 || err != nil {
			return n, err
		}
	}
}

// step reads the next line of the block. It returns the length of the block
// once its blank line is read, ErrNeedMore or an *Error; 0 and nil mean the
// line was read and the block goes on.
func (p *Parser) step(buf []byte, req *Request) (int, error) {
	st := &p.st
	start := st.pos
	limit, overBlock := p.lineLimit(start)
	end := min(limit, len(buf))
	if st.inHeaders && st.scanned == start {
		if ok, n, err := p.stepQuick(buf, req, start, end); ok {
			return n, err
		}
	}
	from := min(st.scanned, end)
	i := bytes.IndexByte(buf[from:end], '\n')
	if i < 0 {
		p.examined += end - from
		if end == limit {
			return 0, p.fail(buf, req, p.tooLong(overBlock))
		}
		st.scanned = end
		p.suspend(buf, req)
		return 0, ErrNeedMore
	}
	lf := from + i
	st.pos, st.scanned = lf+1, lf+1
	// Searched from "from" to the LF, then the line is parsed once.
	p.examined += lf + 1 - from + lf - start
	if !st.inHeaders {
		if e := p.firstLine(buf, start, lf); e != nil {
			return 0, p.fail(buf, req, e)
		}
		return 0, nil
	}
	done, e := p.headerLine(buf, req, start, lf)
	if done {
		return p.endOfBlock(buf, req, lf+1)
	}
	if e != nil {
		return 0, p.fail(buf, req, e)
	}
	return 0, nil
}

// stepQuick reads a header line that starts at start and has not been looked
// at yet, when it is a well-formed field line or the blank line, without
// searching for its end first. ok reports that it did; then n and err are
// step's results.
func (p *Parser) stepQuick(buf []byte, req *Request, start, end int) (ok bool, n int, err error) {
	st := &p.st
	if start+1 < end && buf[start] == '\r' && buf[start+1] == '\n' {
		st.pos, st.scanned = start+2, start+2
		p.examined += 2
		n, err = p.endOfBlock(buf, req, start+2)
		return true, n, err
	}
	name, value, lf, seen := scanField(buf, start, end)
	p.examined += seen
	if lf == 0 {
		return false, 0, nil
	}
	st.pos, st.scanned = lf+1, lf+1
	e := p.countLine()
	if e == nil {
		e = p.addField(buf, req, name, value)
	}
	if e != nil {
		return true, 0, p.fail(buf, req, e)
	}
	return true, 0, nil
}

// endOfBlock finishes a header block whose blank line ends before offset
// n: it applies the rules that need the whole block, fills in req and makes
// the parser ready for the next block.
func (p *Parser) endOfBlock(buf []byte, req *Request, n int) (int, error) {
	e := p.countLine()
	if e == nil {
		e = p.finish(buf, req)
	}
	if e != nil {
		return 0, p.fail(buf, req, e)
	}
	p.fill(buf, req)
	p.Reset()
	return n, nil
}

// suspend keeps the fields read so far as offsets before Parse returns
// ErrNeedMore: the caller's buffer may move before the next call.
func (p *Parser) suspend(buf []byte, req *Request) {
	if !p.direct {
		return
	}
	for _, h := range req.Headers {
		p.fields = append(p.fields, fieldSpan{name: spanOf(buf, h.Name), value: spanOf(buf, h.Value)})
	}
	req.Headers = req.Headers[:0]
}

// spanOf returns the offsets of b, a slice buf[i:j] made with a two-index
// slice expression: such a slice has capacity cap(buf)-i.
func spanOf(buf, b []byte) span {
	i := cap(buf) - cap(b)
	return span{i, i + len(b)}
}

// addField records the field whose name and value are at the given offsets
// and takes note of it if it frames the request.
func (p *Parser) addField(buf []byte, req *Request, name, value span) *Error {
	n, v := buf[name.start:name.end], buf[value.start:value.end]
	if p.direct {
		req.Headers = appendHeader(req.Headers, n, v)
	} else {
		p.fields = append(p.fields, fieldSpan{name, value})
	}
	return p.frameField(n, v, p.st.lines)
}

// appendHeader appends the field name: value to hs. It stores the two
// slices in place: append(hs, Header{...}) builds the Header on the stack
// and copies it, which stalls on store-to-load forwarding.
func appendHeader(hs []Header, name, value []byte) []Header {
	if len(hs) < cap(hs) {
		hs = hs[:len(hs)+1]
	} else {
		hs = append(hs, Header{})
	}
	h := &hs[len(hs)-1]
	h.Name, h.Value = name, value
	return hs
}

// fieldValue returns the value of field i, wherever it is kept.
func (p *Parser) fieldValue(buf []byte, req *Request, i int) []byte {
	if p.direct {
		return req.Headers[i].Value
	}
	f := p.fields[i]
	return buf[f.value.start:f.value.end]
}

// Reset drops any partially read header block, so the next [Parser.Parse]
// starts afresh. The engine calls it when a connection is closed or its
// buffered bytes are discarded.
func (p *Parser) Reset() {
	p.st = parseState{}
	p.fields = p.fields[:0]
}

// lineLimit returns the offset the line starting at start must end before:
// its LF must be at a smaller offset. Of the line limit and the header block
// limit, the one that comes first applies; overBlock reports that it is the
// block limit.
func (p *Parser) lineLimit(start int) (limit int, overBlock bool) {
	if p.st.inHeaders {
		limit = start + p.limits.MaxHeaderLine
	} else {
		limit = start + p.limits.MaxRequestLine
	}
	if block := p.limits.MaxHeaderBytes; block > 0 && block < limit {
		return block, true
	}
	return limit, false
}

// tooLong returns the error for a line that reached the limit lineLimit
// gave without ending.
func (p *Parser) tooLong(overBlock bool) *Error {
	switch {
	case overBlock:
		return errHeaderBlock(p.limits.MaxHeaderBytes)
	case p.st.inHeaders:
		return errLineTooLong(p.limits.MaxHeaderLine)
	default:
		return errRequestLineTooLong()
	}
}

// firstLine handles a line read before the request line was accepted:
// buf[start:lf] is the line and buf[lf] its LF.
func (p *Parser) firstLine(buf []byte, start, lf int) *Error {
	end := lf
	for end > start && buf[end-1] == '\r' {
		end--
	}
	if end == start {
		// RFC 9112 §2.2: a server SHOULD ignore at least one empty line
		// received before the request line.
		if p.st.empties++; p.st.empties > maxLeadingEmptyLines {
			return newError(400, quoted(msgBadSyntax, nil))
		}
		return nil
	}
	if e := p.parseRequestLine(buf, start, end); e != nil {
		return e
	}
	p.st.inHeaders = true
	return nil
}

// headerLine handles a line of the header block: buf[start:lf] is the line
// and buf[lf] its LF. It reports whether the line was the blank line that
// ends the block.
func (p *Parser) headerLine(buf []byte, req *Request, start, lf int) (done bool, e *Error) {
	end := lf
	if end > start && buf[end-1] == '\r' {
		end--
	}
	if end == start {
		return true, nil // counted by endOfBlock
	}
	if e := p.countLine(); e != nil {
		return false, e
	}
	name, value, e := parseField(buf, start, end)
	if e != nil {
		return false, e
	}
	return false, p.addField(buf, req, name, value)
}

// countLine counts a line of the header block. http.server counts every
// line, the blank one included, before it looks at it.
func (p *Parser) countLine() *Error {
	if p.st.lines++; p.st.lines > p.limits.MaxHeaders {
		return errTooManyHeaders(p.limits.MaxHeaders)
	}
	return nil
}

// fill sets req from the parsed block in buf.
func (p *Parser) fill(buf []byte, req *Request) {
	st := &p.st
	hs := req.Headers
	if !p.direct {
		hs = hs[:0]
		for _, f := range p.fields {
			hs = appendHeader(hs, buf[f.name.start:f.name.end], buf[f.value.start:f.value.end])
		}
	}
	contentLength := int64(-1)
	if st.hasLength {
		contentLength = st.contentLength
	}
	var host []byte
	if st.host > 0 {
		host = hs[st.host-1].Value
	}
	method, target := buf[st.method.start:st.method.end], buf[st.target.start:st.target.end]
	path, query := splitTarget(method, target)
	if len(target) > 0 && target[0] != '/' {
		// RFC 9112 §3.2.2: with an absolute-form target, the host is the
		// target's authority, and the Host field is ignored.
		if authority, ok := absoluteAuthority(target); ok {
			host = authority
		}
	}
	proto := proto09
	if st.hasProto {
		proto = buf[st.proto.start:st.proto.end]
	}
	// Field by field rather than *req = Request{...}: the composite literal
	// is built on the stack and copied, and that copy stalls on
	// store-to-load forwarding.
	req.RequestLine = buf[st.requestLine.start:st.requestLine.end]
	req.Method, req.Target, req.Path, req.Query = method, target, path, query
	req.Proto, req.Major, req.Minor = proto, st.major, st.minor
	req.Headers = hs
	req.ContentLength = contentLength
	req.Chunked = st.hasTE
	req.KeepAlive = st.keepAlive()
	req.Expect100 = st.expect100 && st.atLeast11()
	req.Host = host
}

// fillRequestLine sets the fields of req that come from the request line, as
// far as it was read.
func (p *Parser) fillRequestLine(buf []byte, req *Request) {
	st := &p.st
	if st.requestLine.end == 0 {
		return
	}
	req.RequestLine = buf[st.requestLine.start:st.requestLine.end]
	req.Proto, req.Major, req.Minor = proto09, 0, 9
	if st.hasProto {
		req.Proto = buf[st.proto.start:st.proto.end]
		req.Major, req.Minor = st.major, st.minor
	}
	if !st.inHeaders {
		return
	}
	req.Method = buf[st.method.start:st.method.end]
	req.Target = buf[st.target.start:st.target.end]
	req.Path, req.Query = splitTarget(req.Method, req.Target)
}

// fail prepares req for the error page and the access log, resets the
// parser and returns e.
func (p *Parser) fail(buf []byte, req *Request, e *Error) error {
	req.Reset()
	p.fillRequestLine(buf, req)
	p.Reset()
	return e
}

func (st *parseState) atLeast11() bool {
	return st.major > 1 || st.major == 1 && st.minor >= 1
}

// keepAlive decides whether the client lets the connection stay open:
// HTTP/1.1 and later unless "Connection: close" (RFC 9112 §9.3), HTTP/1.0
// only with "Connection: keep-alive" (and no close), HTTP/0.9 never.
func (st *parseState) keepAlive() bool {
	switch {
	case st.connClose || st.major == 0:
		return false
	case st.atLeast11():
		return true
	default:
		return st.connKeepAlive
	}
}

// parseFast parses a header block that is all in buf and has the common
// shape: a request line requestLineFast takes, field lines of a token name,
// a colon and a value, a CRLF blank line, no Transfer-Encoding, nothing
// finish refuses. One vectorised pass (scanLines) finds the line ends and
// validates every byte of the block against control characters; what is
// left per line is its name, its colon and the whitespace around its value.
// It returns the block's length, or 0, leaving the parser as it found it,
// for anything else (a block not all there, a limit reached, an error): the
// general loop of Parse then decides, so both give the same result.
func (p *Parser) parseFast(buf []byte, req *Request) int {
	lim := &p.limits
	if lim.MaxHeaderBytes > 0 && lim.MaxHeaderBytes < len(buf) {
		buf = buf[:lim.MaxHeaderBytes]
	}
	if len(buf) > maxFastBlock {
		buf = buf[:maxFastBlock]
	}
	lines := &p.lines
	lines.scanned = 0
	lines.scan(buf, 0, lim.MaxRequestLine)
	lf, sp := lines.next(buf, 0, lim.MaxRequestLine)
	if lf < 1 || buf[lf-1] != '\r' || !p.requestLineAt(buf, 0, sp, lf-1) {
		p.st = parseState{}
		return 0
	}
	p.st.requestLine = span{0, lf - 1}
	p.st.inHeaders = true
	hs := req.Headers[:0]
	pos := lf + 1
	// lines.next by hand, with its cursor in a register: the call costs
	// more than the line. The limits and the batch's size are read from
	// memory where they are needed, which leaves the registers to the
	// line.
	ends := &lines.ends
	i := lines.i
	for done := false; !done; {
		if i >= lines.n || i >= lineBatch {
			if !lines.rescan(buf, pos, lim.MaxHeaderLine) {
				return p.abandonFast(req)
			}
			i = 0
		}
		// Room for every line of the batch, and the fields that may frame
		// the request taken note of after it: the loop over the batch makes
		// no call, so that its state stays in registers.
		hs = slices.Grow(hs, lines.n-i)
		base := len(hs) - i // field base+i is on line i of the batch
		var framers uint32
		for ; i < lines.n; i++ {
			k := i & (lineBatch - 1) // i < lineBatch, said so for the bounds checks
			lf, colon := int(ends.lf[k]), int(ends.nameEnd[k])
			if lf-pos >= lim.MaxHeaderLine {
				return p.abandonFast(req)
			}
			// The line without its LF; slices of it are two-index slices of
			// buf, as spanOf needs.
			line := buf[pos:lf]
			c := colon - pos
			pos = lf + 1
			if c <= 0 || c >= len(line) || line[c] != ':' {
				if len(line) == 1 && line[0] == '\r' && len(hs) < lim.MaxHeaders {
					i++
					done = true
					break
				}
				return p.abandonFast(req)
			}
			name := line[:c]
			var v []byte
			// fieldValue's usual shape, by hand: one space after the colon
			// and a CRLF right after the value.
			if e := len(line) - 1; c+3 <= e && line[e] == '\r' && line[c+1] == ' ' && line[c+2] > ' ' && line[e-1] > ' ' {
				v = line[c+2 : e]
			} else {
				v = fieldValue(line[c+1:])
			}
			// appendHeader within the room made above.
			hs = hs[:len(hs)+1]
			h := &hs[len(hs)-1]
			h.Name, h.Value = name, v
			if mayFrame(name) {
				framers |= 1 << uint(k)
			}
		}
		for framers != 0 {
			f := base + bits.TrailingZeros32(framers)
			framers &= framers - 1
			if p.frameField(hs[f].Name, hs[f].Value, f+1) != nil {
				return p.abandonFast(req)
			}
		}
	}
	lines.i = i
	fields := len(hs)
	req.Headers = hs
	if st := &p.st; st.hasTE || st.needHost || st.expectOther || buf[st.target.start] != '/' {
		return p.abandonFast(req) // finish decides
	}
	p.st.lines = fields + 1
	p.examined += pos + lines.scanned
	p.fill(buf, req)
	p.Reset()
	return pos
}

// maxFastBlock bounds the bytes parseFast looks at: scanLines keeps
// offsets in 32 bits. A longer block goes through the general loop.
const maxFastBlock = 1<<31 - 1

// fieldValue returns the value of a field line, given what follows the
// colon up to the LF: scanLines has refused the control characters a value
// may not hold, so what is left is to drop the whitespace around it, and a
// CR before the LF. It gives what parseField gives.
func fieldValue(rest []byte) []byte {
	if k := len(rest) - 1; k >= 0 && rest[k] == '\r' {
		rest = rest[:k]
	}
	vs, ve := 0, len(rest)
	for vs < ve && (rest[vs] == ' ' || rest[vs] == '\t') {
		vs++
	}
	for ve > vs && (rest[ve-1] == ' ' || rest[ve-1] == '\t') {
		ve--
	}
	return rest[vs:ve]
}

// lineIndex hands out the line ends of a header block, scanning ahead a
// batch at a time.
type lineIndex struct {
	ends    lineEnds
	n, i    int  // ends recorded by the last scan, and the next to hand out
	more    bool // the last scan stopped for want of room, not at a blank line, a bad byte or the end of buf
	scanned int  // bytes scanned so far
}

// scan records the line ends from pos on, looking at most window bytes
// ahead: no line the caller accepts is longer.
func (x *lineIndex) scan(buf []byte, pos, window int) {
	end := len(buf)
	if window < end-pos {
		end = pos + window
	}
	n, stop := scanLines(buf[:end], pos, pos-1, &x.ends)
	x.n, x.i = n, 0
	x.more = n == lineBatch || n > 0 && stop == end && end < len(buf)
	x.scanned += stop - pos
}

// next returns the offsets of the LF that ends the line starting at pos
// and of the line's first byte that is not a tchar; lf is -1 when the scan
// stopped before the LF.
func (x *lineIndex) next(buf []byte, pos, window int) (lf, nameEnd int) {
	i := x.i
	if i >= x.n || i >= lineBatch {
		if !x.rescan(buf, pos, window) {
			return -1, 0
		}
		i = 0
	}
	x.i = i + 1
	return int(x.ends.lf[i]), int(x.ends.nameEnd[i])
}

// rescan scans on from pos when the last scan stopped only for want of
// room, and reports whether it found a line.
//
//go:noinline
func (x *lineIndex) rescan(buf []byte, pos, window int) bool {
	if !x.more {
		return false
	}
	x.scan(buf, pos, window)
	return x.n > 0
}

// mayFrame reports whether name may be one of the fields frameField takes
// note of, by its length and first letter: most fields are not, and are
// passed over with one comparison.
func mayFrame(name []byte) bool {
	return len(name) < len(frameInitials) && len(name) > 0 && frameInitials[len(name)] == name[0]|0x20
}

// frameInitials holds, by length, the first letter of the field names
// frameField looks at.
var frameInitials = [32]byte{
	len("Host"):              'h',
	len("Expect"):            'e',
	len("Connection"):        'c',
	len("Content-Length"):    'c',
	len("Transfer-Encoding"): 't',
}

// abandonFast undoes what parseFast did and returns 0.
func (p *Parser) abandonFast(req *Request) int {
	p.st = parseState{}
	req.Headers = req.Headers[:0]
	return 0
}
