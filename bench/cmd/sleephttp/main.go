// Command sleephttp is the plain Go way to simulate a slow backend: net/http
// with time.Sleep in the handler, a goroutine per waiting request. It
// answers every request after ?delay= (a Go duration, at most 10 s) with
// "Hello, World!".
package main

import (
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen on `host:port`")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d, err := time.ParseDuration(r.URL.Query().Get("delay")); err == nil && d > 0 {
			time.Sleep(min(d, 10*time.Second))
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!"))
	})))
}
