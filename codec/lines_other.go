//go:build !amd64

package codec

// useAsm, useAVX2 and useAVX512 exist so that tests can switch
// implementations on every architecture; without assembly they change
// nothing.
var useAsm, useAVX2, useAVX512 = false, false, false

// scanLinesAsm is never called here (useAsm is false); the portable
// scanner is what this architecture has.
func scanLinesAsm(buf []byte, from, prev int, ends *lineEnds, _, _ bool) (n, stop int) {
	return scanLinesGo(buf, from, prev, ends)
}

func hasAVX2Here() bool { return false }

func hasAVX512Here() bool { return false }
