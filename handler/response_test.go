package handler

import (
	"errors"
	"strings"
	"testing"

	"github.com/fastbase/fastbase/codec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorHead is send_error's head for a code that allows a body.
func errorHead(proto string, code int, reason, message, explain string) string {
	return proto + " " + itoa(code) + " " + reason + "\r\n" + fbServer + date +
		"Connection: close\r\nContent-Type: text/html;charset=utf-8\r\n" +
		contentLength(page(code, message, explain)) + "\r\n"
}

func itoa(n int) string { return string(codec.AppendUint(nil, uint64(n))) }

// TestSendError covers send_error's variants on an HTTP/1.1 keep-alive
// request: every one closes the connection.
func TestSendError(t *testing.T) {
	tests := []struct {
		name                   string
		method                 string
		code                   int
		message, explain, want string
		wantLog                string // the "code …" line's message
	}{
		{"404 defaults", "GET", 404, "", "",
			errorHead("HTTP/1.1", 404, "Not Found", "", "") + page(404, "Not Found", ""), "Not Found"},
		{"404 HEAD: no page, same length", "HEAD", 404, "", "",
			errorHead("HTTP/1.1", 404, "Not Found", "", ""), "Not Found"},
		{"message and explain", "GET", 400, "Bad <thing> & co", "explained",
			errorHead("HTTP/1.1", 400, "Bad <thing> & co", "Bad <thing> & co", "explained") +
				page(400, "Bad <thing> & co", "explained"), "Bad <thing> & co"},
		{"204: no Content-Type, length or page", "GET", 204, "", "",
			"HTTP/1.1 204 No Content\r\n" + fbServer + date + "Connection: close\r\n\r\n", "No Content"},
		{"304: no Content-Type, length or page", "GET", 304, "", "",
			"HTTP/1.1 304 Not Modified\r\n" + fbServer + date + "Connection: close\r\n\r\n", "Not Modified"},
		{"100: no page", "GET", 100, "", "",
			"HTTP/1.1 100 Continue\r\n" + fbServer + date + "Connection: close\r\n\r\n", "Continue"},
		{"unknown code: ??? everywhere", "GET", 599, "", "",
			errorHead("HTTP/1.1", 599, "???", "???", "???") + page(599, "???", "???"), "???"},
		{"CRLF in message cannot split the response", "GET", 400, "a\r\nSet-Cookie: x", "",
			errorHead("HTTP/1.1", 400, "a  Set-Cookie: x", "a\r\nSet-Cookie: x", "") +
				page(400, "a\r\nSet-Cookie: x", ""), `a\x0d\x0aSet-Cookie: x`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New().Handle(tt.method, func(r *Request) {
				r.SendResponse(200, "")
				r.WriteString("dropped by SendError")
				r.SendError(tt.code, tt.message, tt.explain)
			})
			x := serve(t, h, seedConn, parsed(tt.method+" / HTTP/1.1"), nil, at(21, 24, 17))
			assert.Equal(t, tt.want, x.out)
			assert.False(t, x.keep)
			assert.Equal(t, tt.code, x.r.Status())
			assert.True(t, strings.HasPrefix(x.log, "127.0.0.1 - - [23/Nov/2026 21:24:17] code "+itoa(tt.code)+", message "+tt.wantLog+"\n"), x.log)
		})
	}
}

func TestUnsupportedMethod(t *testing.T) {
	tests := []struct{ method, message string }{
		{"BREW", "Unsupported method ('BREW')"},
		{"it's", `Unsupported method ("it's")`},
		{"POST", "Unsupported method ('POST')"},
	}
	for _, tt := range tests {
		x := serve(t, New().Handle("GET", runner), seedConn, parsed(tt.method+" / HTTP/1.1"), nil, at(21, 24, 17))
		assert.Equal(t, errorHead("HTTP/1.1", 501, tt.message, tt.message, "")+page(501, tt.message, ""), x.out)
		assert.False(t, x.keep)
	}
}

