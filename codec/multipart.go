package codec

import (
	"bytes"
	"strconv"
)

// Defaults of [FormLimits].
const (
	// DefaultMaxParts bounds the fields of a form, as net/http's
	// multipart reader does by default.
	DefaultMaxParts = 1000
	// DefaultMaxPartHeaderBytes bounds one part's header block.
	DefaultMaxPartHeaderBytes = 16 << 10
)

// FormLimits bounds what the form decoders ([URLEncodedScanner],
// [MultipartParser]) accept. Zero fields mean the defaults.
type FormLimits struct {
	// MaxParts bounds the fields of an urlencoded form or the parts of a
	// multipart one; one more is refused with 400 "Too many form fields" or
	// "Too many parts". Default [DefaultMaxParts].
	MaxParts int
	// MaxPartHeaderBytes bounds the header block of one part, its blank line
	// included; a longer one is refused with 431. Default
	// [DefaultMaxPartHeaderBytes].
	MaxPartHeaderBytes int
	// MaxBytes bounds the whole multipart body; a longer one is refused with
	// 413. Zero means no bound of the form's own: the server's body limit
	// applies.
	MaxBytes int64
}

func (l FormLimits) maxParts() int {
	if l.MaxParts > 0 {
		return l.MaxParts
	}
	return DefaultMaxParts
}

func (l FormLimits) maxPartHeaderBytes() int {
	if l.MaxPartHeaderBytes > 0 {
		return l.MaxPartHeaderBytes
	}
	return DefaultMaxPartHeaderBytes
}

// FormType is the kind of form a request body holds, from its Content-Type.
type FormType uint8

const (
	// NotAForm is any Content-Type other than the two form types.
	NotAForm FormType = iota
	// URLEncoded is application/x-www-form-urlencoded.
	URLEncoded
	// Multipart is multipart/form-data (RFC 7578).
	Multipart
)

// ParseFormType reads a Content-Type value and returns the form type it
// names and, for multipart/form-data, its boundary parameter (a view into
// contentType, or a new slice when the quoted value held escapes). A
// multipart/form-data type without a valid boundary is an [*Error] with
// status 400 saying what is wrong with it. Media type names compare without
// regard to case (RFC 9110 §8.3.1).
func ParseFormType(contentType []byte) (FormType, []byte, error) {
	mediaType, params, _ := bytes.Cut(contentType, []byte{';'})
	mediaType = trimBlanks(mediaType)
	switch {
	case equalFold(mediaType, "application/x-www-form-urlencoded"):
		return URLEncoded, nil, nil
	case !equalFold(mediaType, "multipart/form-data"):
		return NotAForm, nil, nil
	}
	var boundary []byte
	found := false
	for rest := params; len(rest) > 0; {
		var name, value []byte
		var err *Error
		name, value, rest, err = nextParam(rest, nil, "Content-Type")
		if err != nil {
			return Multipart, nil, err
		}
		if equalFold(name, "boundary") {
			if found {
				return Multipart, nil, &Error{Status: 400, Message: "Bad multipart boundary",
					Explain: "the Content-Type has two boundary parameters"}
			}
			boundary, found = value, true
		}
	}
	if !found {
		return Multipart, nil, &Error{Status: 400, Message: "No multipart boundary",
			Explain: "a multipart/form-data Content-Type needs a boundary parameter"}
	}
	if err := checkBoundary(boundary); err != nil {
		return Multipart, nil, err
	}
	return Multipart, boundary, nil
}

// maxBoundary is RFC 2046 §5.1.1's bound on a boundary's length.
const maxBoundary = 70

// checkBoundary applies RFC 2046 §5.1.1: 1 to 70 characters from bchars,
// not ending in a space. Nothing else can be told apart from the data
// reliably, and a boundary with CR or LF in it could never match a line.
func checkBoundary(b []byte) *Error {
	if len(b) == 0 || len(b) > maxBoundary || b[len(b)-1] == ' ' {
		return badBoundary(b)
	}
	for _, c := range b {
		if !isBChar[c] {
			return badBoundary(b)
		}
	}
	return nil
}

func badBoundary(b []byte) *Error {
	return &Error{Status: 400, Message: quotedShort("Bad multipart boundary", b),
		Explain: "a boundary is 1 to 70 letters, digits, spaces and '()+_,-./:=? characters, not ending in a space (RFC 2046)"}
}

// isBChar marks RFC 2046 bchars.
var isBChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "'()+_,-./:=? " {
		t[c] = true
	}
	return t
}()

