// F and D in the interpreter: every instruction once, checking the plumbing
// (register files of each operand and result, NaN-boxing, sign-extension of
// x results) and the rounding-mode rules (static rm, DYN through frm,
// reserved modes are illegal). fpu_test and fpu_spec_test cover the
// arithmetic itself; values here are exact or are the IEEE results worked
// out in the comments.
#include <cstdint>

#include "common/riscv/interp_test_util.h"

namespace dbt::riscv::test {
namespace {

using FpTest = InterpTest;

// The canonical NaNs of the F and D chapters (single NaN-boxed).
constexpr uint64_t kCanonicalNanS = 0xffffffff7fc00000u;
constexpr uint64_t kCanonicalNanD = 0x7ff8000000000000u;

constexpr uint64_t B(uint32_t single) { return 0xffffffff00000000u | single; }  // NaN-boxed

// OP-FP funct5 values (the F/D chapters' opcode tables).
constexpr uint32_t kFadd = 0x00, kFsub = 0x01, kFmul = 0x02, kFdiv = 0x03, kFsqrt = 0x0b,
                   kFsgnj = 0x04, kFminmax = 0x05, kFcvtFF = 0x08, kFcmp = 0x14,
                   kFcvtIntFromF = 0x18, kFcvtFFromInt = 0x1a, kFmvXF = 0x1c, kFmvFX = 0x1e;
constexpr uint32_t kFmadd = 0x43, kFmsub = 0x47, kFnmsub = 0x4b, kFnmadd = 0x4f;
constexpr uint32_t kRne = 0, kRtz = 1, kRdn = 2, kRup = 3, kRmm = 4;

// Singles.
constexpr uint32_t kS1_5 = 0x3fc00000, kS2_25 = 0x40100000, kS2 = 0x40000000, kS3 = 0x40400000,
                   kS4 = 0x40800000, kS1 = 0x3f800000;
// Doubles.
constexpr uint64_t kD1_5 = 0x3ff8000000000000, kD2_25 = 0x4002000000000000,
                   kD2 = 0x4000000000000000, kD3 = 0x4008000000000000, kD4 = 0x4010000000000000,
                   kD1 = 0x3ff0000000000000;

TEST_F(FpTest, SingleArithmetic) {
  F(kFa1) = B(kS1_5);
  F(kFa2) = B(kS2_25);
  Exec(OPFP(kFadd, kS, kDyn, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0x40700000));  // 3.75
  Exec(OPFP(kFsub, kS, kRne, kFa0, kFa2, kFa1));
  EXPECT_EQ(F(kFa0), B(0x3f400000));  // 0.75
  Exec(OPFP(kFmul, kS, kRne, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0x40580000));  // 3.375
  EXPECT_EQ(cpu_.fflags, 0u);         // all exact
  F(kFa1) = B(kS1);
  F(kFa2) = B(kS3);
  Exec(OPFP(kFdiv, kS, kRne, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0x3eaaaaab));  // 1/3 rounded to nearest
  EXPECT_EQ(cpu_.fflags, kFflagNX);
  F(kFa1) = B(kS4);
  Exec(OPFP(kFsqrt, kS, kRne, kFa0, kFa1, 0));
  EXPECT_EQ(F(kFa0), B(kS2));
  F(kFa1) = B(0xbf800000);  // sqrt(-1): invalid, canonical NaN
  Exec(OPFP(kFsqrt, kS, kRne, kFa0, kFa1, 0));
  EXPECT_EQ(F(kFa0), kCanonicalNanS);
  EXPECT_EQ(cpu_.fflags, kFflagNX | kFflagNV);  // accrued
}

TEST_F(FpTest, SingleFusedMultiplyAdd) {
  F(kFa1) = B(kS2);
  F(kFa2) = B(kS3);
  F(kFa3) = B(kS4);
  Exec(R4(kFmadd, kS, kFa0, kFa1, kFa2, kFa3, kDyn));
  EXPECT_EQ(F(kFa0), B(0x41200000));  // 2*3+4 = 10
  Exec(R4(kFmsub, kS, kFa0, kFa1, kFa2, kFa3, kRne));
  EXPECT_EQ(F(kFa0), B(0x40000000));  // 2*3-4 = 2
  Exec(R4(kFnmsub, kS, kFa0, kFa1, kFa2, kFa3, kRne));
  EXPECT_EQ(F(kFa0), B(0xc0000000));  // -(2*3)+4 = -2
  Exec(R4(kFnmadd, kS, kFa0, kFa1, kFa2, kFa3, kRne));
  EXPECT_EQ(F(kFa0), B(0xc1200000));  // -(2*3)-4 = -10
}

TEST_F(FpTest, DoubleArithmetic) {
  F(kFa1) = kD1_5;
  F(kFa2) = kD2_25;
  Exec(OPFP(kFadd, kDbl, kRne, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), 0x400e000000000000u);  // 3.75
  Exec(OPFP(kFsub, kDbl, kRne, kFa0, kFa2, kFa1));
  EXPECT_EQ(F(kFa0), 0x3fe8000000000000u);  // 0.75
  Exec(OPFP(kFmul, kDbl, kRne, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), 0x400b000000000000u);  // 3.375
  F(kFa1) = kD1;
  F(kFa2) = kD3;
  Exec(OPFP(kFdiv, kDbl, kRne, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), 0x3fd5555555555555u);  // 1/3
  F(kFa1) = kD2;
  Exec(OPFP(kFsqrt, kDbl, kRne, kFa0, kFa1, 0));
  EXPECT_EQ(F(kFa0), 0x3ff6a09e667f3bcdu);  // sqrt(2) rounded to nearest
  EXPECT_EQ(cpu_.fflags, kFflagNX);
  F(kFa1) = kD2;
  F(kFa2) = kD3;
  F(kFa3) = kD4;
  Exec(R4(kFmadd, kDbl, kFa0, kFa1, kFa2, kFa3, kRne));
  EXPECT_EQ(F(kFa0), 0x4024000000000000u);  // 10
  Exec(R4(kFmsub, kDbl, kFa0, kFa1, kFa2, kFa3, kRne));
  EXPECT_EQ(F(kFa0), 0x4000000000000000u);  // 2
  Exec(R4(kFnmsub, kDbl, kFa0, kFa1, kFa2, kFa3, kRne));
  EXPECT_EQ(F(kFa0), 0xc000000000000000u);  // -2
  Exec(R4(kFnmadd, kDbl, kFa0, kFa1, kFa2, kFa3, kRne));
  EXPECT_EQ(F(kFa0), 0xc024000000000000u);  // -10
}

TEST_F(FpTest, SignInjectionMinMax) {
  F(kFa1) = B(kS1_5);
  F(kFa2) = B(0xc0100000);  // -2.25
  Exec(OPFP(kFsgnj, kS, 0, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0xbfc00000));  // -1.5
  Exec(OPFP(kFsgnj, kS, 1, kFa0, kFa1, kFa1));
  EXPECT_EQ(F(kFa0), B(0xbfc00000));  // fneg
  F(kFa1) = B(0xbfc00000);
  Exec(OPFP(kFsgnj, kS, 2, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(kS1_5));  // -1.5 with sign xor: +
  F(kFa1) = B(0x80000000);       // -0.0
  F(kFa2) = B(0x00000000);       // +0.0
  Exec(OPFP(kFminmax, kS, 0, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0x80000000));  // min(-0, +0) = -0
  Exec(OPFP(kFminmax, kS, 1, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0x00000000));

  F(kFa1) = kD1_5;
  F(kFa2) = 0xc002000000000000;  // -2.25
  Exec(OPFP(kFsgnj, kDbl, 0, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), 0xbff8000000000000u);
  Exec(OPFP(kFsgnj, kDbl, 1, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), kD1_5);
  Exec(OPFP(kFsgnj, kDbl, 2, kFa0, kFa2, kFa2));
  EXPECT_EQ(F(kFa0), kD2_25);
  Exec(OPFP(kFminmax, kDbl, 0, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), 0xc002000000000000u);
  Exec(OPFP(kFminmax, kDbl, 1, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), kD1_5);
  EXPECT_EQ(cpu_.fflags, 0u);
}

// Results in x registers: comparisons, fclass, fcvt to integer, fmv.x.*.
TEST_F(FpTest, ResultsToIntegerRegisters) {
  F(kFa1) = B(kS1_5);
  F(kFa2) = B(kS2_25);
  Exec(OPFP(kFcmp, kS, 2, kA0, kFa1, kFa1));
  EXPECT_EQ(X(kA0), 1u);  // feq
  Exec(OPFP(kFcmp, kS, 1, kA0, kFa1, kFa2));
  EXPECT_EQ(X(kA0), 1u);  // flt
  Exec(OPFP(kFcmp, kS, 0, kA0, kFa2, kFa1));
  EXPECT_EQ(X(kA0), 0u);  // fle
  F(kFa1) = B(0x7f800000);
  Exec(OPFP(kFmvXF, kS, 1, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), 0x80u);  // fclass: +inf is bit 7
  F(kFa1) = B(0x80000000);
  Exec(OPFP(kFmvXF, kS, 0, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), 0xffffffff80000000u);  // fmv.x.w sign-extends bit 31
  F(kFa1) = 0x000000007f800000u;           // upper bits are ignored by fmv.x.w
  Exec(OPFP(kFmvXF, kS, 0, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), 0x7f800000u);

  F(kFa1) = B(0xbfc00000);  // -1.5
  Exec(OPFP(kFcvtIntFromF, kS, kRtz, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), ~uint64_t{0});  // fcvt.w.s rtz: -1
  Exec(OPFP(kFcvtIntFromF, kS, kRne, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), uint64_t(-2));  // ties to even
  Exec(OPFP(kFcvtIntFromF, kS, kRtz, kA0, kFa1, 1));
  EXPECT_EQ(X(kA0), 0u);  // fcvt.wu.s of a negative: 0, invalid
  EXPECT_EQ(cpu_.fflags & kFflagNV, kFflagNV);
  F(kFa1) = B(0x53800000);  // 2^40
  Exec(OPFP(kFcvtIntFromF, kS, kRtz, kA0, kFa1, 2));
  EXPECT_EQ(X(kA0), uint64_t{1} << 40);  // fcvt.l.s
  F(kFa1) = B(kS3);
  Exec(OPFP(kFcvtIntFromF, kS, kRtz, kA0, kFa1, 3));
  EXPECT_EQ(X(kA0), 3u);  // fcvt.lu.s

  F(kFa1) = kD1_5;
  F(kFa2) = kD2_25;
  Exec(OPFP(kFcmp, kDbl, 2, kA0, kFa1, kFa2));
  EXPECT_EQ(X(kA0), 0u);  // feq.d
  Exec(OPFP(kFcmp, kDbl, 1, kA0, kFa1, kFa2));
  EXPECT_EQ(X(kA0), 1u);  // flt.d
  Exec(OPFP(kFcmp, kDbl, 0, kA0, kFa1, kFa1));
  EXPECT_EQ(X(kA0), 1u);  // fle.d
  F(kFa1) = 0x8000000000000000u;
  Exec(OPFP(kFmvXF, kDbl, 1, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), 0x8u);  // fclass.d: -0 is bit 3
  Exec(OPFP(kFmvXF, kDbl, 0, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), 0x8000000000000000u);  // fmv.x.d

  F(kFa1) = 0x4004000000000000u;  // 2.5
  Exec(OPFP(kFcvtIntFromF, kDbl, kRne, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), 2u);  // fcvt.w.d, ties to even
  Exec(OPFP(kFcvtIntFromF, kDbl, kRmm, kA0, kFa1, 0));
  EXPECT_EQ(X(kA0), 3u);          // ties away from zero
  F(kFa1) = 0x400f333333333333u;  // 3.9
  Exec(OPFP(kFcvtIntFromF, kDbl, kRtz, kA0, kFa1, 1));
  EXPECT_EQ(X(kA0), 3u);          // fcvt.wu.d
  F(kFa1) = 0xc004000000000000u;  // -2.5
  Exec(OPFP(kFcvtIntFromF, kDbl, kRdn, kA0, kFa1, 2));
  EXPECT_EQ(X(kA0), uint64_t(-3));  // fcvt.l.d toward -inf
  F(kFa1) = 0x43e158e460913d00u;    // 1e19
  Exec(OPFP(kFcvtIntFromF, kDbl, kRtz, kA0, kFa1, 3));
  EXPECT_EQ(X(kA0), 10000000000000000000u);  // fcvt.lu.d

  Exec(OPFP(kFcmp, kS, 2, kZero, kFa1, kFa1));  // rd = x0 stays zero
  EXPECT_EQ(X(kZero), 0u);
}

// Sources in x registers: fcvt from integer and fmv.*.x.
TEST_F(FpTest, SourcesFromIntegerRegisters) {
  X(kA1) = uint64_t(-2);
  Exec(OPFP(kFcvtFFromInt, kS, kRne, kFa0, kA1, 0));
  EXPECT_EQ(F(kFa0), B(0xc0000000));  // fcvt.s.w -2
  X(kA1) = 0x100000005u;              // fcvt.s.w reads the low 32 bits
  Exec(OPFP(kFcvtFFromInt, kS, kRne, kFa0, kA1, 0));
  EXPECT_EQ(F(kFa0), B(0x40a00000));  // 5
  X(kA1) = 0xffffffffu;
  Exec(OPFP(kFcvtFFromInt, kS, kRne, kFa0, kA1, 1));
  EXPECT_EQ(F(kFa0), B(0x4f800000));  // fcvt.s.wu: 2^32-1 rounds to 2^32
  X(kA1) = ~uint64_t{0};
  Exec(OPFP(kFcvtFFromInt, kS, kRne, kFa0, kA1, 2));
  EXPECT_EQ(F(kFa0), B(0xbf800000));  // fcvt.s.l -1
  X(kA1) = uint64_t{1} << 63;
  Exec(OPFP(kFcvtFFromInt, kS, kRne, kFa0, kA1, 3));
  EXPECT_EQ(F(kFa0), B(0x5f000000));  // fcvt.s.lu 2^63
  X(kA1) = 0x123456789abcdef0u;
  Exec(OPFP(kFmvFX, kS, 0, kFa0, kA1, 0));
  EXPECT_EQ(F(kFa0), B(0x9abcdef0));  // fmv.w.x boxes the low 32 bits

  X(kA1) = uint64_t(-3);
  Exec(OPFP(kFcvtFFromInt, kDbl, kRne, kFa0, kA1, 0));
  EXPECT_EQ(F(kFa0), 0xc008000000000000u);  // fcvt.d.w -3
  X(kA1) = 0xffffffffu;
  Exec(OPFP(kFcvtFFromInt, kDbl, kRne, kFa0, kA1, 1));
  EXPECT_EQ(F(kFa0), 0x41efffffffe00000u);  // fcvt.d.wu 2^32-1, exact
  X(kA1) = ~uint64_t{0};
  Exec(OPFP(kFcvtFFromInt, kDbl, kRne, kFa0, kA1, 2));
  EXPECT_EQ(F(kFa0), 0xbff0000000000000u);  // fcvt.d.l -1
  Exec(OPFP(kFcvtFFromInt, kDbl, kRne, kFa0, kA1, 3));
  EXPECT_EQ(F(kFa0), 0x43f0000000000000u);  // fcvt.d.lu 2^64-1 rounds to 2^64
  X(kA1) = 0x123456789abcdef0u;
  Exec(OPFP(kFmvFX, kDbl, 0, kFa0, kA1, 0));
  EXPECT_EQ(F(kFa0), 0x123456789abcdef0u);  // fmv.d.x
}

TEST_F(FpTest, PrecisionConversions) {
  F(kFa1) = 0x3fd5555555555555u;  // 1/3
  Exec(OPFP(kFcvtFF, kS, kRne, kFa0, kFa1, 1));
  EXPECT_EQ(F(kFa0), B(0x3eaaaaab));  // fcvt.s.d
  EXPECT_EQ(cpu_.fflags, kFflagNX);
  Exec(OPFP(kFcvtFF, kS, kRtz, kFa0, kFa1, 1));
  EXPECT_EQ(F(kFa0), B(0x3eaaaaaa));
  F(kFa1) = B(kS1_5);
  Exec(OPFP(kFcvtFF, kDbl, kRne, kFa0, kFa1, 0));
  EXPECT_EQ(F(kFa0), kD1_5);      // fcvt.d.s
  F(kFa1) = 0x000000003fc00000u;  // not NaN-boxed: reads as the canonical NaN
  Exec(OPFP(kFcvtFF, kDbl, kRne, kFa0, kFa1, 0));
  EXPECT_EQ(F(kFa0), kCanonicalNanD);
}

// 1 + 2^-24 lies exactly halfway between 1 and the next single, so the
// rounding mode decides: RNE and RTZ give 1.0, RUP and RMM 1 + 2^-23.
TEST_F(FpTest, RoundingModeStaticAndDynamic) {
  F(kFa1) = B(kS1);
  F(kFa2) = B(0x33800000);  // 2^-24
  const uint32_t kAddRup = OPFP(kFadd, kS, kRup, kFa0, kFa1, kFa2);
  const uint32_t kAddDyn = OPFP(kFadd, kS, kDyn, kFa0, kFa1, kFa2);
  Exec(kAddRup);
  EXPECT_EQ(F(kFa0), B(0x3f800001));
  Exec(OPFP(kFadd, kS, kRne, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0x3f800000));
  Exec(OPFP(kFadd, kS, kRmm, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), B(0x3f800001));
  cpu_.frm = kRup;
  Exec(kAddDyn);
  EXPECT_EQ(F(kFa0), B(0x3f800001));
  Exec(OPFP(kFadd, kS, kRtz, kFa0, kFa1, kFa2));  // a static rm overrides frm
  EXPECT_EQ(F(kFa0), B(0x3f800000));
  cpu_.frm = kRne;
  Exec(kAddDyn);
  EXPECT_EQ(F(kFa0), B(0x3f800000));
  EXPECT_EQ(cpu_.fflags, kFflagNX);
}

TEST_F(FpTest, ReservedRoundingModesAreIllegal) {
  F(kFa0) = 0x1234;
  F(kFa1) = B(kS1);
  F(kFa2) = B(kS1);
  for (uint32_t rm : {5u, 6u}) {
    EXPECT_EQ(Try(OPFP(kFadd, kS, rm, kFa0, kFa1, kFa2)), InterpExit::kIllegal) << rm;
    // Exact conversions have an rm field too.
    EXPECT_EQ(Try(OPFP(kFcvtFFromInt, kDbl, rm, kFa0, kA1, 0)), InterpExit::kIllegal) << rm;
    EXPECT_EQ(Try(OPFP(kFcvtFF, kDbl, rm, kFa0, kFa1, 0)), InterpExit::kIllegal) << rm;
    EXPECT_EQ(Try(R4(kFmadd, kDbl, kFa0, kFa1, kFa2, kFa2, rm)), InterpExit::kIllegal) << rm;
  }
  for (uint32_t frm : {5u, 6u, 7u}) {
    cpu_.frm = frm;
    EXPECT_EQ(Try(OPFP(kFadd, kS, kDyn, kFa0, kFa1, kFa2)), InterpExit::kIllegal) << frm;
    EXPECT_EQ(cpu_.pc, kCode);
    // Without an rm field frm does not matter.
    EXPECT_EQ(Try(OPFP(kFsgnj, kS, 0, kFa0, kFa1, kFa2)), InterpExit::kInsnLimit) << frm;
    // A static mode ignores frm.
    EXPECT_EQ(Try(OPFP(kFadd, kS, kRne, kFa3, kFa1, kFa2)), InterpExit::kInsnLimit) << frm;
  }
  EXPECT_EQ(F(kFa0), B(kS1));  // only the fsgnj wrote fa0
  EXPECT_EQ(cpu_.fflags, 0u);
}

TEST_F(FpTest, UnboxedSingleOperandsReadAsCanonicalNan) {
  F(kFa1) = 0x000000003f800000u;  // 1.0f without the box
  F(kFa2) = B(kS1);
  Exec(OPFP(kFadd, kS, kRne, kFa0, kFa1, kFa2));
  EXPECT_EQ(F(kFa0), kCanonicalNanS);
  EXPECT_EQ(cpu_.fflags, 0u);  // a quiet NaN raises nothing
}

}  // namespace
}  // namespace dbt::riscv::test
