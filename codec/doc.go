// Package codec is fastbase's HTTP/1.x wire format: it turns bytes into requests
// and responses into bytes, and does nothing else.
//
// It owns request parsing ([Parser], [Request], [Error]), body framing, response
// encoding (status lines, headers, the cached Date value, the default error
// page) and the status table that mirrors Python's http.server.
//
// # Parsing
//
// The parser is a pure function of the bytes it is given. Fed whatever has
// arrived on a connection — part of a request, exactly one, or many pipelined
// ones — [Parser.Parse] returns one request header block and the number of bytes
// it used, or [ErrNeedMore], or an [*Error] that carries the HTTP status to
// answer with. It keeps a few offsets of state between calls, so a request that
// arrives one byte at a time costs O(n) in total, and it does not allocate once
// a [Request] has grown to the largest header count it sees. A block that
// arrives whole is parsed with one vectorised pass (SSSE3, or AVX2 where the
// processor and the operating system support it, chosen at run time;
// portable Go on other processors) that finds every line end and field name
// and refuses control characters for the whole block, then a short loop
// over the lines.
//
// What it accepts and the words it refuses with follow http.server: the request
// line is split into words as parse_request splits it, with the same 400 and 505
// messages, two words are HTTP/0.9, and the limits are http.client's (a 65536-byte
// request line, 414; a 65536-byte header line or 100 lines, 431), all
// configurable through [Limits]. Where http.server reads a request it should
// not, the parser follows RFC 9110 and RFC 9112 instead and refuses it with 400:
// control characters, a method that is not a token, whitespace before a colon,
// folded lines, a missing, repeated or malformed Host in HTTP/1.1, a bad or
// conflicting Content-Length, and any Transfer-Encoding other than a final
// chunked (501 for a coding it does not decode); an expectation other than
// 100-continue gets 417. Leading empty lines before a request are skipped.
//
// # Bodies and forms
//
// [ChunkedDecoder] decodes a chunked body as it arrives, in pieces of any size,
// without allocating. [URLEncodedScanner] and [MultipartParser] read the two
// kinds of posted form, the multipart one incrementally: it finds boundaries
// across piece edges and hands part data out as views, so a form never has to
// be held whole in memory.
//
// A [Request] is a view: its byte slices point into the buffer that was parsed and
// are valid only until that buffer is changed or released. Copy what must outlive
// the call.
//
// # Shared rules
//
// The byte rules the parser applies are exported for the response side, so
// that each has one implementation: [EqualFold], [IndexBadFieldByte],
// [BlankBadFieldBytes], [ParseContentLength], [ConnectionOptions],
// [AppendFormUnescape] and [AppendPathUnescape]. [Method] is the one table
// of known methods ([LookupMethod], [Method.Safe]), and [ContinueResponse]
// the interim answer to "Expect: 100-continue". [Request.CopyTo] makes a
// parsed request that outlives its buffer, for one that waits or travels.
//
// The package does no I/O, starts no goroutines and does not know about gnet.
package codec
