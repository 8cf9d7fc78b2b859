// Command nbhttp answers TechEmpower's plaintext test with lesismal/nbio's
// nbhttp: an epoll event loop with a net/http-compatible handler API.
//
// One poller goroutine, with nbhttp's default executor: handlers run on its
// goroutine pool, as nbhttp users run it. Running them inline on the poller
// (ServerExecutor calling the function directly) would be faster but
// deadlocks in v1.6.8 when a handler's response closes the connection
// ("Connection: close"): the close path takes the parser's lock that Parse
// already holds.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/fastbase/fastbase/bench/internal/plaintext"
	"github.com/lesismal/nbio/logging"
	"github.com/lesismal/nbio/nbhttp"
)

const serverName = "nbhttp"

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

	logging.SetLevel(logging.LevelError)
	engine := nbhttp.NewEngine(nbhttp.Config{
		Network: "tcp",
		Addrs:   []string{*addr},
		NPoller: 1,
		Handler: http.HandlerFunc(hello),
	})
	if err := engine.Start(); err != nil {
		log.Fatal(err)
	}
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	engine.Shutdown(shutdown)
}
