//go:build !race

package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestURLEncodedAllocations proves that scanning does not allocate once the
// scanner's buffer has grown to the longest field that needs decoding.
func TestURLEncodedAllocations(t *testing.T) {
	data := []byte("name=dhellmann&foo=bar&q=a+b%2Fc&e=%E2%82%AC&foo=baz")
	var s URLEncodedScanner
	scan := func() {
		s.Reset(data)
		for s.Next() {
		}
		if s.Err() != nil {
			panic(s.Err())
		}
	}
	scan()
	assert.Zero(t, testing.AllocsPerRun(100, scan))
}

// TestMultipartAllocations proves that parsing a multipart body does not
// allocate once the parser has seen a body like it, whole or in pieces.
func TestMultipartAllocations(t *testing.T) {
	body := multipartBody("b0undary",
		textPart("name", "dhellmann"),
		filePart("f", "a.txt", "text/plain", "x\r\n--b0undar\r\n"),
		formPart{headers: "Content-Disposition: form-data; name=\"q\\\"\"; filename*=UTF-8''%E2%82%AC\r\n", data: "1"})
	var p MultipartParser
	whole := func() {
		if err := p.Reset([]byte("b0undary")); err != nil {
			panic(err)
		}
		for buf := body; ; {
			ev, n, err := p.Next(buf, true)
			if err != nil {
				panic(err)
			}
			if ev == MultipartEnd {
				return
			}
			buf = buf[n:]
		}
	}
	// Pieces of 7 bytes, the unconsumed rest kept in place in a buffer as
	// a caller reading from a socket keeps it.
	window := make([]byte, 0, 4096)
	pieces := func() {
		if err := p.Reset([]byte("b0undary")); err != nil {
			panic(err)
		}
		window = window[:0]
		for from := 0; ; {
			end := min(from+7, len(body))
			window = append(window, body[from:end]...)
			from = end
			for {
				ev, n, err := p.Next(window, end == len(body))
				if err == ErrNeedMore {
					break
				}
				if err != nil {
					panic(err)
				}
				if ev == MultipartEnd {
					return
				}
				window = window[:copy(window, window[n:])]
			}
		}
	}
	whole()
	pieces()
	assert.Zero(t, testing.AllocsPerRun(100, whole), "whole")
	assert.Zero(t, testing.AllocsPerRun(100, pieces), "in pieces")
}
