package codec

// useAsm selects scanLinesAsm where the processor has what it needs;
// useAVX2 its 64-byte steps in two 32-byte halves, useAVX512 (which needs
// useAVX2 too) its 64-byte steps in one register. Tests turn them off to
// run every input through the other implementations.
var (
	useAsm    = hasSSSE3()
	useAVX2   = hasAVX2()
	useAVX512 = useAVX2 && hasAVX512BW()
)

// scanLinesAsm is scanLines for len(buf) >= 16, in SSSE3 (PSHUFB tells
// tchars from other bytes) 16 bytes a step; with avx2, 64 bytes a step
// where 64 are left, in AVX2, or with avx512 too in AVX-512BW. It needs
// SSSE3, which hasSSSE3 checks; SSE2 comes with every amd64.
//
//go:noescape
func scanLinesAsm(buf []byte, from, prev int, ends *lineEnds, avx2, avx512 bool) (n, stop int)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// hasSSSE3 reports whether the processor has SSSE3 (CPUID leaf 1, ECX bit
// 9); SSE2 and the registers it uses come with every amd64.
func hasSSSE3() bool {
	_, _, ecx1, _ := cpuid(1, 0)
	return ecx1&(1<<9) != 0
}

// hasAVX2 reports whether AVX2 and BMI1 instructions may be used: the
// processor has them (CPUID leaf 7, EBX bits 5 and 3) and the operating
// system saves the YMM registers (OSXSAVE and AVX in leaf 1's ECX, XCR0 bits
// 1 and 2).
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
	// The 64-byte steps also use BMI1 (leaf 7, EBX bit 3), which every
	// processor with AVX2 has had so far.
	_, ebx7, _, _ := cpuid(7, 0)
	const bmi1, avx2 = 1 << 3, 1 << 5
	return ebx7&(bmi1|avx2) == bmi1|avx2
}

// hasAVX512BW reports whether AVX-512F and AVX-512BW instructions may be
// used: the processor has them (CPUID leaf 7, EBX bits 16 and 30) and the
// operating system saves the mask and ZMM registers (XCR0 bits 5 to 7, with
// the YMM bits hasAVX2 checks).
func hasAVX512BW() bool {
	if !hasAVX2() {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&0xe6 != 0xe6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx512f, avx512bw = 1 << 16, 1 << 30
	return ebx7&(avx512f|avx512bw) == avx512f|avx512bw
}

// hasAVX2Here and hasAVX512Here are hasAVX2 and hasAVX512BW, for tests on
// every architecture.
func hasAVX2Here() bool { return hasAVX2() }

func hasAVX512Here() bool { return hasAVX512BW() }
