package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// framingOutcome is what a server makes of the first request in a byte
// stream that ends after it: refused, or accepted with these fields and this
// body. Header holds every field but Content-Length and Transfer-Encoding,
// which ContentLength and Chunked stand for, keyed by canonical name.
type framingOutcome struct {
	OK            bool
	Why           string // why the request was refused
	Method        string
	Target        string
	Header        map[string][]string
	ContentLength int64
	Chunked       bool
	Body          string
}

func (o framingOutcome) String() string {
	if !o.OK {
		return "refused: " + o.Why
	}
	return fmt.Sprintf("accepted: %s %q cl=%d chunked=%v header=%q body=%q",
		o.Method, o.Target, o.ContentLength, o.Chunked, o.Header, o.Body)
}

func (o framingOutcome) equal(p framingOutcome) bool {
	if !o.OK || !p.OK {
		return o.OK == p.OK
	}
	return o.Method == p.Method && o.Target == p.Target && o.ContentLength == p.ContentLength &&
		o.Chunked == p.Chunked && o.Body == p.Body && fmt.Sprint(o.Header) == fmt.Sprint(p.Header)
}

// fastbaseOutcome runs raw through Parser and, for the body, ChunkedDecoder
// or Content-Length. The stream ends after raw: a request not all there is
// refused.
func fastbaseOutcome(raw []byte) framingOutcome {
	var p Parser
	var req Request
	n, err := p.Parse(raw, &req)
	var e *Error
	switch {
	case errors.Is(err, ErrNeedMore):
		return framingOutcome{Why: "incomplete header block"}
	case errors.As(err, &e):
		return framingOutcome{Why: fmt.Sprintf("%d %s", e.Status, e.Message)}
	case err != nil:
		panic(err)
	}
	out := framingOutcome{OK: true, Method: string(req.Method), Target: string(req.Target),
		Header: map[string][]string{}, ContentLength: req.ContentLength, Chunked: req.Chunked}
	for _, h := range req.Headers {
		key := textproto.CanonicalMIMEHeaderKey(string(h.Name))
		if key != "Content-Length" && key != "Transfer-Encoding" {
			out.Header[key] = append(out.Header[key], string(h.Value))
		}
	}
	rest := raw[n:]
	switch {
	case req.Chunked:
		var d ChunkedDecoder
		body, _, done, err := d.Decode(nil, rest)
		if err != nil {
			return framingOutcome{Why: "body: " + err.(*Error).Message}
		}
		if !done {
			return framingOutcome{Why: "incomplete chunked body"}
		}
		out.Body = string(body)
	case req.ContentLength > int64(len(rest)):
		return framingOutcome{Why: "incomplete body"}
	case req.ContentLength > 0:
		out.Body = string(rest[:req.ContentLength])
	}
	return out
}

// netHTTPOutcome runs raw through http.ReadRequest and reads the body, then
// applies the checks net/http's server makes after ReadRequest (server.go,
// conn.readRequest and conn.serve): an HTTP/1.x version, Host required in
// HTTP/1.1 except for CONNECT and the HTTP/2 preface, a valid Host, valid field names and values,
// and 417 for an Expect without 100-continue.
func netHTTPOutcome(raw []byte) framingOutcome {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return framingOutcome{Why: err.Error()}
	}
	// ReadRequest moves Host out of the header, and adds Cache-Control for
	// "Pragma: no-cache"; the server checks, and fastbase reports, the
	// fields as received.
	received := netHTTPFields(raw)
	if hosts := received["Host"]; hosts != nil {
		req.Header["Host"] = hosts
	}
	if received["Cache-Control"] == nil {
		delete(req.Header, "Cache-Control")
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return framingOutcome{Why: "body: " + err.Error()}
	}
	if why := netHTTPServerRefuses(req); why != "" {
		return framingOutcome{Why: why}
	}
	out := framingOutcome{OK: true, Method: req.Method, Target: req.RequestURI, Header: map[string][]string{},
		ContentLength: req.ContentLength, Chunked: slices.Contains(req.TransferEncoding, "chunked"), Body: string(body)}
	if _, ok := req.Header["Content-Length"]; !ok {
		out.ContentLength = -1 // ReadRequest says 0 for "no body"; fastbase says -1
	}
	for key, values := range req.Header {
		if key != "Content-Length" {
			out.Header[key] = values
		}
	}
	return out
}