// TestFraming covers Finish's rules with small handlers.
func TestFraming(t *testing.T) {
	ok := "HTTP/1.1 200 OK\r\n" + fbServer + date
	ok10 := "HTTP/1.0 200 OK\r\n" + fbServer + date
	proto10 := func(h *Handler) *Handler { h.ProtocolVersion = "HTTP/1.0"; return h }
	tests := []struct {
		name     string
		h        *Handler
		req      *codec.Request
		want     string
		wantKeep bool
	}{
		{"seed style on keep-alive: Content-Length added", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("abc")
			r.Write([]byte("de"))
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: 5\r\n\r\nabcde", true},
		{"empty body: Content-Length 0", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: 0\r\n\r\n", true},
		{"head left open is ended", New().Handle("GET", func(r *Request) {
			r.SendResponse(201, "")
			r.SendHeader("X-A", "1")
		}), parsed("GET / HTTP/1.1"), "HTTP/1.1 201 Created\r\n" + fbServer + date + "X-A: 1\r\nContent-Length: 0\r\n\r\n", true},
		{"Write starts a 200", New().Handle("GET", func(r *Request) {
			r.WriteString("x")
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: 1\r\n\r\nx", true},
		{"Write ends the head", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "Fine")
			r.SendHeader("Content-Type", "text/plain")
			r.WriteString("x")
		}), parsed("GET / HTTP/1.1"), "HTTP/1.1 200 Fine\r\n" + fbServer + date + "Content-Type: text/plain\r\nContent-Length: 1\r\n\r\nx", true},
		{"HEAD without body: no length to report", New().Handle("HEAD", func(r *Request) {
			r.SendResponse(200, "")
			r.EndHeaders()
		}), parsed("HEAD / HTTP/1.1"), ok + "\r\n", true},
		{"204: no length added", New().Handle("GET", func(r *Request) {
			r.SendResponse(204, "")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), "HTTP/1.1 204 No Content\r\n" + fbServer + date + "\r\n", true},
		{"handler Content-Length matches", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("content-length", "2")
			r.EndHeaders()
			r.WriteString("ab")
		}), parsed("GET / HTTP/1.1"), ok + "content-length: 2\r\n\r\nab", true},
		{"handler Content-Length too long: close", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Content-Length", "3")
			r.EndHeaders()
			r.WriteString("ab")
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: 3\r\nConnection: close\r\n\r\nab", false},
		{"handler Content-Length too short: close", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Content-Length", "1")
			r.EndHeaders()
			r.WriteString("ab")
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: 1\r\nConnection: close\r\n\r\nab", false},
		{"handler Content-Length not a number: close", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Content-Length", "-1")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: -1\r\nConnection: close\r\n\r\n", false},
		{"handler Transfer-Encoding: trusted", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Transfer-Encoding", "chunked")
			r.EndHeaders()
			r.WriteString("1\r\na\r\n0\r\n\r\n")
		}), parsed("GET / HTTP/1.1"), ok + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", true},
		{"handler Connection: close", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Connection", "Close")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), ok + "Connection: Close\r\nContent-Length: 0\r\n\r\n", false},
		{"handler Connection list with close", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Connection", "keep-alive, Close")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), ok + "Connection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", false},
		{"handler Connection list with upgrade and close", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("connection", " upgrade ,close")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), ok + "connection:  upgrade ,close\r\nContent-Length: 0\r\n\r\n", false},
		{"protocol HTTP/1.0, handler Connection: a CR is not a dash", proto10(New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Connection", "keep\ralive")
			r.EndHeaders()
			r.WriteString("x")
		})), parsed("GET / HTTP/1.1"), ok10 + "Connection: keep alive\r\n\r\nx", false},
		{"SetCloseConnection", New().Handle("GET", func(r *Request) {
			r.SetCloseConnection(true)
			r.WriteString("x")
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: 1\r\nConnection: close\r\n\r\nx", false},
		{"client Connection: close", New().Handle("GET", runner), parsed("GET / HTTP/1.1", "Connection: close"),
			ok + runnerLength("loop 0") + "Connection: close\r\n\r\n" + runnerLine("loop 0"), false},
		{"HTTP/1.0 client without keep-alive", New().Handle("GET", runner), parsed("GET / HTTP/1.0"),
			ok + runnerLength("loop 0") + "Connection: close\r\n\r\n" + runnerLine("loop 0"), false},
		{"HTTP/1.0 client with keep-alive", New().Handle("GET", runner), parsed("GET / HTTP/1.0", "Connection: Keep-Alive"),
			ok + runnerLength("loop 0") + "Connection: keep-alive\r\n\r\n" + runnerLine("loop 0"), true},
		{"protocol HTTP/1.0: http.server's bytes", proto10(New().Handle("GET", runner)), parsed("GET / HTTP/1.1"),
			ok10 + "\r\n" + runnerLine("loop 0"), false},
		{"protocol HTTP/1.0, handler keep-alive: framed", proto10(New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Connection", "keep-alive")
			r.EndHeaders()
			r.WriteString("x")
		})), parsed("GET / HTTP/1.1"), ok10 + "Connection: keep-alive\r\nContent-Length: 1\r\n\r\nx", true},
		{"interim 100 then 200", New().Handle("GET", func(r *Request) {
			r.SendResponseOnly(100, "")
			r.EndHeaders()
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString("x")
		}), parsed("GET / HTTP/1.1"), "HTTP/1.1 100 Continue\r\n\r\n" + ok + "Content-Length: 1\r\n\r\nx", true},
		{"second SendResponse starts over", New().Handle("GET", func(r *Request) {
			r.SendResponse(500, "")
			r.SendHeader("X-Dropped", "1")
			r.EndHeaders()
			r.WriteString("dropped")
			r.SendResponse(200, "")
			r.WriteString("x")
		}), parsed("GET / HTTP/1.1"), ok + "Content-Length: 1\r\n\r\nx", true},
		{"header values cannot split the response", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("X-A\r\n", "a\r\nSet-Cookie: b\x00\tc")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), ok + "X-A  : a  Set-Cookie: b \tc\r\nContent-Length: 0\r\n\r\n", true},
		{"HTTP/0.9: body only, headers ignored", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.SendHeader("Connection", "keep-alive")
			r.EndHeaders()
			r.WriteString("x")
		}), parsed("GET /"), "x", false},
		{"nothing sent: 500", New().Handle("GET", func(*Request) {}), parsed("GET / HTTP/1.1"),
			errorHead("HTTP/1.1", 500, "Internal Server Error", "", "") + page(500, "", ""), false},
		{"only an interim response: 500", New().Handle("GET", func(r *Request) {
			r.SendResponseOnly(100, "")
			r.EndHeaders()
		}), parsed("GET / HTTP/1.1"), errorHead("HTTP/1.1", 500, "Internal Server Error", "", "") + page(500, "", ""), false},
		{"panic: what was written is replaced by a 500", New().Handle("GET", func(r *Request) {
			r.SendResponse(200, "")
			r.EndHeaders()
			r.WriteString(strings.Repeat("x", 10000))
			panic("boom")
		}), parsed("GET / HTTP/1.1"), errorHead("HTTP/1.1", 500, "Internal Server Error", "", "") + page(500, "", ""), false},
		{"misuse panics into a 500", New().Handle("GET", func(r *Request) {
			r.SendHeader("X-A", "1")
		}), parsed("GET / HTTP/1.1"), errorHead("HTTP/1.1", 500, "Internal Server Error", "", "") + page(500, "", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := serve(t, tt.h, seedConn, tt.req, nil, at(21, 24, 17))
			assert.Equal(t, tt.want, x.out)
			assert.Equal(t, tt.wantKeep, x.keep)
		})
	}
}

