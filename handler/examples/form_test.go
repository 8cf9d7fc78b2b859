package examples

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/fastbase/fastbase/internal/seedref"
	"github.com/stretchr/testify/assert"
)

// postConn is the connection of transcripts/post_i.txt.
var postConn = &handler.ConnInfo{
	Remote: netip.MustParseAddrPort("127.0.0.1:60910"),
	Local:  netip.MustParseAddrPort("127.0.0.1:59183"),
	Runner: "loop 0",
}

// TestPostTranscripts answers the requests of the seed's POST transcripts
// and compares with what http.server sent: the head byte for byte, the body
// with its field lines in the order posted, where Python's order depended
// on the hash seed (post_hashseed_*.txt) and a repeated name or a body that
// is not a form crashed it (post_duplicate_field.txt, post_text_plain.txt).
func TestPostTranscripts(t *testing.T) {
	const head = "HTTP/1.0 200 OK\nServer: BaseHTTP/0.6 Python/3.11.7\nDate: Mon, 23 Nov 2026 21:24:05 GMT\n\n"
	const prefix = "Client: ('127.0.0.1', 60910)\n"
	curlReq, curlBody := handlertest.CurlPost()
	urlencoded := []byte("name=dhellmann&foo=bar")
	dup := handlertest.MultipartBody("------------------------d74496d66958873e", handlertest.TextField("foo", "bar"), handlertest.TextField("foo", "baz"))
	tests := []struct {
		name     string
		req      *codec.Request
		body     []byte
		wantBody string
	}{
		{"post_i.txt", curlReq, curlBody,
			prefix + "Path: /\nForm data:\n\tname=dhellmann\n\tfoo=bar\n\tUploaded datafile (1400 bytes)\n"},
		{"post_urlencoded.txt", handlertest.PostRequest("/?q=1", "application/x-www-form-urlencoded", urlencoded), urlencoded,
			prefix + "Path: /?q=1\nForm data:\n\tname=dhellmann\n\tfoo=bar\n"},
		{"post_duplicate_field.txt",
			handlertest.PostRequest("/", "multipart/form-data; boundary=------------------------d74496d66958873e", dup), dup,
			prefix + "Path: /\nForm data:\n\tfoo=bar\n\tfoo=baz\n"},
		{"post_text_plain.txt", handlertest.PostRequest("/", "text/plain", []byte("hello")), []byte("hello"),
			prefix + "Path: /\nBody: text/plain (5 bytes)\n"},
		{"post_no_content_length.txt", handlertest.Parsed("POST / HTTP/1.1", "Host: 127.0.0.1:59183"), nil,
			prefix + "Path: /\nForm data:\n"},
		{"no Content-Type is urlencoded, as in cgi", handlertest.PostRequest("//x", "", []byte("a=1")), []byte("a=1"),
			prefix + "Path: /x\nForm data:\n\ta=1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := serve(t, seedStyle(Echo()), postConn, tt.req, tt.body, handlertest.At(21, 24, 5))
			assert.Equal(t, handlertest.CRLF(head)+tt.wantBody, x.out)
			assert.Equal(t, `127.0.0.1 - - [23/Nov/2026 21:24:05] "`+string(tt.req.RequestLine)+`" 200 `+
				strconv.Itoa(len(tt.wantBody))+"\n", x.log)
		})
	}
}

// TestPostTranscriptLines checks that the lines expected above are the
// transcripts' lines, reordered.
func TestPostTranscriptLines(t *testing.T) {
	for _, name := range []string{"post_i.txt", "post_hashseed_0.txt", "post_hashseed_3.txt", "post_hashseed_6.txt"} {
		var fields []string
		for _, line := range strings.Split(seedref.Output(name), "\n") {
			if strings.HasPrefix(line, "\t") {
				fields = append(fields, line)
			}
		}
		assert.ElementsMatch(t, []string{"\tname=dhellmann", "\tfoo=bar", "\tUploaded datafile (1400 bytes)"}, fields, name)
	}
}

