package codec

import "strconv"

// Protocol versions that have precomputed status lines. http.server writes
// its protocol_version ("HTTP/1.0" by default) in every status line; fastbase
// also serves "HTTP/1.1".
const (
	proto10 = "HTTP/1.0"
	proto11 = "HTTP/1.1"
)

// statusLines holds "<proto> <code> <StatusText(code)>\r\n" for every known
// code, so that the common case of AppendStatusLine is a single append.
// An empty string marks an unknown code.
var statusLines10, statusLines11 = buildStatusLines(proto10), buildStatusLines(proto11)

func buildStatusLines(proto string) (lines [statusMax - statusMin + 1]string) {
	for i, s := range statuses {
		if s.text != "" {
			lines[i] = string(appendStatusLine(nil, proto, i+statusMin, s.text))
		}
	}
	return lines
}

// AppendStatusLine appends the status line "<proto> <code> <reason>\r\n" to
// dst and returns the extended slice, like http.server's send_response_only.
// An empty reason means [StatusText](code), which is itself empty for an
// unknown code: AppendStatusLine(dst, "HTTP/1.1", 599, "") gives
// "HTTP/1.1 599 \r\n", as Python does.
//
// The reason is written as given: it must not contain CR or LF. Python's
// send_error passes messages built with %r, which escapes control
// characters; callers that put client-supplied text in a reason must do the
// same.
func AppendStatusLine(dst []byte, proto string, code int, reason string) []byte {
	if code >= statusMin && code <= statusMax {
		i := code - statusMin
		if reason == "" || reason == statuses[i].text {
			switch proto {
			case proto11:
				if line := statusLines11[i]; line != "" {
					return append(dst, line...)
				}
			case proto10:
				if line := statusLines10[i]; line != "" {
					return append(dst, line...)
				}
			}
			reason = statuses[i].text
		}
	}
	return appendStatusLine(dst, proto, code, reason)
}

func appendStatusLine(dst []byte, proto string, code int, reason string) []byte {
	dst = append(dst, proto...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, ' ')
	dst = append(dst, reason...)
	return append(dst, "\r\n"...)
}

// AppendHeader appends the header line "name: value\r\n" to dst and returns
// the extended slice, like http.server's send_header. Neither name nor value
// is checked: a value that may hold client-supplied bytes must be free of CR
// and LF before it gets here, or the response can be split.
func AppendHeader(dst []byte, name, value string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

// AppendHeaderBytes is [AppendHeader] for a value held in a []byte, such as
// a slice of the request buffer; the value is copied into dst.
func AppendHeaderBytes(dst []byte, name string, value []byte) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

// AppendUint appends the decimal form of n to dst and returns the extended
// slice.
func AppendUint(dst []byte, n uint64) []byte {
	return strconv.AppendUint(dst, n, 10)
}

// AppendContentLength appends the header line "Content-Length: n\r\n" to dst
// and returns the extended slice.
func AppendContentLength(dst []byte, n int) []byte {
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, "\r\n"...)
}

// ContinueResponse is the interim response that lets a client waiting on
// "Expect: 100-continue" send its body (RFC 9110 §10.1.1, §15.2.1). It is
// always HTTP/1.1: [Request.Expect100] is only set for HTTP/1.1 or later.
const ContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n"
