package codec

import "encoding/binary"

// lineBatch is how many lines one call of scanLines records.
const lineBatch = 32

// lineEnds is what scanLines records of the lines it finds, in order: the
// offset of each line's LF, and of the first byte of the line that is not
// a tchar, where a field line's name ends. The assembly writes nameEnd at
// offset 128, which TestLineEndsLayout checks.
type lineEnds struct {
	lf      [lineBatch]uint32
	nameEnd [lineBatch]uint32
}

// scanLines is the one pass over a header block that finds its lines and
// validates its bytes in bulk. From offset from on, it records in ends the
// lines it finds, and stops
//   - after an LF two bytes after the LF before it (prev is the offset of
//     the LF before from, or from-1): the end of the blank line CR LF, or
//     of a one-byte line, which the caller refuses;
//   - after the LF that fills ends;
//   - at the first byte that has no place in a header block parsed on the
//     fast path: a control byte other than HTAB and LF, DEL, or a CR that
//     no LF follows.
//
// It returns how many lines it recorded and the offset it stopped at: every
// byte of buf[from:stop] was looked at, and stop is len(buf) when nothing
// stopped it. The caller decides what the lines are; scanLines guarantees
// that every line it records holds no control byte but HTAB, and a CR right
// before its LF. Offsets must fit in 32 bits.
//
// scanLinesAsm is the vectorised implementation where the architecture has
// one (useAsm), scanLinesGo the portable one, with the same results.
func scanLines(buf []byte, from, prev int, ends *lineEnds) (n, stop int) {
	if useAsm && len(buf) >= 16 {
		return scanLinesAsm(buf, from, prev, ends, useAVX2, useAVX512)
	}
	return scanLinesGo(buf, from, prev, ends)
}

// scanLinesGo is scanLines in portable Go: the name of a line byte by byte,
// the rest eight bytes a step while none is a control byte.
func scanLinesGo(buf []byte, from, prev int, ends *lineEnds) (n, stop int) {
	i := from
	for i < len(buf) {
		for i < len(buf) && isToken[buf[i]] {
			i++
		}
		ends.nameEnd[n] = uint32(i)
		var done bool
		if i, done = scanLineRest(buf, i, &prev, ends, &n); done {
			return n, i
		}
	}
	return n, len(buf)
}

// scanLineRest goes on from i to the end of the line, records it and
// returns the offset after its LF; done says that the scan stops there, at
// the offset returned.
func scanLineRest(buf []byte, i int, prev *int, ends *lineEnds, n *int) (next int, done bool) {
	for i < len(buf) {
		for i+8 <= len(buf) && hasCTL(binary.LittleEndian.Uint64(buf[i:])) == 0 {
			i += 8
		}
		if i == len(buf) {
			break
		}
		switch c := buf[i]; {
		case c >= 0x20 && c != 0x7f, c == '\t':
		case c == '\n':
			ends.lf[*n] = uint32(i)
			*n++
			if i-*prev == 2 || *n == lineBatch {
				return i + 1, true
			}
			*prev = i
			return i + 1, false
		case c == '\r' && i+1 < len(buf) && buf[i+1] == '\n':
		default:
			return i, true
		}
		i++
	}
	return len(buf), true
}
