package codec

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/fastbase/fastbase/internal/seedref"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// curlBoundary is the boundary of transcripts/post_verbose.txt.
const curlBoundary = "------------------------130026682594ab9d"

// seedUpload is a file of the size the seed's POST transcripts upload.
func seedUpload(testing.TB) []byte { return seedref.Upload() }

// formPart is one part of a test body, and what a parse of it gives.
type formPart struct {
	headers     string // header lines, each ending in CRLF
	name        string
	filename    string
	hasFilename bool
	ctype       string
	data        string
}

// multipartBody builds a body as curl and browsers do.
func multipartBody(boundary string, parts ...formPart) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n" + p.headers + "\r\n" + p.data + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}

func textPart(name, value string) formPart {
	return formPart{headers: "Content-Disposition: form-data; name=\"" + name + "\"\r\n", name: name, data: value}
}

func filePart(name, filename, ctype, data string) formPart {
	return formPart{
		headers:  "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\nContent-Type: " + ctype + "\r\n",
		name:     name,
		filename: filename, hasFilename: true, ctype: ctype, data: data,
	}
}

// curlForm is the body curl sends for transcripts/post.txt:
// -F name=dhellmann -F foo=bar -F datafile=@examples/get_handler.py
func curlForm(t testing.TB) []byte {
	return multipartBody(curlBoundary,
		textPart("name", "dhellmann"),
		textPart("foo", "bar"),
		filePart("datafile", "get_handler.py", "application/octet-stream", string(seedUpload(t))))
}

// parseMultipart feeds body to a MultipartParser in pieces ending at ends
// (nil: whole), the way a caller that reads from a socket does: it keeps
// the bytes the parser did not consume, moved to a new slice each time, and
// appends the next piece. It returns the parts with their data joined.
func parseMultipart(limits FormLimits, boundary string, body []byte, ends []int) ([]formPart, error) {
	var p MultipartParser
	p.Limits = limits
	if err := p.Reset([]byte(boundary)); err != nil {
		return nil, err
	}
	if ends == nil {
		ends = []int{len(body)}
	}
	var parts []formPart
	var pending []byte
	from := 0
	for _, end := range ends {
		pending = append(bytes.Clone(pending), body[from:end]...)
		from = end
		atEOF := end == len(body)
		for {
			ev, n, err := p.Next(pending, atEOF)
			if err == ErrNeedMore {
				if n != 0 {
					return nil, fmt.Errorf("ErrNeedMore with n = %d", n)
				}
				break
			}
			if err != nil {
				return parts, err
			}
			switch ev {
			case MultipartPart:
				pt := p.Part()
				parts = append(parts, formPart{name: string(pt.Name), filename: string(pt.Filename),
					hasFilename: pt.HasFilename, ctype: string(pt.ContentType)})
			case MultipartData:
				if len(parts) == 0 {
					return nil, fmt.Errorf("data before a part")
				}
				parts[len(parts)-1].data += string(pending[:n])
			case MultipartEnd:
				if n != len(pending) {
					return nil, fmt.Errorf("MultipartEnd consumed %d of %d", n, len(pending))
				}
				return parts, nil
			}
			if n == 0 && ev != MultipartPart {
				return nil, fmt.Errorf("no progress: event %d", ev)
			}
			pending = pending[n:]
		}
	}
	return parts, fmt.Errorf("no MultipartEnd and no error")
}

// stripHeaders drops what parseMultipart does not report.
func stripHeaders(parts []formPart) []formPart {
	if parts == nil {
		return nil
	}
	out := make([]formPart, len(parts))
	for i, p := range parts {
		p.headers = ""
		out[i] = p
	}
	return out
}

