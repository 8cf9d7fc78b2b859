package handler

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBeginResetsEveryField checks that Begin leaves a Request that has
// been through everything exactly as a new Request literal would be: it
// resets field by field, so a field it forgot would carry one request's
// state into the next.
func TestBeginResetsEveryField(t *testing.T) {
	spare := new(extras)
	h := New()
	req := parsed("GET /x HTTP/1.1", "Host: a")
	dst := []byte("earlier response")
	dirty := Request{
		h: New(), conn: &ConnInfo{Runner: "other"}, req: parsed("GET / HTTP/1.0"), body: []byte("b"),
		bodyFile: os.Stdin, bodyStream: strings.NewReader("s"), bodySize: 1, spare: spare,
		dst: []byte("d"), start: 1, headerEnd: 1, state: stateBody, status: 500, http09: true, head: true,
		closeConn: true, sentLength: 1, sentChunked: true, sentConnection: true, bodyLen: 1,
		errCode: 500, errMessage: "m", panicValue: "p", panicStack: []byte("s"), delay: 1,
		stream: &Continuation{}, abort: true, path: "/p",
	}
	v := reflect.ValueOf(dirty)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "the test leaves Request.%s zero: give it a value", v.Type().Field(i).Name)
	}

	x := Exchange{r: dirty}
	x.Begin(h, seedConn, req, nil, dst)
	want := Request{
		h: h, conn: seedConn, req: req, spare: spare, dst: dst, start: len(dst),
		sentLength: noLength,
	}
	assert.Equal(t, want, x.r)
}
