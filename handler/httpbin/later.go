package httpbin

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fastbase/fastbase/handler"
)

// The routes that answer later wait on the server's timers
// (handler.Request.SendAfter and Stream): a pending /delay/10 costs the
// server a timer and the bytes of its answer, not a goroutine.

// DefaultMaxDuration is go-httpbin's default bound on the time a route
// may take (/delay, /drip, /sse), and the cap on the echo's delay=.
const DefaultMaxDuration = 10 * time.Second

// pieceStep is the shortest pause between two pieces of a body sent over
// time: the server's timers are 1 ms apart, so a body that would need
// shorter pauses is sent in bigger pieces instead.
const pieceStep = 2 * time.Millisecond

// parseDuration reads go-httpbin's durations: a Go duration ("1.5s",
// "100ms") or a number of seconds ("1.5").
func parseDuration(input string) (time.Duration, error) {
	d, err := time.ParseDuration(input)
	if err != nil {
		n, err := strconv.ParseFloat(input, 64)
		if err != nil {
			return 0, err
		}
		d = time.Duration(n*1000) * time.Millisecond
	}
	return d, nil
}

// boundedDuration is parseDuration within [lo, hi].
func boundedDuration(input string, lo, hi time.Duration) (time.Duration, error) {
	d, err := parseDuration(input)
	if err != nil {
		return 0, err
	}
	if d > hi {
		return d, fmt.Errorf("duration %s longer than %s", d, hi)
	}
	if d < lo {
		return d, fmt.Errorf("duration %s shorter than %s", d, lo)
	}
	return d, nil
}

// serverTiming is one entry of a Server-Timing header (W3C Server Timing),
// which go-httpbin sends on its timed routes.
type serverTiming struct {
	name string
	dur  time.Duration
	desc string
}

func serverTimings(timings ...serverTiming) handler.HeaderField {
	entries := make([]string, len(timings))
	for i, t := range timings {
		entries[i] = fmt.Sprintf("%s;dur=%0.2f;desc=%q", t.name, t.dur.Seconds()*1e3, t.desc)
	}
	return handler.HeaderField{Name: "Server-Timing", Value: strings.Join(entries, ", ")}
}

// delay answers as /anything does, after the duration in the path.
func (a *app) delay(r *handler.Request) {
	d, err := boundedDuration(r.PathValue("duration"), 0, a.maxDuration)
	if err != nil {
		writeError(r, 400, "invalid duration: "+err.Error())
		return
	}
	a.withBodyAndHeaders(r, serverTimings(serverTiming{"initial_delay", d, "initial delay"}))
	r.SendAfter(d)
}

// dripParams are /drip's query parameters, with go-httpbin's defaults.
type dripParams struct {
	duration, delay time.Duration
	numBytes        int64
	code            int
}

func (a *app) parseDrip(r *handler.Request) (dripParams, string) {
	p := dripParams{duration: 2 * time.Second, delay: 2 * time.Second, numBytes: 10, code: 200}
	q := args(r)
	var err error
	if v := q.Get("duration"); v != "" {
		if p.duration, err = boundedDuration(v, 0, a.maxDuration); err != nil {
			return p, "invalid duration: " + err.Error()
		}
	}
	if v := q.Get("delay"); v != "" {
		if p.delay, err = boundedDuration(v, 0, a.maxDuration); err != nil {
			return p, "invalid delay: " + err.Error()
		}
	}
	if v := q.Get("numbytes"); v != "" {
		if p.numBytes, err = strconv.ParseInt(v, 10, 64); err != nil {
			return p, "invalid numbytes: " + err.Error()
		}
		if p.numBytes < 1 || p.numBytes > a.maxBody {
			return p, fmt.Sprintf("invalid numbytes: %d not in range [1, %d]", p.numBytes, a.maxBody)
		}
	}
	if v := q.Get("code"); v != "" {
		if p.code, err = parseStatusCode(v, 100, 599); err != nil {
			return p, err.Error()
		}
	}
	if p.duration+p.delay > a.maxDuration {
		return p, fmt.Sprintf("too much time: %v+%v > %v", p.duration, p.delay, a.maxDuration)
	}
	return p, ""
}

// drip sends numbytes '*' over duration after delay, with a Content-Length
// and no chunked framing, as a slow server would.
func (a *app) drip(r *handler.Request) {
	p, bad := a.parseDrip(r)
	if bad != "" {
		writeError(r, 400, bad)
		return
	}
	pieces, size, pause := spread(p.numBytes, p.duration)
	r.SendResponse(p.code, "")
	corsHeaders(r)
	r.SendHeader("Content-Type", textContentType)
	r.SendHeader("Content-Length", strconv.FormatInt(p.numBytes, 10))
	f := serverTimings(
		serverTiming{"total_duration", p.delay + p.duration, "total request duration"},
		serverTiming{"initial_delay", p.delay, "initial delay"},
		serverTiming{"write_duration", p.duration, "duration of writes after initial delay"},
		serverTiming{"pause_per_write", pause, "computed pause between writes"})
	r.SendHeader(f.Name, f.Value)
	r.EndHeaders()
	r.SendAfter(p.delay)
	left := p.numBytes
	write := func(w func(string)) {
		n := min(size, left)
		w(strings.Repeat("*", int(n)))
		left -= n
	}
	write(func(s string) { _, _ = r.WriteString(s) })
	if pieces > 1 {
		r.Stream(pause, repeatEvery(pause, func(s *handler.Stream) bool {
			write(func(b string) { _, _ = s.WriteString(b) })
			return left > 0
		}))
	}
}

