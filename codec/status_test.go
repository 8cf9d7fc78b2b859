package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pythonStatuses is every member of CPython 3.11.7's http.HTTPStatus as
// (value, phrase, description), in definition order.
var pythonStatuses = []struct {
	code    int
	text    string
	explain string
}{
	{100, "Continue", "Request received, please continue"},
	{101, "Switching Protocols", "Switching to new protocol; obey Upgrade header"},
	{102, "Processing", ""},
	{103, "Early Hints", ""},
	{200, "OK", "Request fulfilled, document follows"},
	{201, "Created", "Document created, URL follows"},
	{202, "Accepted", "Request accepted, processing continues off-line"},
	{203, "Non-Authoritative Information", "Request fulfilled from cache"},
	{204, "No Content", "Request fulfilled, nothing follows"},
	{205, "Reset Content", "Clear input form for further input"},
	{206, "Partial Content", "Partial content follows"},
	{207, "Multi-Status", ""},
	{208, "Already Reported", ""},
	{226, "IM Used", ""},
	{300, "Multiple Choices", "Object has several resources -- see URI list"},
	{301, "Moved Permanently", "Object moved permanently -- see URI list"},
	{302, "Found", "Object moved temporarily -- see URI list"},
	{303, "See Other", "Object moved -- see Method and URL list"},
	{304, "Not Modified", "Document has not changed since given time"},
	{305, "Use Proxy", "You must use proxy specified in Location to access this resource"},
	{307, "Temporary Redirect", "Object moved temporarily -- see URI list"},
	{308, "Permanent Redirect", "Object moved permanently -- see URI list"},
	{400, "Bad Request", "Bad request syntax or unsupported method"},
	{401, "Unauthorized", "No permission -- see authorization schemes"},
	{402, "Payment Required", "No payment -- see charging schemes"},
	{403, "Forbidden", "Request forbidden -- authorization will not help"},
	{404, "Not Found", "Nothing matches the given URI"},
	{405, "Method Not Allowed", "Specified method is invalid for this resource"},
	{406, "Not Acceptable", "URI not available in preferred format"},
	{407, "Proxy Authentication Required", "You must authenticate with this proxy before proceeding"},
	{408, "Request Timeout", "Request timed out; try again later"},
	{409, "Conflict", "Request conflict"},
	{410, "Gone", "URI no longer exists and has been permanently removed"},
	{411, "Length Required", "Client must specify Content-Length"},
	{412, "Precondition Failed", "Precondition in headers is false"},
	{413, "Request Entity Too Large", "Entity is too large"},
	{414, "Request-URI Too Long", "URI is too long"},
	{415, "Unsupported Media Type", "Entity body in unsupported format"},
	{416, "Requested Range Not Satisfiable", "Cannot satisfy request range"},
	{417, "Expectation Failed", "Expect condition could not be satisfied"},
	{418, "I'm a Teapot", "Server refuses to brew coffee because it is a teapot."},
	{421, "Misdirected Request", "Server is not able to produce a response"},
	{422, "Unprocessable Entity", ""},
	{423, "Locked", ""},
	{424, "Failed Dependency", ""},
	{425, "Too Early", ""},
	{426, "Upgrade Required", ""},
	{428, "Precondition Required", "The origin server requires the request to be conditional"},
	{429, "Too Many Requests", "The user has sent too many requests in a given amount of time (\"rate limiting\")"},
	{431, "Request Header Fields Too Large", "The server is unwilling to process the request because its header fields are too large"},
	{451, "Unavailable For Legal Reasons", "The server is denying access to the resource as a consequence of a legal demand"},
	{500, "Internal Server Error", "Server got itself in trouble"},
	{501, "Not Implemented", "Server does not support this operation"},
	{502, "Bad Gateway", "Invalid responses from another server/proxy"},
	{503, "Service Unavailable", "The server cannot process the request due to a high load"},
	{504, "Gateway Timeout", "The gateway server did not receive a timely response"},
	{505, "HTTP Version Not Supported", "Cannot fulfill request"},
	{506, "Variant Also Negotiates", ""},
	{507, "Insufficient Storage", ""},
	{508, "Loop Detected", ""},
	{510, "Not Extended", ""},
	{511, "Network Authentication Required", "The client needs to authenticate to gain network access"},
}

func TestStatusTableMatchesPython(t *testing.T) {
	require.Len(t, pythonStatuses, 62)
	for _, s := range pythonStatuses {
		assert.Equal(t, s.text, StatusText(s.code), "StatusText(%d)", s.code)
		assert.Equal(t, s.explain, StatusExplain(s.code), "StatusExplain(%d)", s.code)
	}
}

func TestStatusTableHasNoExtraCodes(t *testing.T) {
	known := 0
	for code := -1000; code < 2000; code++ {
		if StatusText(code) != "" {
			known++
		} else {
			assert.Empty(t, StatusExplain(code), "StatusExplain(%d) of an unknown code", code)
		}
	}
	assert.Equal(t, len(pythonStatuses), known)
}

func TestStatusText(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{200, "OK"},
		{404, "Not Found"},
		{414, "Request-URI Too Long"},
		{418, "I'm a Teapot"},
		{425, "Too Early"},
		{431, "Request Header Fields Too Large"},
		{501, "Not Implemented"},
		{505, "HTTP Version Not Supported"},
		{306, ""},
		{419, ""},
		{599, ""},
		{99, ""},
		{600, ""},
		{0, ""},
		{-404, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, StatusText(tt.code), "StatusText(%d)", tt.code)
	}
}

func TestStatusExplain(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{400, "Bad request syntax or unsupported method"},
		{404, "Nothing matches the given URI"},
		{414, "URI is too long"},
		{418, "Server refuses to brew coffee because it is a teapot."},
		{429, `The user has sent too many requests in a given amount of time ("rate limiting")`},
		{431, "The server is unwilling to process the request because its header fields are too large"},
		{501, "Server does not support this operation"},
		{505, "Cannot fulfill request"},
		{102, ""}, // known, but Python has no description
		{422, ""},
		{599, ""},
		{1000, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, StatusExplain(tt.code), "StatusExplain(%d)", tt.code)
	}
}

func TestBodyAllowed(t *testing.T) {
	tests := []struct {
		code int
		want bool
	}{
		{100, false},
		{101, false},
		{103, false},
		{199, false},
		{0, false},
		{200, true},
		{201, true},
		{204, false},
		{205, false},
		{206, true},
		{301, true},
		{304, false},
		{400, true},
		{404, true},
		{431, true},
		{501, true},
		{599, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, BodyAllowed(tt.code), "BodyAllowed(%d)", tt.code)
	}
}
