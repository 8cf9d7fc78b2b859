package examples

import "github.com/fastbase/fastbase/handler"

// NotFound returns the seed's error example: every GET is answered with
// [handler.Request.SendError](404), http.server's "404 Not Found" page. Like the
// seed it has no HEAD method, so HEAD gets 501.
func NotFound() *handler.Handler {
	return handler.New().Handle("GET", notFound)
}

func notFound(r *handler.Request) {
	r.SendError(404, "", "")
}
