#include "textflag.h"

// scanLinesAsm classifies 16 bytes (SSSE3) or 64 bytes (AVX2 in two
// 32-byte halves, or AVX-512BW) a step into bit masks, one bit per byte,
// and walks the LF bits in order:
//   SI buf, DX len(buf), BX offset of the step, R13 bytes in the step,
//   DI ends, AX LFs recorded, R8 the last LF,
//   R9 LF bits, R10 bits of the bytes that stop the scan, R11 CR bits,
//   R14 bits of the bytes that are not tchar, R15 1 while the name end of
//   the line being read is not found yet.
// X10-X14 (Y10-Y14, Z10-Z14) hold LF, CR, 0x1f, DEL and HTAB in every byte,
// X9 0x0f, X8 and X7 the tchar tables by low and high nibble (in every
// 16-byte lane), X6 zero. The 64-byte steps load Y0 and Y15, or Z0, and
// AVX-512BW compares into K1-K6.

// tchar by nibble: byte b is a tchar when tokenLow[b&15] & tokenHigh[b>>4]
// is not zero. Bit i of tokenLow[lo] says that (i+2)<<4|lo is a tchar.
DATA tokenLow<>+0(SB)/8, $0x3f3f3f3f3f3e3f3a
DATA tokenLow<>+8(SB)/8, $0x1c3d1534153d3e3e
GLOBL tokenLow<>(SB), RODATA|NOPTR, $16
DATA tokenHigh<>+0(SB)/8, $0x2010080402010000
DATA tokenHigh<>+8(SB)/8, $0
GLOBL tokenHigh<>(SB), RODATA|NOPTR, $16

// SSE_MASKS sets the step's masks R9, R11, R10 and R14 from the 16 bytes in
// X0. A control byte is one that min(b, 0x1f) leaves alone, or DEL.
#define SSE_MASKS \
	MOVO     X0, X1 \
	PCMPEQB  X10, X1 \
	PMOVMSKB X1, R9 \
	MOVO     X0, X2 \
	PCMPEQB  X11, X2 \
	PMOVMSKB X2, R11 \
	MOVO     X0, X3 \
	PMINUB   X12, X3 \
	PCMPEQB  X0, X3 \
	MOVO     X0, X4 \
	PCMPEQB  X13, X4 \
	POR      X4, X3 \
	MOVO     X0, X5 \
	PCMPEQB  X14, X5 \
	PANDN    X3, X5 \
	PMOVMSKB X5, R10 \
	MOVO     X0, X1 \
	PSRLW    $4, X1 \
	PAND     X9, X1 \
	MOVO     X0, X2 \
	PAND     X9, X2 \
	MOVO     X8, X3 \
	PSHUFB   X2, X3 \
	MOVO     X7, X4 \
	PSHUFB   X1, X4 \
	PAND     X3, X4 \
	PCMPEQB  X6, X4 \
	PMOVMSKB X4, R14

// AVX_MASKS sets R9, R11, R10 and R14 as SSE_MASKS does, from the 32 bytes
// in the given register; AVX_MASKS_OR ORs the same masks into them, with CX
// for the mask being moved.
#define AVX_MASKS(Y) \
	VPCMPEQB  Y10, Y, Y1 \
	VPMOVMSKB Y1, R9 \
	VPCMPEQB  Y11, Y, Y2 \
	VPMOVMSKB Y2, R11 \
	VPMINUB   Y12, Y, Y3 \
	VPCMPEQB  Y, Y3, Y3 \
	VPCMPEQB  Y13, Y, Y4 \
	VPOR      Y4, Y3, Y3 \
	VPCMPEQB  Y14, Y, Y5 \
	VPANDN    Y3, Y5, Y5 \
	VPMOVMSKB Y5, R10 \
	VPSRLW    $4, Y, Y1 \
	VPAND     Y9, Y1, Y1 \
	VPAND     Y9, Y, Y2 \
	VPSHUFB   Y2, Y8, Y3 \
	VPSHUFB   Y1, Y7, Y4 \
	VPAND     Y3, Y4, Y4 \
	VPCMPEQB  Y6, Y4, Y4 \
	VPMOVMSKB Y4, R14

