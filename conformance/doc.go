// Package conformance holds fastbase's black-box HTTP/1.1 conformance test:
// raw requests against a real server, each case citing its RFC section.
//
// The test starts a real [engine.Server] on a loopback port and talks to it
// over TCP only: raw request bytes go in, and what comes back — the status
// of each response, its body, its Date and Content-Length, and whether the
// server closes the connection after it — is checked against what RFC 9110
// and RFC 9112 require or allow. Every case names the section it checks.
// The package has no code of its own; run it with go test.
//
// [engine.Server]: https://pkg.go.dev/github.com/fastbase/fastbase/engine#Server
package conformance
