package codec

import (
	"strconv"
	"sync/atomic"
	"time"
)

// httpDateLen is the length of an IMF-fixdate, "Mon, 23 Nov 2026 21:23:38 GMT".
const httpDateLen = len("Mon, 02 Jan 2006 15:04:05 GMT")

// httpDate is an immutable formatted date: RefreshDate publishes a new one
// instead of writing into the old, so readers need no lock.
type httpDate [httpDateLen]byte

// cachedDate is what AppendDate writes. It is never nil.
var cachedDate atomic.Pointer[httpDate]

func init() {
	RefreshDate(time.Now())
}

// Name tables of http.server (weekdayname, monthname) and email.utils.
var (
	weekdayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	monthNames   = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// AppendDate appends the cached current date in IMF-fixdate form
// ("Mon, 23 Nov 2026 21:23:38 GMT"), the value of http.server's Date header,
// to dst and returns the extended slice. The cache is set when the package is
// initialised and then only by [RefreshDate]. AppendDate is safe for
// concurrent use and does not allocate.
func AppendDate(dst []byte) []byte {
	return append(dst, cachedDate.Load()[:]...)
}

// RefreshDate sets the date [AppendDate] writes to now, in UTC. The engine
// calls it from its once-a-second ticker. It is safe for concurrent use with
// itself and with AppendDate.
//
// IMF-fixdate has a four-digit year, so years outside 0000–9999 are clamped
// to that range.
func RefreshDate(now time.Time) {
	d := new(httpDate)
	formatHTTPDate(d, now)
	cachedDate.Store(d)
}

func formatHTTPDate(d *httpDate, t time.Time) {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	b := append(d[:0], weekdayNames[t.Weekday()]...)
	b = append(b, ", "...)
	b = append2Digits(b, day)
	b = append(b, ' ')
	b = append(b, monthNames[month]...)
	b = append(b, ' ')
	b = append4Digits(b, min(max(year, 0), 9999))
	b = append(b, ' ')
	b = appendClock(b, hour, minute, sec)
	_ = append(b, " GMT"...)
}

// AppendLogDate appends t as the timestamp of an http.server log line, in
// local time as log_date_time_string writes it ("23/Nov/2026 21:23:38"), to
// dst and returns the extended slice. It does not allocate.
func AppendLogDate(dst []byte, t time.Time) []byte {
	t = t.Local()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	dst = append2Digits(dst, day)
	dst = append(dst, '/')
	dst = append(dst, monthNames[month]...)
	dst = append(dst, '/')
	if year >= 0 && year <= 9999 {
		dst = append4Digits(dst, year)
	} else {
		// Python's %04d widens rather than truncating.
		dst = strconv.AppendInt(dst, int64(year), 10)
	}
	dst = append(dst, ' ')
	return appendClock(dst, hour, minute, sec)
}

// appendClock appends "hh:mm:ss".
func appendClock(dst []byte, hour, minute, sec int) []byte {
	dst = append2Digits(dst, hour)
	dst = append(dst, ':')
	dst = append2Digits(dst, minute)
	dst = append(dst, ':')
	return append2Digits(dst, sec)
}

// append2Digits appends n, 0 <= n < 100, as two digits.
func append2Digits(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}

// append4Digits appends n, 0 <= n < 10000, as four digits.
func append4Digits(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}
