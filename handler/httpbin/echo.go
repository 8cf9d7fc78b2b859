package httpbin

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"math"
	mrand "math/rand"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// echoParams is what a query asks of the echo, in fortio's terms.
type echoParams struct {
	status  int
	size    int // -1: echo the request body
	close   bool
	gzip    bool
	delay   time.Duration
	headers []handler.HeaderField
	// The faults beyond fortio's.
	reset    bool // a TCP reset instead of the answer
	truncate int  // body bytes sent before the connection closes; -1 for all
	rate     int  // body bytes per second; 0 for at once
}

// parseEchoQuery reads fortio's parameters from query, rolling the dice of
// the weighted ones with roll (a number in [0, 1)). Other parameters are
// ignored, as fortio ignores them.
func (a *app) parseEchoQuery(query []byte, roll func() float64, acceptsGzip bool) (echoParams, error) {
	p := echoParams{status: 200, size: -1, truncate: -1}
	var s codec.URLEncodedScanner
	s.Limits.MaxParts = math.MaxInt
	s.Reset(query)
	for s.Next() {
		value := s.Value()
		var err error
		switch string(s.Name()) {
		case "status":
			if n, ok := codec.ParseContentLength(value); ok && n >= 200 && n <= 999 {
				p.status = int(n)
			} else if len(value) > 0 {
				p.status, err = pickStatus(string(value), roll)
			}
		case "size":
			if n, ok := codec.ParseContentLength(value); ok {
				p.size = int(min(n, a.maxBody))
			} else if len(value) > 0 {
				p.size, err = a.pickSize(string(value), roll)
			}
		case "close":
			p.close = chance(string(value), roll)
		case "gzip":
			p.gzip = acceptsGzip && chance(string(value), roll)
		case "delay":
			if len(value) > 0 {
				p.delay, err = a.pickDelay(string(value), roll)
			}
		case "reset":
			p.reset = chance(string(value), roll)
		case "truncate":
			if len(value) > 0 {
				p.truncate, err = pickCount("truncate", string(value), roll, -1)
			}
		case "rate":
			if len(value) > 0 {
				p.rate, err = pickCount("rate", string(value), roll, 0)
			}
		case "header":
			if len(value) > 0 {
				var f handler.HeaderField
				if f, err = parseHeaderParam(string(value)); err == nil {
					p.headers = append(p.headers, f)
				}
			}
		}
		if err != nil {
			return p, err
		}
	}
	if err := s.Err(); err != nil {
		return p, fmt.Errorf("query: %v", err)
	}
	return p, nil
}

// CheckEchoQuery reports what the echo would refuse in query, a query
// string of its parameters such as [Options].EchoDefault; nil when it
// would answer it.
func CheckEchoQuery(query string) error {
	a := &app{maxBody: DefaultMaxBodySize, maxDuration: DefaultMaxDuration}
	_, err := a.parseEchoQuery([]byte(query), func() float64 { return 0 }, true)
	return err
}

// percentEntry is one "value:percent" of a fortio list, with the running
// sum of the percentages up to it.
type percentEntry struct {
	value      int
	cumulative float32
}

// parsePercentList reads fortio's "v1:p1,v2:p2" list: percentages from 0
// to 100 (a trailing '%' allowed) adding up to at most 100.
func parsePercentList(list string, parseValue func(string) (int, error)) ([]percentEntry, error) {
	var entries []percentEntry
	sum := 0.0
	for _, entry := range strings.Split(list, ",") {
		raw, rawPercent, found := strings.Cut(entry, ":")
		if !found || strings.Contains(rawPercent, ":") {
			return nil, fmt.Errorf("%s: want value:percent", strconv.Quote(entry))
		}
		v, err := parseValue(raw)
		if err != nil {
			return nil, err
		}
		p, err := strconv.ParseFloat(strings.TrimSuffix(rawPercent, "%"), 32)
		if err != nil || p < 0 || p > 100 {
			return nil, fmt.Errorf("%s: the percentage must be a number from 0 to 100", strconv.Quote(entry))
		}
		sum += p
		// Rounded so that percentages meant to add up to 100 do.
		cumulative := float32(math.Round(sum*1e4) / 1e4)
		if cumulative > 100 {
			return nil, fmt.Errorf("%s: the percentages add up to more than 100", strconv.Quote(list))
		}
		entries = append(entries, percentEntry{v, cumulative})
	}
	return entries, nil
}