#define AVX_MASKS_OR(Y) \
	VPCMPEQB  Y10, Y, Y1 \
	VPMOVMSKB Y1, CX \
	ORQ       CX, R9 \
	VPCMPEQB  Y11, Y, Y2 \
	VPMOVMSKB Y2, CX \
	ORQ       CX, R11 \
	VPMINUB   Y12, Y, Y3 \
	VPCMPEQB  Y, Y3, Y3 \
	VPCMPEQB  Y13, Y, Y4 \
	VPOR      Y4, Y3, Y3 \
	VPCMPEQB  Y14, Y, Y5 \
	VPANDN    Y3, Y5, Y5 \
	VPMOVMSKB Y5, CX \
	ORQ       CX, R10 \
	VPSRLW    $4, Y, Y1 \
	VPAND     Y9, Y1, Y1 \
	VPAND     Y9, Y, Y2 \
	VPSHUFB   Y2, Y8, Y3 \
	VPSHUFB   Y1, Y7, Y4 \
	VPAND     Y3, Y4, Y4 \
	VPCMPEQB  Y6, Y4, Y4 \
	VPMOVMSKB Y4, CX \
	ORQ       CX, R14

// AVX512_MASKS sets R9, R11, R10 and R14 as SSE_MASKS does, from the 64
// bytes in Z0, through mask registers K1-K6.
#define AVX512_MASKS \
	VPCMPEQB  Z10, Z0, K1 \
	KMOVQ     K1, R9 \
	VPCMPEQB  Z11, Z0, K2 \
	KMOVQ     K2, R11 \
	VPCMPUB   $2, Z12, Z0, K3 \
	VPCMPEQB  Z13, Z0, K4 \
	KORQ      K3, K4, K4 \
	VPCMPEQB  Z14, Z0, K5 \
	KANDNQ    K4, K5, K5 \
	KMOVQ     K5, R10 \
	VPSRLW    $4, Z0, Z1 \
	VPANDQ    Z9, Z1, Z1 \
	VPANDQ    Z9, Z0, Z2 \
	VPSHUFB   Z2, Z8, Z3 \
	VPSHUFB   Z1, Z7, Z4 \
	VPTESTNMB Z3, Z4, K6 \
	KMOVQ     K6, R14

// func scanLinesAsm(buf []byte, from, prev int, ends *lineEnds, avx2, avx512 bool) (n, stop int)
TEXT ·scanLinesAsm(SB), NOSPLIT, $0-72
	MOVQ buf_base+0(FP), SI
	MOVQ buf_len+8(FP), DX
	MOVQ from+24(FP), BX
	MOVQ prev+32(FP), R8
	MOVQ ends+40(FP), DI
	XORQ AX, AX
	MOVQ $1, R15

	MOVQ   $0x0a0a0a0a, R9
	MOVQ   R9, X10
	PSHUFD $0, X10, X10
	MOVQ   $0x0d0d0d0d, R9
	MOVQ   R9, X11
	PSHUFD $0, X11, X11
	MOVQ   $0x1f1f1f1f, R9
	MOVQ   R9, X12
	PSHUFD $0, X12, X12
	MOVQ   $0x7f7f7f7f, R9
	MOVQ   R9, X13
	PSHUFD $0, X13, X13
	MOVQ   $0x09090909, R9
	MOVQ   R9, X14
	PSHUFD $0, X14, X14
	MOVQ   $0x0f0f0f0f, R9
	MOVQ   R9, X9
	PSHUFD $0, X9, X9
	MOVOU  tokenLow<>(SB), X8
	MOVOU  tokenHigh<>(SB), X7
	PXOR   X6, X6

	CMPB avx2+48(FP), $0
	JEQ  loop
	CMPB avx512+49(FP), $0
	JNE  setup512
	VPBROADCASTB X10, Y10
	VPBROADCASTB X11, Y11
	VPBROADCASTB X12, Y12
	VPBROADCASTB X13, Y13
	VPBROADCASTB X14, Y14
	VPBROADCASTB X9, Y9
	VINSERTI128  $1, X8, Y8, Y8
	VINSERTI128  $1, X7, Y7, Y7
	VPXOR        Y6, Y6, Y6
	JMP          loop

