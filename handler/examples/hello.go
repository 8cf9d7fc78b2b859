package examples

import "github.com/fastbase/fastbase/handler"

// helloBody is the TechEmpower plaintext response body.
const helloBody = "Hello, World!"

// Hello returns the TechEmpower plaintext handler: every GET or HEAD, whatever
// its path, is answered 200 "Hello, World!" with Server, Date, Content-Type
// text/plain and Content-Length. Its whole path, from parsed request to
// encoded response, does not allocate.
func Hello() *handler.Handler {
	return handler.New().HandlePrepared("GET", helloResponse).HandlePrepared("HEAD", helloResponse)
}

// helloResponse is the whole answer, built once: TechEmpower's rules let
// the Date value be cached, and nothing else in it changes.
var helloResponse = handler.NewPrepared(200, helloBody, handler.HeaderField{Name: "Content-Type", Value: "text/plain"})
