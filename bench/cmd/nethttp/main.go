// Command nethttp answers TechEmpower's plaintext test with the standard
// library's net/http server, the baseline most Go users start from.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/fastbase/fastbase/bench/internal/plaintext"
)

const serverName = "net/http"

// Header values are shared slices: net/http only reads them, so assigning
// them to the response header map costs no allocation per request.
var (
	serverValue = []string{serverName}
	typeValue   = []string{plaintext.ContentType}
	lengthValue = []string{plaintext.ContentLength}
	body        = []byte(plaintext.Body)
	dateValue   atomic.Pointer[[]string]
)

func hello(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h["Server"] = serverValue
	h["Content-Type"] = typeValue
	h["Content-Length"] = lengthValue
	h["Date"] = *dateValue.Load()
	w.Write(body)
}

func main() {
	addr := plaintext.AddrFlag()
	flag.Parse()
	ctx, stop := plaintext.SignalContext()
	defer stop()
	plaintext.EverySecond(ctx, func(now time.Time) {
		v := []string{string(plaintext.AppendDate(nil, now))}
		dateValue.Store(&v)
	})

	srv := &http.Server{Addr: *addr, Handler: http.HandlerFunc(hello)}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
