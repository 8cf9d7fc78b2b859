// Package handlertest holds what the tests of package handler and of the
// applications beside it (handler/examples, handler/httpbin) share: the
// seed's requests and identity, requests parsed as the engine parses them,
// and a pinned Date. It imports codec and not handler, so that handler's
// own tests can use it too.
package handlertest

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/internal/seedref"
)

// The seed's server identity, so that responses can be compared with the
// transcripts byte for byte.
const (
	PyServer = "BaseHTTP/0.6"
	PySys    = "Python/3.11.7"
)

// TechEmpowerRequest is the request of TechEmpower's plaintext test.
const TechEmpowerRequest = "GET /plaintext HTTP/1.1\r\n" +
	"Host: localhost\r\n" +
	"Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n" +
	"Connection: keep-alive\r\n\r\n"

// At pins the Date header to 23 Nov 2026 at the given UTC time, the day of
// the transcripts, and returns the same instant in local time for the log.
func At(hour, minute, sec int) time.Time {
	t := time.Date(2026, time.November, 23, hour, minute, sec, 0, time.UTC)
	codec.RefreshDate(t)
	return time.Date(2026, time.November, 23, hour, minute, sec, 0, time.Local)
}

// Parsed parses a request line and header lines ("Name: value") with
// codec's parser, as the engine does. An HTTP/1.1 request given without a
// Host field gets "Host: localhost", which HTTP/1.1 requires (RFC 9112
// §3.2) and the seed's transcripts leave out; only the codec's tests are
// about requests the parser refuses for that.
func Parsed(line string, headers ...string) *codec.Request {
	if strings.HasSuffix(line, " HTTP/1.1") && !hasHost(headers) {
		headers = append(headers, "Host: localhost")
	}
	req, err := Parse(line, headers...)
	if err != nil {
		panic(err)
	}
	return req
}

func hasHost(headers []string) bool {
	for _, h := range headers {
		if len(h) >= 5 && strings.EqualFold(h[:5], "host:") {
			return true
		}
	}
	return false
}

// Parse parses a request line and header lines and returns what the parser
// gives the engine: a request, or the refused request and its error.
func Parse(line string, headers ...string) (*codec.Request, *codec.Error) {
	raw := line + "\r\n"
	for _, h := range headers {
		raw += h + "\r\n"
	}
	raw += "\r\n"
	var p codec.Parser
	req := new(codec.Request)
	n, err := p.Parse([]byte(raw), req)
	if err != nil {
		return req, err.(*codec.Error)
	}
	if n != len(raw) {
		panic("parse: " + raw + " is not one request")
	}
	return req, nil
}

// CRLF turns the LF line ends of a transcript's head into CRLF.
func CRLF(head string) string { return strings.ReplaceAll(head, "\n", "\r\n") }

// Page returns the error page send_error writes.
func Page(code int, message, explain string) string {
	return string(codec.AppendErrorPage(nil, code, message, explain))
}

// CurlBoundary is the boundary of transcripts/post_verbose.txt.
const CurlBoundary = "------------------------130026682594ab9d"

// Part is one part of a multipart test body.
type Part struct{ Headers, Data string }

// TextField is a multipart part holding a text field.
func TextField(name, value string) Part {
	return Part{"Content-Disposition: form-data; name=\"" + name + "\"\r\n", value}
}

// FileField is a multipart part holding an uploaded file.
func FileField(name, filename, data string) Part {
	return Part{"Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n" +
		"Content-Type: application/octet-stream\r\n", data}
}

// MultipartBody is a multipart/form-data body of parts.
func MultipartBody(boundary string, parts ...Part) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n" + p.Headers + "\r\n" + p.Data + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}

// CurlPost is the request of transcripts/post.txt:
// curl -F name=dhellmann -F foo=bar -F datafile=@examples/get_handler.py
func CurlPost() (*codec.Request, []byte) {
	body := MultipartBody(CurlBoundary, TextField("name", "dhellmann"), TextField("foo", "bar"),
		FileField("datafile", "get_handler.py", string(seedref.Upload())))
	return PostRequest("/", "multipart/form-data; boundary="+CurlBoundary, body), body
}

// PostRequest is a POST as curl sends it in the seed's transcripts.
func PostRequest(target, contentType string, body []byte) *codec.Request {
	headers := []string{"Host: 127.0.0.1:59183", "User-Agent: curl/7.88.1", "Accept: */*",
		"Content-Length: " + strconv.Itoa(len(body))}
	if contentType != "" {
		headers = append(headers, "Content-Type: "+contentType)
	}
	return Parsed("POST "+target+" HTTP/1.1", headers...)
}
