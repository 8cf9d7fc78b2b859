package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler"
)

// digestHandler answers POST with the length and SHA-256 of the body it
// read through BodyReader, so bodies of any size can be checked.
func digestHandler() *handler.Handler {
	return handler.New().Handle("POST", func(r *handler.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.BodyReader())
		if err != nil {
			r.SendError(500, err.Error(), "")
			return
		}
		r.SendResponse(200, "")
		r.EndHeaders()
		fmt.Fprintf(r, "%d %s", n, hex.EncodeToString(h.Sum(nil)))
	})
}

func digest(b string) string {
	sum := sha256.Sum256([]byte(b))
	return strconv.Itoa(len(b)) + " " + hex.EncodeToString(sum[:])
}

// chunk encodes body as chunks of at most size bytes.
func chunk(body string, size int) string {
	var sb strings.Builder
	for len(body) > 0 {
		n := min(size, len(body))
		fmt.Fprintf(&sb, "%x\r\n%s\r\n", n, body[:n])
		body = body[n:]
	}
	sb.WriteString("0\r\n\r\n")
	return sb.String()
}

func TestChunkedBody(t *testing.T) {
	addr := serve(t, digestHandler())
	rc := dial(t, addr)
	body := strings.Repeat("chunked body ", 1000)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(body, 777))
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + "3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n")
	assert.Equal(t, digest(body), bodyOf(t, rc.response("POST")))
	assert.Equal(t, digest("abc"), bodyOf(t, rc.response("POST")))
}

func TestChunkedBodySplitEverywhere(t *testing.T) {
	addr := serve(t, digestHandler())
	raw := "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("hello, chunked world", 7)
	for cut := 1; cut < len(raw); cut++ {
		rc := dial(t, addr)
		rc.send(raw[:cut])
		time.Sleep(time.Millisecond)
		rc.send(raw[cut:])
		assert.Equal(t, digest("hello, chunked world"), bodyOf(t, rc.response("POST")), "cut at %d", cut)
	}
}

// TestLargeBodiesAreSpooled sends bodies over the in-memory limit, by
// Content-Length and chunked, and checks that they arrive whole and that no
// temporary file is left afterwards.
func TestLargeBodiesAreSpooled(t *testing.T) {
	dir := t.TempDir()
	srv := &Server{Handler: digestHandler(), BodyMemoryBytes: 64 << 10, BodyTempDir: dir}
	addr := startServer(t, srv)
	body := strings.Repeat("0123456789abcdef", 64<<10) // 1 MiB
	rc := dial(t, addr)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	for i := 0; i < len(body); i += 100000 {
		rc.send(body[i:min(i+100000, len(body))])
	}
	assert.Equal(t, digest(body), bodyOf(t, rc.response("POST")))
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(body, 10000))
	assert.Equal(t, digest(body), bodyOf(t, rc.response("POST")))

	// A client that goes away halfway leaves nothing behind either.
	rc2 := dial(t, addr)
	rc2.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body[:300000])
	time.Sleep(100 * time.Millisecond)
	rc2.c.Close()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestBodyLimits(t *testing.T) {
	srv := &Server{Handler: digestHandler(), MaxBodyBytes: 1000}
	addr := startServer(t, srv)
	// Declared too large, with Expect: answered 413 at once, no 100.
	rc := dial(t, addr)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n")
	resp := rc.response("POST")
	assert.Equal(t, 413, resp.StatusCode)
	// Chunked past the limit.
	raw := exchange(t, addr, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"+chunk(strings.Repeat("x", 2000), 100))
	assert.True(t, strings.HasPrefix(raw, "HTTP/1.1 413 "), raw[:min(80, len(raw))])
	// Bad chunk size.
	raw = exchange(t, addr, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
	assert.True(t, strings.HasPrefix(raw, "HTTP/1.1 400 "), raw[:min(80, len(raw))])
}

func TestExpectContinueStreamed(t *testing.T) {
	srv := &Server{Handler: digestHandler(), BodyMemoryBytes: 10}
	addr := startServer(t, srv)
	rc := dial(t, addr)
	rc.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
	line, err := rc.r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 100 Continue\r\n", line)
	_, err = rc.r.ReadString('\n')
	require.NoError(t, err)
	rc.send(strings.Repeat("y", 100))
	assert.Equal(t, digest(strings.Repeat("y", 100)), bodyOf(t, rc.response("POST")))
}

// openSpoolFiles counts this process's descriptors open on spool files.
func openSpoolFiles(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.Contains(target, "fastbase-body-") {
			n++
		}
	}
	return n
}

// TestSpoolFailureIsTheServersFault fills the "disk" under a spooled
// upload: the client gets 507 (503 when no file can be opened), not 400,
// the failure is logged with its errno, no file stays open or behind, and
// the next upload succeeds once there is room again.
func TestSpoolFailureIsTheServersFault(t *testing.T) {
	var full, noFiles atomic.Bool
	create, write := spoolCreate, spoolWrite
	t.Cleanup(func() { spoolCreate, spoolWrite = create, write })
	spoolWrite = func(f *os.File, p []byte) (int, error) {
		if full.Load() {
			return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
		}
		return write(f, p)
	}
	spoolCreate = func(dir, pattern string) (*os.File, error) {
		if noFiles.Load() {
			return nil, &os.PathError{Op: "open", Path: dir, Err: syscall.EMFILE}
		}
		return create(dir, pattern)
	}
	logs := &syncBuffer{}
	dir := t.TempDir()
	srv := &Server{Handler: digestHandler(), BodyMemoryBytes: 64 << 10, BodyTempDir: dir,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}
	addr := startServer(t, srv)
	body := strings.Repeat("0123456789abcdef", 64<<10) // 1 MiB
	upload := "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body

	full.Store(true)
	raw := exchange(t, addr, upload)
	assert.True(t, strings.HasPrefix(raw, "HTTP/1.1 507 Insufficient Storage\r\n"), raw[:min(80, len(raw))])
	assert.Contains(t, logs.String(), "errno=ENOSPC")
	require.Eventually(t, func() bool { return openSpoolFiles(t) == 0 }, 2*time.Second, 10*time.Millisecond)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)

	full.Store(false)
	rc := dial(t, addr)
	rc.send(upload)
	assert.Equal(t, digest(body), bodyOf(t, rc.response("POST")), "room again: the next upload succeeds")

	noFiles.Store(true)
	raw = exchange(t, addr, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"+chunk(body, 100000))
	assert.True(t, strings.HasPrefix(raw, "HTTP/1.1 503 "), raw[:min(80, len(raw))])
	assert.Contains(t, logs.String(), "errno=EMFILE")
	assert.Equal(t, []StatusCount{{Status: 503, Count: 1}, {Status: 507, Count: 1}}, srv.Stats().ParseErrors)
}