setup512:
	VPBROADCASTB X10, Z10
	VPBROADCASTB X11, Z11
	VPBROADCASTB X12, Z12
	VPBROADCASTB X13, Z13
	VPBROADCASTB X14, Z14
	VPBROADCASTB X9, Z9
	VBROADCASTI32X4 tokenLow<>(SB), Z8
	VBROADCASTI32X4 tokenHigh<>(SB), Z7

loop:
	CMPB avx2+48(FP), $0
	JEQ  sse
	LEAQ 64(BX), R13
	CMPQ R13, DX
	JHI  avxtail

	CMPB avx512+49(FP), $0
	JEQ  avx2step
	VMOVDQU64 (SI)(BX*1), Z0
	AVX512_MASKS
	JMP       step64

avx2step:
	// 64 bytes a step, as two 32-byte halves whose masks are joined: every
	// step is classified in full, so the only branches that depend on the
	// bytes are the walk over the LFs.
	VMOVDQU   (SI)(BX*1), Y0
	VMOVDQU   32(SI)(BX*1), Y15
	AVX_MASKS(Y15)
	SHLQ      $32, R9
	SHLQ      $32, R11
	SHLQ      $32, R10
	SHLQ      $32, R14
	AVX_MASKS_OR(Y0)

step64:
	MOVQ $64, R13

	// A CR is fine when an LF follows it; for the last byte of the step
	// that is the first byte of the next one.
	MOVQ R9, R12
	SHRQ $1, R12
	BTQ  $63, R11
	JCC  crdone64
	LEAQ 64(BX), CX
	CMPQ CX, DX
	JAE  crdone64
	CMPB (SI)(CX*1), $0x0a
	JNE  crdone64
	BTSQ $63, R12
	JMP  crdone64

avxtail:
	// Fewer than 64 bytes left: classify the last 64 bytes of buf, when buf
	// has that many, and drop the bits of those already looked at.
	CMPQ BX, DX
	JAE  end
	CMPQ DX, $64
	JB   leaveavx
	LEAQ -64(DX), CX
	CMPB avx512+49(FP), $0
	JEQ  avx2tail
	VMOVDQU64 (SI)(CX*1), Z0
	AVX512_MASKS
	JMP       shift64

avx2tail:
	VMOVDQU   (SI)(CX*1), Y0
	VMOVDQU   32(SI)(CX*1), Y15
	AVX_MASKS(Y15)
	SHLQ      $32, R9
	SHLQ      $32, R11
	SHLQ      $32, R10
	SHLQ      $32, R14
	MOVQ      CX, R13
	AVX_MASKS_OR(Y0)
	MOVQ      R13, CX

shift64:
	NEGQ      CX
	ADDQ      BX, CX
	SHRQ      CX, R9
	SHRQ      CX, R10
	SHRQ      CX, R11
	SHRQ      CX, R14
	MOVQ      DX, R13
	SUBQ      BX, R13
	MOVQ      R9, R12
	SHRQ      $1, R12
	JMP       crdone64

leaveavx:
	// The rest is done with 16-byte steps: leave the AVX state first.
	VZEROUPPER
	MOVB $0, avx2+48(FP)

sse:
	LEAQ  16(BX), R13
	CMPQ  R13, DX
	JHI   tail
	MOVOU (SI)(BX*1), X0
	SSE_MASKS
	MOVQ  $16, R13
	MOVL  R9, R12
	SHRL  $1, R12
	BTL   $15, R11
	JCC   crdone
	LEAQ  16(BX), CX
	CMPQ  CX, DX
	JAE   crdone
	CMPB  (SI)(CX*1), $0x0a
	JNE   crdone
	ORL   $0x8000, R12
	JMP   crdone

tail:
	// Fewer than 16 bytes left: classify the last 16 bytes of buf and drop
	// the bits of those already looked at.
	CMPQ  BX, DX
	JAE   end
	LEAQ  -16(DX), CX
	MOVOU (SI)(CX*1), X0
	SSE_MASKS
	NEGQ  CX
	ADDQ  BX, CX
	SHRL  CX, R9
	SHRL  CX, R10
	SHRL  CX, R11
	SHRL  CX, R14
	MOVQ  DX, R13
	SUBQ  BX, R13
	MOVL  R9, R12
	SHRL  $1, R12

