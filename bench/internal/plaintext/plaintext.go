// Package plaintext holds what every peer server in bench/ shares for
// TechEmpower's plaintext test: the response body and headers, a Date value
// refreshed once a second instead of formatted per request, the -addr flag and
// shutdown on SIGINT/SIGTERM.
//
// Each server encodes the response with its own library; this package only
// keeps the values identical across them.
package plaintext

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Body is the response body of the plaintext test.
const Body = "Hello, World!"

// ContentType is the Content-Type header value of the plaintext response.
const ContentType = "text/plain"

// ContentLength is the Content-Length header value, len([Body]) in decimal.
const ContentLength = "13"

// DefaultAddr is where a server listens unless -addr says otherwise.
const DefaultAddr = "127.0.0.1:8081"

// imfFixdate is RFC 9110's preferred Date format (net/http's TimeFormat).
const imfFixdate = "Mon, 02 Jan 2006 15:04:05 GMT"

// AppendDate appends t as an IMF-fixdate, always in GMT.
func AppendDate(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, imfFixdate)
}

// AddrFlag registers -addr and returns it; call [flag.Parse] afterwards.
func AddrFlag() *string {
	return flag.String("addr", DefaultAddr, "listen address (host:port)")
}

// SignalContext returns a context that is cancelled on SIGINT or SIGTERM.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// EverySecond calls refresh with the current time now and then once a second
// until ctx ends. Servers rebuild their cached Date representation in refresh,
// so the per-request path only loads a pointer.
func EverySecond(ctx context.Context, refresh func(now time.Time)) {
	refresh(time.Now())
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				refresh(now)
			}
		}
	}()
}
