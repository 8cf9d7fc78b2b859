package handler

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/stretchr/testify/require"
)

// The seed's server identity, so that responses can be compared with the
// transcripts byte for byte.
const (
	pyServer = "BaseHTTP/0.6"
	pySys    = "Python/3.11.7"
)

// seedStyle returns h configured as the seed's examples run: http.server's
// version strings and protocol_version HTTP/1.0.
func seedStyle(h *Handler) *Handler {
	h.ServerVersion, h.SysVersion, h.ProtocolVersion = pyServer, pySys, "HTTP/1.0"
	return h
}

// seedConn is the connection of transcripts/get.txt.
var seedConn = &ConnInfo{
	Remote: netip.MustParseAddrPort("127.0.0.1:35548"),
	Local:  netip.MustParseAddrPort("127.0.0.1:58485"),
	Runner: "loop 0",
}

// at pins the Date header to 23 Nov 2026 at the given UTC time, the day of
// the transcripts, and returns the same instant in local time for the log.
func at(hour, minute, sec int) time.Time {
	t := time.Date(2026, time.November, 23, hour, minute, sec, 0, time.UTC)
	codec.RefreshDate(t)
	return time.Date(2026, time.November, 23, hour, minute, sec, 0, time.Local)
}

// techEmpowerRequest is the request of TechEmpower's plaintext test.
const techEmpowerRequest = "GET /plaintext HTTP/1.1\r\n" +
	"Host: localhost\r\n" +
	"Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n" +
	"Connection: keep-alive\r\n\r\n"

// parsed parses a request line and header lines ("Name: value") with
// codec's parser, as the engine does. An HTTP/1.1 request given without a
// Host field gets "Host: localhost", which HTTP/1.1 requires (RFC 9112
// §3.2) and the seed's transcripts leave out; only the codec's tests are
// about requests the parser refuses for that.
func parsed(line string, headers ...string) *codec.Request {
	if strings.HasSuffix(line, " HTTP/1.1") && !hasHost(headers) {
		headers = append(headers, "Host: localhost")
	}
	req, err := parse(line, headers...)
	if err != nil {
		panic(err)
	}
	return req
}

func hasHost(headers []string) bool {
	for _, h := range headers {
		if len(h) >= 5 && strings.EqualFold(h[:5], "host:") {
			return true
		}
	}
	return false
}

// parse parses a request line and header lines and returns what the parser
// gives the engine: a request, or the refused request and its error.
func parse(line string, headers ...string) (*codec.Request, *codec.Error) {
	raw := line + "\r\n"
	for _, h := range headers {
		raw += h + "\r\n"
	}
	raw += "\r\n"
	var p codec.Parser
	req := new(codec.Request)
	n, err := p.Parse([]byte(raw), req)
	if err != nil {
		return req, err.(*codec.Error)
	}
	if n != len(raw) {
		panic("parse: " + raw + " is not one request")
	}
	return req, nil
}

// exchange is one request run through Begin, Serve (or ServeParseError) and
// Finish, as the engine does.
type exchange struct {
	out  string // the response bytes
	keep bool   // Finish's keepAlive
	log  string // AppendRequestLog's lines
	r    *Exchange
}

// prior stands for responses already in the batch buffer: the response must
// be appended after it and leave it alone.
const prior = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

func serve(t testing.TB, h *Handler, conn *ConnInfo, req *codec.Request, body []byte, logAt time.Time) exchange {
	t.Helper()
	return run(t, h, conn, req, body, logAt, func(x *Exchange) { h.Serve(x.Request()) })
}

func serveParseError(t testing.TB, h *Handler, req *codec.Request, e *codec.Error, logAt time.Time) exchange {
	t.Helper()
	return run(t, h, seedConn, req, nil, logAt, func(x *Exchange) { x.ServeParseError(e) })
}

func run(t testing.TB, h *Handler, conn *ConnInfo, req *codec.Request, body []byte, logAt time.Time, serve func(*Exchange)) exchange {
	t.Helper()
	r := new(Exchange)
	r.Begin(h, conn, req, body, []byte(prior))
	serve(r)
	out, keep := r.Finish()
	require.True(t, bytes.HasPrefix(out, []byte(prior)), "the response must be appended to the buffer")
	log := AppendRequestLog(nil, r, logAt)
	return exchange{string(out[len(prior):]), keep, string(log), r}
}

// crlf turns the LF line ends of a transcript's head into CRLF.
func crlf(head string) string { return strings.ReplaceAll(head, "\n", "\r\n") }