// MultipartEvent is what one call of [MultipartParser.Next] found.
type MultipartEvent uint8

const (
	// MultipartNone: the call consumed framing (a preamble, a boundary
	// line) or needs more bytes; nothing for the caller.
	MultipartNone MultipartEvent = iota
	// MultipartPart: a part begins; [MultipartParser.Part] describes it.
	// The part before it, if any, has ended.
	MultipartPart
	// MultipartData: the consumed bytes are data of the current part.
	MultipartData
	// MultipartEnd: the closing boundary; the last part has ended and the
	// form is complete.
	MultipartEnd
)

// Part is the header block of one part of a multipart/form-data body. Its
// slices are views into the buffer given to [MultipartParser.Next], or into
// the parser's own buffer for values that needed decoding: they are valid
// until the next call of Next and must not be written to.
type Part struct {
	// Name is the Content-Disposition name parameter, which every part has.
	Name []byte
	// Filename is the Content-Disposition filename parameter, decoded from
	// filename* (RFC 5987, UTF-8 or ISO-8859-1) when that is present. It is
	// empty when there is none; see HasFilename.
	Filename []byte
	// HasFilename reports a filename parameter, even an empty one: a
	// browser sends filename="" for a file input left empty.
	HasFilename bool
	// ContentType is the part's Content-Type as sent, or empty when it has
	// none (RFC 7578 §4.4: then it is text/plain).
	ContentType []byte
	// Headers holds every header of the part in the order received.
	Headers []Header
}

// mpState is where a MultipartParser is in the body.
type mpState uint8

const (
	mpStart    mpState = iota // before the first byte
	mpPreamble                // looking for the first boundary
	mpHeaders                 // after a boundary line: a part's header block
	mpData                    // a part's data, up to the next boundary
	mpDone                    // after the closing boundary: epilogue
	mpFailed                  // after an error
)

// MultipartParser parses a multipart/form-data body (RFC 7578, RFC 2046
// §5.1) incrementally: it is fed whatever part of the body has arrived and
// never needs all of it. It finds boundaries that span the edges of the
// pieces it is fed and hands out part data as views into them, so a part of
// any size passes through without being held.
//
// Boundary lines end in CRLF, as RFC 2046 requires; a delimiter that is
// followed by anything but optional spaces and CRLF, or "--", is part data.
// The preamble and the epilogue are skipped. A MultipartParser is not safe
// for concurrent use; its zero value is ready once [MultipartParser.Reset]
// has given it a boundary.
type MultipartParser struct {
	// Limits bounds the body. Change it only before Reset.
	Limits FormLimits

	delim   []byte // "\r\n--" + boundary
	state   mpState
	scanned int  // mpHeaders: bytes of the block searched for its end
	fresh   bool // mpData: no data of the part has been handed out yet
	parts   int
	total   int64 // bytes consumed so far
	err     error
	part    Part
	scratch []byte // decoded parameter values of the current part
}

// Reset prepares p for a body whose Content-Type gave boundary (see
// [ParseFormType]); the boundary is copied. It returns an [*Error] when the
// boundary is not valid per RFC 2046.
func (p *MultipartParser) Reset(boundary []byte) error {
	p.state, p.scanned, p.parts, p.total, p.err = mpStart, 0, 0, 0, nil
	p.part = Part{Headers: p.part.Headers[:0]}
	if err := checkBoundary(boundary); err != nil {
		p.state, p.err = mpFailed, err
		return err
	}
	p.delim = append(append(p.delim[:0], "\r\n--"...), boundary...)
	return nil
}

// Part describes the part that the last [MultipartPart] event began. Its
// slices are valid until the next call of Next.
func (p *MultipartParser) Part() *Part { return &p.part }

// Parts returns the number of parts begun so far.
func (p *MultipartParser) Parts() int { return p.parts }

