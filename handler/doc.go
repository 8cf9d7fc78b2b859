// Package handler is fastbase's BaseHTTPRequestHandler: the API a request
// handler is written against, method dispatch and routing, response
// framing, forms, and the access log format.
//
// # Writing a handler
//
// A [Handler] is a table of [Func] by method, plus the attributes of
// http.server's handler class (ServerVersion, SysVersion, ProtocolVersion).
// A Func gets a [*Request], the request and its response, named as in
// the seed so that a reader of Python's http.server finds every piece:
//
//	h := handler.New().Handle("GET", func(r *handler.Request) {
//		r.SendResponse(200, "")
//		r.SendHeader("Content-Type", "text/plain")
//		r.EndHeaders()
//		fmt.Fprintf(r, "path=%s\n", r.Path())
//	})
//
// Request accessors: [Request.ClientAddress], [Request.AddressString],
// [Request.Command], [Request.Path], [Request.RequestVersion],
// [Request.Header], [Request.Headers], [Request.Body], and [Request.Parsed]
// for the zero-copy [codec.Request]. Response calls: [Request.SendResponse],
// [Request.SendHeader], [Request.EndHeaders], [Request.Write] and
// [Request.SendError]. In a Handler without routes a method with no Func
// is answered 501 "Unsupported method ('BREW')"; a panic in a Func becomes
// a 500 page
// ([Exchange.Panic] hands the value and stack to the server, which logs it).
//
// A response that never changes is built once with [NewPrepared] and sent
// with [Request.SendPrepared]; [Handler.HandlePrepared] makes one a
// method's whole answer, which costs the least of all: no Func runs, so no
// recover guards it, and for a keep-alive HTTP/1.1 request the server
// appends it with [Handler.AppendPrepared], without an [Exchange].
//
// # Routing
//
// [Handler.Route] registers a Func for a pattern in net/http.ServeMux's
// syntax, such as "GET /status/{code}" or "/anything/", and picks among
// patterns as ServeMux does, most specific first; [Request.PathValue] gives
// a wildcard's value and [Request.Pattern] the pattern that matched. What no
// route takes goes to the method table, then gets ServeMux's 404, 405 with
// Allow, or redirect. Query parameters are read with [Request.Query] (raw)
// and [Request.QueryValue] (decoded).
//
//	h := handler.New().
//		Route("GET /status/{code}", status).
//		Route("/", echo)
//
// # Bodies and forms
//
// The server hands a body over whole in memory, spooled to a file
// ([Exchange.SetBodyFile]) or as a stream ([Exchange.SetBodyReader]);
// [Request.BodyReader] and [Request.BodyLength] read any of them.
// [Request.Form] decodes an urlencoded or multipart/form-data body into
// [Field] values in the order posted, the replacement for the seed's
// cgi.FieldStorage: parts of an in-memory body are views into it, big parts
// of other bodies stay in the spooled file or spill to temporary files, and
// the end of the request closes and removes every such file. [FormConfig], the Forms field of a [Handler], bounds it all.
//
// # Lifetime
//
// A Request belongs to the goroutine running its Func, an event loop or a
// worker, until the Func returns, and so do the views it hands out; the
// doc of [Request] says it once for all its methods. The response is built
// in memory and written to the socket after the Func returns, so handler
// calls never block on the network.
//
// # Framing
//
// A handler may leave Content-Length out, as the seed's handlers do:
// [Exchange.Finish] adds it, so seed-style handlers work on keep-alive
// connections. It also decides whether the connection may stay open,
// following http.server (HTTP/0.9 and errors close, ProtocolVersion
// "HTTP/1.0" closes) and closing whenever the body does not match a
// Content-Length the handler sent. With ProtocolVersion "HTTP/1.0" the
// responses are http.server's byte for byte.
//
// # Answers that come later
//
// A Func runs on an event loop and must not block it. To answer late it calls
// Request.SendAfter (the response it wrote leaves after a delay), and to send
// a body in pieces over time it calls Request.Stream with a StreamFunc, which
// the server calls on the loop's timers to write each piece (Stream.Write)
// and to ask for the next (Stream.After). No goroutine waits meanwhile, and
// requests pipelined behind such an answer are answered after it, in order.
//
// # Server side
//
// The server's side of a request is its own type, [Exchange], so that
// nothing a handler can reach starts or finishes a request: the engine
// drives each request with [Exchange.Begin], [Handler.Serve] (or
// [Exchange.ServeParseError] for a request the parser refused) and
// [Exchange.Finish], then logs it with [AppendRequestLog];
// [Exchange.Later] tells it what is left for later, and it runs the
// [Continuation] of a [Stream] on its timers. This package knows
// nothing of sockets or gnet: it reads a parsed request and appends bytes to
// a buffer.
//
// # Applications
//
// Applications written on this API alone live beside it: package
// handler/examples holds the seed's examples and the TechEmpower plaintext
// handler, and package handler/httpbin go-httpbin's routes and fortio's
// echo.
package handler
