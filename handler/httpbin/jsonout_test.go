package httpbin

import (
	"net/netip"
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/stretchr/testify/assert"
)

var jsonConn = &handler.ConnInfo{Remote: netip.MustParseAddrPort("[::1]:40000")}

// noBodyBoth returns the noBodyResponse of the request written by hand
// and by encoding/json, or ok false when codec's parser refuses it.
func noBodyBoth(t testing.TB, raw string) (hand, reflected string, ok bool) {
	return noBodyBothWith(t, raw, noBodyOptions{})
}

// noBodyBothWith is noBodyBoth with the options of /gzip or /deflate.
func noBodyBothWith(t testing.TB, raw string, o noBodyOptions) (hand, reflected string, ok bool) {
	var p codec.Parser
	var req codec.Request
	if n, err := p.Parse([]byte(raw), &req); err != nil || n != len(raw) {
		return "", "", false
	}
	var r handler.Exchange
	r.Begin(handler.New(), jsonConn, &req, nil, nil)
	s := new(jsonScratch)
	hand = string(appendNoBody(s, nil, r.Request(), o))
	a := &app{}
	nb := a.noBody(r.Request())
	if o.noURL {
		nb.URL = ""
	}
	nb.Deflated, nb.Gzipped = o.deflated, o.gzipped
	reflected = string(marshal(nb))
	r.Finish()
	return hand, reflected, true
}

// TestNoBodyJSONMatchesEncodingJSON holds the hand-written answer of /get
// equal, byte for byte, to encoding/json's writing of the same fields.
func TestNoBodyJSONMatchesEncodingJSON(t *testing.T) {
	for _, raw := range noBodySeeds {
		hand, reflected, ok := noBodyBoth(t, raw)
		if assert.True(t, ok, raw) {
			assert.Equal(t, reflected, hand, raw)
		}
	}
	// The answers of /gzip and /deflate, before they are compressed.
	for _, o := range []noBodyOptions{{noURL: true, gzipped: true}, {noURL: true, deflated: true}} {
		for _, raw := range noBodySeeds {
			hand, reflected, ok := noBodyBothWith(t, raw, o)
			if assert.True(t, ok, raw) {
				assert.Equal(t, reflected, hand, "%+v %s", o, raw)
			}
		}
	}
}

var noBodySeeds = []string{
	"GET /get HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /get? HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /get?a=1&a=2&b=x+y&c&=v&&d=%41%e2%82%ac HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /get?bad=%zz&semi=a;b&ok=1&tail=%4 HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /get?q=%22%5C%0A%0D%09%08%0C%01%7F%3C%3E%26%E2%80%A8%E2%80%A9%FF HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /get?z=1&a=2&Z=3&a=4 HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /get HTTP/1.1\r\nHost: h\r\nx-lower: 1\r\nX-LOWER: 2\r\naccept-encoding: gzip\r\nWWW-authenticate: x\r\n\r\n",
	"GET /get HTTP/1.1\r\nHost: h\r\nX-Json: \"quoted\" \\ back <tag> &amp; \xe2\x80\xa8 \xff\xfe \t tab\r\n\r\n",
	"GET /get HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 203.0.113.1, 10.0.0.1\r\nX-Forwarded-Proto: https\r\n\r\n",
	"GET /get HTTP/1.1\r\nHost: h\r\nTrue-Client-IP: \"odd\"\r\nX-Forwarded-Ssl: on\r\n\r\n",
	"GET http://example.com/get?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
	"BREW /get?é=ü HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /get HTTP/1.0\r\n\r\n",
}

// FuzzNoBodyJSON is the same comparison for any request codec's parser
// accepts.
func FuzzNoBodyJSON(f *testing.F) {
	for _, raw := range noBodySeeds {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		hand, reflected, ok := noBodyBoth(t, raw)
		if ok && hand != reflected {
			t.Fatalf("%q:\nby hand:\n%s\nencoding/json:\n%s", raw, hand, reflected)
		}
	})
}