func TestMultipartCurlForm(t *testing.T) {
	body := curlForm(t)
	require.Equal(t, 1807, len(body), "Content-Length in transcripts/post_verbose.txt")
	parts, err := parseMultipart(FormLimits{}, curlBoundary, body, nil)
	require.NoError(t, err)
	require.Len(t, parts, 3)
	assert.Equal(t, formPart{name: "name", data: "dhellmann"}, parts[0])
	assert.Equal(t, formPart{name: "foo", data: "bar"}, parts[1])
	assert.Equal(t, "datafile", parts[2].name)
	assert.Equal(t, "get_handler.py", parts[2].filename)
	assert.True(t, parts[2].hasFilename)
	assert.Equal(t, "application/octet-stream", parts[2].ctype)
	assert.Equal(t, string(seedUpload(t)), parts[2].data)
}

func TestMultipartBigUploadLength(t *testing.T) {
	// transcripts/post_big_upload.txt: 2 MiB of zeros is 2097417 bytes.
	const boundary = "------------------------6bc49b714b21a405"
	// curl sends no Content-Type for a file read from stdin.
	body := multipartBody(boundary, textPart("name", "dhellmann"), formPart{
		headers: "Content-Disposition: form-data; name=\"datafile\"; filename=\"big.bin\"\r\n",
		data:    strings.Repeat("\x00", 2<<20)})
	require.Equal(t, 2097417, len(body))
	parts, err := parseMultipart(FormLimits{}, boundary, body, nil)
	require.NoError(t, err)
	require.Equal(t, 2, len(parts))
	assert.Equal(t, "big.bin", parts[1].filename)
	assert.Equal(t, 2<<20, len(parts[1].data))
	assert.Equal(t, "", strings.Trim(parts[1].data, "\x00"))
}

