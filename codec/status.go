package codec

// The status table is reference data copied from CPython 3.11's
// Lib/http/__init__.py (http.HTTPStatus): every member's phrase and
// description, which http.server.BaseHTTPRequestHandler.responses exposes as
// (phrase, description). It is an array indexed by code-statusMin rather than
// a map so that lookups are a bounds check and an index.

const (
	statusMin = 100
	statusMax = 599
)

// statusInfo is one http.HTTPStatus member: its phrase (the reason phrase of
// the status line) and its description (the error page's explanation).
type statusInfo struct {
	text    string
	explain string
}

var statuses = [statusMax - statusMin + 1]statusInfo{
	// 1xx informational
	100 - statusMin: {"Continue", "Request received, please continue"},
	101 - statusMin: {"Switching Protocols", "Switching to new protocol; obey Upgrade header"},
	102 - statusMin: {"Processing", ""},
	103 - statusMin: {"Early Hints", ""},

	// 2xx success
	200 - statusMin: {"OK", "Request fulfilled, document follows"},
	201 - statusMin: {"Created", "Document created, URL follows"},
	202 - statusMin: {"Accepted", "Request accepted, processing continues off-line"},
	203 - statusMin: {"Non-Authoritative Information", "Request fulfilled from cache"},
	204 - statusMin: {"No Content", "Request fulfilled, nothing follows"},
	205 - statusMin: {"Reset Content", "Clear input form for further input"},
	206 - statusMin: {"Partial Content", "Partial content follows"},
	207 - statusMin: {"Multi-Status", ""},
	208 - statusMin: {"Already Reported", ""},
	226 - statusMin: {"IM Used", ""},

	// 3xx redirection
	300 - statusMin: {"Multiple Choices", "Object has several resources -- see URI list"},
	301 - statusMin: {"Moved Permanently", "Object moved permanently -- see URI list"},
	302 - statusMin: {"Found", "Object moved temporarily -- see URI list"},
	303 - statusMin: {"See Other", "Object moved -- see Method and URL list"},
	304 - statusMin: {"Not Modified", "Document has not changed since given time"},
	305 - statusMin: {"Use Proxy", "You must use proxy specified in Location to access this resource"},
	307 - statusMin: {"Temporary Redirect", "Object moved temporarily -- see URI list"},
	308 - statusMin: {"Permanent Redirect", "Object moved permanently -- see URI list"},

	// 4xx client error
	400 - statusMin: {"Bad Request", "Bad request syntax or unsupported method"},
	401 - statusMin: {"Unauthorized", "No permission -- see authorization schemes"},
	402 - statusMin: {"Payment Required", "No payment -- see charging schemes"},
	403 - statusMin: {"Forbidden", "Request forbidden -- authorization will not help"},
	404 - statusMin: {"Not Found", "Nothing matches the given URI"},
	405 - statusMin: {"Method Not Allowed", "Specified method is invalid for this resource"},
	406 - statusMin: {"Not Acceptable", "URI not available in preferred format"},
	407 - statusMin: {"Proxy Authentication Required", "You must authenticate with this proxy before proceeding"},
	408 - statusMin: {"Request Timeout", "Request timed out; try again later"},
	409 - statusMin: {"Conflict", "Request conflict"},
	410 - statusMin: {"Gone", "URI no longer exists and has been permanently removed"},
	411 - statusMin: {"Length Required", "Client must specify Content-Length"},
	412 - statusMin: {"Precondition Failed", "Precondition in headers is false"},
	413 - statusMin: {"Request Entity Too Large", "Entity is too large"},
	414 - statusMin: {"Request-URI Too Long", "URI is too long"},
	415 - statusMin: {"Unsupported Media Type", "Entity body in unsupported format"},
	416 - statusMin: {"Requested Range Not Satisfiable", "Cannot satisfy request range"},
	417 - statusMin: {"Expectation Failed", "Expect condition could not be satisfied"},
	418 - statusMin: {"I'm a Teapot", "Server refuses to brew coffee because it is a teapot."},
	421 - statusMin: {"Misdirected Request", "Server is not able to produce a response"},
	422 - statusMin: {"Unprocessable Entity", ""},
	423 - statusMin: {"Locked", ""},
	424 - statusMin: {"Failed Dependency", ""},
	425 - statusMin: {"Too Early", ""},
	426 - statusMin: {"Upgrade Required", ""},
	428 - statusMin: {"Precondition Required", "The origin server requires the request to be conditional"},
	429 - statusMin: {"Too Many Requests", "The user has sent too many requests in a given amount of time (\"rate limiting\")"},
	431 - statusMin: {"Request Header Fields Too Large", "The server is unwilling to process the request because its header fields are too large"},
	451 - statusMin: {"Unavailable For Legal Reasons", "The server is denying access to the resource as a consequence of a legal demand"},

	// 5xx server error
	500 - statusMin: {"Internal Server Error", "Server got itself in trouble"},
	501 - statusMin: {"Not Implemented", "Server does not support this operation"},
	502 - statusMin: {"Bad Gateway", "Invalid responses from another server/proxy"},
	503 - statusMin: {"Service Unavailable", "The server cannot process the request due to a high load"},
	504 - statusMin: {"Gateway Timeout", "The gateway server did not receive a timely response"},
	505 - statusMin: {"HTTP Version Not Supported", "Cannot fulfill request"},
	506 - statusMin: {"Variant Also Negotiates", ""},
	507 - statusMin: {"Insufficient Storage", ""},
	508 - statusMin: {"Loop Detected", ""},
	510 - statusMin: {"Not Extended", ""},
	511 - statusMin: {"Network Authentication Required", "The client needs to authenticate to gain network access"},
}

// lookupStatus returns the table entry for code and whether code is a member
// of http.HTTPStatus. Every member has a non-empty phrase, so an empty phrase
// marks a hole in the table.
func lookupStatus(code int) (statusInfo, bool) {
	if code < statusMin || code > statusMax {
		return statusInfo{}, false
	}
	s := statuses[code-statusMin]
	return s, s.text != ""
}

// StatusText returns the reason phrase Python's http.server uses for code
// (the phrase of the http.HTTPStatus member, as in CPython 3.11: 200 "OK",
// 414 "Request-URI Too Long", 418 "I'm a Teapot"), or "" when code is not a
// member. [AppendStatusLine] uses it when given no reason.
func StatusText(code int) string {
	s, _ := lookupStatus(code)
	return s.text
}

// StatusExplain returns http.server's long description of code
// (BaseHTTPRequestHandler.responses[code][1], e.g. 404 "Nothing matches the
// given URI"), or "" when code is unknown. Some known codes, such as 102 and
// 422, have an empty description too. [AppendErrorPage] uses it as the
// default explanation.
func StatusExplain(code int) string {
	s, _ := lookupStatus(code)
	return s.explain
}

// BodyAllowed reports whether a response with status code may carry a body.
// It follows http.server's send_error, which writes no Content-Type,
// Content-Length or page for codes below 200 or for 204 No Content,
// 205 Reset Content and 304 Not Modified; RFC 9110 forbids content in all of
// them (205 included, section 15.3.6).
func BodyAllowed(code int) bool {
	return code >= 200 && code != 204 && code != 205 && code != 304
}
