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

// parsed builds by hand the codec.Request a parser gives for a request line
// and header lines ("Name: value"), following codec's documented fields.
func parsed(line string, headers ...string) *codec.Request {
	req := &codec.Request{RequestLine: []byte(line), ContentLength: -1}
	words := strings.Split(line, " ")
	req.Method = []byte(words[0])
	if len(words) > 1 {
		req.Target = []byte(words[1])
		path, query, _ := strings.Cut(strings.TrimLeft(words[1], "/"), "?")
		if strings.HasPrefix(words[1], "/") {
			path = "/" + path
		}
		req.Path, req.Query = []byte(path), []byte(query)
	}
	req.Proto, req.Minor = []byte("HTTP/0.9"), 9
	if len(words) == 3 {
		req.Proto = []byte(words[2])
		req.Major, req.Minor = int(words[2][5]-'0'), int(words[2][7]-'0')
	}
	connection := ""
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Headers = append(req.Headers, codec.Header{Name: []byte(name), Value: []byte(value)})
		if strings.EqualFold(name, "Connection") {
			connection = strings.ToLower(value)
		}
		if strings.EqualFold(name, "Host") {
			req.Host = []byte(value)
		}
	}
	switch {
	case req.Major == 1 && req.Minor >= 1:
		req.KeepAlive = connection != "close"
	case req.Major == 1:
		req.KeepAlive = connection == "keep-alive"
	}
	return req
}

// exchange is one request run through Begin, Serve (or ServeParseError) and
// Finish, as the engine does.
type exchange struct {
	out  string // the response bytes
	keep bool   // Finish's keepAlive
	log  string // AppendRequestLog's lines
	r    *Request
}

// prior stands for responses already in the batch buffer: the response must
// be appended after it and leave it alone.
const prior = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

func serve(t testing.TB, h *Handler, conn *ConnInfo, req *codec.Request, body []byte, logAt time.Time) exchange {
	t.Helper()
	return run(t, h, conn, req, body, logAt, h.Serve)
}

func serveParseError(t testing.TB, h *Handler, req *codec.Request, e *codec.Error, logAt time.Time) exchange {
	t.Helper()
	return run(t, h, seedConn, req, nil, logAt, func(r *Request) { r.ServeParseError(e) })
}

func run(t testing.TB, h *Handler, conn *ConnInfo, req *codec.Request, body []byte, logAt time.Time, serve func(*Request)) exchange {
	t.Helper()
	r := new(Request)
	r.Begin(h, conn, req, body, []byte(prior))
	serve(r)
	out, keep := r.Finish()
	require.True(t, bytes.HasPrefix(out, []byte(prior)), "the response must be appended to the buffer")
	log := AppendRequestLog(nil, r, logAt)
	return exchange{string(out[len(prior):]), keep, string(log), r}
}

// crlf turns the LF line ends of a transcript's head into CRLF.
func crlf(head string) string { return strings.ReplaceAll(head, "\n", "\r\n") }
