package handler

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/fastbase/fastbase/internal/seedref"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type part = handlertest.Part

var (
	textField     = handlertest.TextField
	fileField     = handlertest.FileField
	multipartBody = handlertest.MultipartBody
	postRequest   = handlertest.PostRequest
)

// seedUpload is a file of the size the seed's POST transcripts upload.
func seedUpload(testing.TB) string { return string(seedref.Upload()) }

// curlPost is the request of transcripts/post.txt.
func curlPost(testing.TB) (*codec.Request, []byte) { return handlertest.CurlPost() }

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

func TestFormUnicodeFilename(t *testing.T) {
	body := multipartBody("b", part{Headers: "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E2%82%AC.txt\r\n", Data: "1"})
	formOf(t, New(), postRequest("/", "multipart/form-data; boundary=b", body), body, nil, func(r *Request) {
		got, err := snapshotForm(t, r)
		require.NoError(t, err)
		assert.Equal(t, []snapshot{{"f", "1", "€.txt", "", 1, true, true, "1"}}, got)
	})
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
	h.Handle("POST", func(r *Request) {
		var e *codec.Error
		if _, err := r.Form(); errors.As(err, &e) {
			r.SendError(e.Status, e.Message, e.Explain)
		}
	}).Serve(r.Request())
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

func assertEmptyDir(t testing.TB, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "no temporary file is left in %s", dir)
}
