package handler

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastbase/fastbase/codec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drip returns a StreamFunc that writes piece, then asks for itself again
// every step until it has written n pieces.
func drip(n int, step time.Duration, piece string) StreamFunc {
	var fn StreamFunc
	left := n
	fn = func(s *Stream) {
		s.WriteString(piece)
		if left--; left > 0 {
			s.After(step, fn)
		}
	}
	return fn
}

// streamed is an exchange whose stream was run to its end, as the engine
// runs it: each piece's wait and bytes are recorded.
type streamed struct {
	exchange
	delay  time.Duration
	waits  []time.Duration
	pieces []string
	keep   bool // the stream's KeepAlive
	wire   string
}

func runStream(t *testing.T, h *Handler, req *codec.Request) streamed {
	t.Helper()
	x := serve(t, h, seedConn, req, nil, time.Now())
	delay, s := x.r.Later()
	st := streamed{exchange: x, delay: delay, wire: x.out}
	if s == nil {
		st.keep = x.keep
		return st
	}
	for range 1000 {
		st.waits = append(st.waits, s.Wait())
		out, done := s.Next(nil)
		st.pieces = append(st.pieces, string(out))
		st.wire += string(out)
		if done {
			st.keep = s.KeepAlive()
			return st
		}
	}
	t.Fatal("the stream did not end")
	return st
}

// readBack parses the wire bytes as net/http's client does and returns the
// body it reads.
func readBack(t *testing.T, wire, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(wire)), &http.Request{Method: method})
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "body framing: %q", wire)
	return resp, string(body)
}

func TestSendAfter(t *testing.T) {
	h := New().Handle("GET", func(r *Request) {
		r.SendAfter(200 * time.Millisecond)
		r.WriteString("late")
	})
	st := runStream(t, h, parsed("GET / HTTP/1.1"))
	assert.Equal(t, 200*time.Millisecond, st.delay)
	assert.True(t, st.keep)
	resp, body := readBack(t, st.wire, "GET")
	assert.Equal(t, int64(4), resp.ContentLength)
	assert.Equal(t, "late", body)
}

func TestSendAfterPanicAnswersAtOnce(t *testing.T) {
	h := New().Handle("GET", func(r *Request) {
		r.SendAfter(time.Second)
		panic("boom")
	})
	st := runStream(t, h, parsed("GET / HTTP/1.1"))
	assert.Zero(t, st.delay)
	assert.Equal(t, 500, st.r.Status())
}

func TestStreamChunked(t *testing.T) {
	h := New().Handle("GET", func(r *Request) {
		r.SendResponse(200, "")
		r.SendHeader("Content-Type", "text/plain")
		r.WriteString("first;")
		r.Stream(100*time.Millisecond, drip(3, 50*time.Millisecond, "drop;"))
	})
	st := runStream(t, h, parsed("GET / HTTP/1.1"))
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}, st.waits)
	assert.Equal(t, []string{"5\r\ndrop;\r\n", "5\r\ndrop;\r\n", "5\r\ndrop;\r\n0\r\n\r\n"}, st.pieces)
	assert.True(t, strings.HasSuffix(st.out, "Transfer-Encoding: chunked\r\n\r\n6\r\nfirst;\r\n"), st.out)
	assert.True(t, st.keep)
	resp, body := readBack(t, st.wire, "GET")
	assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)
	assert.Equal(t, "first;drop;drop;drop;", body)
}

func TestStreamContentLength(t *testing.T) {
	tests := []struct {
		name     string
		declared string
		pieces   int
		body     string
		keep     bool
	}{
		{"exact", "8", 4, "abababab", true},
		{"short: closes", "10", 4, "abababab", false},
		{"long: cut, closes", "5", 4, "ababa", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New().Handle("GET", func(r *Request) {
				r.SendResponse(200, "")
				r.SendHeader("Content-Length", tt.declared)
				r.Stream(0, drip(tt.pieces, time.Millisecond, "ab"))
			})
			st := runStream(t, h, parsed("GET / HTTP/1.1"))
			assert.Equal(t, tt.keep, st.keep)
			assert.NotContains(t, st.out, "Transfer-Encoding")
			got := st.wire[strings.Index(st.wire, "\r\n\r\n")+4:]
			assert.Equal(t, tt.body, got)
		})
	}
}

func TestStreamToHTTP10ClientEndsWithTheConnection(t *testing.T) {
	h := New().Handle("GET", func(r *Request) {
		r.SendResponse(200, "")
		r.Stream(0, drip(2, time.Millisecond, "xy"))
	})
	st := runStream(t, h, parsed("GET / HTTP/1.0", "Connection: keep-alive"))
	assert.False(t, st.keep)
	assert.Contains(t, st.out, "Connection: close\r\n")
	assert.NotContains(t, st.out, "Content-Length")
	assert.NotContains(t, st.out, "Transfer-Encoding")
	assert.True(t, strings.HasSuffix(st.wire, "\r\n\r\nxyxy"), st.wire)
}

func TestStreamHEADSendsNoBody(t *testing.T) {
	h := New().Handle("HEAD", func(r *Request) {
		r.SendResponse(200, "")
		r.WriteString("x")
		r.Stream(0, drip(3, time.Millisecond, "abc"))
	})
	st := runStream(t, h, parsed("HEAD / HTTP/1.1"))
	assert.True(t, st.keep)
	assert.True(t, strings.HasSuffix(st.wire, "Transfer-Encoding: chunked\r\n\r\n"), st.wire)
	_, body := readBack(t, st.wire, "HEAD")
	assert.Empty(t, body)
}

func TestStreamPanicClosesWithoutLastChunk(t *testing.T) {
	h := New().Handle("GET", func(r *Request) {
		r.SendResponse(200, "")
		r.Stream(0, func(s *Stream) {
			s.WriteString("part")
			s.After(time.Millisecond, func(*Stream) { panic("stream boom") })
		})
	})
	st := runStream(t, h, parsed("GET / HTTP/1.1"))
	assert.False(t, st.keep)
	assert.Equal(t, []string{"4\r\npart\r\n", ""}, st.pieces)
}

func TestSendErrorDropsTheStream(t *testing.T) {
	h := New().Handle("GET", func(r *Request) {
		r.SendResponse(200, "")
		r.Stream(0, drip(2, time.Millisecond, "x"))
		r.SendError(503, "", "")
	})
	st := runStream(t, h, parsed("GET / HTTP/1.1"))
	assert.Nil(t, st.pieces)
	assert.Equal(t, 503, st.r.Status())
	assert.False(t, st.keep)
}

func TestStreamWithoutBodyStatusEnds(t *testing.T) {
	h := New().Handle("GET", func(r *Request) {
		r.SendResponse(204, "")
		r.Stream(0, drip(2, time.Millisecond, "x"))
	})
	st := runStream(t, h, parsed("GET / HTTP/1.1"))
	assert.True(t, st.keep)
	assert.True(t, strings.HasSuffix(st.wire, "\r\n\r\n"), st.wire)
	assert.NotContains(t, st.wire, "Transfer-Encoding")
}