// Next parses the body bytes at the start of buf and returns what they are
// and how many of them it consumed. The caller drops buf[:n] and calls
// again with what follows; for a [MultipartData] event buf[:n] is part
// data. atEOF says that buf holds all that is left of the body.
//
// When the bytes at the start of buf are an incomplete piece of framing (a
// header block, or what may be a boundary), Next returns (MultipartNone, 0,
// [ErrNeedMore]): call again with the same bytes and more after them. The
// bytes may move between such calls; the parser keeps offsets only. At
// most a part's header block, or a boundary line, is ever asked for again,
// so what a caller keeps is bounded by FormLimits.MaxPartHeaderBytes.
//
// Errors are [*Error] values carrying the status to answer with: 400 for a
// body that is not valid multipart (no boundary, a bad part header, a part
// without a name, too many parts, a body that ends before its closing
// boundary), 431 for a part header block over the limit, 413 for a body over
// FormLimits.MaxBytes. After an error, or after [MultipartEnd], every call
// returns the same again (MultipartEnd consumes what it is given: the
// epilogue).
func (p *MultipartParser) Next(buf []byte, atEOF bool) (ev MultipartEvent, n int, err error) {
	switch p.state {
	case mpStart:
		ev, n, err = p.start(buf, atEOF)
	case mpPreamble:
		ev, n, err = p.preamble(buf, atEOF)
	case mpHeaders:
		ev, n, err = p.headers(buf, atEOF)
	case mpData:
		ev, n, err = p.data(buf, atEOF)
	case mpDone:
		return MultipartEnd, len(buf), nil
	default:
		return MultipartNone, 0, p.err
	}
	if err != nil && err != ErrNeedMore {
		p.state, p.err = mpFailed, err
		return MultipartNone, 0, err
	}
	p.total += int64(n)
	if p.Limits.MaxBytes > 0 && p.total > p.Limits.MaxBytes {
		p.state, p.err = mpFailed, errFormTooLarge(p.Limits.MaxBytes)
		return MultipartNone, 0, p.err
	}
	return ev, n, err
}

// start handles the beginning of the body, where the first boundary may
// come without the CRLF that precedes every other one.
func (p *MultipartParser) start(buf []byte, atEOF bool) (MultipartEvent, int, error) {
	if ev, n, settled, err := p.dashBoundary(buf, atEOF); settled {
		return ev, n, err
	}
	p.state = mpPreamble
	return p.preamble(buf, atEOF)
}

// preamble skips bytes up to the first delimiter.
func (p *MultipartParser) preamble(buf []byte, atEOF bool) (MultipartEvent, int, error) {
	i := bytes.Index(buf, p.delim)
	switch {
	case i > 0:
		return MultipartNone, i, nil
	case i == 0:
		ev, n, err := p.boundaryLine(buf, len(p.delim), atEOF)
		if err != nil || n > 0 {
			return ev, n, err
		}
		return MultipartNone, len(p.delim), nil // "--boundaryX": not ours
	}
	if keep := p.safeLen(buf); keep > 0 {
		return MultipartNone, keep, nil
	}
	if atEOF {
		return MultipartNone, 0, &Error{Status: 400, Message: "No multipart boundary line",
			Explain: "the body holds no line with the boundary its Content-Type names"}
	}
	return MultipartNone, 0, ErrNeedMore
}

// data hands out the current part's bytes up to the next delimiter.
func (p *MultipartParser) data(buf []byte, atEOF bool) (MultipartEvent, int, error) {
	if p.fresh {
		ev, n, err := p.emptyPart(buf, atEOF)
		if err != nil || n > 0 {
			return ev, n, err
		}
	}
	i := bytes.Index(buf, p.delim)
	switch {
	case i > 0:
		return MultipartData, i, nil
	case i == 0:
		ev, n, err := p.boundaryLine(buf, len(p.delim), atEOF)
		if err != nil || n > 0 {
			return ev, n, err
		}
		// The delimiter cannot overlap itself (a boundary has no CR), so
		// no real one starts inside this false one.
		return MultipartData, len(p.delim), nil
	}
	if keep := p.safeLen(buf); keep > 0 {
		return MultipartData, keep, nil
	}
	if atEOF {
		return MultipartNone, 0, errTruncated("in a part's data")
	}
	return MultipartNone, 0, ErrNeedMore
}

// emptyPart handles a part without data. RFC 2046 makes the CRLF before
// a part's data part of the data ("headers [CRLF *OCTET]"), so the blank
// line that ends a header block can also be the CRLF of the next
// delimiter: "name=a\r\n\r\n--boundary" is a part with no data. It
// returns n == 0 and no error when buf does not start that way.
func (p *MultipartParser) emptyPart(buf []byte, atEOF bool) (MultipartEvent, int, error) {
	if ev, n, settled, err := p.dashBoundary(buf, atEOF); settled {
		return ev, n, err
	}
	p.fresh = false
	return MultipartNone, 0, nil
}

