// Command gohttpbin serves go-httpbin (github.com/mccutchen/go-httpbin/v2)
// with net/http on one address, as a peer for the httpbin scenarios:
// GET /get, /delay/{d} and the rest of its routes.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen on `host:port`")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, httpbin.New()))
}
