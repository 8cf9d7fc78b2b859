package handler_test

import (
	"fmt"
	"net/http"

	"github.com/fastbase/fastbase/handler"
)

// Routes in net/http.ServeMux's pattern syntax: the most specific pattern
// answers, wildcards are read by name, and what no route takes gets
// ServeMux's answers: a redirect to the path with a trailing slash, 405
// with Allow, 404.
func ExampleHandler_Route() {
	h := handler.New().
		Route("GET /status/{code}", func(r *handler.Request) {
			fmt.Fprintf(r, "status route, code %s\n", r.PathValue("code"))
		}).
		Route("GET /status/teapot", func(r *handler.Request) {
			r.WriteString("the more specific route\n")
		}).
		Route("/files/{path...}", func(r *handler.Request) {
			fmt.Fprintf(r, "file %q\n", r.PathValue("path"))
		})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	serveExample(h, func(base string) {
		printBody(http.Get(base + "/status/503"))
		printBody(http.Get(base + "/status/teapot"))
		printBody(http.Get(base + "/files/css/site%20main.css"))
		resp, err := noRedirect.Get(base + "/files?v=2")
		if err == nil {
			fmt.Println(resp.Status, resp.Header.Get("Location"))
			resp.Body.Close()
		}
		resp, err = http.Post(base+"/status/200", "text/plain", nil)
		if err == nil {
			fmt.Println(resp.Status, "Allow:", resp.Header.Get("Allow"))
			resp.Body.Close()
		}
		resp, err = http.Get(base + "/nothing")
		if err == nil {
			fmt.Println(resp.Status)
			resp.Body.Close()
		}
	})
	// Output:
	// status route, code 503
	// the more specific route
	// file "css/site main.css"
	// 307 Temporary Redirect /files/?v=2
	// 405 Method Not Allowed Allow: GET, HEAD
	// 404 Not Found
}
