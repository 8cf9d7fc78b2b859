// Package engine runs a [handler.Handler] on gnet v2 event loops: it is the
// socket side of fastbase.
//
// For each connection the engine keeps a [codec.Parser], a reusable
// [codec.Request] and a [handler.Request]. When bytes arrive it parses every
// complete request in them, dispatches each to the handler in order, appends
// all responses of the batch to one pooled buffer and writes that buffer once.
// Bytes it has used are discarded from gnet's inbound buffer; a partial request
// stays there until the rest arrives.
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
