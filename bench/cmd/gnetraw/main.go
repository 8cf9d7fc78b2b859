// Command gnetraw is the speed of light for an HTTP server on gnet v2: it does
// not parse HTTP at all. It splits the inbound bytes on the blank line that
// ends a header block and answers each block with one canned plaintext
// response, all of a batch in one write.
//
// It is correct only for bodiless requests that arrive whole, which is what
// the load generators send; no real server may take this shortcut, which is
// why its numbers are the ceiling for anything built on gnet.
package main

import (
	"bytes"
	"context"
	"flag"
	"log"
	"sync/atomic"
	"time"

	"github.com/fastbase/fastbase/bench/internal/plaintext"
	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"
)

const serverName = "gnetraw"

var (
	headerEnd = []byte("\r\n\r\n")
	// closeField is the one header line gnetraw looks for, so that the
	// close scenario costs it a server-side close like every other peer.
	closeField = []byte("\r\nConnection: close\r\n")
)

// responses are the two canned answers, rebuilt together each second.
type responses struct {
	keepAlive []byte
	closing   []byte // with "Connection: close", so clients don't read the close as an error
}

// server keeps the one event loop's output buffer: with a single loop no two
// OnTraffic calls run at once, and gnet copies what the kernel did not take.
type server struct {
	gnet.BuiltinEventEngine
	responses atomic.Pointer[responses]
	out       []byte
	booted    chan gnet.Engine
}

// OnBoot hands the engine to main so a signal can stop it.
func (s *server) OnBoot(eng gnet.Engine) gnet.Action {
	s.booted <- eng
	return gnet.None
}

// refresh rebuilds the canned responses around a new Date value.
func (s *server) refresh(now time.Time) {
	s.responses.Store(&responses{
		keepAlive: appendResponse(nil, now, ""),
		closing:   appendResponse(nil, now, "Connection: close\r\n"),
	})
}

func appendResponse(dst []byte, now time.Time, extra string) []byte {
	dst = append(dst, "HTTP/1.1 200 OK\r\nServer: "+serverName+
		"\r\nContent-Type: "+plaintext.ContentType+
		"\r\nContent-Length: "+plaintext.ContentLength+
		"\r\nDate: "...)
	dst = plaintext.AppendDate(dst, now)
	dst = append(dst, "\r\n"...)
	dst = append(dst, extra...)
	return append(dst, "\r\n"+plaintext.Body...)
}

// OnTraffic answers every complete header block in the inbound buffer and
// leaves a partial one for the next call.
func (s *server) OnTraffic(c gnet.Conn) gnet.Action {
	in, _ := c.Peek(-1)
	r := s.responses.Load()
	out := s.out[:0]
	consumed := 0
	closing := false
	for {
		i := bytes.Index(in[consumed:], headerEnd)
		if i < 0 {
			break
		}
		block := in[consumed : consumed+i+2]
		consumed += i + len(headerEnd)
		if bytes.Contains(block, closeField) {
			out = append(out, r.closing...)
			closing = true
			break
		}
		out = append(out, r.keepAlive...)
	}
	s.out = out
	if consumed == 0 {
		return gnet.None
	}
	c.Discard(consumed)
	c.Write(out)
	if closing {
		return gnet.Close
	}
	return gnet.None
}

func main() {
	addr := plaintext.AddrFlag()
	flag.Parse()
	ctx, stop := plaintext.SignalContext()
	defer stop()

	s := &server{booted: make(chan gnet.Engine, 1)}
	plaintext.EverySecond(ctx, s.refresh)
	go func() {
		eng := <-s.booted
		<-ctx.Done()
		eng.Stop(context.Background())
	}()
	err := gnet.Run(s, "tcp://"+*addr,
		gnet.WithMulticore(false),
		gnet.WithNumEventLoop(1),
		gnet.WithLogLevel(logging.ErrorLevel),
	)
	if err != nil {
		log.Fatal(err)
	}
}