func TestMultipartParts(t *testing.T) {
	const b = "XyZ"
	tests := []struct {
		name string
		body string
		want []formPart
	}{
		{"repeated names kept in order",
			string(multipartBody(b, textPart("foo", "bar"), textPart("foo", "baz"), textPart("a", ""))),
			[]formPart{{name: "foo", data: "bar"}, {name: "foo", data: "baz"}, {name: "a"}}},
		{"empty file",
			string(multipartBody(b, filePart("f", "empty.txt", "text/plain", ""))),
			[]formPart{{name: "f", filename: "empty.txt", hasFilename: true, ctype: "text/plain"}}},
		{"file input left empty",
			string(multipartBody(b, filePart("f", "", "application/octet-stream", ""))),
			[]formPart{{name: "f", hasFilename: true, ctype: "application/octet-stream"}}},
		{"data holds the delimiter minus its last byte",
			string(multipartBody(b, filePart("f", "x", "a/b", "1\r\n--Xy\r\n--XyZ-2\r\n--Xy"))),
			[]formPart{{name: "f", filename: "x", hasFilename: true, ctype: "a/b", data: "1\r\n--Xy\r\n--XyZ-2\r\n--Xy"}}},
		{"data holds the delimiter followed by other text",
			string(multipartBody(b, textPart("f", "a\r\n--XyZz\r\n--XyZ x\r\n--XyZ\r"))),
			[]formPart{{name: "f", data: "a\r\n--XyZz\r\n--XyZ x\r\n--XyZ\r"}}},
		{"data of CRs and LFs",
			string(multipartBody(b, textPart("f", "\r\r\n\r\n\r\n-\r\n--\r"))),
			[]formPart{{name: "f", data: "\r\r\n\r\n\r\n-\r\n--\r"}}},
		{"preamble, padding and epilogue",
			"preamble\r\n--XyZ \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--  \r\nepilogue --XyZ\r\n",
			[]formPart{{name: "a", data: "1"}}},
		{"a part whose blank line is the next delimiter's CRLF has no data",
			"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n--XyZW\r\n--XyZ--",
			[]formPart{{name: "a"}, {name: "b", data: "--XyZW"}}},
		{"no parts",
			"--XyZ--\r\n",
			nil},
		{"closing boundary without CRLF",
			"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--",
			[]formPart{{name: "a", data: "1"}}},
		{"boundary text at the start that is not a boundary line",
			"--XyZW\r\n--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--XyZ--",
			[]formPart{{name: "a"}}},
		{"header names any case, other headers kept, other parameters ignored",
			"--XyZ\r\ncontent-disposition: FORM-DATA ; Name=\"a\" ; size=3\r\nX-Other: y\r\nCONTENT-TYPE:text/html\r\n\r\nabc\r\n--XyZ--\r\n",
			[]formPart{{name: "a", ctype: "text/html", data: "abc"}}},
		{"no headers but Content-Disposition",
			"--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nv\r\n--XyZ--\r\n",
			[]formPart{{name: "", data: "v"}}},
		{"quoted-string escapes only '\"' and '\\'",
			"--XyZ\r\nContent-Disposition: form-data; name=\"a\\\"b;c\"; filename=\"C:\\dir\\x\\\\y.txt\"\r\n\r\n\r\n--XyZ--\r\n",
			[]formPart{{name: "a\"b;c", filename: "C:\\dir\\x\\y.txt", hasFilename: true}}},
		{"filename* in UTF-8 wins over filename",
			"--XyZ\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''%E2%82%AC%20rates.txt; filename=\"EUR rates.txt\"\r\n\r\n\r\n--XyZ--\r\n",
			[]formPart{{name: "f", filename: "€ rates.txt", hasFilename: true}}},
		{"filename* in ISO-8859-1",
			"--XyZ\r\nContent-Disposition: form-data; name=f; filename*=iso-8859-1'en'%A3%20rates\r\n\r\n\r\n--XyZ--\r\n",
			[]formPart{{name: "f", filename: "£ rates", hasFilename: true}}},
		{"filename* in another charset is ignored",
			"--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"a\"; filename*=koi8-r''%C1\r\n\r\n\r\n--XyZ--\r\n",
			[]formPart{{name: "f", filename: "a", hasFilename: true}}},
		{"raw UTF-8 in a filename",
			"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\xc3\xa9t\xc3\xa9.txt\"\r\n\r\n\r\n--XyZ--\r\n",
			[]formPart{{name: "f", filename: "été.txt", hasFilename: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := parseMultipart(FormLimits{}, b, []byte(tt.body), nil)
			require.NoError(t, err)
			assert.Equal(t, stripHeaders(tt.want), parts)
		})
	}
}

func TestMultipartErrors(t *testing.T) {
	const b = "XyZ"
	ok := "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
	tests := []struct {
		name    string
		limits  FormLimits
		body    string
		status  int
		message string
	}{
		{"empty body", FormLimits{}, "", 400, "No multipart boundary line"},
		{"no boundary line", FormLimits{}, "Content-Disposition: form-data; name=a\r\n\r\n1\r\n", 400, "No multipart boundary line"},
		{"no closing boundary", FormLimits{}, ok, 400, "Truncated multipart body"},
		{"ends in data after a CR", FormLimits{}, ok + "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r", 400, "Truncated multipart body"},
		{"ends in a boundary line", FormLimits{}, ok + "--XyZ", 400, "Truncated multipart body"},
		{"ends in a closing boundary's dashes", FormLimits{}, ok + "--XyZ-", 400, "Truncated multipart body"},
		{"ends in headers", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n", 400, "Truncated multipart body"},
		{"no Content-Disposition", FormLimits{}, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--", 400, "Bad part header"},
		{"empty header block", FormLimits{}, "--XyZ\r\n\r\n1\r\n--XyZ--", 400, "Bad part header"},
		{"no name", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; filename=a\r\n\r\n1\r\n--XyZ--", 400, "Bad part header"},
		{"two names", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n1\r\n--XyZ--", 400, "Bad part header"},
		{"two Content-Dispositions", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n1\r\n--XyZ--", 400, "Bad part header"},
		{"not form-data", FormLimits{}, "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--XyZ--", 400, "Bad Content-Disposition ('attachment; name=a')"},
		{"header without colon", FormLimits{}, "--XyZ\r\nContent-Disposition form-data\r\n\r\n1\r\n--XyZ--", 400, "Bad part header ('Content-Disposition form-data')"},
		{"space before colon", FormLimits{}, "--XyZ\r\nContent-Disposition : form-data; name=a\r\n\r\n1\r\n--XyZ--", 400, "Bad part header ('Content-Disposition : form-data; name=a')"},
		{"control character", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=\"a\x00\"\r\n\r\n1\r\n--XyZ--", 400, "Bad part header ('Content-Disposition: form-data; name=\"a\\x00\"')"},
		{"folded header", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--XyZ--", 400, "Folded part header (' name=a')"},
		{"unterminated quote", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--", 400, "Bad Content-Disposition parameter ('\"a')"},
		{"parameter without value", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name\r\n\r\n1\r\n--XyZ--", 400, "Bad Content-Disposition parameter ('')"},
		{"text after a quoted value", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"b\r\n\r\n1\r\n--XyZ--", 400, "Bad Content-Disposition parameter ('b')"},
		{"bad filename*", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''%zz\r\n\r\n1\r\n--XyZ--", 400, "Bad filename* (\"UTF-8''%zz\")"},
		{"filename* without quotes", FormLimits{}, "--XyZ\r\nContent-Disposition: form-data; name=a; filename*=x.txt\r\n\r\n1\r\n--XyZ--", 400, "Bad filename* ('x.txt')"},
		{"too many parts", FormLimits{MaxParts: 1}, ok + "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n--XyZ--", 400, "Too many parts"},
		{"part header block too long", FormLimits{MaxPartHeaderBytes: 40}, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--", 431, "Part header too long"},
		{"part header block too long, unterminated", FormLimits{MaxPartHeaderBytes: 40}, "--XyZ\r\nContent-Disposition: form-data; name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 431, "Part header too long"},
		{"body too long", FormLimits{MaxBytes: 50}, ok + "--XyZ--\r\n", 413, "Form too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseMultipart(tt.limits, b, []byte(tt.body), nil)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.status, e.Status)
			assert.Equal(t, tt.message, e.Message)
			assert.NotEmpty(t, e.Explain)
			// The same error, whatever the pieces.
			for cut := 1; cut < len(tt.body); cut++ {
				_, err2 := parseMultipart(tt.limits, b, []byte(tt.body), []int{cut, len(tt.body)})
				require.Equal(t, err, err2, "cut at %d", cut)
			}
		})
	}
}

func TestMultipartLimitsAtTheEdge(t *testing.T) {
	body := multipartBody("b", textPart("a", "1"), textPart("b", "2"))
	_, err := parseMultipart(FormLimits{MaxParts: 2, MaxBytes: int64(len(body))}, "b", body, nil)
	require.NoError(t, err)
	block := len("Content-Disposition: form-data; name=\"a\"\r\n\r\n")
	_, err = parseMultipart(FormLimits{MaxPartHeaderBytes: block}, "b", body, nil)
	require.NoError(t, err)
	_, err = parseMultipart(FormLimits{MaxPartHeaderBytes: block - 1}, "b", body, nil)
	require.Error(t, err)
}

// TestMultipartEverySplit feeds a small form cut at every offset, and at
// every pair of close offsets, and expects what the whole body gives.
func TestMultipartEverySplit(t *testing.T) {
	body := multipartBody("b0undary",
		textPart("name", "dhellmann"),
		textPart("name", ""),
		filePart("f", "a\\b.txt", "text/plain", "x\r\n--b0undar\r\n--b0undary-\r"),
		filePart("empty", "e", "application/octet-stream", ""))
	want, err := parseMultipart(FormLimits{}, "b0undary", body, nil)
	require.NoError(t, err)
	require.Len(t, want, 4)
	for i := 0; i <= len(body); i++ {
		got, err := parseMultipart(FormLimits{}, "b0undary", body, []int{i, len(body)})
		require.NoError(t, err, "cut at %d", i)
		require.Equal(t, want, got, "cut at %d", i)
		// A second cut close after the first leaves a piece shorter than a
		// delimiter, the hardest case; farther ones add nothing.
		for j := i; j <= min(i+24, len(body)); j++ {
			got, err := parseMultipart(FormLimits{}, "b0undary", body, []int{i, j, len(body)})
			require.NoError(t, err, "cuts at %d, %d", i, j)
			require.Equal(t, want, got, "cuts at %d, %d", i, j)
		}
	}
	ends := make([]int, len(body))
	for i := range ends {
		ends[i] = i + 1
	}
	got, err := parseMultipart(FormLimits{}, "b0undary", body, ends)
	require.NoError(t, err)
	require.Equal(t, want, got, "one byte at a time")
}

func TestMultipartResetReuses(t *testing.T) {
	var p MultipartParser
	body := curlForm(t)
	for range 2 {
		require.NoError(t, p.Reset([]byte(curlBoundary)))
		events := 0
		for buf := body; ; {
			ev, n, err := p.Next(buf, true)
			require.NoError(t, err)
			buf = buf[n:]
			events++
			if ev == MultipartEnd {
				break
			}
		}
		assert.Equal(t, 3, p.Parts())
		ev, n, err := p.Next([]byte("epilogue"), true)
		assert.Equal(t, MultipartEnd, ev)
		assert.Equal(t, 8, n)
		assert.NoError(t, err)
	}
	require.Error(t, p.Reset([]byte("bad boundary ")))
	_, _, err := p.Next(body, true)
	require.Error(t, err, "a parser with a bad boundary refuses every body")
}

func TestParseFormType(t *testing.T) {
	tests := []struct {
		in       string
		typ      FormType
		boundary string
		message  string
	}{
		{"application/x-www-form-urlencoded", URLEncoded, "", ""},
		{"Application/X-WWW-Form-URLEncoded; charset=UTF-8", URLEncoded, "", ""},
		{"multipart/form-data; boundary=" + curlBoundary, Multipart, curlBoundary, ""},
		{"multipart/form-data; boundary=----WebKitFormBoundaryePkpFF7tjBAqx29L", Multipart, "----WebKitFormBoundaryePkpFF7tjBAqx29L", ""},
		{"MULTIPART/FORM-DATA ; charset=utf-8; BOUNDARY=\"a b:c\"", Multipart, "a b:c", ""},
		{"multipart/form-data; boundary=\"a\\\"\"", Multipart, "", "Bad multipart boundary ('a\"')"},
		{"multipart/form-data; boundary=\"ab\\\\\"", Multipart, "", "Bad multipart boundary ('ab\\\\')"},
		{"multipart/form-data; boundary=\"x\"", Multipart, "x", ""},
		{"multipart/form-data", Multipart, "", "No multipart boundary"},
		{"multipart/form-data; charset=utf-8", Multipart, "", "No multipart boundary"},
		{"multipart/form-data; boundary=", Multipart, "", "Bad Content-Type parameter ('')"},
		{"multipart/form-data; boundary=\"\"", Multipart, "", "Bad multipart boundary ('')"},
		{"multipart/form-data; boundary=\"ends in space \"", Multipart, "", "Bad multipart boundary ('ends in space ')"},
		{"multipart/form-data; boundary=" + strings.Repeat("x", 71), Multipart, "", "Bad multipart boundary ('" + strings.Repeat("x", 64) + "'...)"},
		{"multipart/form-data; boundary=a; boundary=b", Multipart, "", "Bad multipart boundary"},
		{"multipart/form-data; boundary=a{b", Multipart, "", "Bad multipart boundary ('a{b')"},
		{"multipart/mixed; boundary=x", NotAForm, "", ""},
		{"text/plain", NotAForm, "", ""},
		{"", NotAForm, "", ""},
	}
	for _, tt := range tests {
		typ, boundary, err := ParseFormType([]byte(tt.in))
		assert.Equal(t, tt.typ, typ, tt.in)
		if tt.message != "" {
			var e *Error
			if assert.ErrorAs(t, err, &e, tt.in) {
				assert.Equal(t, 400, e.Status, tt.in)
				assert.Equal(t, tt.message, e.Message, tt.in)
			}
			continue
		}
		assert.NoError(t, err, tt.in)
		assert.Equal(t, tt.boundary, string(boundary), tt.in)
	}
	assert.Len(t, strings.Repeat("x", 70), maxBoundary)
	_, _, err := ParseFormType([]byte("multipart/form-data; boundary=" + strings.Repeat("x", 70)))
	assert.NoError(t, err, "70 characters is the longest boundary")
}
