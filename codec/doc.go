// Package codec is fastbase's HTTP/1.x wire format: it turns bytes into requests
// and responses into bytes, and does nothing else.
//
// It owns request parsing ([Parser], [Request], [Error]), body framing, response
// encoding (status lines, headers, the cached Date value, the default error
// page) and the status table that mirrors Python's http.server.
//
// The parser is a pure function of the bytes it is given. Fed whatever has
// arrived on a connection — part of a request, exactly one, or many pipelined
// ones — [Parser.Parse] returns one request and the number of bytes it used, or
// [ErrNeedMore], or an [*Error] that carries the HTTP status to answer with. It
// keeps a few integers of state between calls, so a request that arrives one byte
// at a time costs O(n) in total, and it does not allocate once a [Request] has
// grown to the largest header count it sees.
//
// A [Request] is a view: its byte slices point into the buffer that was parsed and
// are valid only until that buffer is changed or released. Copy what must outlive
// the call.
//
// The package does no I/O, starts no goroutines and does not know about gnet.
package codec
