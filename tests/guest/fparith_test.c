// F/D arithmetic over special operands: fadd/fsub/fmul/fdiv in all five static
// rounding modes, feq/flt/fle (flt/fle signal on any NaN, feq only on signalling
// NaNs), fclass, fsgnj/fsgnjn/fsgnjx, fmv.x.w sign extension and NaN-boxing of
// single-precision operands. Printed as bit patterns with fflags and compared with
// qemu-riscv64; hand-checked values from the ISA manual are asserted.
#include <stdint.h>
#include <stdio.h>

#include "fp_util.h"
#include "guest_check.h"

// Double and single ops with explicit rounding mode; single-precision operands are
// passed as raw 64-bit register values, so NaN-boxing is under the test's control.
#define ARITH(name, insn, rm)                                                       \
  static uint64_t name##_##rm(uint64_t a, uint64_t b, unsigned* flags) {            \
    uint64_t r;                                                                     \
    unsigned long f;                                                                \
    asm volatile("fmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\tcsrw fflags, zero\n\t" insn \
                 " ft0, ft1, ft2, " #rm "\n\tfrflags %1\n\tfmv.x.d %0, ft0"         \
                 : "=r"(r), "=r"(f)                                                 \
                 : "r"(a), "r"(b)                                                   \
                 : "ft0", "ft1", "ft2");                                            \
    *flags = (unsigned)f;                                                           \
    return r;                                                                       \
  }
