package handler

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/internal/seedref"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// curlBoundary is the boundary of transcripts/post_verbose.txt.
const curlBoundary = "------------------------130026682594ab9d"

// part is one part of a multipart test body.
type part struct{ headers, data string }

func textField(name, value string) part {
	return part{"Content-Disposition: form-data; name=\"" + name + "\"\r\n", value}
}

func fileField(name, filename, data string) part {
	return part{"Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n" +
		"Content-Type: application/octet-stream\r\n", data}
}

func multipartBody(boundary string, parts ...part) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n" + p.headers + "\r\n" + p.data + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}

// seedUpload is a file of the size the seed's POST transcripts upload.
func seedUpload(testing.TB) string { return string(seedref.Upload()) }

// curlPost is the request of transcripts/post.txt:
// curl -F name=dhellmann -F foo=bar -F datafile=@examples/get_handler.py
func curlPost(t testing.TB) (*codec.Request, []byte) {
	body := multipartBody(curlBoundary, textField("name", "dhellmann"), textField("foo", "bar"),
		fileField("datafile", "get_handler.py", seedUpload(t)))
	return postRequest("/", "multipart/form-data; boundary="+curlBoundary, body), body
}

func postRequest(target, contentType string, body []byte) *codec.Request {
	headers := []string{"Host: 127.0.0.1:59183", "User-Agent: curl/7.88.1", "Accept: */*",
		"Content-Length: " + strconv.Itoa(len(body))}
	if contentType != "" {
		headers = append(headers, "Content-Type: "+contentType)
	}
	return parsed("POST "+target+" HTTP/1.1", headers...)
}

