package handler

import "bytes"

// appendPyRepr appends b, read as ISO-8859-1 text (as http.server decodes
// the request line), the way Python's repr() shows a str: in single quotes
// unless the text holds a single quote and no double quote, with the quote,
// the backslash and unprintable characters escaped. The result is UTF-8.
func appendPyRepr(dst []byte, b []byte) []byte {
	quote := byte('\'')
	if bytes.IndexByte(b, '\'') >= 0 && bytes.IndexByte(b, '"') < 0 {
		quote = '"'
	}
	dst = append(dst, quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\r':
			dst = append(dst, `\r`...)
		case c < 0x20 || c >= 0x7f && c <= 0xa0 || c == 0xad:
			// Python's str.isprintable() is false for C0, DEL, C1, the
			// no-break space and the soft hyphen.
			dst = appendHexEscape(dst, c)
		default:
			dst = appendLatin1(dst, c)
		}
	}
	return append(dst, quote)
}

// appendLatin1 appends the ISO-8859-1 character c in UTF-8.
func appendLatin1(dst []byte, c byte) []byte {
	if c < 0x80 {
		return append(dst, c)
	}
	return append(dst, 0xc0|c>>6, 0x80|c&0x3f)
}

// appendHexEscape appends c as Python's \xNN escape.
func appendHexEscape(dst []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'x', hex[c>>4], hex[c&15])
}