// dashBoundary handles a delimiter without its leading CRLF ("--boundary")
// at the start of buf, the two places it may stand so: the start of the
// body and right after a part's header block. settled is false when buf
// does not start with one, and the caller goes on as it would without.
func (p *MultipartParser) dashBoundary(buf []byte, atEOF bool) (ev MultipartEvent, n int, settled bool, err error) {
	dash := p.delim[2:]
	if len(buf) < len(dash) && bytes.HasPrefix(dash, buf) && !atEOF {
		return MultipartNone, 0, true, ErrNeedMore
	}
	if bytes.HasPrefix(buf, dash) {
		ev, n, err := p.boundaryLine(buf, len(dash), atEOF)
		if err != nil || n > 0 {
			return ev, n, true, err
		}
	}
	return MultipartNone, 0, false, nil
}

// safeLen returns how many bytes at the start of buf, which holds no whole
// delimiter, cannot be the start of one: all of buf but a tail that is a
// prefix of the delimiter. The delimiter's only CR is its first byte, so
// only a tail from buf's last CR can be one.
func (p *MultipartParser) safeLen(buf []byte) int {
	from := max(len(buf)-len(p.delim)+1, 0)
	j := bytes.LastIndexByte(buf[from:], '\r')
	if j < 0 {
		return len(buf)
	}
	j += from
	if bytes.HasPrefix(p.delim, buf[j:]) {
		return j
	}
	return len(buf)
}

// maxPadding bounds the spaces allowed between a boundary and its CRLF.
const maxPadding = 64

// boundaryLine looks at what follows a delimiter that ends at buf[dl]. For
// a boundary line it consumes the line and moves on: to a part's headers,
// or to the end for the closing "--". It returns n == 0 and no error when
// the delimiter is not followed as a boundary line must be (optional
// spaces and CRLF, after "--" for the closing one, which may also end the
// body), so it is data.
func (p *MultipartParser) boundaryLine(buf []byte, dl int, atEOF bool) (MultipartEvent, int, error) {
	after := buf[dl:]
	closing := len(after) > 0 && after[0] == '-'
	if closing {
		switch {
		case len(after) >= 2 && after[1] == '-':
			after = after[2:]
		case len(after) >= 2:
			return MultipartNone, 0, nil
		case atEOF:
			return MultipartNone, 0, errTruncated("in a boundary line")
		default:
			return MultipartNone, 0, ErrNeedMore
		}
	}
	i := 0
	for i < len(after) && i <= maxPadding && (after[i] == ' ' || after[i] == '\t') {
		i++
	}
	switch {
	case i > maxPadding:
		return MultipartNone, 0, nil
	case i+1 < len(after):
		if after[i] != '\r' || after[i+1] != '\n' {
			return MultipartNone, 0, nil
		}
	case i < len(after) && after[i] != '\r':
		return MultipartNone, 0, nil
	case closing && i == len(after) && atEOF:
		// The closing boundary may end the body without its CRLF.
	case atEOF:
		return MultipartNone, 0, errTruncated("in a boundary line")
	default:
		return MultipartNone, 0, ErrNeedMore
	}
	if closing {
		p.state = mpDone
		return MultipartEnd, len(buf), nil // the epilogue goes with it
	}
	p.state, p.scanned = mpHeaders, 0
	return MultipartNone, dl + i + 2, nil
}

// headers parses a part's header block once all of it is in buf.
func (p *MultipartParser) headers(buf []byte, atEOF bool) (MultipartEvent, int, error) {
	limit := p.Limits.maxPartHeaderBytes()
	end := -1
	if bytes.HasPrefix(buf, []byte("\r\n")) {
		end = 2
	} else if i := bytes.Index(buf[max(p.scanned-3, 0):min(len(buf), limit+1)], []byte("\r\n\r\n")); i >= 0 {
		end = max(p.scanned-3, 0) + i + 4
	}
	if end < 0 || end > limit {
		if len(buf) >= limit || end > limit {
			return MultipartNone, 0, &Error{Status: 431, Message: "Part header too long",
				Explain: "got more than " + strconv.Itoa(limit) + " bytes in the header block of part " + strconv.Itoa(p.parts+1)}
		}
		if atEOF {
			return MultipartNone, 0, errTruncated("in a part's headers")
		}
		p.scanned = len(buf)
		return MultipartNone, 0, ErrNeedMore
	}
	p.parts++
	if limit := p.Limits.maxParts(); p.parts > limit {
		return MultipartNone, 0, &Error{Status: 400, Message: "Too many parts",
			Explain: "got more than " + strconv.Itoa(limit) + " parts in the multipart form"}
	}
	if err := p.parsePart(buf[:end-2], end); err != nil {
		return MultipartNone, 0, err
	}
	p.state, p.fresh = mpData, true
	return MultipartPart, end, nil
}