// pickPercent rolls 0 to 100 and returns the value of the first entry
// whose running sum reaches the roll, or def when none does: the
// remainder of a list that adds up to less than 100 goes to def.
func pickPercent(entries []percentEntry, roll func() float64, def int) int {
	x := float32(100 * roll())
	for _, e := range entries {
		if x <= e.cumulative {
			return e.value
		}
	}
	return def
}

// pickStatus reads "503" or "503:20,404:10" (the rest 200).
func pickStatus(v string, roll func() float64) (int, error) {
	if !strings.ContainsAny(v, ":,") {
		return parseEchoStatus(v)
	}
	entries, err := parsePercentList(v, parseEchoStatus)
	if err != nil {
		return 0, fmt.Errorf("status %v", err)
	}
	return pickPercent(entries, roll, 200), nil
}

func parseEchoStatus(v string) (int, error) {
	code, err := strconv.Atoi(v)
	if err != nil || code < 200 || code > 999 {
		return 0, fmt.Errorf("status %s: want a final status code from 200 to 999, or code:percent,… pairs", strconv.Quote(v))
	}
	return code, nil
}

// pickSize reads "1024" or "512:20,16384:10" (the rest echo the body); a
// size above the maximum is cut to it, as fortio cuts to its own.
func (a *app) pickSize(v string, roll func() float64) (int, error) {
	parse := func(v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("size %s: want a byte count, or size:percent,… pairs", strconv.Quote(v))
		}
		return int(min(int64(n), a.maxBody)), nil
	}
	if !strings.ContainsAny(v, ":,") {
		return parse(v)
	}
	entries, err := parsePercentList(v, parse)
	if err != nil {
		return 0, fmt.Errorf("size %v", err)
	}
	return pickPercent(entries, roll, -1), nil
}

// chance reads fortio's close= and gzip=: "" and "false" never, "true"
// (or anything that is not a number) always, a number that percent of the
// time.
func chance(v string, roll func() float64) bool {
	switch v {
	case "", "false":
		return false
	case "true":
		return true
	}
	p, err := strconv.ParseFloat(v, 32)
	if err != nil {
		return true
	}
	return float32(100*roll()) <= float32(p)
}

// parseHeaderParam reads header=Name:Value; the name is canonicalized and
// the value trimmed, as net/http writes what fortio adds.
func parseHeaderParam(v string) (handler.HeaderField, error) {
	name, value, found := strings.Cut(v, ":")
	if !found || !codec.IsToken(name) {
		return handler.HeaderField{}, fmt.Errorf("header %s: want Name:Value", strconv.Quote(v))
	}
	return handler.HeaderField{Name: textproto.CanonicalMIMEHeaderKey(name), Value: strings.TrimSpace(value)}, nil
}

// echoQuery is the query the echo reads: the request's, or EchoDefault for
// a target without '?'.
func (a *app) echoQuery(r *handler.Request) []byte {
	if len(a.echoDefault) > 0 && bytes.IndexByte(r.Parsed().Target, '?') < 0 {
		return a.echoDefault
	}
	return r.Query()
}

// acceptsGzip is fortio's test: "gzip" anywhere in Accept-Encoding.
func acceptsGzip(r *handler.Request) bool {
	return bytes.Contains(r.Parsed().Header("Accept-Encoding"), []byte("gzip"))
}

