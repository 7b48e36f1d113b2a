// Hand-written checks of the trickiest RISC-V F/D rules. Every expected value
// is worked out from the ISA manual (F and D chapters) and IEEE 754-2008 in
// the comment beside it, independently of the implementation and of qemu.
#include <cstdint>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu.h"
#include "gtest/gtest.h"

namespace dbt::riscv {
namespace {

constexpr uint32_t NV = kFflagNV, DZ = kFflagDZ, OF = kFflagOF, UF = kFflagUF, NX = kFflagNX;
constexpr uint32_t RNE = kRmRNE, RTZ = kRmRTZ, RDN = kRmRDN, RUP = kRmRUP, RMM = kRmRMM;

uint64_t S(uint32_t bits) { return NanBox32(bits); }

struct Result {
  uint64_t value;
  uint32_t flags;
};
Result Apply(FpFn fn, uint64_t a, uint64_t b, uint64_t c, uint32_t rm) {
  uint32_t flags = 0;
  const uint64_t value = fn(a, b, c, rm, &flags);
  return {value, flags};
}

#define EXPECT_FP(call, want_value, want_flags)        \
  do {                                                 \
    const Result r = call;                             \
    EXPECT_EQ(r.value, uint64_t{want_value}) << #call; \
    EXPECT_EQ(r.flags, uint32_t{want_flags}) << #call; \
  } while (0)

TEST(FpuSpecTest, RoundToNearestMaxMagnitudeBreaksTiesAwayFromZero) {
  // 1 + 2^-24 lies exactly halfway between 1.0 (0x3f800000) and the next
  // single 1 + 2^-23 (0x3f800001). RNE picks the even one (1.0), RMM the one
  // of larger magnitude; both are inexact.
  EXPECT_FP(Apply(FaddS, S(0x3f800000), S(0x33800000), 0, RNE), S(0x3f800000), NX);
  EXPECT_FP(Apply(FaddS, S(0x3f800000), S(0x33800000), 0, RMM), S(0x3f800001), NX);
  // Negated: RMM goes away from zero (-(1 + 2^-23)), as does RDN; RUP and RTZ
  // go towards zero (-1.0).
  EXPECT_FP(Apply(FaddS, S(0xbf800000), S(0xb3800000), 0, RMM), S(0xbf800001), NX);
  EXPECT_FP(Apply(FaddS, S(0xbf800000), S(0xb3800000), 0, RDN), S(0xbf800001), NX);
  EXPECT_FP(Apply(FaddS, S(0xbf800000), S(0xb3800000), 0, RUP), S(0xbf800000), NX);
  EXPECT_FP(Apply(FaddS, S(0xbf800000), S(0xb3800000), 0, RTZ), S(0xbf800000), NX);
  // Double: 1 + 2^-53 is the tie between 1.0 and 1 + 2^-52.
  EXPECT_FP(Apply(FaddD, 0x3ff0000000000000, 0x3ca0000000000000, 0, RNE), 0x3ff0000000000000, NX);
  EXPECT_FP(Apply(FaddD, 0x3ff0000000000000, 0x3ca0000000000000, 0, RMM), 0x3ff0000000000001, NX);
  // When the tie's lower neighbour is odd, RNE and RMM agree: 1 + 3*2^-24
  // lies between 1 + 2^-23 (odd) and 1 + 2^-22 (even): both round up.
  EXPECT_FP(Apply(FaddS, S(0x3f800001), S(0x33800000), 0, RNE), S(0x3f800002), NX);
  EXPECT_FP(Apply(FaddS, S(0x3f800001), S(0x33800000), 0, RMM), S(0x3f800002), NX);
}

TEST(FpuSpecTest, IntegerToFloatTiesFollowTheMode) {
  // 2^24 + 1 needs 25 bits: it is the tie between 2^24 (0x4b800000, even) and
  // 2^24 + 2 (0x4b800001). RNE -> 2^24, RMM -> 2^24 + 2, RDN -> 2^24.
  EXPECT_FP(Apply(FcvtSW, 0x1000001, 0, 0, RNE), S(0x4b800000), NX);
  EXPECT_FP(Apply(FcvtSW, 0x1000001, 0, 0, RMM), S(0x4b800001), NX);
  EXPECT_FP(Apply(FcvtSW, 0x1000001, 0, 0, RDN), S(0x4b800000), NX);
  // fcvt.s.w reads only the low 32 bits of rs1: 0x1_ffffffff is -1 -> -1.0.
  EXPECT_FP(Apply(FcvtSW, 0x1ffffffff, 0, 0, RNE), S(0xbf800000), 0);
  // fcvt.d.lu of 2^64 - 1: 64 ones round to 2^64 (0x43f0000000000000) in RNE,
  // to 2^64 - 2^11 (largest double below 2^64, 0x43efffffffffffff) in RTZ.
  EXPECT_FP(Apply(FcvtDLu, ~uint64_t{0}, 0, 0, RNE), 0x43f0000000000000, NX);
  EXPECT_FP(Apply(FcvtDLu, ~uint64_t{0}, 0, 0, RTZ), 0x43efffffffffffff, NX);
}

TEST(FpuSpecTest, TininessIsDetectedAfterRounding) {
  // (1 - 2^-13) * (2^-126 * (1 + 2^-13)) = 2^-126 * (1 - 2^-26) exactly:
  // a = 0x3f7ff800, b = 0x00800400. Rounded to 24 bits with an unbounded
  // exponent it becomes 2^-126 (the error 2^-26 is under half an ulp, 2^-25),
  // so in RNE the result is the smallest normal 0x00800000 and it is NOT tiny
  // after rounding: NX only. (Tininess before rounding would add UF.)
  EXPECT_FP(Apply(FmulS, S(0x3f7ff800), S(0x00800400), 0, RNE), S(0x00800000), NX);
  // In RTZ it rounds down to 1 - 2^-24 (unbounded) / 0x007fffff: tiny and
  // inexact, so UF and NX.
  EXPECT_FP(Apply(FmulS, S(0x3f7ff800), S(0x00800400), 0, RTZ), S(0x007fffff), UF | NX);
  // An exact subnormal result raises nothing: 2^-126 * 0.5 = 2^-127
  // (0x00400000) is representable.
  EXPECT_FP(Apply(FmulS, S(0x00800000), S(0x3f000000), 0, RNE), S(0x00400000), 0);
}

TEST(FpuSpecTest, OverflowDependsOnModeAndSign) {
  // max * 2 overflows. Modes rounding away from zero (RNE, RMM, and RUP for
  // a positive result) give inf; RTZ and RDN give the largest finite value;
  // always OF and NX.
  const uint64_t max = S(0x7f7fffff), two = S(0x40000000), neg_two = S(0xc0000000);
  EXPECT_FP(Apply(FmulS, max, two, 0, RNE), S(0x7f800000), OF | NX);
  EXPECT_FP(Apply(FmulS, max, two, 0, RMM), S(0x7f800000), OF | NX);
  EXPECT_FP(Apply(FmulS, max, two, 0, RUP), S(0x7f800000), OF | NX);
  EXPECT_FP(Apply(FmulS, max, two, 0, RTZ), S(0x7f7fffff), OF | NX);
  EXPECT_FP(Apply(FmulS, max, two, 0, RDN), S(0x7f7fffff), OF | NX);
  // Negative result: RUP rounds towards zero (-max), RDN away (-inf).
  EXPECT_FP(Apply(FmulS, max, neg_two, 0, RUP), S(0xff7fffff), OF | NX);
  EXPECT_FP(Apply(FmulS, max, neg_two, 0, RDN), S(0xff800000), OF | NX);
}

TEST(FpuSpecTest, NanResultsAreCanonicalAndBoxingIsChecked) {
  // A quiet NaN with a payload is not propagated: the result is the
  // canonical NaN, and a quiet NaN raises nothing.
  EXPECT_FP(Apply(FaddS, S(0x7fc12345), S(0x3f800000), 0, RNE), kCanonicalNanS, 0);
  EXPECT_FP(Apply(FmulD, 0xfff8000000000001, 0x3ff0000000000000, 0, RNE), kCanonicalNanD, 0);
  // A signaling NaN raises NV.
  EXPECT_FP(Apply(FsubD, 0x7ff0000000000001, 0x3ff0000000000000, 0, RNE), kCanonicalNanD, NV);
  // inf - inf is invalid.
  EXPECT_FP(Apply(FaddS, S(0x7f800000), S(0xff800000), 0, RNE), kCanonicalNanS, NV);
  // 1.0 with the upper 32 bits not all ones is not a boxed single: it reads
  // as the canonical (quiet) NaN, so 1.0 + it = canonical NaN, no flags.
  EXPECT_FP(Apply(FaddS, 0x000000003f800000, S(0x3f800000), 0, RNE), kCanonicalNanS, 0);
  // fclass of an unboxed value: quiet NaN, bit 9.
  EXPECT_FP(Apply(FclassS, 0x000000003f800000, 0, 0, RNE), 1u << 9, 0);
  // fsgnjn.s with an unboxed rs1 uses the canonical NaN 0x7fc00000 as rs1 and
  // injects the negated sign of +1.0: 0xffc00000, boxed, no flags.
  EXPECT_FP(Apply(FsgnjnS, 0x000000003f800000, S(0x3f800000), 0, RNE), S(0xffc00000), 0);
  // fmv.x.w is a raw move of the low 32 bits, sign-extended, boxed or not.
  EXPECT_FP(Apply(FmvXW, 0x00000000bf800000, 0, 0, RNE), 0xffffffffbf800000, 0);
  // fcvt.d.s and fcvt.s.d of a signaling NaN: NV and the canonical NaN.
  EXPECT_FP(Apply(FcvtDS, S(0x7f800001), 0, 0, RNE), kCanonicalNanD, NV);
  EXPECT_FP(Apply(FcvtSD, 0x7ff0000000000001, 0, 0, RNE), kCanonicalNanS, NV);
}

TEST(FpuSpecTest, FusedMultiplyAddRoundsOnceAndFlagsInfTimesZero) {
  // (inf, 0, qNaN): the ISA says the invalid flag is raised even though the
  // addend is a quiet NaN. Result: canonical NaN.
  EXPECT_FP(Apply(FmaddS, S(0x7f800000), S(0x00000000), S(0x7fc00000), RNE), kCanonicalNanS, NV);
  EXPECT_FP(Apply(FnmaddD, 0, 0xfff0000000000000, 0x7ff8000000000000, RNE), kCanonicalNanD, NV);
  // fmsub (1 + 2^-23) * (1 + 2^-23) - 1: the exact value is 2^-22 + 2^-46 =
  // 2^-22 * (1 + 2^-24), half an ulp above 2^-22, a tie. RNE gives 2^-22
  // (0x34800000, even), RMM 2^-22 * (1 + 2^-23) (0x34800001); inexact. An
  // unfused multiply would first round the product to 1 + 2^-22, losing the
  // 2^-46, and both modes would give 2^-22 exactly.
  EXPECT_FP(Apply(FmsubS, S(0x3f800001), S(0x3f800001), S(0x3f800000), RNE), S(0x34800000), NX);
  EXPECT_FP(Apply(FmsubS, S(0x3f800001), S(0x3f800001), S(0x3f800000), RMM), S(0x34800001), NX);
  // fnmadd is -(a*b) - c: -(1*1) - 1 = -2 (0xc0000000), exact.
  EXPECT_FP(Apply(FnmaddS, S(0x3f800000), S(0x3f800000), S(0x3f800000), RNE), S(0xc0000000), 0);
  // fnmsub is -(a*b) + c: -(2*3) + 1 = -5 (0xc0a00000).
  EXPECT_FP(Apply(FnmsubS, S(0x40000000), S(0x40400000), S(0x3f800000), RNE), S(0xc0a00000), 0);
}

TEST(FpuSpecTest, ExactZeroSumsHaveThePositiveSignExceptRoundingDown) {
  // x + (-x) = +0 in every mode but RDN, where it is -0 (IEEE 754 6.3).
  EXPECT_FP(Apply(FaddD, 0x3ff0000000000000, 0xbff0000000000000, 0, RNE), 0, 0);
  EXPECT_FP(Apply(FaddD, 0x3ff0000000000000, 0xbff0000000000000, 0, RDN), 0x8000000000000000, 0);
  EXPECT_FP(Apply(FaddS, S(0x80000000), S(0x00000000), 0, RUP), S(0x00000000), 0);
  EXPECT_FP(Apply(FaddS, S(0x80000000), S(0x00000000), 0, RDN), S(0x80000000), 0);
  // (-0) + (-0) = -0 in any mode.
  EXPECT_FP(Apply(FaddS, S(0x80000000), S(0x80000000), 0, RNE), S(0x80000000), 0);
}

TEST(FpuSpecTest, DivisionAndSquareRootSpecialCases) {
  // 1 / -0 = -inf with DZ; 0 / 0 is invalid.
  EXPECT_FP(Apply(FdivS, S(0x3f800000), S(0x80000000), 0, RNE), S(0xff800000), DZ);
  EXPECT_FP(Apply(FdivD, 0, 0, 0, RNE), kCanonicalNanD, NV);
  // sqrt(-0) = -0 with no flags; sqrt of a negative number (or -inf) is
  // invalid and gives the canonical NaN.
  EXPECT_FP(Apply(FsqrtS, S(0x80000000), 0, 0, RNE), S(0x80000000), 0);
  EXPECT_FP(Apply(FsqrtD, 0xbff0000000000000, 0, 0, RNE), kCanonicalNanD, NV);
  EXPECT_FP(Apply(FsqrtD, 0xfff0000000000000, 0, 0, RNE), kCanonicalNanD, NV);
  // sqrt(2) = 1.41421356237309504880...; 0x3ff6a09e667f3bcc is
  // 1.4142135623730949234 (below), ...bcd is 1.4142135623730951454 (above,
  // and nearer): RNE and RUP give ...bcd, RTZ and RDN ...bcc; inexact.
  EXPECT_FP(Apply(FsqrtD, 0x4000000000000000, 0, 0, RNE), 0x3ff6a09e667f3bcd, NX);
  EXPECT_FP(Apply(FsqrtD, 0x4000000000000000, 0, 0, RTZ), 0x3ff6a09e667f3bcc, NX);
  // sqrt(9/16) = 3/4 exactly.
  EXPECT_FP(Apply(FsqrtS, S(0x3f100000), 0, 0, RNE), S(0x3f400000), 0);
}

TEST(FpuSpecTest, MinMaxFollowIsa22) {
  // -0 < +0 for fmin/fmax.
  EXPECT_FP(Apply(FminS, S(0x00000000), S(0x80000000), 0, RNE), S(0x80000000), 0);
  EXPECT_FP(Apply(FmaxS, S(0x80000000), S(0x00000000), 0, RNE), S(0x00000000), 0);
  // One quiet NaN: the other operand, no flags.
  EXPECT_FP(Apply(FminD, 0x7ff8000000000000, 0x4000000000000000, 0, RNE), 0x4000000000000000, 0);
  // One signaling NaN: still the other operand, but NV.
  EXPECT_FP(Apply(FmaxD, 0x4000000000000000, 0x7ff0000000000001, 0, RNE), 0x4000000000000000, NV);
  // Two NaNs: the canonical NaN (not either payload).
  EXPECT_FP(Apply(FmaxS, S(0x7fc00001), S(0xffc00002), 0, RNE), kCanonicalNanS, 0);
}

TEST(FpuSpecTest, ComparisonsQuietAndSignaling) {
  // feq is quiet: a quiet NaN gives 0 with no flags, a signaling one NV.
  EXPECT_FP(Apply(FeqS, S(0x7fc00000), S(0x7fc00000), 0, RNE), 0, 0);
  EXPECT_FP(Apply(FeqD, 0x7ff0000000000001, 0, 0, RNE), 0, NV);
  // flt/fle are signaling: any NaN raises NV.
  EXPECT_FP(Apply(FltS, S(0x7fc00000), S(0x3f800000), 0, RNE), 0, NV);
  EXPECT_FP(Apply(FleD, 0, 0x7ff8000000000000, 0, RNE), 0, NV);
  // -0 == +0, so -0 < +0 is false and -0 <= +0 is true.
  EXPECT_FP(Apply(FeqS, S(0x80000000), S(0x00000000), 0, RNE), 1, 0);
  EXPECT_FP(Apply(FltS, S(0x80000000), S(0x00000000), 0, RNE), 0, 0);
  EXPECT_FP(Apply(FleS, S(0x80000000), S(0x00000000), 0, RNE), 1, 0);
  // -2 < -1.
  EXPECT_FP(Apply(FltD, 0xc000000000000000, 0xbff0000000000000, 0, RNE), 1, 0);
}

TEST(FpuSpecTest, ClassifySetsOneOfTenBits) {
  // Bits 0..9: -inf, -normal, -subnormal, -0, +0, +subnormal, +normal, +inf,
  // signaling NaN, quiet NaN.
  const uint64_t inputs[10] = {0xfff0000000000000, 0xbff0000000000000, 0x8000000000000001,
                               0x8000000000000000, 0x0000000000000000, 0x000fffffffffffff,
                               0x0010000000000000, 0x7ff0000000000000, 0x7ff4000000000000,
                               0x7ff8000000000000};
  for (int bit = 0; bit < 10; ++bit) {
    EXPECT_FP(Apply(FclassD, inputs[bit], 0, 0, RNE), uint64_t{1} << bit, 0);
  }
}

TEST(FpuSpecTest, ConversionsToIntegerSaturate) {
  // fcvt.wu.s of 2^31 (0x4f000000) is in range: 0x80000000, which the ISA
  // sign-extends into the 64-bit register.
  EXPECT_FP(Apply(FcvtWuS, S(0x4f000000), 0, 0, RNE), 0xffffffff80000000, 0);
  // fcvt.w.s of 2^31 is out of range: INT32_MAX, NV (no NX).
  EXPECT_FP(Apply(FcvtWS, S(0x4f000000), 0, 0, RNE), 0x7fffffff, NV);
  // NaN gives the largest positive value; -inf the most negative.
  EXPECT_FP(Apply(FcvtWS, S(0xffc00000), 0, 0, RNE), 0x7fffffff, NV);
  EXPECT_FP(Apply(FcvtLD, 0xfff0000000000000, 0, 0, RNE), 0x8000000000000000, NV);
  EXPECT_FP(Apply(FcvtLuD, 0x7ff8000000000000, 0, 0, RNE), 0xffffffffffffffff, NV);
  // fcvt.wu of NaN: UINT32_MAX, sign-extended to all ones.
  EXPECT_FP(Apply(FcvtWuD, 0x7ff8000000000000, 0, 0, RNE), 0xffffffffffffffff, NV);
  // Unsigned destinations: -1.0 is out of range (0, NV), but -0.5 rounds to
  // 0 in RTZ, which is in range: 0 with NX only. In RDN it rounds to -1: NV.
  EXPECT_FP(Apply(FcvtWuS, S(0xbf800000), 0, 0, RNE), 0, NV);
  EXPECT_FP(Apply(FcvtLuD, 0xbfe0000000000000, 0, 0, RTZ), 0, NX);
  EXPECT_FP(Apply(FcvtLuD, 0xbfe0000000000000, 0, 0, RDN), 0, NV);
  // 2.5: RNE -> 2 (even), RMM -> 3, RUP -> 3, RDN -> 2; -2.5 RMM -> -3.
  EXPECT_FP(Apply(FcvtWD, 0x4004000000000000, 0, 0, RNE), 2, NX);
  EXPECT_FP(Apply(FcvtWD, 0x4004000000000000, 0, 0, RMM), 3, NX);
  EXPECT_FP(Apply(FcvtWD, 0x4004000000000000, 0, 0, RUP), 3, NX);
  EXPECT_FP(Apply(FcvtWD, 0x4004000000000000, 0, 0, RDN), 2, NX);
  EXPECT_FP(Apply(FcvtWD, 0xc004000000000000, 0, 0, RMM), 0xfffffffffffffffd, NX);
  // -2^31 - 0.5 (0xc1e0000000100000) rounds to -2^31 in RTZ (in range, NX)
  // but to -2^31 - 1 in RDN (out of range: INT32_MIN, NV).
  EXPECT_FP(Apply(FcvtWD, 0xc1e0000000100000, 0, 0, RTZ), 0xffffffff80000000, NX);
  EXPECT_FP(Apply(FcvtWD, 0xc1e0000000100000, 0, 0, RDN), 0xffffffff80000000, NV);
}

}  // namespace
}  // namespace dbt::riscv