// parsePart fills p.part from a header block without its blank line.
// blockLen bounds what decoding its parameters can take, so that p.scratch
// is grown once and the views into it stay put.
func (p *MultipartParser) parsePart(block []byte, blockLen int) *Error {
	p.part = Part{Headers: p.part.Headers[:0]}
	if cap(p.scratch) < blockLen {
		p.scratch = make([]byte, 0, blockLen)
	}
	p.scratch = p.scratch[:0]
	var disposition []byte
	seenDisposition := false
	for len(block) > 0 {
		line, rest, _ := bytes.Cut(block, []byte("\r\n"))
		block = rest
		h, err := p.headerLine(line)
		if err != nil {
			return err
		}
		p.part.Headers = append(p.part.Headers, h)
		switch {
		case equalFold(h.Name, "content-disposition"):
			if seenDisposition {
				return p.badPart("two Content-Disposition headers")
			}
			disposition, seenDisposition = h.Value, true
		case equalFold(h.Name, "content-type") && p.part.ContentType == nil:
			p.part.ContentType = h.Value
		}
	}
	if !seenDisposition {
		return p.badPart("no Content-Disposition header")
	}
	return p.parseDisposition(disposition)
}

// headerLine splits one header line of a part.
func (p *MultipartParser) headerLine(line []byte) (Header, *Error) {
	if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
		return Header{}, &Error{Status: 400, Message: quotedShort("Folded part header", line),
			Explain: "part " + strconv.Itoa(p.parts) + " has a header line that starts with whitespace (obsolete line folding)"}
	}
	name, value, ok := bytes.Cut(line, []byte{':'})
	if !ok || len(name) == 0 || !isTokenString(name) || indexCTL(value) >= 0 {
		return Header{}, &Error{Status: 400, Message: quotedShort("Bad part header", line),
			Explain: "part " + strconv.Itoa(p.parts) + " has a header line that is not \"Name: value\""}
	}
	return Header{Name: name, Value: trimBlanks(value)}, nil
}

func (p *MultipartParser) badPart(what string) *Error {
	return &Error{Status: 400, Message: "Bad part header",
		Explain: "part " + strconv.Itoa(p.parts) + " has " + what}
}

// parseDisposition reads a Content-Disposition value: "form-data" and the
// name, filename and filename* parameters (RFC 7578 §4.2, RFC 6266 §4.3:
// filename* wins over filename). Other parameters are ignored.
func (p *MultipartParser) parseDisposition(v []byte) *Error {
	kind, params, _ := bytes.Cut(v, []byte{';'})
	if !equalFold(trimBlanks(kind), "form-data") {
		return &Error{Status: 400, Message: quotedShort("Bad Content-Disposition", v),
			Explain: "part " + strconv.Itoa(p.parts) + " is not form-data"}
	}
	var name, filename, extFilename []byte
	var seenName, seenFilename, seenExt bool
	for rest := params; len(rest) > 0; {
		var pn, pv []byte
		var err *Error
		pn, pv, rest, err = nextParam(rest, &p.scratch, "Content-Disposition")
		if err != nil {
			return err
		}
		var seen *bool
		switch {
		case equalFold(pn, "name"):
			name, seen = pv, &seenName
		case equalFold(pn, "filename"):
			filename, seen = pv, &seenFilename
		case equalFold(pn, "filename*"):
			extFilename, seen = pv, &seenExt
		default:
			continue
		}
		if *seen {
			return p.badPart("two " + string(pn) + " parameters")
		}
		*seen = true
	}
	if !seenName {
		return p.badPart("no name parameter in its Content-Disposition")
	}
	p.part.Name = name
	p.part.Filename, p.part.HasFilename = filename, seenFilename
	if seenExt {
		decoded, ok, bad := p.decodeExtValue(extFilename)
		if bad {
			return &Error{Status: 400, Message: quotedShort("Bad filename*", extFilename),
				Explain: "part " + strconv.Itoa(p.parts) + " has a filename* that is not charset'language'percent-encoded-text (RFC 5987)"}
		}
		if ok {
			p.part.Filename, p.part.HasFilename = decoded, true
		}
	}
	return nil
}