// spread splits n bytes over d into pieces no closer than pieceStep: how
// many pieces, of how many bytes, how far apart. The first piece goes at
// once and the last at d, as go-httpbin pauses between writes, not after.
func spread(n int64, d time.Duration) (pieces, size int64, pause time.Duration) {
	if n <= 1 || d <= 0 {
		return 1, n, 0
	}
	pieces = n
	if maxPieces := int64(d/pieceStep) + 1; pieces > maxPieces {
		pieces = maxPieces
	}
	size = (n + pieces - 1) / pieces
	pieces = (n + size - 1) / size
	if pieces <= 1 {
		return 1, n, 0
	}
	return pieces, size, d / time.Duration(pieces-1)
}

// repeatEvery makes a StreamFunc that calls piece, and again every pause
// while piece reports there is more.
func repeatEvery(pause time.Duration, piece func(*handler.Stream) bool) handler.StreamFunc {
	var fn handler.StreamFunc
	fn = func(s *handler.Stream) {
		if piece(s) {
			s.After(pause, fn)
		}
	}
	return fn
}

// streamLine is one line of /stream/{n}: go-httpbin's streamResponse.
type streamLine struct {
	ID      int                 `json:"id"`
	Args    map[string][]string `json:"args"`
	Headers map[string][]string `json:"headers"`
	Origin  string              `json:"origin"`
	URL     string              `json:"url"`
}

// stream answers n lines of JSON (at most 100), chunked, each a chunk.
func (a *app) stream(r *handler.Request) {
	n, err := strconv.Atoi(r.PathValue("numLines"))
	if err != nil {
		writeError(r, 400, "invalid count: "+err.Error())
		return
	}
	n = max(1, min(n, 100))
	line := streamLine{Args: args(r), Headers: requestHeaders(r), Origin: origin(r), URL: requestURL(r)}
	lines := make([][]byte, n)
	for i := range lines {
		line.ID = i
		b, _ := json.Marshal(line)
		lines[i] = append(b, '\n')
	}
	r.SendResponse(200, "")
	corsHeaders(r)
	r.SendHeader("Content-Type", jsonContentType)
	r.EndHeaders()
	r.Stream(0, func(s *handler.Stream) {
		for _, l := range lines {
			_, _ = s.Write(l)
		}
	})
}

// streamBytes answers n random bytes (seed= makes them go-httpbin's for
// that seed), chunked in pieces of chunk_size (10 KiB).
func (a *app) streamBytes(r *handler.Request) {
	body, ok := a.randomBytes(r)
	if !ok {
		return
	}
	chunk := 10 * 1024
	var err error
	if v := args(r).Get("chunk_size"); v != "" {
		if chunk, err = strconv.Atoi(v); err != nil {
			writeError(r, 400, "invalid chunk_size: "+err.Error())
			return
		}
		if chunk <= 0 {
			writeError(r, 400, fmt.Sprintf("invalid chunk_size: %d must be greater than 0", chunk))
			return
		}
	}
	r.SendResponse(200, "")
	corsHeaders(r)
	r.SendHeader("Content-Type", binaryContentType)
	r.EndHeaders()
	r.Stream(0, func(s *handler.Stream) {
		for len(body) > 0 {
			k := min(chunk, len(body))
			_, _ = s.Write(body[:k])
			body = body[k:]
		}
	})
}

// sseEvent is the data of one /sse event.
type sseEvent struct {
	ID        int   `json:"id"`
	Timestamp int64 `json:"timestamp"`
}

// maxSSECount bounds /sse's count, as go-httpbin bounds it.
const maxSSECount = 1000

// sse sends count server-sent "ping" events spread over duration, after
// delay, chunked.
func (a *app) sse(r *handler.Request) {
	q := args(r)
	count, duration, delay := 10, 5*time.Second, time.Duration(0)
	var err error
	if v := q.Get("count"); v != "" {
		if count, err = strconv.Atoi(v); err != nil {
			writeError(r, 400, "invalid count: "+err.Error())
			return
		}
		if count < 1 || count > maxSSECount {
			writeError(r, 400, fmt.Sprintf("invalid count: must in range [1, %d]", maxSSECount))
			return
		}
	}
	if v := q.Get("duration"); v != "" {
		if duration, err = boundedDuration(v, 1, a.maxDuration); err != nil {
			writeError(r, 400, "invalid duration: "+err.Error())
			return
		}
	}
	if v := q.Get("delay"); v != "" {
		if delay, err = boundedDuration(v, 0, a.maxDuration); err != nil {
			writeError(r, 400, "invalid delay: "+err.Error())
			return
		}
	}
	if duration+delay > a.maxDuration {
		respond(r, 400, textContentType, []byte("Too much time\n"))
		return
	}
	pause := duration
	if count > 1 {
		pause = (duration + time.Duration(count-2)) / time.Duration(count-1)
	}
	r.SendResponse(200, "")
	corsHeaders(r)
	r.SendHeader("Content-Type", sseContentType)
	r.EndHeaders()
	r.SendAfter(delay)
	id := 0
	r.Stream(0, repeatEvery(pause, func(s *handler.Stream) bool {
		b, _ := json.Marshal(sseEvent{ID: id, Timestamp: time.Now().UnixMilli()})
		_, _ = s.WriteString("event: ping\ndata: " + string(b) + "\n\n")
		id++
		return id < count
	}))
}

// sseContentType is the media type of server-sent events.
const sseContentType = "text/event-stream; charset=utf-8"