// echo is fortio's echo: the request body back with its Content-Type, or a
// payload of the size asked for, with the status, headers, compression and
// closing the query asks for.
func (a *app) echo(r *handler.Request) {
	p, err := a.parseEchoQuery(a.echoQuery(r), a.rand, acceptsGzip(r))
	if err != nil {
		echoError(r, 400, err)
		return
	}
	var body []byte
	var contentType string
	if p.size >= 0 {
		body = a.payload[:p.size]
		contentType = binaryContentType
	} else if body, err = readBody(r, a.maxBody); err != nil {
		echoError(r, 413, fmt.Errorf("the body to echo is larger than %d bytes", a.maxBody))
		return
	} else {
		contentType = r.Header("Content-Type")
	}
	r.SendResponse(p.status, "")
	if p.close {
		r.SendHeader("Connection", "close")
	}
	for _, h := range p.headers {
		r.SendHeader(h.Name, h.Value)
	}
	if contentType != "" && !slices.ContainsFunc(p.headers, isContentType) {
		r.SendHeader("Content-Type", contentType)
	}
	if p.gzip {
		r.SendHeader("Content-Encoding", "gzip")
		body = gzipped(body)
	}
	a.sendEchoBody(r, p, body)
}

// sendEchoBody sends the echo's body as p asks: after its delay, at its
// rate, cut short by truncate, or not at all but for a reset.
func (a *app) sendEchoBody(r *handler.Request, p echoParams, body []byte) {
	if p.reset {
		r.ResetConnection()
		return
	}
	r.SendAfter(p.delay)
	send := body
	if p.truncate >= 0 && p.truncate < len(body) {
		// The declared length stays that of the whole body: the client
		// reads a short body, then the close.
		send = body[:p.truncate]
		r.SendHeader("Content-Length", strconv.Itoa(len(body)))
	}
	if p.rate <= 0 || len(send) == 0 || r.Command() == "HEAD" {
		r.EndHeaders()
		_, _ = r.Write(send)
		return
	}
	r.SendHeader("Content-Length", strconv.Itoa(len(body)))
	r.EndHeaders()
	sendAtRate(r, send, p.rate)
}

// sendAtRate streams send at rate bytes per second. (Apart from
// sendEchoBody so that the state its pieces share is only made here.)
func sendAtRate(r *handler.Request, send []byte, rate int) {
	piece, pause := ratePieces(rate)
	r.Stream(0, repeatEvery(pause, func(s *handler.Stream) bool {
		n := min(piece, len(send))
		_, _ = s.Write(send[:n])
		send = send[n:]
		return len(send) > 0
	}))
}

// ratePieces splits a rate of bytes per second into pieces sent every
// pause: about twenty a second, and never less than a byte.
func ratePieces(rate int) (piece int, pause time.Duration) {
	piece = max(1, rate/20)
	return piece, time.Duration(int64(piece) * int64(time.Second) / int64(rate))
}

// pickDelay reads fortio's delay=: "100ms" or "10ms:20,1s:0.5" (the rest
// no delay), each capped at the longest delay the server allows, as
// fortio caps at its -max-echo-delay.
func (a *app) pickDelay(v string, roll func() float64) (time.Duration, error) {
	parse := func(v string) (int, error) {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("delay %s: want a duration such as 100ms, or delay:percent,… pairs", strconv.Quote(v))
		}
		return int(min(d, a.maxDuration)), nil
	}
	if !strings.ContainsAny(v, ":,") {
		d, err := parse(v)
		return time.Duration(d), err
	}
	entries, err := parsePercentList(v, parse)
	if err != nil {
		return 0, fmt.Errorf("delay %v", err)
	}
	return time.Duration(pickPercent(entries, roll, 0)), nil
}

