// Every RV64 FP conversion (fcvt.{w,wu,l,lu}.{s,d}, fcvt.{s,d}.{w,wu,l,lu},
// fcvt.s.d, fcvt.d.s) in every static rounding mode and in the dynamic mode set by
// fesetround (and fsrm for RMM), on in-range, halfway, out-of-range, inf, NaN and
// subnormal inputs; each result is printed with the accrued fflags. Then the C
// conversions (casts, lrint/llrint/lround/rint/nearbyint) with fetestexcept.
// The clamping values and a set of roundings are checked against the ISA manual
// ("Single-Precision Floating-Point Conversion and Move Instructions", table of
// results for invalid inputs); everything else is compared with qemu-riscv64.
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "fp_util.h"
#include "guest_check.h"

// One function per (instruction, rounding mode): rounding modes are encoded in the
// instruction, so they cannot be a runtime argument. ORDER: rne rtz rdn rup rmm dyn,
// the same order as kRmNames.
static const char* const kRmNames[] = {"rne", "rtz", "rdn", "rup", "rmm", "dyn"};
#define FOR_EACH_RM(X, insn, name) \
  X(insn, name, rne)               \
  X(insn, name, rtz) X(insn, name, rdn) X(insn, name, rup) X(insn, name, rmm) X(insn, name, dyn)

// Float (in an f register, NaN-boxed by the compiler for float) to integer register.
#define DEFINE_F2I(insn, name, rm)                                                                 \
  static uint64_t name##_##rm(uint64_t in_bits, unsigned* flags) {                                 \
    uint64_t r;                                                                                    \
    unsigned long f;                                                                               \
    asm volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\t" insn " %0, ft0, " #rm "\n\tfrflags %1" \
                 : "=r"(r), "=r"(f)                                                                \
                 : "r"(in_bits)                                                                    \
                 : "ft0");                                                                         \
    *flags = (unsigned)f;                                                                          \
    return r;                                                                                      \
  }
// Integer register to float; the result is read back raw with fmv.x.d, so a float
// result shows its NaN-boxing (upper 32 bits all ones).
#define DEFINE_I2F(insn, name, rm)                                                                 \
  static uint64_t name##_##rm(uint64_t in, unsigned* flags) {                                      \
    uint64_t r;                                                                                    \
    unsigned long f;                                                                               \
    asm volatile("csrw fflags, zero\n\t" insn " ft0, %2, " #rm "\n\tfrflags %1\n\tfmv.x.d %0, ft0" \
                 : "=r"(r), "=r"(f)                                                                \
                 : "r"(in)                                                                         \
                 : "ft0");                                                                         \
    *flags = (unsigned)f;                                                                          \
    return r;                                                                                      \
  }
// Float to float; fcvt.d.s takes no rounding mode in the assembler syntax (it is
// exact), so it gets its own definition below.
#define DEFINE_F2F(insn, name, rm) DEFINE_I2F_F(insn, name, rm)
#define DEFINE_I2F_F(insn, name, rm)                                               \
  static uint64_t name##_##rm(uint64_t in_bits, unsigned* flags) {                 \
    uint64_t r;                                                                    \
    unsigned long f;                                                               \
    asm volatile("fmv.d.x ft1, %2\n\tcsrw fflags, zero\n\t" insn " ft0, ft1, " #rm \
                 "\n\tfrflags %1\n\tfmv.x.d %0, ft0"                               \
                 : "=r"(r), "=r"(f)                                                \
                 : "r"(in_bits)                                                    \
                 : "ft0", "ft1");                                                  \
    *flags = (unsigned)f;                                                          \
    return r;                                                                      \
  }

// fcvt.d.w and fcvt.d.wu are exact, and the assembler refuses a rounding mode for
// them; the encoding still has an rm field (ignored, but 5 and 6 are reserved), so
// these are spelled with .insn: OP-FP, funct7 1101001, rs2 0 (w) or 1 (wu).
#define RMNUM_rne "0"
#define RMNUM_rtz "1"
#define RMNUM_rdn "2"
#define RMNUM_rup "3"
#define RMNUM_rmm "4"
#define RMNUM_dyn "7"
#define DEFINE_I2F_EXACT(rs2, name, rm)                                      \
  static uint64_t name##_##rm(uint64_t in, unsigned* flags) {                \
    uint64_t r;                                                              \
    unsigned long f;                                                         \
    asm volatile("csrw fflags, zero\n\t.insn r 0x53, " RMNUM_##rm            \
                 ", 0x69, ft0, %2, " rs2 "\n\tfrflags %1\n\tfmv.x.d %0, ft0" \
                 : "=r"(r), "=r"(f)                                          \
                 : "r"(in)                                                   \
                 : "ft0");                                                   \
    *flags = (unsigned)f;                                                    \
    return r;                                                                \
  }

