package handler

import (
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/fastbase/fastbase/codec"
)

// AppendLogLine appends one access-log line in http.server's log_message
// format, "ADDR - - [23/Nov/2026 21:24:17] MSG\n", to dst and returns the
// extended slice. t is written in local time. msg is UTF-8 text; as in
// http.server, its control characters (U+0000–U+001F, U+007F–U+009F) are
// written as \xNN and backslashes are doubled, so a client cannot forge log
// lines or send escape sequences to a terminal. Bytes that are not UTF-8 are
// written as \xNN too. AppendLogLine is safe for concurrent use.
func AppendLogLine(dst []byte, addr string, t time.Time, msg []byte) []byte {
	dst = appendLogPrefix(dst, addr, t)
	dst = appendEscapedText(dst, msg)
	return append(dst, '\n')
}

// AppendRequestLog appends the access-log lines of x's response to dst and
// returns the extended slice: http.server's log_request line,
// `127.0.0.1 - - [23/Nov/2026 21:24:17] "GET / HTTP/1.1" 200 1234`, with
// the body size where http.server writes "-" ("-" if unknown), preceded for
// a response from [Request.SendError] by the "code 404, message Not Found"
// line send_error logs. The request line is read as ISO-8859-1, as
// http.server decodes it, and escaped as in [AppendLogLine].
//
// The server calls it after [Exchange.Finish], before the next
// [Exchange.Begin]. It does not allocate.
func AppendRequestLog(dst []byte, x *Exchange, t time.Time) []byte {
	r := &x.r
	addr := r.conn.Remote.Addr()
	if r.errCode != 0 {
		dst = appendLogAddrPrefix(dst, addr, t)
		dst = append(dst, "code "...)
		dst = strconv.AppendInt(dst, int64(r.errCode), 10)
		dst = append(dst, ", message "...)
		dst = appendEscapedText(dst, r.errMessage)
		dst = append(dst, '\n')
	}
	dst = appendLogAddrPrefix(dst, addr, t)
	dst = append(dst, '"')
	dst = appendEscapedLatin1(dst, x.RequestLine())
	dst = append(dst, '"', ' ')
	dst = strconv.AppendInt(dst, int64(r.status), 10)
	dst = append(dst, ' ')
	if n := x.BodySize(); n >= 0 {
		dst = strconv.AppendInt(dst, int64(n), 10)
	} else {
		dst = append(dst, '-')
	}
	return append(dst, '\n')
}

func appendLogPrefix(dst []byte, addr string, t time.Time) []byte {
	dst = append(dst, addr...)
	return appendLogDate(dst, t)
}

func appendLogAddrPrefix(dst []byte, addr netip.Addr, t time.Time) []byte {
	if addr.IsValid() {
		dst = addr.AppendTo(dst)
	} else {
		dst = append(dst, '-')
	}
	return appendLogDate(dst, t)
}

func appendLogDate(dst []byte, t time.Time) []byte {
	dst = append(dst, " - - ["...)
	dst = append(dst, logDateOf(t).text...)
	return append(dst, "] "...)
}

// logDate is a log timestamp formatted for one second of Unix time.
type logDate struct {
	sec  int64
	text string
}

// lastLogDate caches the timestamp of the second being logged: converting
// to local time and formatting it costs more than the rest of a log line,
// and lines come many to the second.
var lastLogDate atomic.Pointer[logDate]

func logDateOf(t time.Time) *logDate {
	sec := t.Unix()
	if d := lastLogDate.Load(); d != nil && d.sec == sec {
		return d
	}
	d := &logDate{sec: sec, text: string(codec.AppendLogDate(nil, t))}
	lastLogDate.Store(d)
	return d
}

// appendEscapedLatin1 appends b, read as ISO-8859-1, in UTF-8 with
// http.server's log escapes: C0, DEL and C1 as \xNN, backslash doubled.
func appendEscapedLatin1(dst []byte, b []byte) []byte {
	for _, c := range b {
		switch {
		case c == '\\':
			dst = append(dst, `\\`...)
		case isLogControl(rune(c)):
			dst = appendHexEscape(dst, c)
		default:
			dst = appendLatin1(dst, c)
		}
	}
	return dst
}

// appendEscapedText appends UTF-8 text with http.server's log escapes, and
// bytes that are not UTF-8 as \xNN.
func appendEscapedText[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\\':
				dst = append(dst, `\\`...)
			case isLogControl(rune(c)):
				dst = appendHexEscape(dst, c)
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		n := validRuneLen(s[i:])
		switch {
		case n == 0:
			dst = appendHexEscape(dst, c)
			i++
		case n == 2 && c == 0xc2 && s[i+1] < 0xa0:
			// U+0080–U+009F, the C1 controls.
			dst = appendHexEscape(dst, s[i+1])
			i += 2
		default:
			dst = append(dst, s[i:i+n]...)
			i += n
		}
	}
	return dst
}

// isLogControl reports the characters http.server's log_message escapes.
func isLogControl(c rune) bool { return c < 0x20 || c >= 0x7f && c < 0xa0 }

// validRuneLen returns the length of the well-formed UTF-8 sequence (Unicode
// Table 3-7) at the start of s, which begins with a byte >= 0x80, or 0 if
// there is none.
func validRuneLen[T string | []byte](s T) int {
	c := s[0]
	var n int
	lo, hi := byte(0x80), byte(0xbf)
	switch {
	case c >= 0xc2 && c <= 0xdf:
		n = 2
	case c == 0xe0:
		n, lo = 3, 0xa0
	case c >= 0xe1 && c <= 0xef && c != 0xed:
		n = 3
	case c == 0xed:
		n, hi = 3, 0x9f
	case c == 0xf0:
		n, lo = 4, 0x90
	case c >= 0xf1 && c <= 0xf3:
		n = 4
	case c == 0xf4:
		n, hi = 4, 0x8f
	default:
		return 0
	}
	if len(s) < n || s[1] < lo || s[1] > hi {
		return 0
	}
	for i := 2; i < n; i++ {
		if s[i] < 0x80 || s[i] > 0xbf {
			return 0
		}
	}
	return n
}
