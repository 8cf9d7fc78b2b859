package codec

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setDate refreshes the date cache to now and puts the real time back when
// the test ends.
func setDate(t *testing.T, now time.Time) {
	t.Helper()
	RefreshDate(now)
	t.Cleanup(func() { RefreshDate(time.Now()) })
}

func TestAppendDateInitialised(t *testing.T) {
	got := AppendDate(nil)
	parsed, err := time.Parse(http.TimeFormat, string(got))
	require.NoError(t, err, "AppendDate() = %q", got)
	// The cache is at most a few refreshes old; a generous bound keeps the
	// test free of timing assumptions while still catching a zero value.
	assert.WithinDuration(t, time.Now(), parsed, 24*time.Hour)
}

func TestRefreshDate(t *testing.T) {
	tests := []struct {
		now  time.Time
		want string
	}{
		// The Date header of transcripts/get.txt's run.
		{time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC), "Mon, 23 Nov 2026 21:23:38 GMT"},
		{time.Date(2026, 11, 23, 21, 23, 38, 999999999, time.UTC), "Mon, 23 Nov 2026 21:23:38 GMT"},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), "Thu, 01 Jan 1970 00:00:00 GMT"},
		{time.Date(2000, 2, 29, 9, 5, 7, 0, time.UTC), "Tue, 29 Feb 2000 09:05:07 GMT"},
		{time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC), "Tue, 31 Dec 2024 23:59:59 GMT"},
		// Other zones are converted to GMT.
		{time.Date(2026, 11, 24, 6, 23, 38, 0, time.FixedZone("JST", 9*3600)), "Mon, 23 Nov 2026 21:23:38 GMT"},
		{time.Date(2026, 11, 23, 16, 23, 38, 0, time.FixedZone("EST", -5*3600)), "Mon, 23 Nov 2026 21:23:38 GMT"},
		// IMF-fixdate has four year digits.
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), "Fri, 31 Dec 9999 23:59:59 GMT"},
		{time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), "Sat, 01 Jan 9999 00:00:00 GMT"},
	}
	for _, tt := range tests {
		setDate(t, tt.now)
		assert.Equal(t, "Date: "+tt.want, string(AppendDate([]byte("Date: "))), "RefreshDate(%v)", tt.now)
	}
}

func TestRefreshDateMatchesTimeFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	for range 2000 {
		now := time.Unix(lo+r.Int64N(hi-lo), 0)
		setDate(t, now)
		got := string(AppendDate(nil))
		require.Equal(t, now.UTC().Format(http.TimeFormat), got)
		parsed, err := http.ParseTime(got)
		require.NoError(t, err)
		require.True(t, parsed.Equal(now), "%q parses back to %v, want %v", got, parsed, now)
	}
}

func TestDateConcurrent(t *testing.T) {
	t.Cleanup(func() { RefreshDate(time.Now()) })
	base := time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				RefreshDate(base.Add(time.Duration(g*1000+i) * time.Second))
			}
		})
		wg.Go(func() {
			buf := make([]byte, 0, httpDateLen)
			for range 500 {
				buf = AppendDate(buf[:0])
				if _, err := time.Parse(http.TimeFormat, string(buf)); err != nil {
					t.Errorf("AppendDate() = %q during refreshes: %v", buf, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestAppendLogDate(t *testing.T) {
	// The log timestamp of transcripts/get.txt, as a local wall-clock time.
	tm := time.Date(2026, 11, 23, 21, 23, 38, 0, time.Local)
	assert.Equal(t, "[23/Nov/2026 21:23:38]", string(append(AppendLogDate([]byte("["), tm), ']')))

	tests := []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local),
		time.Date(999, 6, 7, 8, 9, 10, 0, time.Local),
		time.Date(2026, 11, 23, 21, 23, 38, 0, time.UTC),
		time.Date(2026, 11, 23, 21, 23, 38, 0, time.FixedZone("X", 5*3600+1800)),
		time.Unix(0, 0),
	}
	for _, tm := range tests {
		// log_date_time_string uses time.localtime.
		want := tm.Local().Format("02/Jan/2006 15:04:05")
		assert.Equal(t, want, string(AppendLogDate(nil, tm)), "AppendLogDate(%v)", tm)
	}

	// %04d widens a five-digit year.
	assert.Equal(t, "01/Jan/12000 00:00:00", string(AppendLogDate(nil, time.Date(12000, 1, 1, 0, 0, 0, 0, time.Local))))
}