crdone:
	// R12 holds the LF bits shifted down by one: the CRs an LF follows are
	// fine, and so are the LFs.
	ANDQ R11, R12
	ORQ  R9, R12
	NOTQ R12
	ANDQ R12, R10

	// Only the LFs before the first stopping byte count.
	TESTQ R10, R10
	JZ    pending
	MOVQ  R10, R12
	NEGQ  R12
	ANDQ  R10, R12
	DECQ  R12
	ANDQ  R12, R9

pending:

	// A name end still to find is the step's first byte that is no tchar.
	TESTQ R15, R15
	JZ    lfloop
	TESTQ R14, R14
	JZ    lfloop
	BSFQ  R14, R12
	ADDQ  BX, R12
	MOVL  R12, 128(DI)(AX*4)
	XORQ  R15, R15

lfloop:
	TESTQ R9, R9
	JZ    nolf
	MOVQ  R9, R12
	NEGQ  R12
	ANDQ  R9, R12

	// The next line's name ends at the first byte above this LF that is no
	// tchar: R12 = R14 & -(LF bit << 1).
	ADDQ R12, R12
	NEGQ R12
	ANDQ R14, R12
	MOVQ $1, R15
	BSFQ R9, CX
	ADDQ BX, CX
	MOVL CX, (DI)(AX*4)
	INCQ AX
	ADDQ $2, R8
	CMPQ R8, CX
	MOVQ CX, R8
	JEQ  stoplf
	CMPQ AX, $32
	JEQ  stoplf
	TESTQ R12, R12
	JZ    nextlf
	BSFQ  R12, R12
	ADDQ  BX, R12
	MOVL  R12, 128(DI)(AX*4)
	XORQ  R15, R15

nextlf:
	LEAQ -1(R9), R12
	ANDQ R12, R9
	JMP  lfloop

nolf:
	TESTQ R10, R10
	JNZ   stopbad
	ADDQ  R13, BX
	JMP   loop


crdone64:
	// crdone to nextlf for the 64-byte steps, with BMI1 (hasAVX2 checks
	// for it): R12 holds the LF bits shifted down by one.
	ANDQ R11, R12
	ORQ  R9, R12
	ANDNQ R10, R12, R10

	// Only the LFs before the first stopping byte count.
	TESTQ  R10, R10
	JZ     pending64
	BLSMSKQ R10, R12
	SHRQ   $1, R12
	ANDQ   R12, R9

pending64:
	// A name end still to find is the step's first byte that is no tchar.
	TESTQ R15, R15
	JZ    lfloop64
	TESTQ R14, R14
	JZ    lfloop64
	TZCNTQ R14, R12
	ADDQ  BX, R12
	MOVL  R12, 128(DI)(AX*4)
	XORQ  R15, R15

lfloop64:
	TESTQ R9, R9
	JZ    nolf
	// The next line's name ends at the first byte above this LF that is no
	// tchar: R12 = R14 &^ (the bits up to the LF's).
	BLSMSKQ R9, R12
	ANDNQ  R14, R12, R12
	MOVQ   $1, R15
	TZCNTQ R9, CX
	ADDQ   BX, CX
	MOVL   CX, (DI)(AX*4)
	INCQ   AX
	ADDQ   $2, R8
	CMPQ   R8, CX
	MOVQ   CX, R8
	JEQ    stoplf
	CMPQ   AX, $32
	JEQ    stoplf
	BLSRQ  R9, R9
	TESTQ  R12, R12
	JZ     lfloop64
	TZCNTQ R12, R12
	ADDQ   BX, R12
	MOVL   R12, 128(DI)(AX*4)
	XORQ   R15, R15
	JMP    lfloop64

stoplf:
	LEAQ 1(R8), R12
	JMP  ret

stopbad:
	BSFQ R10, R12
	ADDQ BX, R12
	JMP  ret

end:
	MOVQ DX, R12

ret:
	MOVQ AX, n+56(FP)
	MOVQ R12, stop+64(FP)
	CMPB avx2+48(FP), $0
	JEQ  done
	VZEROUPPER

done:
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
