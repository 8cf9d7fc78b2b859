package codec

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// scanImpl is one implementation of scanLines, as the tests switch them.
type scanImpl struct {
	name              string
	asm, avx2, avx512 bool
	available         bool
}

// scanImpls lists the implementations this machine can run: the assembly
// with AVX-512, with AVX2 and with neither where there is assembly, and
// portable Go.
func scanImpls() []scanImpl {
	hasAsm := useAsm
	return []scanImpl{
		{name: "avx512", asm: true, avx2: true, avx512: true, available: hasAsm && hasAVX512Here()},
		{name: "avx2", asm: true, avx2: true, available: hasAsm && hasAVX2Here()},
		{name: "sse2", asm: true, available: hasAsm},
		{name: "go", available: true},
	}
}

// withScan runs f with scanLines switched to impl.
func withScan(impl scanImpl, f func()) {
	asm, avx2, avx512 := useAsm, useAVX2, useAVX512
	useAsm, useAVX2, useAVX512 = impl.asm, impl.avx2, impl.avx512
	defer func() { useAsm, useAVX2, useAVX512 = asm, avx2, avx512 }()
	f()
}

// scanResult describes one scanLines call.
func scanResult(buf []byte, from, prev int) string {
	var ends lineEnds
	n, stop := scanLines(buf, from, prev, &ends)
	return fmt.Sprint(ends.lf[:n], ends.nameEnd[:n], stop)
}

// scanInputs are buffers that reach every branch of the implementations:
// each stopping byte and CR in every position of a 16-, 32- and 64-byte step,
// full batches, empty lines, short tails.
func scanInputs() [][]byte {
	var out [][]byte
	for _, s := range []string{
		"", "\n", "\r\n", "\r", "a", "GET / HTTP/1.1\r\n\r\n",
		techEmpowerRequest, browserRequest, strings.Repeat(techEmpowerRequest, 3),
		strings.Repeat("a\n", 40), strings.Repeat("ab\r\n", 40), strings.Repeat("x: y\r\n", 70),
	} {
		out = append(out, []byte(s))
	}
	specials := []byte{'\n', '\r', '\t', 0, 0x1f, 0x20, 0x7f, 0x80, 0xff, 'a', ':'}
	for _, size := range []int{15, 16, 17, 18, 31, 32, 33, 34, 47, 48, 49, 63, 64, 65, 66, 79, 80, 81, 95, 96, 97, 127, 128, 129, 130, 191, 192, 193} {
		for at := 0; at < size; at++ {
			for _, c := range specials {
				b := []byte(strings.Repeat("abcdefg: ", 24)[:size])
				b[at] = c
				out = append(out, b)
				if at+1 < size {
					b2 := append([]byte(nil), b...)
					b2[at], b2[at+1] = '\r', c
					out = append(out, b2)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab: \t\r\n\r\n\x00\x7f\xc3")
	for range 3000 {
		b := make([]byte, r.IntN(200))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		out = append(out, b)
	}
	return out
}

// scanFroms are the offsets scanLinesImplementationsAgree starts b at.
func scanFroms(b []byte) []int {
	var froms []int
	for _, from := range []int{0, 1, 2, 7, 15, 16, 17, 31, 32, 33, len(b) - 1, len(b)} {
		if from >= 0 && from <= len(b) {
			froms = append(froms, from)
		}
	}
	return froms
}

func TestScanLinesImplementationsAgree(t *testing.T) {
	inputs := scanInputs()
	var want []string
	withScan(scanImpl{name: "go"}, func() {
		for _, b := range inputs {
			for _, from := range scanFroms(b) {
				want = append(want, scanResult(b, from, from-1))
			}
		}
	})
	for _, impl := range scanImpls() {
		if !impl.available {
			t.Logf("%s: not on this machine", impl.name)
			continue
		}
		withScan(impl, func() {
			k := 0
			for _, b := range inputs {
				for _, from := range scanFroms(b) {
					require.Equal(t, want[k], scanResult(b, from, from-1), "%s: %q from %d", impl.name, b, from)
					k++
				}
			}
		})
	}
}

func TestScanLinesGo(t *testing.T) {
	tests := []struct {
		in   string
		from int
		want string
	}{
		{"", 0, "[] [] 0"},
		{"GET / HTTP/1.1\r\nA: b\r\n\r\nrest", 0, "[15 21 23] [3 17 22] 24"},
		{"\r\nGET", 0, "[1] [0] 2"},
		{"a\tb\n\n", 0, "[3 4] [1 4] 5"},
		{"a\rb\n", 0, "[] [] 1"},
		{"a: b\x00\n", 0, "[] [] 4"},
		{"a: \x7f\n", 0, "[] [] 3"},
		{"a: \xff\r", 0, "[] [] 4"},
		{"x\r\ny\r\n", 3, "[5] [4] 6"},
	}
	for _, tt := range tests {
		withScan(scanImpl{name: "go"}, func() {
			require.Equal(t, tt.want, scanResult([]byte(tt.in), tt.from, tt.from-1), "%q", tt.in)
		})
	}
}

// FuzzScanLines checks that every implementation of scanLines gives what
// the portable one gives. The seeds run as ordinary tests.
func FuzzScanLines(f *testing.F) {
	for _, s := range []string{techEmpowerRequest, browserRequest, "a\r\r\n\x00\n\n", strings.Repeat("ab\r\n", 20)} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, b []byte, from uint8) {
		start := min(int(from), len(b))
		var want string
		withScan(scanImpl{name: "go"}, func() { want = scanResult(b, start, start-1) })
		for _, impl := range scanImpls() {
			if impl.available {
				withScan(impl, func() {
					if got := scanResult(b, start, start-1); got != want {
						t.Fatalf("%s: %q from %d: got %s, want %s", impl.name, b, start, got, want)
					}
				})
			}
		}
	})
}

// TestParseWithEveryScanner runs the parser's tables with each
// implementation of scanLines this machine has, the portable one forced
// too, so that every input the fast path takes goes through each.
func TestParseWithEveryScanner(t *testing.T) {
	for _, impl := range scanImpls() {
		if !impl.available {
			t.Logf("%s: not on this machine", impl.name)
			continue
		}
		t.Run(impl.name, func(t *testing.T) {
			withScan(impl, func() {
				for _, tt := range parseTests {
					t.Run(tt.name, func(t *testing.T) {
						checkSplits(t, tt.limits, []byte(tt.raw), tt.want)
					})
				}
				t.Run("pipelined", TestParsePipelined)
				t.Run("line limits", TestParseLineLimits)
				t.Run("examined", TestParseExamined)
				t.Run("allowed disagreements", TestAllowedDisagreements)
			})
		})
	}
}

func TestLineEndsLayout(t *testing.T) {
	var e lineEnds
	require.EqualValues(t, 128, unsafe.Offsetof(e.nameEnd))
}