// netHTTPFields returns the fields of the header block in raw as
// net/textproto reads them, as ReadRequest does before it changes them.
func netHTTPFields(raw []byte) textproto.MIMEHeader {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	if _, err := tp.ReadLine(); err != nil {
		return nil
	}
	header, _ := tp.ReadMIMEHeader()
	return header
}

// netHTTPServerRefuses applies the checks of net/http's server that
// ReadRequest leaves out, and says why the server would refuse req.
func netHTTPServerRefuses(req *http.Request) string {
	if req.ProtoMajor != 1 && !(req.ProtoMajor == 2 && req.ProtoMinor == 0 && req.Method == "PRI" && req.RequestURI == "*") {
		return "505 unsupported protocol version"
	}
	hosts, haveHost := req.Header["Host"]
	h2Upgrade := req.Method == "PRI" && len(req.Header) == 0 && req.URL.Path == "*" && req.Proto == "HTTP/2.0"
	if req.ProtoAtLeast(1, 1) && (!haveHost || len(hosts) == 0) && !h2Upgrade && req.Method != "CONNECT" {
		return "missing required Host header"
	}
	if len(hosts) == 1 && hostBytes([]byte(hosts[0]))&notHost != 0 { // the byte set of httpguts.ValidHostHeader
		return "malformed Host header"
	}
	for key, values := range req.Header {
		if !isTokenString([]byte(key)) {
			return "invalid header name"
		}
		for _, v := range values {
			if !isFieldValue([]byte(v)) { // httpguts.ValidHeaderFieldValue
				return "invalid header value"
			}
		}
	}
	if expect := req.Header.Get("Expect"); expect != "" && !netHTTPHasToken(expect, "100-continue") {
		return "417 expectation failed"
	}
	return ""
}

// netHTTPHasToken is net/http's hasToken: token appears in v, any case,
// bounded by the start, the end, SP, HTAB or a comma.
func netHTTPHasToken(v, token string) bool {
	boundary := func(c byte) bool { return c == ' ' || c == ',' || c == '\t' }
	for sp := 0; sp <= len(v)-len(token); sp++ {
		if !strings.EqualFold(v[sp:sp+len(token)], token) {
			continue
		}
		if (sp == 0 || boundary(v[sp-1])) && (sp+len(token) == len(v) || boundary(v[sp+len(token)])) {
			return true
		}
	}
	return false
}

// disagreement is one way fastbase and net/http differ on purpose, with the
// RFC text that lets fastbase do what it does. applies recognises it from
// the input and the two outcomes; example is an input that shows it.
type disagreement struct {
	name    string
	cite    string
	example string
	applies func(d *diffCase) bool
}

// diffCase is an input and what the two servers made of it.
type diffCase struct {
	raw          []byte
	ours, theirs framingOutcome
}

func (d *diffCase) weRefuse(prefix string) bool {
	return !d.ours.OK && strings.HasPrefix(d.ours.Why, prefix) && d.theirs.OK
}

func (d *diffCase) theyRefuse(substr string) bool {
	return d.ours.OK && !d.theirs.OK && strings.Contains(d.theirs.Why, substr)
}

// headerFolded reports whether a line of raw's header block, after the
// request line, begins with SP or HTAB: an obs-fold.
func (d *diffCase) headerFolded() bool {
	block, _, _ := strings.Cut(strings.ReplaceAll(string(d.raw), "\r\n", "\n"), "\n\n")
	lines := strings.Split(block, "\n")
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			return true
		}
	}
	return false
}

// requestLine returns the first line of raw that is not empty, without its
// line ending, and whether empty lines came before it.
func (d *diffCase) requestLine() (line string, afterEmpty bool) {
	s := string(d.raw)
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return s, afterEmpty
		}
		line = strings.TrimRight(s[:i], "\r")
		if line != "" {
			return line, afterEmpty
		}
		s, afterEmpty = s[i+1:], true
	}
}

