package handler

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHandleBlocking(t *testing.T) {
	h := New().Handle("GET", runner)
	assert.False(t, h.HasBlocking())
	assert.False(t, h.Blocking([]byte("GET")))

	h.HandleBlocking("POST", runner)
	assert.True(t, h.HasBlocking())
	assert.True(t, h.Blocking([]byte("POST")))
	assert.False(t, h.Blocking([]byte("GET")))
	assert.False(t, h.Blocking([]byte("BREW")))

	// Registering again with Handle makes the method non-blocking.
	h.Handle("POST", runner)
	assert.False(t, h.HasBlocking())
	x := serve(t, h, seedConn, parsed("POST / HTTP/1.1"), nil, at(21, 24, 17))
	assert.True(t, strings.HasPrefix(x.out, "HTTP/1.1 200 OK\r\n"), x.out)
}
