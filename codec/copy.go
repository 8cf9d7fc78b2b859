package codec

import "unsafe"

// CopyTo makes dst a copy of r that no longer depends on the buffer r was
// parsed from, so that a parsed request can wait (for its turn on a
// connection) or travel (to a worker) without being parsed again. block
// must hold every byte r's views point into: the header block Parse
// consumed for r (the n bytes it returned), or more. CopyTo appends block
// to buf, points dst's views into that copy, and returns the extended buf,
// which must be kept unchanged for as long as dst is used. dst's Headers
// storage is reused. Views that point outside block (the shared "HTTP/0.9"
// of a two-word request line) are kept as they are.
func (r *Request) CopyTo(dst *Request, block, buf []byte) []byte {
	start := len(buf)
	buf = append(buf, block...)
	copied := buf[start:len(buf):len(buf)]
	rebase := func(v []byte) []byte {
		if v == nil {
			return nil
		}
		off := uintptr(unsafe.Pointer(unsafe.SliceData(v))) - uintptr(unsafe.Pointer(unsafe.SliceData(block)))
		if len(block) == 0 || off > uintptr(len(block)) || off+uintptr(len(v)) > uintptr(len(block)) {
			return v
		}
		return copied[off : off+uintptr(len(v)) : off+uintptr(len(v))]
	}
	headers := dst.Headers[:0]
	*dst = *r
	dst.RequestLine = rebase(r.RequestLine)
	dst.Method = rebase(r.Method)
	dst.Target = rebase(r.Target)
	dst.Path = rebase(r.Path)
	dst.Query = rebase(r.Query)
	dst.Proto = rebase(r.Proto)
	dst.Host = rebase(r.Host)
	for _, h := range r.Headers {
		headers = append(headers, Header{Name: rebase(h.Name), Value: rebase(h.Value)})
	}
	dst.Headers = headers
	return buf
}
