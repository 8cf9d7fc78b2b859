package handler

// Threads returns the seed's threading example: every GET is answered 200
// with one line naming what ran the request, such as "loop 0" (see
// [ConnInfo.Runner]); the seed printed its thread's name.
func Threads() *Handler {
	return New().Handle("GET", threads)
}

func threads(r *Request) {
	r.SendResponse(200, "")
	r.EndHeaders()
	r.WriteString(r.Runner())
	r.WriteString("\n")
}
