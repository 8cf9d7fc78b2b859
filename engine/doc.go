// Package engine runs a [handler.Handler] on gnet v2 event loops: it is the
// socket side of fastbase.
//
// Each event loop keeps one [codec.Parser], one [codec.Request] and one
// [handler.Exchange], and answers its connections with them in turn; an
// idle connection holds a 128-byte record of its own, and takes more (a
// parser of its own, the state of a body on its way, an answer that comes
// later) only while a request on it needs it. When bytes arrive the loop
// parses every complete request in them, dispatches each to the handler in
// order, appends all responses of the batch to one pooled buffer and writes
// that buffer once. Bytes it has used are discarded from gnet's inbound
// buffer; a partial request stays there until the rest arrives. With workers
// (Server.Workers, [handler.Handler.HandleBlocking]) a request is copied into
// memory the worker owns and its answer comes back in request order.
//
// gnet has no limits and no deadlines; the engine enforces both: header and
// body sizes, buffered input and output, and the header, idle and write
// timeouts. Every wait of a connection (those timeouts, the linger of a
// close, and answers that come later: [handler.Request.SendAfter] and
// [handler.Request.Stream]) is a timer on its loop's timing wheel, which
// is advanced only when something on it is due: an idle connection costs
// no work per tick. On Linux each loop runs its own wheel when a timerfd in
// its own epoll set, set for the time the wheel next has work, expires (it
// is polled as the descriptor of an "alarm" connection, see
// waker_linux.go); elsewhere one driver goroutine advances the wheels
// through Execute. [Stats.AnswerLateness] counts how late the answers that
// come later were sent. While an answer is pending its
// connection reads no further request; answers on the loop, on workers and
// later ones leave each connection in request order. A handler that panics
// is answered 500; the engine logs the panic (at most once per
// [PanicLogInterval]) and counts it in [Stats].
//
// The engine decides when a connection closes (keep-alive, errors, shutdown),
// and it never closes one while a response is still unsent: gnet's Close drops
// unsent output, so a connection that must close after a large response waits
// until its output has drained, then half-closes and lingers briefly so the
// client reads everything before it sees the reset of a full close.
//
// The engine accepts connections itself and hands them to gnet's loops
// ([gnet.Client] and Enroll): gnet's own acceptor stops the whole engine on
// an accept error, so that a client opening more connections than the
// descriptor limit would end the server. Here an accept error (EMFILE,
// ENFILE, ENOBUFS, ECONNABORTED…) makes the acceptor back off and log the
// failures, with a count, once per interval, while the open connections
// are served; [Server.MaxConns] defaults to what the descriptor limit
// allows less headroom, so that a 503 comes before the limit is reached.
//
// Memory is bounded by configuration, not by what clients do. gnet reads
// whatever a readable socket holds into the connection's inbound buffer and
// has no way to stop reading one connection, so TCP cannot push back on a
// client that sends requests and never reads the answers (nginx stops
// reading such a client; fastbase cannot). What gnet may buffer is bounded
// instead: a connection stops being answered once its unsent output passes
// MaxOutboundBytes, is cut once its unconsumed input passes
// MaxInboundBytes (by one read of 64 KiB at most), a body too large to wait
// for within that bound is consumed as it arrives into memory of its own
// (BodyMemoryBytes) or a spool file, and MaxBufferedBytes is the budget of
// all connections together: past it, the connections holding the most are
// cut, and bodies being read into memory move to their spool files. Big
// bodies are not left in gnet's buffer to be peeked again as they grow:
// gnet's Peek copies the unread bytes whenever they are not contiguous, and
// those copies were most of the heap under mixed load.
//
// A body that cannot be spooled (full disk, no descriptors) is answered
// 507 or 503, never 400, and logged once per interval with the errno.
//
// The engine does not parse HTTP: everything about the wire format is in
// package codec, and everything about responses in package handler.
package engine
