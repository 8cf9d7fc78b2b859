// Package admin is fastbase's operations listener: a small net/http server,
// on its own port and its own goroutines, never on the event loops, that
// serves
//
//   - /metrics: the engine's counters in the Prometheus exposition format
//     (see [NewCollector] for the list), plus the Go runtime's and the
//     process's, read when they are scraped;
//   - /healthz: 200 while the server is serving and 503 once it is
//     draining, so that a load balancer stops sending it clients before it
//     exits;
//   - /debug/pprof/: the runtime profiles of net/http/pprof.
//
// It reads the engine only through [Source], which *engine.Server
// implements, and costs the event loops nothing between scrapes: the
// engine keeps its counters with atomics whether or not anyone reads them.
//
// This package and cmd/fastbase are the only ones that import the
// Prometheus client library; the library packages (codec, handler, engine)
// stay free of it.
package admin
