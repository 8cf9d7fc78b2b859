package httpbin_test

import (
	"context"
	"io"
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler"
	"github.com/fastbase/fastbase/handler/httpbin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveOn runs h on a free port of 127.0.0.1 until the test ends.
func serveOn(t *testing.T, h *handler.Handler) string {
	t.Helper()
	srv := &engine.Server{Addr: "127.0.0.1:0", Handler: h, Loops: 1}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(context.Background()) }()
	select {
	case <-srv.Ready():
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	return srv.ListenAddr().String()
}

// exchange writes in on one connection and reads everything the server
// sends until it closes the connection.
func exchange(t *testing.T, addr, in string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(c, in)
	require.NoError(t, err)
	out, err := io.ReadAll(c)
	require.NoError(t, err)
	return string(out)
}

var dateLine = regexp.MustCompile(`\r\nDate: [^\r]+\r\n`)

// TestOverTheWire sends pipelined requests for a route, the echo, a
// method the route refuses, a path the router cleans and an echo that asks
// to close, and requires the bytes that come back, in order, on one
// connection.
func TestOverTheWire(t *testing.T) {
	h, err := httpbin.New(httpbin.Options{})
	require.NoError(t, err)
	h.ServerVersion, h.SysVersion = "fastbase/test", "Go/test"
	addr := serveOn(t, h)
	in := "GET /status/418 HTTP/1.1\r\nHost: t\r\n\r\n" +
		"POST /echo?status=201&header=X-A:b HTTP/1.1\r\nHost: t\r\nContent-Type: text/x\r\nContent-Length: 5\r\n\r\nhello" +
		"GET /?size=4 HTTP/1.1\r\nHost: t\r\n\r\n" +
		"DELETE /get HTTP/1.1\r\nHost: t\r\n\r\n" +
		"GET /a/../anything?q=1 HTTP/1.1\r\nHost: t\r\n\r\n" +
		"GET /?close=true HTTP/1.1\r\nHost: t\r\n\r\n" +
		"GET /never-answered HTTP/1.1\r\nHost: t\r\n\r\n"
	want := "HTTP/1.1 418 I'm a Teapot\r\nServer: fastbase/test Go/test\r\n" +
		"Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nX-More-Info: http://tools.ietf.org/html/rfc2324\r\n" +
		"Content-Length: 13\r\n\r\nI'm a teapot!" +
		"HTTP/1.1 201 Created\r\nServer: fastbase/test Go/test\r\n" +
		"X-A: b\r\nContent-Type: text/x\r\nContent-Length: 5\r\n\r\nhello" +
		"HTTP/1.1 200 OK\r\nServer: fastbase/test Go/test\r\n" +
		"Content-Type: application/octet-stream\r\nContent-Length: 4\r\n\r\n" + string(get(t, h, "GET", "/?size=4").body) +
		"HTTP/1.1 405 Method Not Allowed\r\nServer: fastbase/test Go/test\r\n" +
		"Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nAllow: GET, HEAD\r\n" +
		"Content-Length: 19\r\n\r\nMethod Not Allowed\n" +
		"HTTP/1.1 307 Temporary Redirect\r\nServer: fastbase/test Go/test\r\n" +
		"Location: /anything?q=1\r\nContent-Length: 0\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nServer: fastbase/test Go/test\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
	got := exchange(t, addr, in)
	assert.Equal(t, want, dateLine.ReplaceAllString(got, "\r\n"))
	assert.Equal(t, 6, len(dateLine.FindAllString(got, -1)), "every answer has a Date")
}

// TestOverTheWireStatusMix is `?status=503:10` as a load generator sees
// it: 2,000 requests pipelined on one connection, counted by status.
func TestOverTheWireStatusMix(t *testing.T) {
	h, err := httpbin.New(httpbin.Options{})
	require.NoError(t, err)
	addr := serveOn(t, h)
	const n = 2000
	req := "GET /?status=503:10&size=16 HTTP/1.1\r\nHost: t\r\n\r\n"
	in := ""
	for range n {
		in += req
	}
	got := exchange(t, addr, in+"GET /?close=true HTTP/1.1\r\nHost: t\r\n\r\n")
	ok := len(regexp.MustCompile(`HTTP/1\.1 200 OK\r\n`).FindAllString(got, -1)) - 1 // the closing one
	unavailable := len(regexp.MustCompile(`HTTP/1\.1 503 Service Unavailable\r\n`).FindAllString(got, -1))
	assert.Equal(t, n, ok+unavailable)
	withinBinomial(t, unavailable, n, 0.10, "503 over the wire")
}
