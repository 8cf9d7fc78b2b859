// Command fasthttp answers TechEmpower's plaintext test with valyala/fasthttp,
// the usual choice for speed in Go without an event loop of one's own.
package main

import (
	"flag"
	"log"
	"net"

	"github.com/fastbase/fastbase/bench/internal/plaintext"
	"github.com/valyala/fasthttp"
)

// fasthttp keeps its own Date line, refreshed once a second, and writes the
// Server header from Server.Name, so the handler sets only type and body
// (Content-Length follows from the body).
func hello(ctx *fasthttp.RequestCtx) {
	ctx.Response.Header.SetContentType(plaintext.ContentType)
	ctx.Response.SetBodyString(plaintext.Body)
}

func main() {
	addr := plaintext.AddrFlag()
	flag.Parse()
	ctx, stop := plaintext.SignalContext()
	defer stop()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: hello, Name: "fasthttp"}
	go func() {
		<-ctx.Done()
		srv.Shutdown()
	}()
	if err := srv.Serve(ln); err != nil {
		log.Fatal(err)
	}
}
