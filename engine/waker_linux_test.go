package engine

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler/examples"
	"github.com/panjf2000/gnet/v2"
)

// Every loop gets its timerfd, in its own epoll set under the number of the
// poller's eventfd; if a gnet upgrade moved the fields the waker reads,
// this fails instead of the loops silently going without.
func TestEveryLoopHasItsTimerfdInItsEpollSet(t *testing.T) {
	srv := &Server{Handler: examples.Hello(), Loops: 2}
	addr := startServer(t, srv)
	// A connection on each loop makes its workspace.
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
		_, err = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
		require.NoError(t, err)
		_, err = c.Read(make([]byte, 512))
		require.NoError(t, err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Len(t, srv.workspaces, 2)
	for _, ws := range srv.workspaces {
		tfd := ws.timers.waker.fd
		require.GreaterOrEqual(t, tfd, 0, "%s has no timerfd", ws.info.Runner)
		assert.True(t, fdIs(tfd, "anon_inode:[timerfd]"))
		epfd, efd, why := gnetPollerFDs(ws.loop)
		require.Empty(t, why)
		info, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", epfd))
		require.NoError(t, err)
		m := regexp.MustCompile(`(?m)^tfd:\s+` + strconv.Itoa(tfd) + `\s+events:\s+([0-9a-f]+)\s+data:\s+([0-9a-f]+)`).FindSubmatch(info)
		require.NotNil(t, m, "timerfd %d not in epoll %d:\n%s", tfd, epfd, info)
		data, err := strconv.ParseUint(string(m[2]), 16, 64)
		require.NoError(t, err)
		assert.Equal(t, uint64(efd), data&0xffffffff, "registered under the eventfd's number")
	}
}

// A loop whose wheel has work sets its timerfd for that time; the timerfd
// is released when the server stops.
func TestTimerfdFollowsTheWheel(t *testing.T) {
	srv := &Server{Handler: examples.Hello(), Loops: 1}
	addr := startServer(t, srv)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	// An unfinished header block arms the header timeout.
	_, err = c.Write([]byte("GET / HTTP/1.1\r\n"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return len(srv.workspaces) == 1 && srv.workspaces[0].timers.wake.Load() != 0
	}, 5*time.Second, 5*time.Millisecond)
	srv.mu.Lock()
	ws := srv.workspaces[0]
	srv.mu.Unlock()
	// The loop owns the waker; ask it on the loop.
	done := make(chan int64, 1)
	require.NoError(t, ws.loop.Execute(t.Context(), gnet.RunnableFunc(func(context.Context) error {
		done <- ws.timers.waker.at - ws.timers.wake.Load()
		return nil
	})))
	select {
	case d := <-done:
		assert.Zero(t, d, "timerfd set for the wheel's next time")
	case <-time.After(5 * time.Second):
		t.Fatal("loop did not run the check")
	}
}
