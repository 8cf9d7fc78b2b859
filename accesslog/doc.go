// Package accesslog keeps the access log off the event loops: a [Writer] is
// an io.Writer for engine.Server's AccessLog field whose Write only copies
// the lines into a bounded in-memory buffer and returns. One background
// goroutine writes the buffered lines to the real destination (stderr, a
// file, a pipe).
//
// A slow disk or a pipe nobody reads therefore never blocks a loop: when
// the buffer is full, the lines that do not fit are dropped, whole lines
// only, and counted. [Writer.Dropped] reports the count (engine.Server.Stats
// reads it as LogLinesDropped), and the Writer logs it through log/slog
// periodically and when it is closed.
//
// [OpenFile] opens the destination named by a command line's -access-log
// flag; a named pipe with no reader yet is opened in the background, so
// starting the server never waits for a reader either.
//
// The package does not format lines: handler.AppendRequestLog does, and the
// engine hands each batch of lines to [Writer.Write].
package accesslog
