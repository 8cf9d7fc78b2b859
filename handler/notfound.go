package handler

// NotFound returns the seed's error example: every GET is answered with
// [Request.SendError](404), http.server's "404 Not Found" page. Like the
// seed it has no HEAD method, so HEAD gets 501.
func NotFound() *Handler {
	return New().Handle("GET", notFound)
}

func notFound(r *Request) {
	r.SendError(404, "", "")
}