func TestFormRepeatedAndEmpty(t *testing.T) {
	body := handlertest.MultipartBody("b", handlertest.TextField("foo", "bar"), handlertest.TextField("foo", "baz"), handlertest.TextField("blank", ""),
		handlertest.FileField("empty", "empty.txt", ""), handlertest.FileField("none", "", ""))
	req := handlertest.PostRequest("/", "multipart/form-data; boundary=b", body)
	x := serve(t, Echo(), seedConn, req, body, handlertest.At(21, 24, 5))
	assert.True(t, strings.HasSuffix(x.out, "Form data:\n\tfoo=bar\n\tfoo=baz\n\tblank=\n\tUploaded empty (0 bytes)\n\tnone=\n"), x.out)
	assert.True(t, x.keep)
}

// TestFormErrors checks what the echo answers for forms it cannot decode.
func TestFormErrors(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		limits      codec.FormLimits
		status      int
		message     string
	}{
		{"no boundary", "multipart/form-data", "x", codec.FormLimits{}, 400, "No multipart boundary"},
		{"bad boundary", "multipart/form-data; boundary=\"a{b\"", "x", codec.FormLimits{}, 400, "Bad multipart boundary ('a{b')"},
		{"truncated", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1", codec.FormLimits{}, 400, "Truncated multipart body"},
		{"part without a name", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--", codec.FormLimits{}, 400, "Bad part header"},
		{"bad escape", "application/x-www-form-urlencoded", "a=%%", codec.FormLimits{}, 400, "Bad form field ('%%')"},
		{"too many fields", "application/x-www-form-urlencoded", "a&b&c", codec.FormLimits{MaxParts: 2}, 400, "Too many form fields"},
		{"too many parts", "multipart/form-data; boundary=b", string(handlertest.MultipartBody("b", handlertest.TextField("a", ""), handlertest.TextField("b", ""))), codec.FormLimits{MaxParts: 1}, 400, "Too many parts"},
		{"part header too long", "multipart/form-data; boundary=b", string(handlertest.MultipartBody("b", handlertest.TextField("a", ""))), codec.FormLimits{MaxPartHeaderBytes: 10}, 431, "Part header too long"},
		{"form too large", "multipart/form-data; boundary=b", string(handlertest.MultipartBody("b", handlertest.TextField("a", ""))), codec.FormLimits{MaxBytes: 10}, 413, "Form too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Echo()
			h.Forms.Limits = tt.limits
			x := serve(t, h, seedConn, handlertest.PostRequest("/", tt.contentType, []byte(tt.body)), []byte(tt.body), handlertest.At(21, 24, 5))
			assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 "+strconv.Itoa(tt.status)+" "+tt.message+"\r\n"), x.out)
			assert.Contains(t, x.out, "<p>Message: "+htmlEscape(tt.message)+".</p>")
			assert.False(t, x.keep)
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestFormPage(t *testing.T) {
	x := serve(t, Form(), seedConn, handlertest.Parsed("GET /form HTTP/1.1", "Host: x"), nil, handlertest.At(21, 24, 5))
	head, page, _ := strings.Cut(x.out, "\r\n\r\n")
	head += "\r\n"
	assert.Contains(t, head, "Content-Type: text/html; charset=utf-8\r\n")
	assert.Contains(t, head, "Content-Length: "+strconv.Itoa(len(FormPageHTML))+"\r\n")
	assert.Equal(t, FormPageHTML, page)
	assert.Contains(t, page, `<form method="post" enctype="multipart/form-data">`)
	assert.Contains(t, page, `<input type="file" id="datafile" name="datafile">`)

	req, body := handlertest.CurlPost()
	x = serve(t, Form(), postConn, req, body, handlertest.At(21, 24, 5))
	assert.Contains(t, x.out, "Content-Type: text/plain; charset=utf-8\r\n")
	assert.True(t, strings.HasSuffix(x.out, "\r\n\r\nClient: ('127.0.0.1', 60910)\nPath: /\nForm data:\n\tname=dhellmann\n\tfoo=bar\n\tUploaded datafile (1400 bytes)\n"), x.out)
}