// allowedDisagreements are the differences between fastbase's parser and
// net/http's server that fastbase keeps, each with the RFC text behind it.
// FuzzDifferential fails on any difference not listed here.
var allowedDisagreements = []disagreement{
	{
		name: "leading empty lines",
		cite: "RFC 9112 §2.2: a server that is expecting to receive and parse a request-line SHOULD " +
			"ignore at least one empty line (CRLF) received prior to the request-line",
		example: "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
		applies: func(d *diffCase) bool {
			_, afterEmpty := d.requestLine()
			return afterEmpty && d.ours.OK && !d.theirs.OK
		},
	},
	{
		name: "request line split on any whitespace",
		cite: "RFC 9112 §3: recipients MAY parse on whitespace-delimited word boundaries and treat any " +
			"form of whitespace (SP, HTAB, VT, FF, bare CR) as the SP separator, ignoring preceding or " +
			"trailing whitespace",
		example: "GET  /  HTTP/1.1\r\nHost: h\r\n\r\n",
		applies: func(d *diffCase) bool {
			line, _ := d.requestLine()
			return d.ours.OK && !d.theirs.OK && len(strings.Fields(line)) == 3 &&
				(len(strings.Split(line, " ")) != 3 || strings.ContainsAny(line, "\t\v\f\r"))
		},
	},
	{
		name: "empty request-target",
		cite: "RFC 9112 §3: request-line = method SP request-target SP HTTP-version, and no form of " +
			"request-target (§3.2) is empty; split on whitespace as §3 allows, \"CONNECT  HTTP/1.0\" " +
			"is two words, which fastbase refuses",
		example: "CONNECT  HTTP/1.0\r\n\r\n",
		applies: func(d *diffCase) bool { return !d.ours.OK && d.theirs.OK && d.theirs.Target == "" },
	},
	{
		name: "HTTP/0.9 simple request and 0.x versions",
		cite: "RFC 1945 §4.1 (Simple-Request = \"GET\" SP Request-URI CRLF) and RFC 9110 §2.5: fastbase " +
			"answers a request line of two words, and a 0.x version, as http.server does",
		example: "GET /x\r\n\r\n",
		applies: func(d *diffCase) bool {
			line, _ := d.requestLine()
			words := strings.Fields(line)
			major, _, _ := parseVersion([]byte(words[len(words)-1]))
			return d.ours.OK && !d.theirs.OK && (len(words) == 2 || major == 0)
		},
	},
	{
		name: "version with more than one digit",
		cite: "RFC 9112 §2.2: a server SHOULD (not MUST) answer 400 to a request that does not match the " +
			"grammar; fastbase reads \"HTTP/01.1\" as http.server does, as version 1.1",
		example: "GET / HTTP/01.1\r\nHost: h\r\n\r\n",
		applies: func(d *diffCase) bool {
			return d.theyRefuse("malformed HTTP version")
		},
	},
	{
		name: "HTTP/2 connection preface",
		cite: "RFC 9113 §3.3: prior-knowledge HTTP/2 is optional; fastbase speaks HTTP/1.x only and " +
			"answers 505 (RFC 9110 §15.6.6)",
		example: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		applies: func(d *diffCase) bool { return d.weRefuse("505 ") },
	},
	{
		name: "request-target syntax",
		cite: "RFC 9112 §3: recipients of an invalid request-line SHOULD (not MUST) answer 400; fastbase " +
			"refuses control characters and whitespace in the target (§3.2) and hands the rest to the " +
			"handler, as http.server does: the target does not frame the message",
		example: "GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n",
		applies: func(d *diffCase) bool {
			if !d.ours.OK || d.theirs.OK {
				return false
			}
			target := d.ours.Target
			if d.ours.Method == "CONNECT" && !strings.HasPrefix(target, "/") {
				target = "http://" + target
			}
			_, err := url.ParseRequestURI(target)
			return err != nil
		},
	},
	{
		name: "absolute-form authority",
		cite: "RFC 9112 §3.2.2: the authority of an absolute-form target is the request's host; RFC 9110 " +
			"§4.2.1: a recipient MUST reject an \"http\" URI with an empty host, §4.2.4: it SHOULD treat " +
			"userinfo as an error; net/http takes the target as it is",
		example: "GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n",
		applies: func(d *diffCase) bool {
			if !d.weRefuse("400 Bad request target") {
				return false
			}
			_, ok := absoluteAuthority([]byte(d.theirs.Target))
			return ok
		},
	},
	{
		name: "Host grammar",
		cite: "RFC 9112 §3.2: a server MUST respond with 400 to any request message that contains a Host " +
			"header field with an invalid field value; net/http checks only its bytes, fastbase also where " +
			"the colon, brackets and percent signs of uri-host [\":\" port] go (RFC 3986 §3.2.2)",
		example: "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n",
		applies: func(d *diffCase) bool { return d.weRefuse("400 Bad Host header") },
	},
	{
		name: "Host required in CONNECT",
		cite: "RFC 9112 §3.2: a server MUST respond with 400 to any HTTP/1.1 request message that lacks " +
			"a Host header field; CONNECT is not exempt (RFC 9110 §9.3.6 sends Host)",
		example: "CONNECT h:443 HTTP/1.1\r\n\r\n",
		applies: func(d *diffCase) bool {
			return d.weRefuse("400 Missing Host header") && d.theirs.Method == "CONNECT"
		},
	},
	{
		name: "obs-fold",
		cite: "RFC 9112 §5.2: a server that receives an obs-fold in a request message MUST either reject " +
			"the message by sending a 400 or replace each obs-fold with SP; fastbase rejects it, and when " +
			"the part of a framing field before the fold is not valid alone, for that",
		example: "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n",
		applies: func(d *diffCase) bool {
			return d.weRefuse("400 Folded header line") || d.weRefuse("body: Folded trailer line") ||
				d.weRefuse("400 ") && d.headerFolded()
		},
	},
	{
		name: "header count limit",
		cite: "RFC 9110 §5.4: a server that receives a set of fields larger than it wishes to process " +
			"MUST respond with an appropriate 4xx status code (431, RFC 6585 §5); fastbase counts lines " +
			"as http.server does",
		example: "GET / HTTP/1.1\r\nHost: h\r\n" + strings.Repeat("X:\r\n", 99) + "\r\n",
		applies: func(d *diffCase) bool { return d.weRefuse("431 Too many headers") },
	},
	{
		name: "Transfer-Encoding with Content-Length",
		cite: "RFC 9112 §6.1: a server MAY reject a request that contains both Content-Length and " +
			"Transfer-Encoding, and such a message might indicate request smuggling (§11.2)",
		example: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		applies: func(d *diffCase) bool { return d.weRefuse("400 Transfer-Encoding with Content-Length") },
	},
	{
		name: "Transfer-Encoding in HTTP/1.0",
		cite: "RFC 9112 §6.1: a server that receives an HTTP/1.0 message containing Transfer-Encoding " +
			"MUST treat the message as if the framing is faulty, even if a Content-Length is present",
		example: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		applies: func(d *diffCase) bool { return d.weRefuse("400 Transfer-Encoding in an HTTP/1.0 request") },
	},
	{
		name: "Transfer-Encoding as a list",
		cite: "RFC 9110 §5.3: field lines with the same name form one comma-separated list; §5.6.1: a " +
			"recipient MUST parse and ignore a reasonable number of empty list elements. fastbase " +
			"accepts any spelling of that list whose only coding is a final chunked",
		example: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked,\r\n\r\n0\r\n\r\n",
		applies: func(d *diffCase) bool {
			return d.ours.OK && d.ours.Chunked && (d.theyRefuse("transfer encoding") || d.theyRefuse("too many transfer encodings"))
		},
	},
	{
		name: "Content-Length values of the same decimal value",
		cite: "RFC 9110 §8.6: a recipient of Content-Length field lines with the same decimal value MAY " +
			"replace them with a single valid Content-Length field; \"5\" and \"05\" are the same value",
		example: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 05\r\n\r\nhello",
		applies: func(d *diffCase) bool { return d.theyRefuse("multiple Content-Length headers") },
	},
	{
		name: "expectations beside 100-continue",
		cite: "RFC 9110 §10.1.1: a server that receives an Expect field value containing a member other " +
			"than 100-continue MAY respond with 417; fastbase does so whatever else the list holds",
		example: "PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue, x\r\nContent-Length: 0\r\n\r\n",
		applies: func(d *diffCase) bool { return d.weRefuse("417 ") },
	},
	{
		name: "Expect list without members",
		cite: "RFC 9110 §5.6.1: a recipient MUST parse and ignore a reasonable number of empty list " +
			"elements; an Expect value of only commas holds no expectation, so there is none to fail (§10.1.1)",
		example: "GET / HTTP/1.1\r\nHost: h\r\nExpect: ,\r\n\r\n",
		applies: func(d *diffCase) bool {
			if !d.theyRefuse("417") {
				return false
			}
			for _, v := range netHTTPFields(d.raw)["Expect"] {
				if strings.Trim(v, ", \t") != "" {
					return false
				}
			}
			return true
		},
	},
	{
		name: "chunk extension syntax",
		cite: "RFC 9112 §7.1.1: chunk-ext = *( BWS \";\" BWS chunk-ext-name [ BWS \"=\" BWS chunk-ext-val ] ); " +
			"fastbase checks the grammar (net/http skips everything after ';') and allows its BWS",
		example: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;\r\nx\r\n0\r\n\r\n",
		applies: func(d *diffCase) bool {
			return d.weRefuse("body: Bad chunk extension") || d.theyRefuse("invalid byte in chunk length")
		},
	},
	{
		name: "chunk size with leading zeros",
		cite: "RFC 9112 §7.1: chunk-size = 1*HEXDIG, any number of digits; fastbase refuses only values " +
			"that overflow an int64, as §7.1 asks recipients to guard against",
		example: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n",
		applies: func(d *diffCase) bool { return d.theyRefuse("http chunk length too large") },
	},
	{
		name: "trailer syntax",
		cite: "RFC 9112 §7.1: trailer-section = *( field-line CRLF ), field lines as in §5: whitespace " +
			"before the colon MUST be rejected (§5.1), the name is a token (RFC 9110 §5.1) and lines end " +
			"in CRLF; net/http reads trailers with textproto, which allows all three",
		example: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : 1\r\n\r\n",
		applies: func(d *diffCase) bool {
			return d.weRefuse("body: Whitespace before colon in trailer") || d.weRefuse("body: Bare LF in chunked body") ||
				d.weRefuse("body: Bad trailer name")
		},
	},
}

