package examples

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/internal/handlertest"
	"github.com/stretchr/testify/require"
)

// seedStyle returns h configured as the seed's examples run: http.server's
// version strings and protocol_version HTTP/1.0.
func seedStyle(h *handler.Handler) *handler.Handler {
	h.ServerVersion, h.SysVersion, h.ProtocolVersion = handlertest.PyServer, handlertest.PySys, "HTTP/1.0"
	return h
}

// seedConn is the connection of transcripts/get.txt.
var seedConn = &handler.ConnInfo{
	Remote: netip.MustParseAddrPort("127.0.0.1:35548"),
	Local:  netip.MustParseAddrPort("127.0.0.1:58485"),
	Runner: "loop 0",
}

// exchange is one request answered as the engine answers it.
type exchange struct {
	out  string // the response bytes
	keep bool   // Finish's keepAlive
	log  string // AppendRequestLog's lines
}

// serve answers req with h through an Exchange, as the engine does, after
// a response already in the output buffer, which must be left alone.
func serve(t testing.TB, h *handler.Handler, conn *handler.ConnInfo, req *codec.Request, body []byte, logAt time.Time) exchange {
	t.Helper()
	const prior = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	var x handler.Exchange
	x.Begin(h, conn, req, body, []byte(prior))
	h.Serve(x.Request())
	out, keep := x.Finish()
	require.True(t, bytes.HasPrefix(out, []byte(prior)), "the response must be appended to the buffer")
	log := handler.AppendRequestLog(nil, &x, logAt)
	return exchange{string(out[len(prior):]), keep, string(log)}
}
