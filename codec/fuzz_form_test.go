package codec

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/url"
	"testing"
)

// FuzzURLEncoded checks the urlencoded scanner against net/url's
// ParseQuery: both accept the same bodies (when they hold no ';', which
// ParseQuery refuses) and find the same fields.
func FuzzURLEncoded(f *testing.F) {
	for _, s := range []string{
		"name=dhellmann&foo=bar",
		"foo=bar&foo=baz&foo=",
		"a+b=c+d&%41%62=%e2%82%ac%2B%26%3d",
		"&&a=1&&b&=2&",
		"a=%zz", "a=%4", "%", "=",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s URLEncodedScanner
		s.Limits.MaxParts = 1 << 20
		s.Reset(data)
		var got [][2]string
		for s.Next() {
			got = append(got, [2]string{string(s.Name()), string(s.Value())})
		}
		err := s.Err()
		if bytes.IndexByte(data, ';') >= 0 {
			return
		}
		want, werr := url.ParseQuery(string(data))
		if (err == nil) != (werr == nil) {
			t.Fatalf("scanner: %v, net/url: %v", err, werr)
		}
		if err != nil {
			return
		}
		seen := map[string]int{}
		for _, field := range got {
			name, value := field[0], field[1]
			if i := seen[name]; i >= len(want[name]) || want[name][i] != value {
				t.Fatalf("field %q=%q not in net/url's %q", name, value, want)
			}
			seen[name]++
		}
		for name, values := range want {
			if seen[name] != len(values) {
				t.Fatalf("net/url has %d of %q, the scanner %d", len(values), name, seen[name])
			}
		}
	})
}

// FuzzMultipart checks that a body gives the same parts or the same error
// fed whole as fed in pieces ending at fuzz-chosen offsets, and, where
// mime/multipart reads the same parts from it, the same data.
func FuzzMultipart(f *testing.F) {
	const b = "b0undary"
	seeds := []string{
		string(multipartBody(b, textPart("name", "dhellmann"), textPart("foo", "bar"),
			filePart("datafile", "get_handler.py", "application/octet-stream", "import sys\r\n--b0undar\r\n"))),
		string(multipartBody(b, textPart("foo", "bar"), textPart("foo", "baz"))),
		string(multipartBody(b, filePart("f", "", "text/plain", ""))),
		"preamble\r\n--b0undary \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b0undary--",
		"--b0undary\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''%E2%82%AC\r\n\r\n\r\n--b0undary--\r\n",
		"--b0undary\r\nContent-Disposition: form-data; name=\"a\\\"\"\r\n\r\n\r\n--b0undary\r\n",
		"--b0undary\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--b0undary--",
		"--b0undary\r\n\r\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint64(i*7919+1))
	}
	f.Fuzz(func(t *testing.T, body []byte, cuts uint64) {
		limits := FormLimits{MaxParts: 20, MaxPartHeaderBytes: 256}
		want, werr := parseMultipart(limits, b, body, nil)
		got, gerr := parseMultipart(limits, b, body, cutOffsets(len(body), cuts))
		if !equalErrors(werr, gerr) {
			t.Fatalf("fed whole: %v\nin pieces: %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if len(want) != len(got) {
			t.Fatalf("fed whole: %d parts, in pieces: %d", len(want), len(got))
		}
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("part %d fed whole: %+v\nin pieces: %+v", i, want[i], got[i])
			}
		}
		compareWithMime(t, b, body, want)
	})
}

func equalErrors(a, b error) bool {
	var ea, eb *Error
	if errors.As(a, &ea) && errors.As(b, &eb) {
		return *ea == *eb
	}
	return (a == nil) == (b == nil)
}

// compareWithMime reads body with mime/multipart and, when that succeeds
// too, compares the parts' data. Bodies where the two are known to differ
// on purpose are skipped: mime/multipart also takes LF alone as the end of
// a boundary line and decodes quoted-printable parts.
func compareWithMime(t *testing.T, boundary string, body []byte, want []formPart) {
	lower := bytes.ToLower(body)
	if bytes.Contains(lower, []byte("quoted-printable")) {
		return
	}
	dash := []byte("--" + boundary)
	for rest := body; ; {
		i := bytes.Index(rest, dash)
		if i < 0 {
			break
		}
		rest = bytes.TrimLeft(rest[i+len(dash):], " \t")
		if len(rest) > 0 && rest[0] == '\n' {
			return // a boundary line ended by LF alone
		}
	}
	for i := bytes.Index(body, []byte("\n--"+boundary)); i >= 0; {
		if i == 0 || body[i-1] != '\r' {
			return
		}
		j := bytes.Index(body[i+1:], []byte("\n--"+boundary))
		if j < 0 {
			break
		}
		i += 1 + j
	}
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	var data []string
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return
		}
		d, err := io.ReadAll(p)
		if err != nil {
			return
		}
		data = append(data, string(d))
	}
	if len(data) != len(want) {
		t.Fatalf("mime/multipart: %d parts, MultipartParser: %d", len(data), len(want))
	}
	for i := range data {
		if data[i] != want[i].data {
			t.Fatalf("part %d: mime/multipart %q, MultipartParser %q", i, data[i], want[i].data)
		}
	}
}
