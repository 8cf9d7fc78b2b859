package handler_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler"
)

// The examples below are the seed's four servers written as a library user
// writes them: a Handler with one Func per method, served by an
// engine.Server. Each runs for real on a free port of 127.0.0.1 and is
// checked by `go test`.

// Example serves a handler and asks it for a page: the whole life of a
// fastbase server in a program.
func Example() {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "text/plain")
		r.EndHeaders()
		fmt.Fprintf(r, "Hello from %s\n", r.Path())
	})
	srv := &engine.Server{Addr: "127.0.0.1:0", Handler: h, Loops: 1}
	go func() { _ = srv.ListenAndServe(context.Background()) }() // returns engine.ErrServerClosed after Shutdown
	<-srv.Ready()

	resp, err := http.Get("http://" + srv.ListenAddr().String() + "/greeting")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status)
	fmt.Print(string(body))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	// Output:
	// 200 OK
	// Hello from /greeting
}

// The seed's GET example: the handler reports what it sees of the request
// and of itself. Like the seed, it sends no Content-Length; fastbase adds
// it so the connection can stay open.
func ExampleHandler_Handle() {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		realPath, query, _ := strings.Cut(r.Path(), "?")
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "text/plain; charset=utf-8")
		r.EndHeaders()
		fmt.Fprintf(r, "CLIENT VALUES:\n")
		fmt.Fprintf(r, "client_address=%s\n", r.AddressString())
		fmt.Fprintf(r, "command=%s\n", r.Command())
		fmt.Fprintf(r, "path=%s\n", r.Path())
		fmt.Fprintf(r, "real path=%s\n", realPath)
		fmt.Fprintf(r, "query=%s\n", query)
		fmt.Fprintf(r, "request_version=%s\n", r.RequestVersion())
		fmt.Fprintf(r, "\nSERVER VALUES:\n")
		fmt.Fprintf(r, "server_version=%s\n", r.Handler().ServerVersion)
		fmt.Fprintf(r, "protocol_version=%s\n", r.Handler().ProtocolVersion)
	})
	serveExample(h, func(base string) {
		printResponse(http.Get(base + "/?foo=bar"))
	})
	// Output:
	// 200 OK
	// Content-Length: 188
	// Content-Type: text/plain; charset=utf-8
	//
	// CLIENT VALUES:
	// client_address=127.0.0.1
	// command=GET
	// path=/?foo=bar
	// real path=/
	// query=foo=bar
	// request_version=HTTP/1.1
	//
	// SERVER VALUES:
	// server_version=fastbase/0.1
	// protocol_version=HTTP/1.1
}

// The seed's threading example names the thread that ran each request.
// A fastbase handler runs on an event loop, and Request.Runner names it.
// A handler that blocks (sleeps, waits on a database) would stall every
// connection of its loop: register it with [Handler.HandleBlocking]
// instead of Handle, and it runs on a worker, as ThreadingMixIn's handlers
// run on threads.
func ExampleRequest_Runner() {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		r.SendResponse(200, "")
		r.EndHeaders()
		fmt.Fprintln(r, r.Runner())
	})
	serveExample(h, func(base string) {
		for range 2 {
			printBody(http.Get(base + "/"))
		}
	})
	// Output:
	// loop 0
	// loop 0
}

// The seed's POST example: the handler decodes the posted form, a text
// field and a file upload, and echoes it.
func ExampleRequest_Form() {
	h := handler.New().Handle("POST", func(r *handler.Request) {
		fields, err := r.Form()
		if err != nil {
			r.SendError(400, err.Error(), "")
			return
		}
		r.SendResponse(200, "")
		r.EndHeaders()
		fmt.Fprintf(r, "Path: %s\nForm data:\n", r.Path())
		for _, f := range fields {
			if f.IsFile() {
				fmt.Fprintf(r, "\tUploaded %s as %q (%d bytes)\n", f.Name, f.Filename, f.Size)
			} else {
				fmt.Fprintf(r, "\t%s=%s\n", f.Name, f.Value)
			}
		}
	})

	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	_ = form.WriteField("name", "dhellmann")
	file, _ := form.CreateFormFile("datafile", "notes.txt")
	_, _ = file.Write([]byte(strings.Repeat("fastbase\n", 100)))
	_ = form.Close()

	serveExample(h, func(base string) {
		printBody(http.Post(base+"/upload", form.FormDataContentType(), &body))
	})
	// Output:
	// Path: /upload
	// Form data:
	// 	name=dhellmann
	// 	Uploaded datafile as "notes.txt" (900 bytes)
}

// The seed's error example: every GET is answered with send_error(404),
// http.server's error page, and the connection closes after it.
func ExampleRequest_SendError() {
	h := handler.New().Handle("GET", func(r *handler.Request) {
		r.SendError(404, "", "")
	})
	serveExample(h, func(base string) {
		printResponse(http.Get(base + "/missing"))
	})
	// Output:
	// 404 Not Found
	// Connection: close
	// Content-Length: 330
	// Content-Type: text/html;charset=utf-8
	//
	// <!DOCTYPE HTML>
	// <html lang="en">
	//     <head>
	//         <meta charset="utf-8">
	//         <title>Error response</title>
	//     </head>
	//     <body>
	//         <h1>Error response</h1>
	//         <p>Error code: 404</p>
	//         <p>Message: Not Found.</p>
	//         <p>Error code explanation: 404 - Nothing matches the given URI.</p>
	//     </body>
	// </html>
}

// serveExample serves h on a free port of 127.0.0.1 while do runs.
func serveExample(h *handler.Handler, do func(base string)) {
	srv := &engine.Server{Addr: "127.0.0.1:0", Handler: h, Loops: 1}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(context.Background()) }()
	select {
	case <-srv.Ready():
	case err := <-done:
		fmt.Fprintln(os.Stderr, err)
		return
	}
	do("http://" + srv.ListenAddr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	<-done
}

// printResponse prints a response's status, the headers that do not change
// from run to run (not Date, not Server with its Go version) and its body.
func printResponse(resp *http.Response, err error) {
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
	if resp.Close {
		fmt.Println("Connection: close")
	}
	for _, name := range []string{"Content-Length", "Content-Type"} {
		if v := resp.Header.Get(name); v != "" {
			fmt.Printf("%s: %s\n", name, v)
		}
	}
	fmt.Println()
	_, _ = io.Copy(os.Stdout, resp.Body)
}

// printBody prints a response's body.
func printBody(resp *http.Response, err error) {
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(os.Stdout, resp.Body)
}