#define ARITH_ALL_RM(name, insn)                                                                 \
  ARITH(name, insn, rne)                                                                         \
  ARITH(name, insn, rtz) ARITH(name, insn, rdn) ARITH(name, insn, rup)                           \
      ARITH(name, insn, rmm) static uint64_t (*const name[5])(uint64_t, uint64_t, unsigned*) = { \
          name##_rne, name##_rtz, name##_rdn, name##_rup, name##_rmm};

ARITH_ALL_RM(FaddD, "fadd.d")
ARITH_ALL_RM(FsubD, "fsub.d")
ARITH_ALL_RM(FmulD, "fmul.d")
ARITH_ALL_RM(FdivD, "fdiv.d")
ARITH_ALL_RM(FaddS, "fadd.s")
ARITH_ALL_RM(FsubS, "fsub.s")
ARITH_ALL_RM(FmulS, "fmul.s")
ARITH_ALL_RM(FdivS, "fdiv.s")

// Ops without a rounding mode; compare results go to an integer register.
#define NO_RM(name, insn, out_is_int)                                                 \
  static uint64_t name(uint64_t a, uint64_t b, unsigned* flags) {                     \
    uint64_t r;                                                                       \
    unsigned long f;                                                                  \
    if (out_is_int) {                                                                 \
      asm volatile("fmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\tcsrw fflags, zero\n\t" insn \
                   " %0, ft1, ft2\n\tfrflags %1"                                      \
                   : "=r"(r), "=r"(f)                                                 \
                   : "r"(a), "r"(b)                                                   \
                   : "ft1", "ft2");                                                   \
    } else {                                                                          \
      asm volatile("fmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\tcsrw fflags, zero\n\t" insn \
                   " ft0, ft1, ft2\n\tfrflags %1\n\tfmv.x.d %0, ft0"                  \
                   : "=r"(r), "=r"(f)                                                 \
                   : "r"(a), "r"(b)                                                   \
                   : "ft0", "ft1", "ft2");                                            \
    }                                                                                 \
    *flags = (unsigned)f;                                                             \
    return r;                                                                         \
  }
NO_RM(FeqD, "feq.d", 1)
NO_RM(FltD, "flt.d", 1)
NO_RM(FleD, "fle.d", 1)
NO_RM(FeqS, "feq.s", 1)
NO_RM(FltS, "flt.s", 1)
NO_RM(FleS, "fle.s", 1)
NO_RM(FsgnjD, "fsgnj.d", 0)
NO_RM(FsgnjnD, "fsgnjn.d", 0)
NO_RM(FsgnjxD, "fsgnjx.d", 0)
NO_RM(FsgnjS, "fsgnj.s", 0)
NO_RM(FsgnjnS, "fsgnjn.s", 0)
NO_RM(FsgnjxS, "fsgnjx.s", 0)

static uint64_t FclassD(uint64_t a) {
  uint64_t r;
  asm volatile("fmv.d.x ft1, %1\n\tfclass.d %0, ft1" : "=r"(r) : "r"(a) : "ft1");
  return r;
}
static uint64_t FclassS(uint64_t a) {
  uint64_t r;
  asm volatile("fmv.d.x ft1, %1\n\tfclass.s %0, ft1" : "=r"(r) : "r"(a) : "ft1");
  return r;
}
// fmv.x.w: the low 32 bits of the f register, sign-extended.
static uint64_t FmvXW(uint64_t a) {
  uint64_t r;
  asm volatile("fmv.d.x ft1, %1\n\tfmv.x.w %0, ft1" : "=r"(r) : "r"(a) : "ft1");
  return r;
}
// flw / fsw through memory keep the bits; flw NaN-boxes.
static uint64_t FlwRaw(uint32_t bits) {
  volatile uint32_t mem = bits;
  uint64_t r;
  asm volatile("flw ft1, %1\n\tfmv.x.d %0, ft1" : "=r"(r) : "m"(mem) : "ft1");
  return r;
}
static uint32_t FswRaw(uint64_t reg) {
  volatile uint32_t mem = 0;
  asm volatile("fmv.d.x ft1, %1\n\tfsw ft1, %0" : "=m"(mem) : "r"(reg) : "ft1");
  return mem;
}

static const uint64_t kD[] = {
    0x0000000000000000ull, 0x8000000000000000ull,         0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x4008000000000000ull /* 3 */, 0x3fb999999999999aull /* 0.1 */,
    0x0000000000000001ull, 0x0010000000000000ull,         0x7fefffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull,         0x7ff8000000000000ull,
    0x7ff0000000000001ull, 0x3ff0000000000001ull /* 1+ulp */};
static const uint32_t kS[] = {0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x40400000u,
                              0x3dcccccdu, 0x00000001u, 0x00800000u, 0x7f7fffffu, 0x7f800000u,
                              0xff800000u, 0x7fc00000u, 0x7f800001u, 0x3f800001u};
enum { kN = sizeof kD / sizeof kD[0] };
_Static_assert(sizeof kS / sizeof kS[0] == kN, "same number of single operands");

static uint64_t Box(uint32_t s) { return 0xffffffff00000000ull | s; }

static void ArithTables(void) {
  static uint64_t (*const* const kOpsD[])(uint64_t, uint64_t, unsigned*) = {FaddD, FsubD, FmulD,
                                                                            FdivD};
  static uint64_t (*const* const kOpsS[])(uint64_t, uint64_t, unsigned*) = {FaddS, FsubS, FmulS,
                                                                            FdivS};
  static const char* const kNames[] = {"add", "sub", "mul", "div"};
  for (int op = 0; op < 4; op++) {
    for (int i = 0; i < kN; i++) {
      for (int j = 0; j < kN; j++) {
        printf("f%s.d %016llx %016llx:", kNames[op], (unsigned long long)kD[i],
               (unsigned long long)kD[j]);
        for (int rm = 0; rm < 5; rm++) {
          unsigned f;
          uint64_t r = kOpsD[op][rm](kD[i], kD[j], &f);
          printf(" %016llx/%s", (unsigned long long)r, FflagsName(f));
        }
        printf("\nf%s.s %08x %08x:", kNames[op], kS[i], kS[j]);
        for (int rm = 0; rm < 5; rm++) {
          unsigned f;
          uint64_t r = kOpsS[op][rm](Box(kS[i]), Box(kS[j]), &f);
          printf(" %016llx/%s", (unsigned long long)r, FflagsName(f));
        }
        printf("\n");
      }
    }
  }
}

static void CompareSignTables(void) {
  for (int i = 0; i < kN; i++) {
    for (int j = 0; j < kN; j++) {
      unsigned f[6];
      uint64_t eq = FeqD(kD[i], kD[j], &f[0]), lt = FltD(kD[i], kD[j], &f[1]),
               le = FleD(kD[i], kD[j], &f[2]);
      uint64_t eqs = FeqS(Box(kS[i]), Box(kS[j]), &f[3]), lts = FltS(Box(kS[i]), Box(kS[j]), &f[4]),
               les = FleS(Box(kS[i]), Box(kS[j]), &f[5]);
      unsigned g;
      uint64_t sj = FsgnjD(kD[i], kD[j], &g), sjn = FsgnjnD(kD[i], kD[j], &g),
               sjx = FsgnjxD(kD[i], kD[j], &g);
      uint64_t sjs = FsgnjS(Box(kS[i]), Box(kS[j]), &g), sjns = FsgnjnS(Box(kS[i]), Box(kS[j]), &g),
               sjxs = FsgnjxS(Box(kS[i]), Box(kS[j]), &g);
      printf(
          "cmp %d %d: d eq%llu/%s lt%llu/%s le%llu/%s s eq%llu/%s lt%llu/%s le%llu/%s "
          "sgnj %016llx %016llx %016llx %016llx %016llx %016llx\n",
          i, j, (unsigned long long)eq, FflagsName(f[0]), (unsigned long long)lt, FflagsName(f[1]),
          (unsigned long long)le, FflagsName(f[2]), (unsigned long long)eqs, FflagsName(f[3]),
          (unsigned long long)lts, FflagsName(f[4]), (unsigned long long)les, FflagsName(f[5]),
          (unsigned long long)sj, (unsigned long long)sjn, (unsigned long long)sjx,
          (unsigned long long)sjs, (unsigned long long)sjns, (unsigned long long)sjxs);
    }
    printf("fclass %016llx=%03llx %08x=%03llx fmv.x.w=%016llx\n", (unsigned long long)kD[i],
           (unsigned long long)FclassD(kD[i]), kS[i], (unsigned long long)FclassS(Box(kS[i])),
           (unsigned long long)FmvXW(Box(kS[i])));
  }
}

static void CheckManualValues(void) {
  unsigned f;
  // fclass bits: 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal,
  // 6 +normal, 7 +inf, 8 sNaN, 9 qNaN.
  CHECK_EQ(FclassD(0xfff0000000000000ull), 1 << 0);
  CHECK_EQ(FclassD(0xbff0000000000000ull), 1 << 1);
  CHECK_EQ(FclassD(0x800fffffffffffffull), 1 << 2);
  CHECK_EQ(FclassD(0x8000000000000000ull), 1 << 3);
  CHECK_EQ(FclassD(0), 1 << 4);
  CHECK_EQ(FclassD(1), 1 << 5);
  CHECK_EQ(FclassD(0x3ff0000000000000ull), 1 << 6);
  CHECK_EQ(FclassD(0x7ff0000000000000ull), 1 << 7);
  CHECK_EQ(FclassD(0x7ff0000000000001ull), 1 << 8);
  CHECK_EQ(FclassD(0x7ff8000000000000ull), 1 << 9);
  CHECK_EQ(FclassS(Box(0x7f800001u)), 1 << 8);
  CHECK_EQ(FclassS(0x000000003f800000ull), 1 << 9);  // not NaN-boxed: canonical qNaN
  // NaN-boxing: an operand whose upper half is not all ones is the canonical NaN.
  CHECK_EQ(FaddS_rne(0x000000003f800000ull, Box(0x3f800000u), &f), Box(0x7fc00000u));
  CHECK_EQ(f, 0);
  CHECK_EQ(FaddS_rne(Box(0x3f800000u), Box(0x3f800000u), &f), Box(0x40000000u));
  CHECK_EQ(FmvXW(0x12345678cafebabeull), 0xffffffffcafebabeull);  // sign-extended
  CHECK_EQ(FmvXW(Box(0x3f800000u)), 0x3f800000ull);
  CHECK_EQ(FlwRaw(0x7f800001u), Box(0x7f800001u));  // loads keep sNaN bits
  CHECK_EQ(FswRaw(0x123456787f800001ull), 0x7f800001u);
  // Compares: feq is quiet, flt/fle signal on a quiet NaN.
  const uint64_t qnan = 0x7ff8000000000000ull, snan = 0x7ff0000000000001ull;
  CHECK_EQ(FeqD(qnan, qnan, &f), 0);
  CHECK_EQ(f, 0);
  CHECK_EQ(FeqD(snan, 0, &f), 0);
  CHECK_EQ(f, 16);
  CHECK_EQ(FltD(qnan, 0, &f), 0);
  CHECK_EQ(f, 16);
  CHECK_EQ(FleD(0x8000000000000000ull, 0, &f), 1);  // -0 <= +0
  CHECK_EQ(FltD(0x8000000000000000ull, 0, &f), 0);  // but not <
  CHECK_EQ(FeqD(0x8000000000000000ull, 0, &f), 1);
  // Division: 1/0 = +inf with DZ; 0/0 = canonical NaN with NV.
  CHECK_EQ(FdivD_rne(0x3ff0000000000000ull, 0, &f), 0x7ff0000000000000ull);
  CHECK_EQ(f, 8);
  CHECK_EQ(FdivD_rne(0, 0, &f), qnan);
  CHECK_EQ(f, 16);
  // inf - inf is invalid; 0.1 + 0.2 rounds (IEEE: 0x3fd3333333333334 under RNE).
  CHECK_EQ(FsubD_rne(0x7ff0000000000000ull, 0x7ff0000000000000ull, &f), qnan);
  CHECK_EQ(FaddD_rne(DoubleBits(0.1), DoubleBits(0.2), &f), 0x3fd3333333333334ull);
  CHECK_EQ(f, 1);
  // max + max overflows: RNE gives inf, RTZ gives max; both raise OF and NX.
  CHECK_EQ(FaddD_rne(0x7fefffffffffffffull, 0x7fefffffffffffffull, &f), 0x7ff0000000000000ull);
  CHECK_EQ(f, 5);
  CHECK_EQ(FaddD_rtz(0x7fefffffffffffffull, 0x7fefffffffffffffull, &f), 0x7fefffffffffffffull);
  CHECK_EQ(f, 5);
  // x - x = +0 in every mode except RDN, where it is -0.
  CHECK_EQ(FsubD_rne(DoubleBits(3.0), DoubleBits(3.0), &f), 0);
  CHECK_EQ(FsubD_rdn(DoubleBits(3.0), DoubleBits(3.0), &f), 0x8000000000000000ull);
  // fsgnjn.d x, x, x is fneg; fsgnjx.d x, x, x is fabs.
  CHECK_EQ(FsgnjnD(DoubleBits(2.0), DoubleBits(2.0), &f), DoubleBits(-2.0));
  CHECK_EQ(FsgnjxD(DoubleBits(-2.0), DoubleBits(-2.0), &f), DoubleBits(2.0));
  CHECK_EQ(FsgnjS(Box(0x3f800000u), Box(0x80000000u), &f), Box(0xbf800000u));
}

int main(void) {
  CheckManualValues();
  ArithTables();
  CompareSignTables();
  return GuestFinish();
}
