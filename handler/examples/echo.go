package examples

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fastbase/fastbase/handler"
)

// Echo returns the seed's GET example: for GET and HEAD it answers 200 with
// a plain-text page of what the handler sees, the same lines in the same
// order as http.server's GetHandler:
//
//	CLIENT VALUES:
//	client_address=('127.0.0.1', 35548) (127.0.0.1)
//	command=GET
//	path=/?foo=bar
//	real path=/
//	query=foo=bar
//	request_version=HTTP/1.1
//
//	SERVER VALUES:
//	server_version=fastbase/0.1
//	sys_version=Go/1.26.8
//	protocol_version=HTTP/1.1
//
// Like the seed it sends no Content-Length; the server adds it
// ([handler.Exchange.Finish]). Request bytes above 0x7f are shown as
// http.server shows them, read as ISO-8859-1.
//
// POST is the seed's POST example: it echoes the posted form, one line per
// field in the order posted (see [Form] for the same on its own, with a
// page to post from).
func Echo() *handler.Handler {
	return handler.New().Handle("GET", echo).Handle("HEAD", echo).Handle("POST", echoPost)
}

func echo(r *handler.Request) {
	realPath, query := urlparse(r.Path())
	server, sys, protocol := r.Handler().Versions()

	r.SendResponse(200, "")
	r.EndHeaders()
	b := make([]byte, 0, 512)
	b = append(b, "CLIENT VALUES:\nclient_address="...)
	b = appendPyAddress(b, r.ClientAddress())
	b = append(b, " ("...)
	b = append(b, r.AddressString()...)
	b = append(b, ")\ncommand="...)
	b = appendLatin1String(b, r.Command())
	b = append(b, "\npath="...)
	b = appendLatin1String(b, r.Path())
	b = append(b, "\nreal path="...)
	b = appendLatin1String(b, realPath)
	b = append(b, "\nquery="...)
	b = appendLatin1String(b, query)
	b = append(b, "\nrequest_version="...)
	b = appendLatin1String(b, r.RequestVersion())
	b = append(b, "\n\nSERVER VALUES:\nserver_version="...)
	b = append(b, server...)
	b = append(b, "\nsys_version="...)
	b = append(b, sys...)
	b = append(b, "\nprotocol_version="...)
	b = append(b, protocol...)
	b = append(b, '\n')
	r.Write(b)
}

// appendPyAddress appends ap as Python prints a socket address tuple:
// ('127.0.0.1', 35548) for IPv4, ('::1', 35548, 0, 0) for IPv6, whose last
// two members are the flow info (always 0 here) and the zone's scope id.
func appendPyAddress(dst []byte, ap netip.AddrPort) []byte {
	a := ap.Addr()
	dst = append(dst, "('"...)
	if a.IsValid() {
		dst = a.AppendTo(dst)
	}
	dst = append(dst, "', "...)
	dst = strconv.AppendUint(dst, uint64(ap.Port()), 10)
	if a.Is6() {
		dst = append(dst, ", 0, "...)
		dst = strconv.AppendInt(dst, int64(scopeID(a.Zone())), 10)
	}
	return append(dst, ')')
}

// scopeID returns the interface index of an IPv6 zone, as Python's
// scope_id; 0 when there is none.
func scopeID(zone string) int {
	if zone == "" {
		return 0
	}
	if n, err := strconv.Atoi(zone); err == nil {
		return n
	}
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return ifi.Index
	}
	return 0
}

// appendLatin1String appends s, read as ISO-8859-1, in UTF-8, which is what
// the seed's handler writes for request bytes: http.server decodes the
// request line as ISO-8859-1 and the handler encodes its page as UTF-8.
// ISO-8859-1's bytes are the first 256 code points, so each is one rune.
func appendLatin1String(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = utf8.AppendRune(dst, rune(s[i]))
	}
	return dst
}

// urlparse returns the path and query of Python's urllib.parse.urlparse(u),
// which the seed uses for "real path" and "query": an optional scheme and
// "//authority" are split off, then the fragment, the query and the
// ";params" of the last path segment.
func urlparse(u string) (path, query string) {
	scheme := ""
	if i := strings.IndexByte(u, ':'); i > 0 && isSchemeStart(u[0]) && isScheme(u[:i]) {
		scheme, u = strings.ToLower(u[:i]), u[i+1:]
	}
	if strings.HasPrefix(u, "//") {
		end := strings.IndexAny(u[2:], "/?#")
		if end < 0 {
			u = ""
		} else {
			u = u[2+end:]
		}
	}
	u, _, _ = strings.Cut(u, "#")
	u, query, _ = strings.Cut(u, "?")
	if usesParams(scheme) {
		u = cutParams(u)
	}
	return u, query
}

func isSchemeStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isScheme reports whether every byte of s is one of urllib's scheme_chars.
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isSchemeStart(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// usesParams reports whether urllib's uses_params lists scheme.
func usesParams(scheme string) bool {
	switch scheme {
	case "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp",
		"rtsps", "rtspu", "sip", "sips", "mms", "sftp", "tel":
		return true
	}
	return false
}

// cutParams drops ";params" from the last segment of path, as urllib's
// _splitparams does.
func cutParams(path string) string {
	from := max(strings.LastIndexByte(path, '/'), 0)
	if i := strings.IndexByte(path[from:], ';'); i >= 0 {
		return path[:from+i]
	}
	return path
}