typedef uint64_t (*ConvFn)(uint64_t, unsigned*);
#define RM_TABLE_ENTRY(insn, name, rm) name##_##rm,
#define DEFINE_CONV(kind, insn, name)    \
  FOR_EACH_RM(DEFINE_##kind, insn, name) \
  static const ConvFn name[6] = {FOR_EACH_RM(RM_TABLE_ENTRY, insn, name)};

DEFINE_CONV(F2I, "fcvt.w.s", fcvt_w_s)
DEFINE_CONV(F2I, "fcvt.wu.s", fcvt_wu_s)
DEFINE_CONV(F2I, "fcvt.l.s", fcvt_l_s)
DEFINE_CONV(F2I, "fcvt.lu.s", fcvt_lu_s)
DEFINE_CONV(F2I, "fcvt.w.d", fcvt_w_d)
DEFINE_CONV(F2I, "fcvt.wu.d", fcvt_wu_d)
DEFINE_CONV(F2I, "fcvt.l.d", fcvt_l_d)
DEFINE_CONV(F2I, "fcvt.lu.d", fcvt_lu_d)
DEFINE_CONV(I2F, "fcvt.s.w", fcvt_s_w)
DEFINE_CONV(I2F, "fcvt.s.wu", fcvt_s_wu)
DEFINE_CONV(I2F, "fcvt.s.l", fcvt_s_l)
DEFINE_CONV(I2F, "fcvt.s.lu", fcvt_s_lu)
DEFINE_CONV(I2F_EXACT, "x0", fcvt_d_w)
DEFINE_CONV(I2F_EXACT, "x1", fcvt_d_wu)
DEFINE_CONV(I2F, "fcvt.d.l", fcvt_d_l)
DEFINE_CONV(I2F, "fcvt.d.lu", fcvt_d_lu)
DEFINE_CONV(F2F, "fcvt.s.d", fcvt_s_d)

static uint64_t FcvtDS(uint64_t in_bits, unsigned* flags) {
  uint64_t r;
  unsigned long f;
  asm volatile(
      "fmv.d.x ft1, %2\n\tcsrw fflags, zero\n\tfcvt.d.s ft0, ft1\n\tfrflags %1\n\t"
      "fmv.x.d %0, ft0"
      : "=r"(r), "=r"(f)
      : "r"(in_bits)
      : "ft0", "ft1");
  *flags = (unsigned)f;
  return r;
}

// Inputs, as binary64 values; single-precision instructions get them rounded to
// binary32 (exactly representable ones are chosen where it matters) and NaN-boxed.
static const double kDoubleInputs[] = {0.0,
                                       -0.0,
                                       0.5,
                                       1.5,
                                       2.5,
                                       -0.5,
                                       -1.5,
                                       -2.5,
                                       0.49999999999999994,
                                       1.0000000000000002,
                                       -1.0,
                                       3.7,
                                       -3.7,
                                       123456.789,
                                       2147483647.0,
                                       2147483647.5,
                                       2147483648.0,
                                       -2147483648.0,
                                       -2147483648.5,
                                       -2147483649.0,
                                       4294967295.0,
                                       4294967295.5,
                                       4294967296.0,
                                       9223372036854774784.0 /* 2^63-1024 */,
                                       9223372036854775808.0 /* 2^63 */,
                                       -9223372036854775808.0,
                                       -9223372036854777856.0,
                                       18446744073709549568.0 /* 2^64-2048 */,
                                       18446744073709551616.0 /* 2^64 */,
                                       1e30,
                                       -1e30,
                                       5e-324,
                                       -5e-324,
                                       2.2250738585072014e-308,
                                       1e300};
static const uint64_t kSpecialDoubleBits[] = {
    0x7ff0000000000000ull, 0xfff0000000000000ull,  // +inf, -inf
    0x7ff8000000000000ull, 0xfff8000000000000ull,  // quiet NaNs
    0x7ff0000000000001ull, 0x7ff4000000000000ull,  // signalling NaNs
    0x7ffc000000000123ull,                         // quiet NaN with payload
};
static const uint32_t kFloatOnlyBits[] = {
    0x4b800001u /* 16777218 */,
    0x4effffffu /* 2147483520 */,
    0x4f000000u /* 2^31 */,
    0xcf000000u /* -2^31 */,
    0x4f800000u /* 2^32 */,
    0x5effffffu /* 2^63-2^39 */,
    0x5f000000u /* 2^63 */,
    0xdf000000u /* -2^63 */,
    0x5f800000u /* 2^64 */,
    0x00000001u /* min subnormal */,
    0x7f800000u,
    0xff800000u,
    0x7fc00000u,
    0xffc00000u,
    0x7f800001u /* sNaN */,
    0x7fa00000u /* sNaN */,
    0x3f000001u /* 0.5+ulp */,
    0x3effffffu /* 0.5-ulp */,
};
static const uint64_t kIntInputs[] = {0,
                                      1,
                                      (uint64_t)-1,
                                      2,
                                      (uint64_t)-3,
                                      16777216,
                                      16777217,
                                      16777219,
                                      (uint64_t)-16777217,
                                      0x7fffffff,
                                      0x80000000,
                                      0xffffffff,
                                      0x100000000ull,
                                      0x7fffffffffffffffull,
                                      0x8000000000000000ull,
                                      0xffffffffffffffffull,
                                      0x20000000000001ull /* 2^53+1 */,
                                      0x20000000000003ull,
                                      0x123456780000000full /* .w must ignore the upper half */,
                                      0xffffffff80000000ull,
                                      0x00000000fffffffeull,
                                      0xdeadbeefcafebabeull,
                                      0x7fffff8000000000ull,
                                      0x8000008000000001ull,
                                      1000000007ull};

// The dynamic rounding mode for the "dyn" column. It is only in force around the
// conversions themselves: glibc's printf aborts when frm holds RMM, which it cannot
// name.
static unsigned g_dyn_mode;

static void PrintRow(const char* name, const ConvFn* fns, uint64_t in, const char* in_text) {
  uint64_t results[6];
  unsigned flags[6];
  WriteFrm(g_dyn_mode);
  for (int rm = 0; rm < 6; rm++) results[rm] = fns[rm](in, &flags[rm]);
  WriteFrm(0);
  printf("%-9s %-24s", name, in_text);
  for (int rm = 0; rm < 6; rm++) {
    printf(" %s=%llx/%s", kRmNames[rm], (unsigned long long)results[rm], FflagsName(flags[rm]));
  }
  printf("\n");
}

static uint64_t BoxFloat(float f) { return 0xffffffff00000000ull | FloatBits(f); }

static void RunInstructionTable(int fenv_index) {
  const ConvFn* f2i_d[] = {fcvt_w_d, fcvt_wu_d, fcvt_l_d, fcvt_lu_d};
  const ConvFn* f2i_s[] = {fcvt_w_s, fcvt_wu_s, fcvt_l_s, fcvt_lu_s};
  const char* f2i_d_names[] = {"fcvt.w.d", "fcvt.wu.d", "fcvt.l.d", "fcvt.lu.d"};
  const char* f2i_s_names[] = {"fcvt.w.s", "fcvt.wu.s", "fcvt.l.s", "fcvt.lu.s"};
  const ConvFn* i2f[] = {fcvt_s_w, fcvt_s_wu, fcvt_s_l, fcvt_s_lu,
                         fcvt_d_w, fcvt_d_wu, fcvt_d_l, fcvt_d_lu};
  const char* i2f_names[] = {"fcvt.s.w", "fcvt.s.wu", "fcvt.s.l", "fcvt.s.lu",
                             "fcvt.d.w", "fcvt.d.wu", "fcvt.d.l", "fcvt.d.lu"};
  char text[64];
  for (int k = 0; k < 4; k++) {
    for (unsigned i = 0; i < sizeof kDoubleInputs / sizeof kDoubleInputs[0]; i++) {
      snprintf(text, sizeof text, "%.17g", kDoubleInputs[i]);
      PrintRow(f2i_d_names[k], f2i_d[k], DoubleBits(kDoubleInputs[i]), text);
      PrintRow(f2i_s_names[k], f2i_s[k], BoxFloat((float)kDoubleInputs[i]), text);
    }
    for (unsigned i = 0; i < sizeof kSpecialDoubleBits / sizeof kSpecialDoubleBits[0]; i++) {
      snprintf(text, sizeof text, "d:%016llx", (unsigned long long)kSpecialDoubleBits[i]);
      PrintRow(f2i_d_names[k], f2i_d[k], kSpecialDoubleBits[i], text);
    }
    for (unsigned i = 0; i < sizeof kFloatOnlyBits / sizeof kFloatOnlyBits[0]; i++) {
      snprintf(text, sizeof text, "s:%08x", kFloatOnlyBits[i]);
      PrintRow(f2i_s_names[k], f2i_s[k], 0xffffffff00000000ull | kFloatOnlyBits[i], text);
    }
  }
  for (int k = 0; k < 8; k++) {
    for (unsigned i = 0; i < sizeof kIntInputs / sizeof kIntInputs[0]; i++) {
      snprintf(text, sizeof text, "%llx", (unsigned long long)kIntInputs[i]);
      PrintRow(i2f_names[k], i2f[k], kIntInputs[i], text);
    }
  }
  for (unsigned i = 0; i < sizeof kDoubleInputs / sizeof kDoubleInputs[0]; i++) {
    snprintf(text, sizeof text, "%.17g", kDoubleInputs[i]);
    PrintRow("fcvt.s.d", fcvt_s_d, DoubleBits(kDoubleInputs[i]), text);
  }
  static const double kNarrowing[] = {3.4028235677973366e38 /* rounds to FLT_MAX or inf */,
                                      3.4028236692093846e38,
                                      1.401298464324817e-45,
                                      7.006492321624085e-46 /* half of min subnormal */,
                                      1.1754942807573643e-38,
                                      0.1,
                                      16777217.0};
  for (unsigned i = 0; i < sizeof kNarrowing / sizeof kNarrowing[0]; i++) {
    snprintf(text, sizeof text, "%.17g", kNarrowing[i]);
    PrintRow("fcvt.s.d", fcvt_s_d, DoubleBits(kNarrowing[i]), text);
  }
  for (unsigned i = 0; i < sizeof kSpecialDoubleBits / sizeof kSpecialDoubleBits[0]; i++) {
    snprintf(text, sizeof text, "d:%016llx", (unsigned long long)kSpecialDoubleBits[i]);
    PrintRow("fcvt.s.d", fcvt_s_d, kSpecialDoubleBits[i], text);
  }
  // fcvt.d.s is exact: one mode suffices, but NaN-boxing of the input matters: a
  // float register value whose upper half is not all ones reads as the canonical NaN.
  for (unsigned i = 0; i < sizeof kFloatOnlyBits / sizeof kFloatOnlyBits[0]; i++) {
    unsigned flags;
    uint64_t boxed = FcvtDS(0xffffffff00000000ull | kFloatOnlyBits[i], &flags);
    unsigned flags_unboxed;
    uint64_t unboxed = FcvtDS(kFloatOnlyBits[i], &flags_unboxed);
    printf("fcvt.d.s  s:%08x = %016llx/%s, not NaN-boxed: %016llx/%s\n", kFloatOnlyBits[i],
           (unsigned long long)boxed, FflagsName(flags), (unsigned long long)unboxed,
           FflagsName(flags_unboxed));
  }
  (void)fenv_index;
}

// Checks from the ISA manual: rounding of +-2.5 and the saturated results.
static void CheckManualValues(void) {
  unsigned fl;
  const uint64_t two_half = DoubleBits(2.5), minus_two_half = DoubleBits(-2.5);
  CHECK_EQ(fcvt_w_d_rne(two_half, &fl), 2);
  CHECK_EQ(fl, 1);  // NX
  CHECK_EQ(fcvt_w_d_rtz(two_half, &fl), 2);
  CHECK_EQ(fcvt_w_d_rdn(two_half, &fl), 2);
  CHECK_EQ(fcvt_w_d_rup(two_half, &fl), 3);
  CHECK_EQ(fcvt_w_d_rmm(two_half, &fl), 3);
  CHECK_EQ(fcvt_w_d_rne(minus_two_half, &fl), -2);
  CHECK_EQ(fcvt_w_d_rtz(minus_two_half, &fl), -2);
  CHECK_EQ(fcvt_w_d_rdn(minus_two_half, &fl), -3);
  CHECK_EQ(fcvt_w_d_rup(minus_two_half, &fl), -2);
  CHECK_EQ(fcvt_w_d_rmm(minus_two_half, &fl), -3);
  const uint64_t nan = 0x7ff8000000000000ull, pinf = 0x7ff0000000000000ull,
                 ninf = 0xfff0000000000000ull;
  // Table "Domains of float-to-integer conversions and behavior for invalid inputs".
  CHECK_EQ(fcvt_w_d_rtz(nan, &fl), 0x7fffffff);
  CHECK_EQ(fl, 16);  // NV
  CHECK_EQ(fcvt_w_d_rtz(pinf, &fl), 0x7fffffff);
  CHECK_EQ(fcvt_w_d_rtz(ninf, &fl), (uint64_t)(int64_t)INT32_MIN);
  CHECK_EQ(fcvt_wu_d_rtz(nan, &fl), 0xffffffffffffffffull);  // 2^32-1, sign-extended
  CHECK_EQ(fcvt_wu_d_rtz(ninf, &fl), 0);
  CHECK_EQ(fcvt_wu_d_rtz(DoubleBits(-1.0), &fl), 0);
  CHECK_EQ(fl, 16);
  CHECK_EQ(fcvt_wu_d_rtz(DoubleBits(-0.5), &fl), 0);  // rounds to 0: in range, inexact
  CHECK_EQ(fl, 1);
  CHECK_EQ(fcvt_l_d_rtz(nan, &fl), 0x7fffffffffffffffull);
  CHECK_EQ(fcvt_l_d_rtz(ninf, &fl), 0x8000000000000000ull);
  CHECK_EQ(fcvt_l_d_rtz(DoubleBits(9223372036854775808.0), &fl), 0x7fffffffffffffffull);
  CHECK_EQ(fl, 16);
  CHECK_EQ(fcvt_lu_d_rtz(nan, &fl), 0xffffffffffffffffull);
  CHECK_EQ(fcvt_lu_d_rtz(ninf, &fl), 0);
  CHECK_EQ(fcvt_lu_d_rtz(DoubleBits(18446744073709549568.0), &fl), 0xfffffffffffff800ull);
  CHECK_EQ(fl, 0);
  CHECK_EQ(fcvt_wu_d_rtz(DoubleBits(4294967295.0), &fl), 0xffffffffffffffffull);
  CHECK_EQ(fcvt_w_s_rtz(BoxFloat(-2147483648.0f), &fl), 0xffffffff80000000ull);
  CHECK_EQ(fl, 0);
  // int -> float: 2^24+1 is a tie between 2^24 and 2^24+2; RNE picks the even 2^24.
  CHECK_EQ(fcvt_s_w_rne(16777217, &fl), 0xffffffff4b800000ull);
  CHECK_EQ(fl, 1);
  CHECK_EQ(fcvt_s_w_rup(16777217, &fl), 0xffffffff4b800001ull);
  CHECK_EQ(fcvt_s_w_rmm(16777217, &fl), 0xffffffff4b800001ull);
  CHECK_EQ(fcvt_d_w_rne(0x123456780000000full, &fl), DoubleBits(15.0));
  CHECK_EQ(fcvt_d_wu_rne(0xffffffffffffffffull, &fl), DoubleBits(4294967295.0));
  CHECK_EQ(fcvt_d_lu_rne(0xffffffffffffffffull, &fl), DoubleBits(18446744073709551616.0));
  CHECK_EQ(fl, 1);
  // Canonical NaN from a NaN input, and from an input that is not NaN-boxed.
  CHECK_EQ(fcvt_s_d_rne(0x7ff0000000000001ull, &fl), 0xffffffff7fc00000ull);
  CHECK_EQ(fl, 16);
  CHECK_EQ(FcvtDS(0x3f800000ull, &fl), 0x7ff8000000000000ull);
}

// C-level conversions: casts (always round toward zero), and the rounding-mode
// dependent library functions, reading the flags through <fenv.h>. The empty asm
// statements pin each conversion between feclearexcept and fetestexcept: without
// FENV_ACCESS support GCC would otherwise move it across the calls.
#define PIN(v) asm volatile("" : "+r"(v)::"memory")
#define PIN_F(v) asm volatile("" : "+f"(v)::"memory")
#define SHOW_INT(label, type, fmt, expr)                  \
  do {                                                    \
    feclearexcept(FE_ALL_EXCEPT);                         \
    type v_ = (expr);                                     \
    PIN(v_);                                              \
    unsigned fl_ = FetestFlags();                         \
    printf(" " label "=" fmt "/%s", v_, FflagsName(fl_)); \
  } while (0)
#define SHOW_FP(label, type, expr)                           \
  do {                                                       \
    feclearexcept(FE_ALL_EXCEPT);                            \
    type v_ = (expr);                                        \
    PIN_F(v_);                                               \
    unsigned fl_ = FetestFlags();                            \
    printf(" " label "=%a/%s", (double)v_, FflagsName(fl_)); \
  } while (0)

static volatile double c_inputs[] = {2.5,   -2.5,         3.5,    0.5,       -0.5,     1e10,
                                     -1e10, 4294967296.5, 9.3e18, -9.3e18,   2e19,     -1.0,
                                     1.0,   0.0,          -0.0,   1.0 / 0.0, 0.0 / 0.0};
static volatile long long c_int_inputs[] = {16777217, -16777217, 9007199254740993LL,
                                            -9007199254740993LL, 0x7fffffffffffffffLL};
static volatile unsigned long long c_uint_inputs[] = {0xffffffffffffffffull, 0x8000000000000001ull,
                                                      4294967295ull};

static void RunCConversions(void) {
  for (int m = 0; m < 4; m++) {
    CHECK_EQ(fesetround(kFenvModes[m]), 0);
    CHECK_EQ(fegetround(), kFenvModes[m]);
    CHECK_EQ(ReadFrm(), (unsigned)m);  // RISC-V frm encodings in kRoundingNames order
    for (unsigned i = 0; i < sizeof c_inputs / sizeof c_inputs[0]; i++) {
      double d = c_inputs[i];
      float f = (float)c_inputs[i];
      printf("C %s %a:", kRoundingNames[m], d);
      // Out-of-range casts are undefined in C; on RISC-V GCC emits fcvt with rtz,
      // so the saturated value is what both runners must produce.
      SHOW_INT("(int)", int, "%d", (int)d);
      SHOW_INT("(unsigned)", unsigned, "%u", (unsigned)d);
      SHOW_INT("(long)", long, "%ld", (long)d);
      SHOW_INT("(ulong)", unsigned long, "%lu", (unsigned long)d);
      SHOW_INT("lrint", long, "%ld", lrint(d));
      SHOW_INT("llrint", long long, "%lld", llrint(d));
      SHOW_INT("lround", long, "%ld", lround(d));
      SHOW_FP("rint", double, rint(d));
      SHOW_FP("nearbyint", double, nearbyint(d));
      SHOW_FP("(float)", float, (float)d);
      SHOW_INT("f:(int)", int, "%d", (int)f);
      SHOW_INT("f:(ulong)", unsigned long, "%lu", (unsigned long)f);
      SHOW_INT("f:lrintf", long, "%ld", lrintf(f));
      printf("\n");
    }
    for (unsigned i = 0; i < sizeof c_int_inputs / sizeof c_int_inputs[0]; i++) {
      long long v = c_int_inputs[i];
      printf("C %s %lld:", kRoundingNames[m], v);
      SHOW_FP("(float)", float, (float)v);
      SHOW_FP("(double)", double, (double)v);
      SHOW_FP("(float)(int)", float, (float)(int)v);
      SHOW_FP("(double)(unsigned)", double, (double)(unsigned)v);
      printf("\n");
    }
    for (unsigned i = 0; i < sizeof c_uint_inputs / sizeof c_uint_inputs[0]; i++) {
      unsigned long long v = c_uint_inputs[i];
      printf("C %s %llu:", kRoundingNames[m], v);
      SHOW_FP("(float)", float, (float)v);
      SHOW_FP("(double)", double, (double)v);
      printf("\n");
    }
    volatile double big = 1e300, tiny = 1e-300;
    printf("C %s", kRoundingNames[m]);
    SHOW_FP("(float)1e300", float, (float)big);
    SHOW_FP("(float)1e-300", float, (float)tiny);
    printf("\n");
  }
  fesetround(FE_TONEAREST);
}

int main(void) {
  CheckManualValues();
  // The static-rm columns do not depend on frm; the dyn column follows it. Run the
  // table once per dynamic mode (fesetround is checked to write the same frm).
  for (int m = 0; m < 5; m++) {
    if (m < 4) {
      CHECK_EQ(fesetround(kFenvModes[m]), 0);
      CHECK_EQ(ReadFrm(), (unsigned)m);
      CHECK_EQ(fesetround(FE_TONEAREST), 0);
    }
    g_dyn_mode = (unsigned)m;
    printf("=== dynamic rounding mode %s ===\n", kRoundingNames[m]);
    RunInstructionTable(m);
  }
  g_dyn_mode = 0;
  RunCConversions();
  return GuestFinish();
}
