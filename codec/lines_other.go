//go:build !amd64

package codec

// useAsm and useAVX2 exist so that tests can switch implementations on every
// architecture; without assembly they change nothing.
var useAsm, useAVX2 = false, false

func scanLines(buf []byte, from, prev int, ends *lineEnds) (n, stop int) {
	return scanLinesGo(buf, from, prev, ends)
}

func hasAVX2Here() bool { return false }
