// Package forms_test compares form decoders on identical bodies: fastbase's
// codec (URLEncodedScanner, MultipartParser), fastbase's handler API
// (Request.Form, which also builds the fields), net/http's ParseForm and
// ParseMultipartForm, and fasthttp's PostArgs and MultipartForm.
//
// Every decoder gets the whole body already in memory, as a server that has
// read it would give it, and must end with every field's name and data
// available; TestDecodersAgree checks that they all find the same fields.
// Throughput is body bytes per second.
//
//	go test -run TestDecodersAgree -bench . -benchmem ./forms/
package forms_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fasthttp"
)

// body is one form, with its Content-Type.
type body struct {
	name             string
	contentType      string
	data             []byte
	fields           int
	contentTypeBytes []byte
}

const boundary = "------------------------130026682594ab9d"

var bodies = func() []body {
	var many strings.Builder
	for i := range 200 {
		if i > 0 {
			many.WriteByte('&')
		}
		many.WriteString("field" + strconv.Itoa(i) + "=value+with+spaces%2C+and+%E2%82%AC+" + strconv.Itoa(i))
	}
	all := []body{
		{name: "urlencoded-3", contentType: "application/x-www-form-urlencoded", data: []byte("name=dhellmann&foo=bar&q=a+b%2Fc"), fields: 3},
		{name: "urlencoded-200", contentType: "application/x-www-form-urlencoded", data: []byte(many.String()), fields: 200},
		{name: "multipart-curl", contentType: "multipart/form-data; boundary=" + boundary, data: multipartBody(1400), fields: 3},
		{name: "multipart-1MiB", contentType: "multipart/form-data; boundary=" + boundary, data: multipartBody(1 << 20), fields: 3},
		{name: "multipart-8MiB", contentType: "multipart/form-data; boundary=" + boundary, data: multipartBody(8 << 20), fields: 3},
	}
	for i := range all {
		all[i].contentTypeBytes = []byte(all[i].contentType)
	}
	return all
}()

// multipartBody is the body curl sends for
// -F name=dhellmann -F foo=bar -F datafile=@FILE with a file of size bytes.
func multipartBody(size int) []byte {
	var b bytes.Buffer
	part := func(headers, data string) {
		b.WriteString("--" + boundary + "\r\n" + headers + "\r\n" + data + "\r\n")
	}
	part("Content-Disposition: form-data; name=\"name\"\r\n", "dhellmann")
	part("Content-Disposition: form-data; name=\"foo\"\r\n", "bar")
	file := make([]byte, size)
	for i := range file {
		file[i] = byte(i*7 + i>>9) // varied bytes, CRs and dashes included
	}
	part("Content-Disposition: form-data; name=\"datafile\"; filename=\"get_handler.py\"\r\n"+
		"Content-Type: application/octet-stream\r\n", string(file))
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}

// decoder decodes a body and returns the number of fields and data bytes it
// found, so that the benchmarks measure decoders that work.
type decoder struct {
	name   string
	decode func(tb testing.TB, in body) (fields, bytes int)
}

var decoders = []decoder{
	{"fastbase-codec", newCodecDecoder()},
	{"fastbase-form", newFormDecoder()},
	{"nethttp", decodeNetHTTP},
	{"fasthttp", newFasthttpDecoder()},
}

func isMultipart(in body) bool { return strings.HasPrefix(in.contentType, "multipart/") }

// newCodecDecoder runs codec's decoders alone, reused from body to body:
// they hand out views and keep nothing, as a handler that streams parts
// somewhere would use them.
func newCodecDecoder() func(testing.TB, body) (int, int) {
	var s codec.URLEncodedScanner
	var p codec.MultipartParser
	return func(tb testing.TB, in body) (fields, n int) {
		if !isMultipart(in) {
			s.Reset(in.data)
			for s.Next() {
				fields++
				n += len(s.Value())
			}
			if err := s.Err(); err != nil {
				tb.Fatal(err)
			}
			return fields, n
		}
		_, b, err := codec.ParseFormType(in.contentTypeBytes)
		if err == nil {
			err = p.Reset(b)
		}
		for buf := in.data; err == nil; {
			var ev codec.MultipartEvent
			var k int
			ev, k, err = p.Next(buf, true)
			switch ev {
			case codec.MultipartPart:
				fields++
			case codec.MultipartData:
				n += k
			case codec.MultipartEnd:
				return fields, n
			}
			buf = buf[k:]
		}
		tb.Fatal(err)
		return 0, 0
	}
}

