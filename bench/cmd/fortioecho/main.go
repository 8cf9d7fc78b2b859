// Command fortioecho serves fortio's echo handler (fortio.org/fortio/fhttp,
// the server behind `fortio server`) on one address, with net/http, as a
// peer for the echo scenarios: `GET /?size=1024`, `GET /?delay=100ms` and
// the other query parameters fortio's echo understands.
package main

import (
	"flag"
	"log"
	"net/http"

	"fortio.org/fortio/fhttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen on `host:port`")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(fhttp.EchoHandler)))
}
