package handler

import (
	"math"

	"github.com/fastbase/fastbase/codec"
)

// Query returns the query string of the request target, what follows its
// first '?', as sent: not decoded, nil when there is none. It is a view
// into the request buffer. [codec.URLEncodedScanner]
// reads its parameters in order.
func (r *Request) Query() []byte { return r.req.Query }

// QueryValue returns the first value of the query parameter name, decoded
// as a form field is ('+' is a space, "%XX" the byte XX), and whether the
// query has that parameter; "?a" gives "", true. Names are compared after
// decoding. A malformed escape ends the search: parameters after it are not
// seen. The string is a copy and may be kept.
func (r *Request) QueryValue(name string) (string, bool) {
	var s codec.URLEncodedScanner
	s.Limits.MaxParts = math.MaxInt
	s.Reset(r.req.Query)
	for s.Next() {
		if string(s.Name()) == name {
			return string(s.Value()), true
		}
	}
	return "", false
}
