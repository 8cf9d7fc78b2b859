package codec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIndexBadFieldByte(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", -1},
		{"text/plain", -1},
		{"a\tb", -1},
		{"caf\xc3\xa9 \x80\xff", -1},
		{"a\rb", 1},
		{"a\nb", 1},
		{"\x00", 0},
		{"abc\x7f", 3},
		{"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\x01", 17},
		{strings.Repeat("x", 40) + "\x1f", 40},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IndexBadFieldByte(tt.in), "%q", tt.in)
		b := []byte(tt.in)
		BlankBadFieldBytes(b)
		assert.Equal(t, -1, IndexBadFieldByte(string(b)), "%q blanked", tt.in)
		assert.Len(t, b, len(tt.in))
		if tt.want >= 0 {
			assert.Equal(t, byte(' '), b[tt.want])
		}
		assert.Equal(t, tt.want < 0, isFieldValue([]byte(tt.in)), "%q", tt.in)
	}
	b := []byte("a\r\nb\x00\tc")
	BlankBadFieldBytes(b)
	assert.Equal(t, "a  b \tc", string(b))
}

func TestConnectionOptions(t *testing.T) {
	tests := []struct {
		in               string
		close, keepAlive bool
	}{
		{"close", true, false},
		{"Close", true, false},
		{"keep-alive", false, true},
		{"Keep-Alive", false, true},
		{"keep-alive, close", true, true},
		{" upgrade ,CLOSE", true, false},
		{"upgrade", false, false},
		{"closed", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		c, k := ConnectionOptions([]byte(tt.in))
		assert.Equal(t, tt.close, c, "%q close", tt.in)
		assert.Equal(t, tt.keepAlive, k, "%q keep-alive", tt.in)
	}
}

func TestExportedRulesAreTheParsers(t *testing.T) {
	assert.True(t, EqualFoldString("Content-Length", "content-length"))
	assert.False(t, EqualFoldString("Content-Lengthx", "content-length"))
	assert.True(t, EqualFold([]byte("HOST"), "host"))
	n, ok := ParseContentLength([]byte("9223372036854775807"))
	assert.True(t, ok)
	assert.Equal(t, int64(1<<63-1), n)
	for _, bad := range []string{"", "-1", "+1", "1 ", "9223372036854775808", "0x10"} {
		_, ok := ParseContentLength([]byte(bad))
		assert.False(t, ok, "%q", bad)
	}
}

// TestIsToken checks every byte against RFC 9110's tchar list, and that the
// parser agrees: a method is accepted exactly when it is a token.
func TestIsToken(t *testing.T) {
	const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for c := 0; c < 256; c++ {
		s := string([]byte{'X', byte(c)})
		assert.Equal(t, strings.IndexByte(tchar, byte(c)) >= 0, IsToken(s), "byte %#x", c)
	}
	assert.False(t, IsToken(""))
	assert.True(t, IsToken("Set-Cookie"))
	for _, m := range []string{"GET", "M-SEARCH", "BREW", "GE(T", "GE/T"} {
		var p Parser
		var req Request
		_, err := p.Parse([]byte(m+" / HTTP/1.1\r\nHost: x\r\n\r\n"), &req)
		assert.Equal(t, IsToken(m), err == nil, "%s", m)
	}
}

// hostBytes takes eight bytes at a time and then the rest one by one:
// every byte of every length up to three steps is looked at, whatever its
// place.
func TestHostBytesLooksAtEveryByte(t *testing.T) {
	for n := 0; n <= 24; n++ {
		b := bytes.Repeat([]byte{'a'}, n)
		require.Zero(t, hostBytes(b), "%d good bytes", n)
		for i := range n {
			for c := range 256 {
				b[i] = byte(c)
				require.Equal(t, hostByte[c], hostBytes(b), "byte %#x at %d of %d", c, i, n)
			}
			b[i] = 'a'
		}
	}
}

// isHostValue takes uri-host [ ":" port ] and nothing else (RFC 9110 §7.2,
// RFC 3986 §3.2.2).
func TestIsHostValue(t *testing.T) {
	for _, good := range []string{
		"", "h", "example.com", "127.0.0.1", "127.0.0.1:8080", "example.com:", "a-b_c~d!$&'()*+,;=",
		"xn--bcher-kva.example:443", "caf%C3%A9.example", "[::1]", "[::1]:8080", "[::]", "[2001:db8::7]",
		"[1:2:3:4:5:6:7:8]", "[::ffff:192.0.2.1]:80", "[1::]", "[v1.x]", "[vF.a:b!]:1",
	} {
		assert.True(t, isHostValue([]byte(good)), "%q", good)
	}
	for _, bad := range []string{
		"a b", "a/b", "a@b", "user@example.com", "a\"b", "a:b", "a:80:b", "good.example:80:evil.example",
		"::1", "a%", "a%4", "a%zz", "%", "[::1", "::1]", "a]b[c", "[a]b", "[::1]x", "[::1]:a",
		"[]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]", "[1::2::3]", "[12345::]", "[:1::]", "[1:]",
		"[1.2.3.4]", "[::1.2.3]", "[::1.2.3.256]", "[::01.2.3.4]", "[::1%25eth0]", "[v.x]", "[v1.]",
		"[vz.x]", "[v1.x/]", "x[::1]",
	} {
		assert.False(t, isHostValue([]byte(bad)), "%q", bad)
	}
}