// explainDisagreement returns the allowed disagreement that covers d, or nil.
func explainDisagreement(d *diffCase) *disagreement {
	for i := range allowedDisagreements {
		if allowedDisagreements[i].applies(d) {
			return &allowedDisagreements[i]
		}
	}
	return nil
}

// FuzzDifferential compares fastbase's framing of a request with net/http's
// server: accept or refuse, method, target, field values and body bytes.
// Every difference must be one of allowedDisagreements. The seeds run as
// ordinary tests.
func FuzzDifferential(f *testing.F) {
	for _, tt := range parseTests {
		if len(tt.raw) < 1024 && tt.limits == (Limits{}) {
			f.Add([]byte(tt.raw))
		}
	}
	for _, d := range allowedDisagreements {
		f.Add([]byte(d.example))
	}
	const chunkedHead = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, tt := range chunkedTests {
		if len(tt.raw) < 1024 && tt.d == (ChunkedDecoder{}) {
			f.Add([]byte(chunkedHead + tt.raw))
		}
	}
	f.Add([]byte("POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"))
	f.Add([]byte("POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhel"))
	f.Add([]byte("GET / HTTP/1.0\r\nPragma: no-cache\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		// net/http's chunk-size line limit is 4095 bytes and fastbase's 4094:
		// inputs shorter than both never reach either.
		if len(raw) > 4000 {
			return
		}
		d := diffCase{raw: raw, ours: fastbaseOutcome(raw), theirs: netHTTPOutcome(raw)}
		if d.ours.equal(d.theirs) || explainDisagreement(&d) != nil {
			return
		}
		t.Fatalf("fastbase and net/http disagree on %q\nfastbase: %v\nnet/http: %v", raw, d.ours, d.theirs)
	})
}

// TestAllowedDisagreements shows each allowed disagreement on its example:
// the two servers differ, and that entry is the one that explains it.
func TestAllowedDisagreements(t *testing.T) {
	for i := range allowedDisagreements {
		a := &allowedDisagreements[i]
		t.Run(a.name, func(t *testing.T) {
			raw := []byte(a.example)
			d := diffCase{raw: raw, ours: fastbaseOutcome(raw), theirs: netHTTPOutcome(raw)}
			if d.ours.equal(d.theirs) {
				t.Fatalf("no disagreement on %q: both %v", raw, d.ours)
			}
			if got := explainDisagreement(&d); got != a {
				t.Fatalf("%q explained by %v, not %q\nfastbase: %v\nnet/http: %v", raw, got, a.name, d.ours, d.theirs)
			}
		})
	}
}
