// Package browsertest drives a real browser against a real server: headless
// Chromium opens the page of the form handler, fills its text field,
// attaches a file, submits it and reads the page the server answers with.
//
// The test is behind the build tag "browser", so that `go test ./...` needs
// no browser. Run it with
//
//	apt-get install -y chromium
//	go test -tags browser ./browsertest/
//
// It talks to Chromium over the DevTools protocol through a small WebSocket
// client of its own (standard library only), and skips with a message when
// no chromium binary is found. The package has no non-test code.
package browsertest
