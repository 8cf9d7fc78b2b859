package handler

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The expected values are what Python 3.11 prints for repr(s), s being the
// input decoded as ISO-8859-1.
func TestAppendPyRepr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BREW", `'BREW'`},
		{"", `''`},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		{`say "hi"`, `'say "hi"'`},
		{`a\b`, `'a\\b'`},
		{"\t\n\r", `'\t\n\r'`},
		{"\x00\x1f\x7f", `'\x00\x1f\x7f'`},
		{"\x80\x9f\xa0\xad", `'\x80\x9f\xa0\xad'`},
		{"\xe9\xff", `'éÿ'`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(appendPyRepr(nil, []byte(tt.in))), "%q", tt.in)
	}
}