func TestWriteNoBodyStatus(t *testing.T) {
	var n int
	var err error
	h := New().Handle("GET", func(r *Request) {
		r.SendResponse(304, "")
		n, err = r.WriteString("x")
	})
	x := serve(t, h, seedConn, parsed("GET / HTTP/1.1"), nil, at(21, 24, 17))
	assert.Equal(t, "HTTP/1.1 304 Not Modified\r\n"+fbServer+date+"\r\n", x.out)
	assert.True(t, x.keep)
	assert.Zero(t, n)
	assert.True(t, errors.Is(err, ErrBodyNotAllowed))
}

func TestPanicReported(t *testing.T) {
	h := New().Handle("GET", func(*Request) { panic("boom") })
	x := serve(t, h, seedConn, parsed("GET / HTTP/1.1"), nil, at(21, 24, 17))
	v, stack := x.r.Panic()
	assert.Equal(t, "boom", v)
	assert.Contains(t, string(stack), "TestPanicReported")
	assert.Equal(t, 500, x.r.Status())

	x = serve(t, New().Handle("GET", runner), seedConn, parsed("GET / HTTP/1.1"), nil, at(21, 24, 17))
	v, stack = x.r.Panic()
	assert.Nil(t, v)
	assert.Nil(t, stack)

	// A Func found through the routes, or through the method table of a
	// Handler with routes, is guarded too; what it wrote is dropped.
	boom := func(r *Request) {
		r.WriteString("partial")
		panic("route")
	}
	hr := New().Route("/r", boom).Handle("GET", boom)
	for _, line := range []string{"GET /r HTTP/1.1", "GET /other HTTP/1.1"} {
		x = serve(t, hr, seedConn, parsed(line), nil, at(21, 24, 17))
		v, _ = x.r.Panic()
		assert.Equal(t, "route", v, line)
		assert.Equal(t, 500, x.r.Status(), line)
		assert.NotContains(t, x.out, "partial", line)
		assert.False(t, x.keep, line)
	}
}

