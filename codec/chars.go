package codec

import (
	"encoding/binary"
	"math/bits"
)

// isToken marks RFC 9110 §5.6.2 tchar: the bytes of methods and field names.
var isToken = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// lower folds ASCII letters and leaves every other byte alone.
var lower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// equalFold reports whether b equals s ignoring ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower[b[i]] != lower[s[i]] {
			return false
		}
	}
	return true
}

// equalLower reports whether b equals s ignoring ASCII case, where s is
// lower case and made of letters, digits and '-', and b is a field name or
// a field value that passed isFieldValue. Setting bit 0x20 lowers a letter;
// the only other bytes it maps onto a letter, digit or '-' are control
// characters other than HTAB, which b cannot hold. Eight bytes (four for
// shorter strings) are compared per step, the last step overlapping the
// one before.
func equalLower(b []byte, s string) bool {
	n := len(s)
	if len(b) != n {
		return false
	}
	if n < 4 {
		for i := 0; i < n; i++ {
			if b[i]|0x20 != s[i] {
				return false
			}
		}
		return true
	}
	if n < 8 {
		const lows = 0x20202020
		return binary.LittleEndian.Uint32(b)|lows == stringWord32(s) &&
			binary.LittleEndian.Uint32(b[n-4:])|lows == stringWord32(s[n-4:])
	}
	for i := 0; i < n-8; i += 8 {
		if binary.LittleEndian.Uint64(b[i:])|0x20*ones != stringWord(s[i:]) {
			return false
		}
	}
	return binary.LittleEndian.Uint64(b[n-8:])|0x20*ones == stringWord(s[n-8:])
}

// stringWord32 is binary.LittleEndian.Uint32 for the first four bytes of s.
func stringWord32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// stringWord is binary.LittleEndian.Uint64 for the first eight bytes of s.
func stringWord(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// indexCTL returns the index of the first control byte in b (below 0x20, or DEL),
// or -1. Eight bytes are tested per step: (x - 0x20…) borrows into the high bit of
// every byte below 0x20, and &^x drops the bytes that already had the high bit set
// (obs-text, which field values may carry); DEL is the zero byte of x ^ 0x7f….
//
// A borrow only ever starts at a byte below 0x20, so bytes flagged wrongly lie
// above a rightly flagged one: the lowest flagged byte is the first control
// byte, and its index is the trailing zero bits of the mask over eight.
func indexCTL(b []byte) int {
	i := 0
	for ; i+16 <= len(b); i += 16 {
		if m := hasCTL(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		if m := hasCTL(binary.LittleEndian.Uint64(b[i+8:])); m != 0 {
			return i + 8 + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i+8 <= len(b); i += 8 {
		if m := hasCTL(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c == 0x7f {
			return i
		}
	}
	return -1
}

// hasCTL is non-zero when one of the eight bytes of x is a control byte, as
// indexCTL explains.
func hasCTL(x uint64) uint64 {
	d := x ^ (0x7f * ones)
	return ((x-0x20*ones)&^x | (d-ones)&^d) & highs
}

// trimOWS drops RFC 9110 §5.6.3 optional whitespace (SP, HTAB) from both ends.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// isTokenString reports whether b is a non-empty token (RFC 9110 §5.6.2).
func isTokenString(b []byte) bool {
	for _, c := range b {
		if !isToken[c] {
			return false
		}
	}
	return len(b) > 0
}

// isVisible reports whether b is free of whitespace and control characters:
// every byte is VCHAR (0x21–0x7e) or obs-text (0x80–0xff). Eight bytes are
// tested per step as in indexCTL, with the threshold moved up to include SP.
func isVisible(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		d := x ^ (0x7f * ones)
		if ((x-0x21*ones)&^x|(d-ones)&^d)&highs != 0 {
			return false
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// isFieldValue reports whether b may be a field value once trimmed: no
// control character other than HTAB (RFC 9110 §5.5).
func isFieldValue(b []byte) bool { return indexBadFieldByte(b) < 0 }

// lowerWord and lowerWord32 are eight and four bytes of b from i on, with
// bit 0x20 set in each as equalLower sets it. Compared with stringWord of a
// constant, which the compiler folds, they test several bytes of a name at
// once.
func lowerWord(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) | 0x20*ones }

func lowerWord32(b []byte, i int) uint32 {
	return binary.LittleEndian.Uint32(b[i:]) | 0x20202020
}
