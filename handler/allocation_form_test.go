//go:build !race

package handler

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFormAllocations proves that decoding a form held in memory does not
// allocate once the Request has decoded one like it: names are copied into
// a reused buffer and values are views of the body.
func TestFormAllocations(t *testing.T) {
	multipartReq, multipart := curlPost(t)
	urlencoded := []byte("name=dhellmann&foo=bar&q=a+b%2Fc")
	urlencodedReq := postRequest("/", "application/x-www-form-urlencoded", urlencoded)
	h := New()
	var r Exchange
	buf := make([]byte, 0, 4096)
	for _, tt := range []struct {
		name string
		fn   func()
	}{
		{"multipart", func() {
			r.Begin(h, seedConn, multipartReq, multipart, buf[:0])
			if fields, err := r.Request().Form(); err != nil || len(fields) != 3 {
				panic(err)
			}
			r.Request().SendResponse(204, "")
			buf, _ = r.Finish()
		}},
		{"urlencoded", func() {
			r.Begin(h, seedConn, urlencodedReq, urlencoded, buf[:0])
			if fields, err := r.Request().Form(); err != nil || len(fields) != 3 {
				panic(err)
			}
			r.Request().SendResponse(204, "")
			buf, _ = r.Finish()
		}},
	} {
		tt.fn()
		assert.Zero(t, testing.AllocsPerRun(100, tt.fn), tt.name)
	}
}
