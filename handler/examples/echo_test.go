package examples

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The expected values are urllib.parse.urlparse(u).path and .query in
// Python 3.11.
func TestURLParse(t *testing.T) {
	tests := []struct{ in, path, query string }{
		{"/?foo=bar", "/", "foo=bar"},
		{"/a/b?x=1&y=2", "/a/b", "x=1&y=2"},
		{"/a?b?c", "/a", "b?c"},
		{"/a#frag?x", "/a", ""},
		{"/a?q#frag", "/a", "q"},
		{"/a;p?q", "/a", "q"},
		{"/a;p/b", "/a;p/b", ""},
		{"/a/b;p;q", "/a/b", ""},
		{"http://host:80/p?q", "/p", "q"},
		{"HTTP://host", "", ""},
		{"http://host?q", "", "q"},
		{"//host/p", "/p", ""},
		{"*", "*", ""},
		{"example.com:443", "443", ""},
		{"/a:b", "/a:b", ""},
		{"1a:b", "1a:b", ""},
		{"mailto:x;y", "x;y", ""},
	}
	for _, tt := range tests {
		path, query := urlparse(tt.in)
		assert.Equal(t, tt.path, path, tt.in)
		assert.Equal(t, tt.query, query, tt.in)
	}
}

// The expected values are str(client_address) as Python prints it.
func TestAppendPyAddress(t *testing.T) {
	tests := []struct {
		in   netip.AddrPort
		want string
	}{
		{netip.MustParseAddrPort("127.0.0.1:35548"), "('127.0.0.1', 35548)"},
		{netip.MustParseAddrPort("[::1]:35548"), "('::1', 35548, 0, 0)"},
		{netip.MustParseAddrPort("[::ffff:127.0.0.1]:80"), "('::ffff:127.0.0.1', 80, 0, 0)"},
		{netip.MustParseAddrPort("[fe80::1%7]:80"), "('fe80::1%7', 80, 0, 7)"},
		{netip.AddrPort{}, "('', 0)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(appendPyAddress(nil, tt.in)))
	}
}
