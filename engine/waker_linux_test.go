//go:build linux && !poll_opt

package engine

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastbase/fastbase/handler/examples"
)

// Every loop gets its alarm: a timerfd in its own epoll set, registered
// under its own number, which the driver then leaves alone. If a gnet
// upgrade moved the field the alarm reads, or changed how it balances
// enrolled connections over the loops, this fails instead of the loops
// silently falling back to the driver.
func TestEveryLoopHasItsAlarm(t *testing.T) {
	srv := &Server{Handler: examples.Hello(), Loops: 2}
	startServer(t, srv)
	srv.mu.Lock()
	workspaces := append([]*workspace(nil), srv.workspaces...)
	srv.mu.Unlock()
	require.Len(t, workspaces, 2, "each loop's alarm makes its workspace")
	for _, ws := range workspaces {
		assert.True(t, ws.timers.alarmed.Load(), "%s has no alarm", ws.info.Runner)
		var tfd int
		onLoop(t, ws, func() { tfd = ws.timers.waker.fd })
		require.GreaterOrEqual(t, tfd, 0, "%s has no timerfd", ws.info.Runner)
		assert.True(t, fdIs(tfd, "anon_inode:[timerfd]"), "descriptor %d is not a timerfd", tfd)
		epfd, why := gnetEpollFD(ws.loop)
		require.Empty(t, why)
		info, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", epfd))
		require.NoError(t, err)
		m := regexp.MustCompile(`(?m)^tfd:\s+` + strconv.Itoa(tfd) + `\s+events:\s+([0-9a-f]+)\s+data:\s+([0-9a-f]+)`).FindSubmatch(info)
		require.NotNil(t, m, "timerfd %d not in epoll %d:\n%s", tfd, epfd, info)
		data, err := strconv.ParseUint(string(m[2]), 16, 64)
		require.NoError(t, err)
		assert.Equal(t, uint64(tfd), data&0xffffffff, "registered under its own number")
	}
}

// A loop whose wheel has work sets its alarm for that time, and an answer
// that comes later comes through it (the driver has nothing to do for the
// loop).
func TestAlarmFollowsTheWheel(t *testing.T) {
	srv := &Server{Handler: laterHandler(), Loops: 1}
	rc := dial(t, startServer(t, srv))
	// An unfinished header block arms the header timeout.
	rc.send("GET /delay?ms=20&i=7 HTTP/1.1\r\n")
	require.Eventually(t, func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return len(srv.workspaces) == 1 && srv.workspaces[0].timers.wake.Load() != 0
	}, 5*time.Second, 5*time.Millisecond)
	srv.mu.Lock()
	ws := srv.workspaces[0]
	srv.mu.Unlock()
	var set, wake int64
	onLoop(t, ws, func() { set, wake = ws.timers.waker.at, ws.timers.wake.Load() })
	assert.Equal(t, wake, set, "timerfd set for the wheel's next time")

	start := time.Now()
	rc.send("Host: x\r\n\r\n")
	resp := rc.response("GET")
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "7", bodyOf(t, resp))
}

// The alarm connections are not connections: a server limited to one
// connection serves one, none is counted, and when the server stops the
// timerfds go with the loops.
func TestAlarmsAreNotConnections(t *testing.T) {
	before := countTimerfds(t)
	t.Run("serving", func(t *testing.T) {
		// startServer stops the server when this subtest ends.
		srv := &Server{Handler: examples.Hello(), Loops: 2, MaxConns: 1}
		rc := dial(t, startServer(t, srv))
		assert.Equal(t, before+2, countTimerfds(t), "one timerfd per loop")
		rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		assert.Equal(t, 200, rc.response("GET").StatusCode, "the one connection allowed is served")
		st := srv.Stats()
		assert.Equal(t, uint64(1), st.ConnsAccepted)
		assert.Equal(t, uint64(1), st.ConnsOpen)
	})
	assert.Equal(t, before, countTimerfds(t), "the timerfds closed with the loops")
}

// countTimerfds counts this process's timerfds.
func countTimerfds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	n := 0
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fdIs(fd, "anon_inode:[timerfd]") {
			n++
		}
	}
	return n
}

// Without alarms the driver runs the wheels, as outside Linux: a delayed
// answer and a stream arrive, in time and in order.
func TestDriverRunsLoopsWithoutAlarms(t *testing.T) {
	srv := &Server{Handler: laterHandler(), Loops: 2, noAlarms: true}
	addr := startServer(t, srv)
	rc := dial(t, addr)
	start := time.Now()
	rc.send("GET /delay?ms=30&i=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /stream?n=3&ms=10 HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := rc.response("GET")
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	assert.Equal(t, "1", bodyOf(t, resp))
	resp = rc.response("GET")
	assert.Equal(t, "piece 0\npiece 1\npiece 2\n", bodyOf(t, resp))
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, ws := range srv.workspaces {
		assert.False(t, ws.timers.alarmed.Load(), "%s has an alarm", ws.info.Runner)
	}
}
