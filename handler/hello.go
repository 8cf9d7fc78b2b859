package handler

// The TechEmpower plaintext response body and its length.
const (
	helloBody   = "Hello, World!"
	helloLength = "13"
)

// Hello returns the TechEmpower plaintext handler: every GET or HEAD, whatever
// its path, is answered 200 "Hello, World!" with Server, Date, Content-Type
// text/plain and Content-Length. Its whole path, from parsed request to
// encoded response, does not allocate.
func Hello() *Handler {
	return New().Handle("GET", hello).Handle("HEAD", hello)
}

func hello(r *Request) {
	r.SendResponse(200, "")
	r.SendHeader("Content-Type", "text/plain")
	r.SendHeader("Content-Length", helloLength)
	r.EndHeaders()
	r.WriteString(helloBody)
}
