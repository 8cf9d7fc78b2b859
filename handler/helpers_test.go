package handler

import (
	"bytes"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/stretchr/testify/require"
)

// The pure helpers, shared with the tests of handler/examples and
// handler/httpbin.
var (
	parsed = handlertest.Parsed
	parse  = handlertest.Parse
	at     = handlertest.At
	crlf   = handlertest.CRLF
	page   = handlertest.Page
)

const techEmpowerRequest = handlertest.TechEmpowerRequest

// seedStyle returns h configured as the seed's examples run: http.server's
// version strings and protocol_version HTTP/1.0.
func seedStyle(h *Handler) *Handler {
	h.ServerVersion, h.SysVersion, h.ProtocolVersion = handlertest.PyServer, handlertest.PySys, "HTTP/1.0"
	return h
}

// seedConn is the connection of transcripts/get.txt.
var seedConn = &ConnInfo{
	Remote: netip.MustParseAddrPort("127.0.0.1:35548"),
	Local:  netip.MustParseAddrPort("127.0.0.1:58485"),
	Runner: "loop 0",
}

// fbServer is the Server header of a Handler with default versions.
var fbServer = "Server: " + DefaultServerVersion + " " + DefaultSysVersion + "\r\n"

const date = "Date: Mon, 23 Nov 2026 21:24:17 GMT\r\n"

func contentLength(body string) string {
	return "Content-Length: " + strconv.Itoa(len(body)) + "\r\n"
}

// Small handlers for the tests of the machinery (the applications are in
// handler/examples, which this package's tests cannot import).

var helloResponse = NewPrepared(200, "Hello, World!", HeaderField{"Content-Type", "text/plain"})

// hello answers as the TechEmpower plaintext handler does.
func hello(r *Request) { r.SendPrepared(helloResponse) }

func notFound(r *Request) { r.SendError(404, "", "") }

// runner answers 200 with the name of what ran it and sends no
// Content-Length, as the seed's handlers do, leaving the framing to Finish.
func runner(r *Request) {
	r.SendResponse(200, "")
	r.EndHeaders()
	r.WriteString(r.Runner())
	r.WriteString("\n")
}

// runnerLine is the body runner answers on a connection run by name.
func runnerLine(name string) string { return name + "\n" }

// runnerLength is the Content-Length header line of runnerLine(name).
func runnerLength(name string) string { return contentLength(runnerLine(name)) }

// runnerSize is the length of runnerLine(name), as the log shows it.
func runnerSize(name string) string { return strconv.Itoa(len(runnerLine(name))) }

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
