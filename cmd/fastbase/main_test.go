package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/engine"
)

func TestBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"-handler", "nope"},
		{"-protocol", "HTTP/2"},
		{"-loops", "abc"},
		{"-loops", "-1"},
		{"-nosuchflag"},
		{"extra"},
	} {
		var stderr bytes.Buffer
		code := serve(context.Background(), args, io.Discard, &stderr, nil)
		assert.Equal(t, 2, code, "%v", args)
		assert.NotEmpty(t, stderr.String(), "%v", args)
	}
}

func TestPortInUseExits1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var stderr bytes.Buffer
	code := serve(context.Background(), []string{"-addr", ln.Addr().String()}, io.Discard, &stderr, nil)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "address already in use")
}

// TestServesAndLogs runs the command as a user would: it starts, answers a
// request, logs it, and exits 0 when its context (the signal) ends.
func TestServesAndLogs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	started := make(chan *engine.Server, 1)
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, []string{"-addr", "127.0.0.1:0", "-loops", "1"}, &stdout, &stderr, started)
	}()
	var srv *engine.Server
	select {
	case srv = <-started:
	case code := <-done:
		t.Fatalf("exited %d: %s", code, stderr.String())
	}
	addr := srv.ListenAddr().String()
	assert.Equal(t, "Starting server on http://"+addr+", use <Ctrl-C> to stop\n", stdout.String())

	resp, err := http.Get("http://" + addr + "/?foo=bar")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "query=foo=bar\n")

	require.Eventually(t, func() bool {
		return strings.Contains(stderr.String(), `"GET /?foo=bar HTTP/1.1" 200 `)
	}, 5*time.Second, 10*time.Millisecond)
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
}
