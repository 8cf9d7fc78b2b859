// Package engine runs a [handler.Handler] on gnet v2 event loops: it is the
// socket side of fastbase.
//
// Each event loop keeps one [codec.Parser], one [codec.Request] and one
// [handler.Request], and answers its connections with them in turn; a
// connection holds a small record of its own, plus a parser of its own only
// while a partial header block of it is buffered. When bytes arrive the loop
// parses every complete request in them, dispatches each to the handler in
// order, appends all responses of the batch to one pooled buffer and writes
// that buffer once. Bytes it has used are discarded from gnet's inbound
// buffer; a partial request stays there until the rest arrives. With workers
// (Server.Workers, [handler.Handler.HandleBlocking]) a request is copied into
// memory the worker owns and its answer comes back in request order.
//
// gnet has no limits and no deadlines; the engine enforces both: header and
// body sizes, buffered input and output, and the header, idle and write
// timeouts. A handler that panics is answered 500; the engine logs the panic
// (at most once per [PanicLogInterval]) and counts it in [Stats].
//
// The engine decides when a connection closes (keep-alive, errors, shutdown),
// and it never closes one while a response is still unsent: gnet's Close drops
// unsent output, so a connection that must close after a large response waits
// until its output has drained, then half-closes and lingers briefly so the
// client reads everything before it sees the reset of a full close.
//
// The engine does not parse HTTP: everything about the wire format is in
// package codec, and everything about responses in package handler.
package engine
