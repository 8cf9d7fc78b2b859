package codec

// useAsm selects scanLinesAsm where the processor has what it needs;
// useAVX2 its 32-byte steps. Tests turn them off to run every input
// through the other implementations.
var (
	useAsm  = hasSSSE3()
	useAVX2 = hasAVX2()
)

// scanLinesAsm is scanLines for len(buf) >= 16, in SSSE3 (PSHUFB tells
// tchars from other bytes) 16 bytes a step, or with avx2 32 bytes a step.
// It needs SSSE3, which hasSSSE3 checks; SSE2 comes with every amd64.
//
//go:noescape
func scanLinesAsm(buf []byte, from, prev int, ends *lineEnds, avx2 bool) (n, stop int)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// hasSSSE3 reports whether the processor has SSSE3 (CPUID leaf 1, ECX bit
// 9); SSE2 and the registers it uses come with every amd64.
func hasSSSE3() bool {
	_, _, ecx1, _ := cpuid(1, 0)
	return ecx1&(1<<9) != 0
}

// hasAVX2 reports whether AVX2 instructions may be used: the processor has
// them (CPUID leaf 7, EBX bit 5) and the operating system saves the YMM
// registers (OSXSAVE and AVX in leaf 1's ECX, XCR0 bits 1 and 2).
func hasAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&(osxsave|avx) != osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// hasAVX2Here is hasAVX2, for tests on every architecture.
func hasAVX2Here() bool { return hasAVX2() }
