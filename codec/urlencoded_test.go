package codec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scanURLEncoded returns every field of data as "name=value".
func scanURLEncoded(limits FormLimits, data string) ([]string, error) {
	var s URLEncodedScanner
	s.Limits = limits
	s.Reset([]byte(data))
	var out []string
	for s.Next() {
		out = append(out, string(s.Name())+"="+string(s.Value()))
	}
	return out, s.Err()
}

func TestURLEncoded(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		// transcripts/post_urlencoded.txt: curl -d name=dhellmann -d foo=bar
		{"name=dhellmann&foo=bar", []string{"name=dhellmann", "foo=bar"}},
		{"foo=bar&foo=baz&foo=", []string{"foo=bar", "foo=baz", "foo="}},
		{"a+b=c+d&%41%62=%e2%82%ac%2B%26%3d", []string{"a b=c d", "Ab=€+&="}},
		{"&&a=1&&b&=2&", []string{"a=1", "b=", "=2"}},
		{"a=1=2;b=3", []string{"a=1=2;b=3"}},
		{"%00=%FF", []string{"\x00=\xff"}},
		{"", nil},
		{"&", nil},
	}
	for _, tt := range tests {
		got, err := scanURLEncoded(FormLimits{}, tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestURLEncodedErrors(t *testing.T) {
	tests := []struct {
		in, message, explain string
		limits               FormLimits
	}{
		{"a=1&b=%zz", "Bad form field ('%zz')", "field 2 of the urlencoded form holds a '%' that is not followed by two hex digits", FormLimits{}},
		{"a%=1", "Bad form field ('a%')", "field 1 of the urlencoded form holds a '%' that is not followed by two hex digits", FormLimits{}},
		{"a=%4", "Bad form field ('%4')", "field 1 of the urlencoded form holds a '%' that is not followed by two hex digits", FormLimits{}},
		{"a=1&b=2&c=3", "Too many form fields", "got more than 2 fields", FormLimits{MaxParts: 2}},
	}
	for _, tt := range tests {
		_, err := scanURLEncoded(tt.limits, tt.in)
		var e *Error
		require.ErrorAs(t, err, &e, tt.in)
		assert.Equal(t, 400, e.Status, tt.in)
		assert.Equal(t, tt.message, e.Message, tt.in)
		assert.Equal(t, tt.explain, e.Explain, tt.in)
	}
	got, err := scanURLEncoded(FormLimits{MaxParts: 2}, "a=1&&b=2&")
	assert.NoError(t, err, "empty pieces do not count")
	assert.Len(t, got, 2)
	_, err = scanURLEncoded(FormLimits{}, strings.Repeat("a&", DefaultMaxParts))
	assert.NoError(t, err)
	_, err = scanURLEncoded(FormLimits{}, strings.Repeat("a&", DefaultMaxParts+1))
	assert.Error(t, err)
}

// TestURLEncodedViews checks that fields without escapes are not copied
// and that a decoded name survives the decoding of its value.
func TestURLEncodedViews(t *testing.T) {
	data := []byte("plain=view&n%61me=" + strings.Repeat("%41", 100))
	var s URLEncodedScanner
	s.Reset(data)
	require.True(t, s.Next())
	assert.Same(t, &data[0], &s.Name()[0], "a field without escapes is a view")
	require.True(t, s.Next())
	assert.Equal(t, "name", string(s.Name()))
	assert.Equal(t, strings.Repeat("A", 100), string(s.Value()))
	assert.False(t, s.Next())
	assert.NoError(t, s.Err())
}

func TestAppendFormUnescape(t *testing.T) {
	got, err := AppendFormUnescape([]byte("x"), []byte("a+%2b%2B%7e"))
	require.NoError(t, err)
	assert.Equal(t, "xa ++~", string(got))
	got, err = AppendFormUnescape(nil, []byte("ab%g0"))
	assert.Error(t, err)
	assert.Equal(t, "ab", string(got))
}

func TestAppendPathUnescape(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a%2Fb", "a/b"}, {"a+b", "a+b"}, {"%41%62", "Ab"}, {"plain", "plain"}, {"", ""},
	} {
		got, err := AppendPathUnescape([]byte("x:"), []byte(tt.in))
		assert.NoError(t, err, tt.in)
		assert.Equal(t, "x:"+tt.want, string(got), tt.in)
	}
	for bad, before := range map[string]string{"%": "", "%4": "", "%zz": "", "a%2": "a"} {
		got, err := AppendPathUnescape([]byte("x:"), []byte(bad))
		assert.Error(t, err, bad)
		assert.Equal(t, "x:"+before, string(got), bad)
	}
}
