package codec

// Header is one header field as received. Name keeps the sender's case; Value has
// its surrounding whitespace removed. Both are views into the parsed buffer.
type Header struct {
	Name  []byte
	Value []byte
}

// Request is the parsed header block of one request. Every byte slice in it is a
// view into the buffer given to [Parser.Parse], valid only until that buffer
// changes; a Request is reused for the next parse, so copy what must be kept.
type Request struct {
	// RequestLine is the first line without its line ending, as http.server logs it.
	RequestLine []byte
	// Method is the method token, case-sensitive as sent (e.g. "GET").
	Method []byte
	// Target is the request-target exactly as sent.
	Target []byte
	// Path is the path part of Target: up to '?', and for the absolute form
	// ("http://host/p?q") what follows the authority, with a leading run of
	// '/' cut to one as http.server does ("//evil.example/x" gives
	// "/evil.example/x"). It is empty for the asterisk form ("*"), for
	// CONNECT's authority form, and for an absolute form without a path.
	Path []byte
	// Query is what follows the first '?' in Target, without the '?'.
	Query []byte
	// Proto is the version word as sent, e.g. "HTTP/1.1"; "HTTP/0.9" for a
	// request line of two words. That "HTTP/0.9" is shared by all requests
	// and must not be written to.
	Proto []byte
	// Major and Minor are the parsed version numbers.
	Major, Minor int
	// Headers holds every field in the order received, repeated names kept.
	Headers []Header
	// ContentLength is the declared body length, or -1 when the request has no
	// Content-Length (a chunked request, or one without a body).
	ContentLength int64
	// Chunked reports Transfer-Encoding: chunked.
	Chunked bool
	// KeepAlive reports whether the client lets the connection stay open after
	// this request: HTTP/1.1 unless "Connection: close", HTTP/1.0 only with
	// "Connection: keep-alive".
	KeepAlive bool
	// Expect100 reports "Expect: 100-continue" in an HTTP/1.1 or later
	// request (RFC 9110 §10.1.1: a server MUST ignore it in HTTP/1.0).
	Expect100 bool
	// Host is the host the request is for: the authority of an
	// absolute-form target ("GET http://host/path"), which RFC 9112 §3.2.2
	// puts before the Host field, or the Host field's value, or nil.
	Host []byte
}

// Header returns the value of the first field named name, compared without regard
// to case, or nil when there is none.
func (r *Request) Header(name string) []byte {
	for i := range r.Headers {
		if equalFold(r.Headers[i].Name, name) {
			return r.Headers[i].Value
		}
	}
	return nil
}

// Values appends the values of every field named name (any case) to dst in the
// order received and returns the extended slice.
func (r *Request) Values(dst [][]byte, name string) [][]byte {
	for i := range r.Headers {
		if equalFold(r.Headers[i].Name, name) {
			dst = append(dst, r.Headers[i].Value)
		}
	}
	return dst
}

// IsHTTP09 reports whether the request is answered as http.server answers
// HTTP/0.9, with neither status line nor headers: a request line of two
// words, the version word "HTTP/0.9", or a request line refused before its
// version was accepted (see [Parser.Parse]).
func (r *Request) IsHTTP09() bool { return string(r.Proto) == "HTTP/0.9" }

// HasBody reports whether a body follows the header block.
func (r *Request) HasBody() bool { return r.Chunked || r.ContentLength > 0 }

// Reset makes r the empty request, as the parser does before each parse:
// no method, no headers (their storage kept for reuse), no body
// (ContentLength -1). The server uses it to describe an answer that belongs
// to no parsed request, such as a timeout.
func (r *Request) Reset() {
	*r = Request{Headers: r.Headers[:0], ContentLength: -1}
}