// postConn is the connection of transcripts/post_i.txt.
var postConn = &ConnInfo{
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
	curlReq, curlBody := curlPost(t)
	urlencoded := []byte("name=dhellmann&foo=bar")
	dup := multipartBody("------------------------d74496d66958873e", textField("foo", "bar"), textField("foo", "baz"))
	tests := []struct {
		name     string
		req      *codec.Request
		body     []byte
		wantBody string
	}{
		{"post_i.txt", curlReq, curlBody,
			prefix + "Path: /\nForm data:\n\tname=dhellmann\n\tfoo=bar\n\tUploaded datafile (1400 bytes)\n"},
		{"post_urlencoded.txt", postRequest("/?q=1", "application/x-www-form-urlencoded", urlencoded), urlencoded,
			prefix + "Path: /?q=1\nForm data:\n\tname=dhellmann\n\tfoo=bar\n"},
		{"post_duplicate_field.txt",
			postRequest("/", "multipart/form-data; boundary=------------------------d74496d66958873e", dup), dup,
			prefix + "Path: /\nForm data:\n\tfoo=bar\n\tfoo=baz\n"},
		{"post_text_plain.txt", postRequest("/", "text/plain", []byte("hello")), []byte("hello"),
			prefix + "Path: /\nBody: text/plain (5 bytes)\n"},
		{"post_no_content_length.txt", parsed("POST / HTTP/1.1", "Host: 127.0.0.1:59183"), nil,
			prefix + "Path: /\nForm data:\n"},
		{"no Content-Type is urlencoded, as in cgi", postRequest("//x", "", []byte("a=1")), []byte("a=1"),
			prefix + "Path: /x\nForm data:\n\ta=1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := serve(t, seedStyle(Echo()), postConn, tt.req, tt.body, at(21, 24, 5))
			assert.Equal(t, crlf(head)+tt.wantBody, x.out)
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

// formOf runs fn on a Request for req and body, as a handler would, after
// prepare (which may hand the body over as a file or a stream), then
// finishes the request.
func formOf(t testing.TB, h *Handler, req *codec.Request, body []byte, prepare func(*Exchange), fn func(*Request)) {
	t.Helper()
	var r Exchange
	r.Begin(h, seedConn, req, body, nil)
	if prepare != nil {
		prepare(&r)
	}
	fn(r.Request())
	r.Finish()
}

// snapshot copies what a handler sees of a form.
type snapshot struct {
	name, value, filename, ctype string
	size                         int64
	isFile, inMemory             bool
	data                         string // read through Open
}

func snapshotForm(t testing.TB, r *Request) ([]snapshot, error) {
	fields, err := r.Form()
	if err != nil {
		return nil, err
	}
	out := make([]snapshot, len(fields))
	for i := range fields {
		f := &fields[i]
		data, err := io.ReadAll(f.Open())
		require.NoError(t, err)
		out[i] = snapshot{string(f.Name), string(f.Value), string(f.Filename), string(f.ContentType),
			f.Size, f.IsFile(), f.InMemory(), string(data)}
	}
	return out, nil
}

func TestFormFields(t *testing.T) {
	req, body := curlPost(t)
	upload := seedUpload(t)
	var got []snapshot
	formOf(t, New(), req, body, nil, func(r *Request) {
		var err error
		got, err = snapshotForm(t, r)
		require.NoError(t, err)
		again, _ := r.Form()
		assert.Len(t, again, 3, "a second call returns the same fields")
		assert.Equal(t, "dhellmann", r.FormValue("name"))
		assert.Equal(t, "", r.FormValue("missing"))
	})
	assert.Equal(t, []snapshot{
		{"name", "dhellmann", "", "", 9, false, true, "dhellmann"},
		{"foo", "bar", "", "", 3, false, true, "bar"},
		{"datafile", upload, "get_handler.py", "application/octet-stream", 1400, true, true, upload},
	}, got)
}

func TestFormValuesAreViewsOfAnInMemoryBody(t *testing.T) {
	req, body := curlPost(t)
	formOf(t, New(), req, body, nil, func(r *Request) {
		fields, err := r.Form()
		require.NoError(t, err)
		v := fields[2].Value
		i := bytes.Index(body, v)
		require.GreaterOrEqual(t, i, 0)
		assert.Same(t, &body[i], &v[0], "a part of an in-memory body is not copied")
	})
}

func TestFormRepeatedAndEmpty(t *testing.T) {
	body := multipartBody("b", textField("foo", "bar"), textField("foo", "baz"), textField("blank", ""),
		fileField("empty", "empty.txt", ""), fileField("none", "", ""))
	req := postRequest("/", "multipart/form-data; boundary=b", body)
	x := serve(t, Echo(), seedConn, req, body, at(21, 24, 5))
	assert.True(t, strings.HasSuffix(x.out, "Form data:\n\tfoo=bar\n\tfoo=baz\n\tblank=\n\tUploaded empty (0 bytes)\n\tnone=\n"), x.out)
	assert.True(t, x.keep)
}

func TestFormUnicodeFilename(t *testing.T) {
	body := multipartBody("b", part{"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E2%82%AC.txt\r\n", "1"})
	formOf(t, New(), postRequest("/", "multipart/form-data; boundary=b", body), body, nil, func(r *Request) {
		got, err := snapshotForm(t, r)
		require.NoError(t, err)
		assert.Equal(t, []snapshot{{"f", "1", "€.txt", "", 1, true, true, "1"}}, got)
	})
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
		{"too many parts", "multipart/form-data; boundary=b", string(multipartBody("b", textField("a", ""), textField("b", ""))), codec.FormLimits{MaxParts: 1}, 400, "Too many parts"},
		{"part header too long", "multipart/form-data; boundary=b", string(multipartBody("b", textField("a", ""))), codec.FormLimits{MaxPartHeaderBytes: 10}, 431, "Part header too long"},
		{"form too large", "multipart/form-data; boundary=b", string(multipartBody("b", textField("a", ""))), codec.FormLimits{MaxBytes: 10}, 413, "Form too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Echo()
			h.Forms.Limits = tt.limits
			x := serve(t, h, seedConn, postRequest("/", tt.contentType, []byte(tt.body)), []byte(tt.body), at(21, 24, 5))
			assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 "+strconv.Itoa(tt.status)+" "+tt.message+"\r\n"), x.out)
			assert.Contains(t, x.out, "<p>Message: "+htmlEscape(tt.message)+".</p>")
			assert.False(t, x.keep)
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// bigForm is a form with a part bigger than the default spill size.
func bigForm() (*codec.Request, []byte, string) {
	big := strings.Repeat("0123456789abcdef", (DefaultFormSpillBytes+100)/16)
	big += "\r\n--b0undar\r\n" // almost a delimiter, near the end
	body := multipartBody("b0undary", textField("name", "dhellmann"), fileField("big", "big.bin", big),
		textField("after", "x"))
	return postRequest("/", "multipart/form-data; boundary=b0undary", body), body, big
}

func wantBigForm(big string, inMemory bool) []snapshot {
	return []snapshot{
		{"name", "dhellmann", "", "", 9, false, true, "dhellmann"},
		{"big", map[bool]string{true: big}[inMemory], "big.bin", "application/octet-stream", int64(len(big)), true, inMemory, big},
		{"after", "x", "", "", 1, false, true, "x"},
	}
}

// TestFormSpooledBody decodes a body the server spooled to a file: small
// parts are copied into memory, the big one is read from the file where it
// lies, and no other file is made.
func TestFormSpooledBody(t *testing.T) {
	req, body, big := bigForm()
	spool, err := os.CreateTemp(t.TempDir(), "spool")
	require.NoError(t, err)
	defer spool.Close()
	_, err = spool.Write(body)
	require.NoError(t, err)
	h := New()
	h.Forms.TempDir = t.TempDir()
	formOf(t, h, req, nil, func(x *Exchange) { x.SetBodyFile(spool, int64(len(body))) }, func(r *Request) {
		assert.Nil(t, r.Body())
		assert.Equal(t, int64(len(body)), r.BodyLength())
		all, err := io.ReadAll(r.BodyReader())
		require.NoError(t, err)
		assert.True(t, bytes.Equal(body, all), "BodyReader reads the spooled body")
		got, err := snapshotForm(t, r)
		require.NoError(t, err)
		assert.Equal(t, wantBigForm(big, false), got)
		assertEmptyDir(t, h.Forms.TempDir)
	})
	_, err = spool.Stat()
	assert.NoError(t, err, "the spool file is the server's: the request does not close it")
}

// TestFormStreamedBody decodes a body read as it arrives, one byte per
// read: the big part spills to a temporary file, which is gone from the
// directory at once and closed when the request ends.
func TestFormStreamedBody(t *testing.T) {
	req, body, big := bigForm()
	h := New()
	h.Forms.TempDir = t.TempDir()
	var spilled *os.File
	for _, reader := range []func([]byte) io.Reader{
		func(b []byte) io.Reader { return bytes.NewReader(b) },
		func(b []byte) io.Reader { return iotest.HalfReader(iotest.OneByteReader(bytes.NewReader(b))) },
	} {
		formOf(t, h, req, nil, func(x *Exchange) { x.SetBodyReader(reader(body), int64(len(body))) }, func(r *Request) {
			got, err := snapshotForm(t, r)
			require.NoError(t, err)
			assert.Equal(t, wantBigForm(big, false), got)
			fields, _ := r.Form()
			spilled = fields[1].file
			assertEmptyDir(t, h.Forms.TempDir)
		})
		_, err := spilled.Stat()
		assert.ErrorIs(t, err, os.ErrClosed, "Finish closes the temporary files")
	}
}

// TestFormSpillFailureIsTheServersFault spills a part where no file can be
// made: the form's error is the server's 503, not a client's 400.
func TestFormSpillFailureIsTheServersFault(t *testing.T) {
	req, body, _ := bigForm()
	h := New()
	h.Forms.TempDir = filepath.Join(t.TempDir(), "missing")
	formOf(t, h, req, nil, func(x *Exchange) { x.SetBodyReader(bytes.NewReader(body), int64(len(body))) }, func(r *Request) {
		_, err := r.Form()
		var e *codec.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 503, e.Status)
	})
}

// TestFormSpillBytes checks the configured spill size and memory bound on
// a streamed body.
func TestFormSpillBytes(t *testing.T) {
	body := multipartBody("b", textField("a", "12345"), textField("b", "123456"), textField("c", "1234"), textField("d", "12"))
	req := postRequest("/", "multipart/form-data; boundary=b", body)
	h := New()
	h.Forms = FormConfig{SpillBytes: 5, MemoryBytes: 12, TempDir: t.TempDir()}
	formOf(t, h, req, nil, func(x *Exchange) { x.SetBodyReader(bytes.NewReader(body), int64(len(body))) }, func(r *Request) {
		got, err := snapshotForm(t, r)
		require.NoError(t, err)
		assert.Equal(t, []snapshot{
			{"a", "12345", "", "", 5, false, true, "12345"},
			{"b", "", "", "", 6, false, false, "123456"},
			{"c", "1234", "", "", 4, false, true, "1234"},
			{"d", "", "", "", 2, false, false, "12"}, // names and values fill the 12 bytes
		}, got)
	})
}

// TestFormClientGoneMidUpload streams a body that breaks off in the big
// part: the form fails, and its temporary file is closed when the request
// ends.
func TestFormClientGoneMidUpload(t *testing.T) {
	req, body, _ := bigForm()
	h := New()
	h.Forms.TempDir = t.TempDir()
	gone := errors.New("connection reset by peer")
	cut := len(body) * 3 / 4
	var r Exchange
	r.Begin(h, seedConn, req, nil, nil)
	r.SetBodyReader(io.MultiReader(bytes.NewReader(body[:cut]), iotest.ErrReader(gone)), int64(len(body)))
	_, err := r.Request().Form()
	assert.ErrorIs(t, err, gone)
	require.Len(t, r.r.spare.form.files, 0, "a failed form closes its files at once")
	assertEmptyDir(t, h.Forms.TempDir)

	// EOF before the end is the client's fault: 400.
	r.Begin(h, seedConn, req, nil, nil)
	r.SetBodyReader(bytes.NewReader(body[:cut]), int64(len(body)))
	h.Handle("POST", echoPost).Serve(r.Request())
	out, keep := r.Finish()
	assert.Contains(t, string(out), "HTTP/1.1 400 Incomplete request body\r\n")
	assert.False(t, keep)
	assertEmptyDir(t, h.Forms.TempDir)
}

// TestFormReleaseOnAbandonedRequest covers a server that drops a request
// without Finish: Release, or the next Begin, closes its files.
func TestFormReleaseOnAbandonedRequest(t *testing.T) {
	req, body, _ := bigForm()
	h := New()
	h.Forms.TempDir = t.TempDir()
	var r Exchange
	open := func() *os.File {
		r.Begin(h, seedConn, req, nil, nil)
		r.SetBodyReader(bytes.NewReader(body), int64(len(body)))
		fields, err := r.Request().Form()
		require.NoError(t, err)
		return fields[1].file
	}
	f := open()
	r.Release()
	_, err := f.Stat()
	assert.ErrorIs(t, err, os.ErrClosed)
	r.Release() // twice is fine

	f = open()
	r.Begin(h, seedConn, parsed("GET / HTTP/1.1", "Host: x"), nil, nil)
	_, err = f.Stat()
	assert.ErrorIs(t, err, os.ErrClosed, "Begin releases what the last request left")
}

func TestFormSpooledURLEncoded(t *testing.T) {
	body := []byte("a=1&b=%41+B")
	req := postRequest("/", "application/x-www-form-urlencoded", body)
	for _, prepare := range []func(*Exchange){
		func(x *Exchange) { x.SetBodyReader(bytes.NewReader(body), int64(len(body))) },
		func(x *Exchange) {
			f, err := os.CreateTemp(t.TempDir(), "spool")
			require.NoError(t, err)
			_, _ = f.Write(body)
			x.SetBodyFile(f, int64(len(body)))
		},
	} {
		formOf(t, New(), req, nil, prepare, func(r *Request) {
			got, err := snapshotForm(t, r)
			require.NoError(t, err)
			assert.Equal(t, []snapshot{{"a", "1", "", "", 1, false, true, "1"}, {"b", "A B", "", "", 3, false, true, "A B"}}, got)
		})
	}
	h := New()
	h.Forms.MemoryBytes = 5
	formOf(t, h, req, body, nil, func(r *Request) {
		_, err := r.Form()
		var e *codec.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 413, e.Status)
	})
}

func TestBodyReaderInMemory(t *testing.T) {
	formOf(t, New(), postRequest("/", "text/plain", []byte("hello")), []byte("hello"), nil, func(r *Request) {
		for range 2 {
			all, err := io.ReadAll(r.BodyReader())
			require.NoError(t, err)
			assert.Equal(t, "hello", string(all), "each call starts over")
		}
		assert.Equal(t, int64(5), r.BodyLength())
		_, err := r.Form()
		assert.Equal(t, ErrNotForm, err)
	})
}

func TestFormPage(t *testing.T) {
	x := serve(t, Form(), seedConn, parsed("GET /form HTTP/1.1", "Host: x"), nil, at(21, 24, 5))
	head, page, _ := strings.Cut(x.out, "\r\n\r\n")
	head += "\r\n"
	assert.Contains(t, head, "Content-Type: text/html; charset=utf-8\r\n")
	assert.Contains(t, head, "Content-Length: "+strconv.Itoa(len(FormPageHTML))+"\r\n")
	assert.Equal(t, FormPageHTML, page)
	assert.Contains(t, page, `<form method="post" enctype="multipart/form-data">`)
	assert.Contains(t, page, `<input type="file" id="datafile" name="datafile">`)

	req, body := curlPost(t)
	x = serve(t, Form(), postConn, req, body, at(21, 24, 5))
	assert.Contains(t, x.out, "Content-Type: text/plain; charset=utf-8\r\n")
	assert.True(t, strings.HasSuffix(x.out, "\r\n\r\nClient: ('127.0.0.1', 60910)\nPath: /\nForm data:\n\tname=dhellmann\n\tfoo=bar\n\tUploaded datafile (1400 bytes)\n"), x.out)
}

func assertEmptyDir(t testing.TB, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "no temporary file is left in %s", dir)
}