// newFormDecoder runs Request.Form as a handler would, with one Request
// reused from body to body as the engine reuses it.
func newFormDecoder() func(testing.TB, body) (int, int) {
	h := handler.New()
	var r handler.Exchange
	var p codec.Parser
	var req codec.Request
	out := make([]byte, 0, 4096)
	return func(tb testing.TB, in body) (fields, n int) {
		if string(req.Header("content-type")) != in.contentType {
			head := "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: " + in.contentType +
				"\r\nContent-Length: " + strconv.Itoa(len(in.data)) + "\r\n\r\n"
			_, err := p.Parse([]byte(head), &req)
			require.NoError(tb, err)
		}
		r.Begin(h, nil, &req, in.data, out[:0])
		form, err := r.Request().Form()
		if err != nil {
			tb.Fatal(err)
		}
		for i := range form {
			fields++
			n += int(form[i].Size)
		}
		r.Request().SendResponse(204, "")
		out, _ = r.Finish()
		return fields, n
	}
}

// decodeNetHTTP runs net/http's ParseForm or ParseMultipartForm with
// memory for the whole form (32 MiB, what FormValue uses).
func decodeNetHTTP(tb testing.TB, in body) (fields, n int) {
	req := &http.Request{
		Method:        "POST",
		Header:        http.Header{"Content-Type": {in.contentType}},
		Body:          io.NopCloser(bytes.NewReader(in.data)),
		ContentLength: int64(len(in.data)),
		URL:           &url.URL{Path: "/"},
	}
	if !isMultipart(in) {
		require.NoError(tb, req.ParseForm())
		return countValues(req.PostForm)
	}
	require.NoError(tb, req.ParseMultipartForm(32<<20))
	defer req.MultipartForm.RemoveAll()
	return countForm(req.MultipartForm)
}

// newFasthttpDecoder runs fasthttp's PostArgs or MultipartForm on one
// Request reused from body to body, as fasthttp's server reuses it.
func newFasthttpDecoder() func(testing.TB, body) (int, int) {
	var req fasthttp.Request
	return func(tb testing.TB, in body) (fields, n int) {
		req.Reset()
		req.Header.SetMethod("POST")
		req.Header.SetContentType(in.contentType)
		req.SetBodyRaw(in.data)
		if !isMultipart(in) {
			req.PostArgs().VisitAll(func(_, v []byte) {
				fields++
				n += len(v)
			})
			return fields, n
		}
		form, err := req.MultipartForm()
		require.NoError(tb, err)
		fields, n = countForm(form)
		req.RemoveMultipartFormFiles()
		return fields, n
	}
}

func countValues(v url.Values) (fields, n int) {
	for _, values := range v {
		for _, s := range values {
			fields++
			n += len(s)
		}
	}
	return fields, n
}

func countForm(f *multipart.Form) (fields, n int) {
	fields, n = countValues(f.Value)
	for _, files := range f.File {
		for _, fh := range files {
			fields++
			n += int(fh.Size)
		}
	}
	return fields, n
}

// TestDecodersAgree checks that every decoder finds the same fields and the
// same number of data bytes in every body.
func TestDecodersAgree(t *testing.T) {
	for _, in := range bodies {
		wantFields, wantBytes := decodeNetHTTP(t, in)
		require.Equal(t, in.fields, wantFields, in.name)
		for _, d := range decoders {
			fields, n := d.decode(t, in)
			require.Equal(t, wantFields, fields, "%s on %s", d.name, in.name)
			require.Equal(t, wantBytes, n, "%s on %s", d.name, in.name)
		}
	}
}

func BenchmarkForms(b *testing.B) {
	for _, in := range bodies {
		for _, d := range decoders {
			b.Run(in.name+"/"+d.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.data)))
				b.ReportAllocs()
				for b.Loop() {
					d.decode(b, in)
				}
			})
		}
	}
}
