package codec

// Method names one of the methods the server knows by name: those of RFC
// 9110 §9.3 and PATCH (RFC 5789). Every other method, which HTTP allows as
// any token, is [MethodOther]. It is the one table of methods that the
// handler (for Command), the engine's workers (safe methods) and its
// counters (labels) share.
type Method uint8

// The known methods, in the order of [MethodNames].
const (
	MethodGet Method = iota
	MethodHead
	MethodPost
	MethodPut
	MethodDelete
	MethodPatch
	MethodOptions
	MethodConnect
	MethodTrace
	MethodOther
)

// MethodCount is the number of [Method] values, MethodOther included.
const MethodCount = int(MethodOther) + 1

// MethodNames holds each method's token, indexed by [Method]; MethodOther's
// is "other", a label and never a token sent.
var MethodNames = [MethodCount]string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "other"}

// LookupMethod returns the Method whose token is method, compared with case,
// as methods are case-sensitive (RFC 9110 §9.1); MethodOther when it is none
// of them. It does not allocate.
func LookupMethod(method []byte) Method {
	switch string(method) {
	case "GET":
		return MethodGet
	case "HEAD":
		return MethodHead
	case "POST":
		return MethodPost
	case "PUT":
		return MethodPut
	case "DELETE":
		return MethodDelete
	case "PATCH":
		return MethodPatch
	case "OPTIONS":
		return MethodOptions
	case "CONNECT":
		return MethodConnect
	case "TRACE":
		return MethodTrace
	}
	return MethodOther
}

// String returns the method's entry in [MethodNames].
func (m Method) String() string {
	if int(m) >= MethodCount {
		return MethodNames[MethodOther]
	}
	return MethodNames[m]
}

// Safe reports whether m is a safe method (RFC 9110 §9.2.1: GET, HEAD,
// OPTIONS, TRACE), whose requests a client expects not to change anything
// on the server. MethodOther is not: an unknown method may do anything.
func (m Method) Safe() bool {
	switch m {
	case MethodGet, MethodHead, MethodOptions, MethodTrace:
		return true
	}
	return false
}