// pickCount reads a byte count or count:percent,… pairs for the
// parameter name (truncate=, rate=); the rest of the percentages get def.
func pickCount(name, v string, roll func() float64, def int) (int, error) {
	parse := func(v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || name == "rate" && n == 0 {
			return 0, fmt.Errorf("%s %s: want a positive number, or number:percent,… pairs", name, strconv.Quote(v))
		}
		return n, nil
	}
	if !strings.ContainsAny(v, ":,") {
		return parse(v)
	}
	entries, err := parsePercentList(v, parse)
	if err != nil {
		return 0, fmt.Errorf("%s %v", name, err)
	}
	return pickPercent(entries, roll, def), nil
}

func isContentType(f handler.HeaderField) bool { return strings.EqualFold(f.Name, "Content-Type") }

// echoError answers a request the echo cannot do, saying why in text.
func echoError(r *handler.Request, status int, err error) {
	r.SendResponse(status, "")
	r.SendHeader("Content-Type", textContentType)
	r.EndHeaders()
	_, _ = r.WriteString(err.Error() + "\n")
}

// gzipped is b in the gzip format.
func gzipped(b []byte) []byte {
	var out bytes.Buffer
	return compress(&out, gzip.NewWriter(&out), b)
}

// deflated is b in the zlib format, which is HTTP's "deflate" coding.
func deflated(b []byte) []byte {
	var out bytes.Buffer
	return compress(&out, zlib.NewWriter(&out), b)
}

func compress(out *bytes.Buffer, zw io.WriteCloser, b []byte) []byte {
	_, _ = zw.Write(b)
	_ = zw.Close()
	return out.Bytes()
}

// newPayload returns the bytes the echo's size= answers with: n
// pseudo-random bytes, the same in every run.
func newPayload(n int64) []byte {
	b := make([]byte, n)
	rng := mrand.New(mrand.NewSource(1))
	_, _ = rng.Read(b)
	return b
}

// debug is fortio's /debug: the request told back as text, compressed when
// the client accepts gzip, with the echo's close and header parameters.
func (a *app) debug(r *handler.Request) {
	p, err := a.parseEchoQuery(a.echoQuery(r), a.rand, false)
	if err != nil {
		echoError(r, 400, err)
		return
	}
	body, err := readBody(r, a.maxBody)
	if err != nil {
		echoError(r, 413, fmt.Errorf("the body is larger than %d bytes", a.maxBody))
		return
	}
	text := a.debugText(r, body)
	r.SendResponse(200, "")
	if p.close {
		r.SendHeader("Connection", "close")
	}
	for _, h := range p.headers {
		r.SendHeader(h.Name, h.Value)
	}
	if !slices.ContainsFunc(p.headers, isContentType) {
		r.SendHeader("Content-Type", "text/plain; charset=UTF-8")
	}
	if acceptsGzip(r) {
		r.SendHeader("Content-Encoding", "gzip")
		text = gzipped(text)
	}
	r.EndHeaders()
	_, _ = r.Write(text)
}

func (a *app) debugText(r *handler.Request, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s echo debug server up for %v on %s - request from %v\n\n",
		r.Handler().VersionString(), time.Since(a.started).Round(100*time.Millisecond), a.hostname, r.ClientAddress())
	p := r.Parsed()
	fmt.Fprintf(&b, "%s %s %s\n\nheaders:\n\nHost: %s", p.Method, p.Target, p.Proto, p.Host)
	headers := requestHeaders(r)
	delete(headers, "Host")
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(&b, "\n%s: %s", k, strings.Join(headers[k], ","))
	}
	b.WriteString("\n\nbody:\n\n")
	b.WriteString(debugSummary(body, 512))
	b.WriteByte('\n')
	return b.Bytes()
}

// debugSummary quotes buf, or its first and last max/2 bytes with its
// length when it is longer than max.
func debugSummary(buf []byte, max int) string {
	quote := func(b []byte) string {
		q := strconv.Quote(string(b))
		return q[1 : len(q)-1]
	}
	if len(buf) <= max {
		return quote(buf)
	}
	return fmt.Sprintf("%d: %s...%s", len(buf), quote(buf[:max/2]), quote(buf[len(buf)-max/2:]))
}