// decodeExtValue decodes an RFC 5987 ext-value into p.scratch. ok is false
// for a charset other than UTF-8 and ISO-8859-1, which RFC 5987 lets a
// recipient ignore; bad reports a value that is not an ext-value.
func (p *MultipartParser) decodeExtValue(v []byte) (decoded []byte, ok, bad bool) {
	charset, rest, found := bytes.Cut(v, []byte{'\''})
	if !found {
		return nil, false, true
	}
	_, text, found := bytes.Cut(rest, []byte{'\''})
	if !found {
		return nil, false, true
	}
	latin1 := equalFold(charset, "iso-8859-1")
	if !latin1 && !equalFold(charset, "utf-8") {
		return nil, false, false
	}
	start := len(p.scratch)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '%' {
			if i+2 >= len(text) || unhex[text[i+1]] > 15 || unhex[text[i+2]] > 15 {
				p.scratch = p.scratch[:start]
				return nil, false, true
			}
			c = unhex[text[i+1]]<<4 | unhex[text[i+2]]
			i += 2
		}
		if latin1 && c >= 0x80 {
			// Two UTF-8 bytes for one escape of three: within blockLen.
			p.scratch = append(p.scratch, 0xc0|c>>6, 0x80|c&0x3f)
			continue
		}
		p.scratch = append(p.scratch, c)
	}
	return p.scratch[start:], true, false
}

// nextParam parses one "; name=value" of a header's parameters from s. The
// value is a token or a quoted-string; in a quoted-string a backslash
// escapes only '"' and '\', because browsers send Windows paths in
// filenames unescaped (this is also what Python's cgi did). A value with
// escapes is decoded into *scratch when scratch is given, otherwise into a
// new slice. Empty pieces between semicolons are skipped.
func nextParam(s []byte, scratch *[]byte, header string) (name, value, rest []byte, err *Error) {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == ';') {
		s = s[1:]
	}
	if len(s) == 0 {
		return nil, nil, nil, nil
	}
	i := 0
	for i < len(s) && isToken[s[i]] {
		i++
	}
	name = s[:i]
	s = trimBlanks(s[i:])
	if len(name) == 0 || len(s) == 0 || s[0] != '=' {
		return nil, nil, nil, badParam(header, s)
	}
	s = trimBlanks(s[1:])
	if len(s) > 0 && s[0] == '"' {
		value, rest, err = quotedValue(s, scratch, header)
		if err != nil {
			return nil, nil, nil, err
		}
	} else {
		end := bytes.IndexByte(s, ';')
		if end < 0 {
			end = len(s)
		}
		value, rest = trimBlanks(s[:end]), s[end:]
		if len(value) == 0 {
			return nil, nil, nil, badParam(header, s)
		}
	}
	rest = trimBlanks(rest)
	if len(rest) > 0 && rest[0] != ';' {
		return nil, nil, nil, badParam(header, rest)
	}
	return name, value, rest, nil
}

// quotedValue reads the quoted-string at the start of s.
func quotedValue(s []byte, scratch *[]byte, header string) (value, rest []byte, err *Error) {
	escaped := false
	i := 1
	for ; i < len(s) && s[i] != '"'; i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
			escaped = true
			i++
		}
	}
	if i == len(s) {
		return nil, nil, badParam(header, s)
	}
	value, rest = s[1:i], s[i+1:]
	if !escaped {
		return value, rest, nil
	}
	var out []byte
	if scratch != nil {
		out = *scratch
	}
	start := len(out)
	for j := 0; j < len(value); j++ {
		if value[j] == '\\' && j+1 < len(value) && (value[j+1] == '"' || value[j+1] == '\\') {
			j++
		}
		out = append(out, value[j])
	}
	if scratch != nil {
		*scratch = out
	}
	return out[start:], rest, nil
}

func badParam(header string, at []byte) *Error {
	return &Error{Status: 400, Message: quotedShort("Bad "+header+" parameter", at),
		Explain: "a " + header + " parameter is not name=token or name=\"quoted string\""}
}

func errTruncated(where string) *Error {
	return &Error{Status: 400, Message: "Truncated multipart body",
		Explain: "the body ends " + where + ", before the closing boundary"}
}

func errFormTooLarge(limit int64) *Error {
	return &Error{Status: 413, Message: "Form too large",
		Explain: "the form has more than " + strconv.FormatInt(limit, 10) + " bytes"}
}

// trimBlanks drops spaces and tabs from both ends of b: bytes.Trim with a
// cutset builds a set on every call.
func trimBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