// TestAccessors checks what a handler reads against the seed's attributes.
func TestAccessors(t *testing.T) {
	body := []byte("a=1")
	req := parsed("POST //x/y?q=1 HTTP/1.1", "Host: example", "X-Dup: 1", "x-dup: 2", "Content-Type: text/plain")
	h := New()
	var called bool
	h.Handle("POST", func(r *Request) {
		called = true
		assert.Equal(t, seedConn.Remote, r.ClientAddress())
		assert.Equal(t, "127.0.0.1", r.AddressString())
		assert.Equal(t, "POST", r.Command())
		assert.Equal(t, "/x/y?q=1", r.Path())
		assert.Equal(t, "HTTP/1.1", r.RequestVersion())
		assert.Equal(t, "1", r.Header("x-DUP"))
		assert.Equal(t, "", r.Header("Missing"))
		assert.Len(t, r.Headers(), 4)
		assert.Equal(t, body, r.Body())
		assert.Same(t, req, r.Parsed())
		assert.Equal(t, "loop 0", r.Runner())
		assert.Same(t, h, r.Handler())
		assert.False(t, r.CloseConnection())
		r.SetCloseConnection(true)
		assert.True(t, r.CloseConnection())
		r.WriteString("ok")
	})
	x := serve(t, h, seedConn, req, body, at(21, 24, 17))
	require.True(t, called)
	assert.False(t, x.keep)
	assert.Equal(t, "POST //x/y?q=1 HTTP/1.1", string(x.r.RequestLine()))
	assert.Equal(t, 200, x.r.Status())
	assert.Equal(t, 2, x.r.BodySize())
}

func TestZeroHandlerUsesDefaults(t *testing.T) {
	h := (&Handler{}).Handle("GET", runner)
	x := serve(t, h, nil, parsed("GET / HTTP/1.1"), nil, at(21, 24, 17))
	assert.Equal(t, "HTTP/1.1 200 OK\r\n"+fbServer+date+runnerLength("")+"\r\n"+runnerLine(""), x.out)
	assert.Equal(t, DefaultServerVersion+" "+DefaultSysVersion, h.VersionString())
	assert.Equal(t, `- - - [23/Nov/2026 21:24:17] "GET / HTTP/1.1" 200 `+runnerSize("")+"\n", x.log)
}

func TestHandleReplaces(t *testing.T) {
	h := New().Handle("GET", runner).Handle("GET", notFound)
	x := serve(t, h, seedConn, parsed("GET / HTTP/1.1"), nil, at(21, 24, 17))
	assert.Equal(t, 404, x.r.Status())
	assert.Panics(t, func() { New().Handle("", runner) })
	assert.Panics(t, func() { New().Handle("GET", nil) })
}

// TestRequestReuse answers a batch of requests with one Request and one
// output buffer, as the engine does for pipelined requests: each response
// must be what it is alone, whatever came before it.
func TestRequestReuse(t *testing.T) {
	h := New().
		Handle("GET", hello).
		Handle("HEAD", runner).
		Handle("DELETE", notFound).
		Handle("PUT", func(*Request) { panic("boom") })
	batch := []*codec.Request{
		parsed("DELETE /a HTTP/1.1"),
		parsed("GET /b HTTP/1.1"),
		parsed("PUT /c HTTP/1.1"),
		parsed("HEAD /d HTTP/1.1"),
		parsed("BREW /e HTTP/1.1"),
		parsed("GET /f HTTP/1.1"),
	}
	logAt := at(21, 24, 17)
	var want, wantLog string
	for _, req := range batch {
		x := serve(t, h, seedConn, req, nil, logAt)
		want += x.out
		wantLog += x.log
	}
	var r Exchange
	var out, log []byte
	for _, req := range batch {
		r.Begin(h, seedConn, req, nil, out)
		h.Serve(r.Request())
		out, _ = r.Finish()
		log = AppendRequestLog(log, &r, logAt)
	}
	assert.Equal(t, want, string(out))
	assert.Equal(t, wantLog, string(log))
}
