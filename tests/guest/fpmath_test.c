// fma, sqrt and fmin/fmax, through libm (fma, fmaf, sqrt, fmin, fmax, ...) and
// through the instructions themselves (fmadd/fmsub/fnmadd/fnmsub, fsqrt, fmin,
// fmax in .s and .d), with signed zeros, NaNs (quiet, signalling, with payloads),
// infinities and subnormals. Results are printed as bit patterns with fflags.
// Hand-checked values (RISC-V unprivileged spec, F and D chapters):
//  - fmin/fmax: -0.0 < +0.0; one NaN operand -> the other operand; two NaNs -> the
//    canonical NaN; a signalling NaN operand sets NV.
//  - fsqrt(-0) = -0; fsqrt(negative) = canonical NaN with NV.
//  - fmadd with inf*0 sets NV even when the addend is a quiet NaN.
//  - fma is fused: (1+2^-28)^2 - (1+2^-27) = 2^-56 exactly.
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "fp_util.h"
#include "guest_check.h"

#define BINARY_D(name, insn)                                                        \
  static uint64_t name(uint64_t a, uint64_t b, unsigned* flags) {                   \
    uint64_t r;                                                                     \
    unsigned long f;                                                                \
    asm volatile("fmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\tcsrw fflags, zero\n\t" insn \
                 " ft0, ft1, ft2\n\tfrflags %1\n\tfmv.x.d %0, ft0"                  \
                 : "=r"(r), "=r"(f)                                                 \
                 : "r"(a), "r"(b)                                                   \
                 : "ft0", "ft1", "ft2");                                            \
    *flags = (unsigned)f;                                                           \
    return r;                                                                       \
  }
// Single precision: inputs are NaN-boxed here, the raw 64-bit result is returned.
#define BINARY_S(name, insn)                                                        \
  static uint64_t name(uint32_t a, uint32_t b, unsigned* flags) {                   \
    uint64_t r;                                                                     \
    unsigned long f;                                                                \
    asm volatile("fmv.w.x ft1, %2\n\tfmv.w.x ft2, %3\n\tcsrw fflags, zero\n\t" insn \
                 " ft0, ft1, ft2\n\tfrflags %1\n\tfmv.x.d %0, ft0"                  \
                 : "=r"(r), "=r"(f)                                                 \
                 : "r"((uint64_t)a), "r"((uint64_t)b)                               \
                 : "ft0", "ft1", "ft2");                                            \
    *flags = (unsigned)f;                                                           \
    return r;                                                                       \
  }
#define TERNARY_D(name, insn)                                                 \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c, unsigned* flags) { \
    uint64_t r;                                                               \
    unsigned long f;                                                          \
    asm volatile(                                                             \
        "fmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\tfmv.d.x ft3, %4\n\t"           \
        "csrw fflags, zero\n\t" insn                                          \
        " ft0, ft1, ft2, ft3\n\tfrflags %1\n\t"                               \
        "fmv.x.d %0, ft0"                                                     \
        : "=r"(r), "=r"(f)                                                    \
        : "r"(a), "r"(b), "r"(c)                                              \
        : "ft0", "ft1", "ft2", "ft3");                                        \
    *flags = (unsigned)f;                                                     \
    return r;                                                                 \
  }
#define TERNARY_S(name, insn)                                                 \
  static uint64_t name(uint32_t a, uint32_t b, uint32_t c, unsigned* flags) { \
    uint64_t r;                                                               \
    unsigned long f;                                                          \
    asm volatile(                                                             \
        "fmv.w.x ft1, %2\n\tfmv.w.x ft2, %3\n\tfmv.w.x ft3, %4\n\t"           \
        "csrw fflags, zero\n\t" insn                                          \
        " ft0, ft1, ft2, ft3\n\tfrflags %1\n\t"                               \
        "fmv.x.d %0, ft0"                                                     \
        : "=r"(r), "=r"(f)                                                    \
        : "r"((uint64_t)a), "r"((uint64_t)b), "r"((uint64_t)c)                \
        : "ft0", "ft1", "ft2", "ft3");                                        \
    *flags = (unsigned)f;                                                     \
    return r;                                                                 \
  }

BINARY_D(FminD, "fmin.d")
BINARY_D(FmaxD, "fmax.d")
BINARY_S(FminS, "fmin.s")
BINARY_S(FmaxS, "fmax.s")
TERNARY_D(FmaddD, "fmadd.d")
TERNARY_D(FmsubD, "fmsub.d")
TERNARY_D(FnmaddD, "fnmadd.d")
TERNARY_D(FnmsubD, "fnmsub.d")
TERNARY_S(FmaddS, "fmadd.s")
TERNARY_S(FmsubS, "fmsub.s")
TERNARY_S(FnmaddS, "fnmadd.s")
TERNARY_S(FnmsubS, "fnmsub.s")

static uint64_t FsqrtD(uint64_t a, unsigned* flags) {
  uint64_t r;
  unsigned long f;
  asm volatile(
      "fmv.d.x ft1, %2\n\tcsrw fflags, zero\n\tfsqrt.d ft0, ft1\n\tfrflags %1\n\t"
      "fmv.x.d %0, ft0"
      : "=r"(r), "=r"(f)
      : "r"(a)
      : "ft0", "ft1");
  *flags = (unsigned)f;
  return r;
}
static uint64_t FsqrtS(uint32_t a, unsigned* flags) {
  uint64_t r;
  unsigned long f;
  asm volatile(
      "fmv.w.x ft1, %2\n\tcsrw fflags, zero\n\tfsqrt.s ft0, ft1\n\tfrflags %1\n\t"
      "fmv.x.d %0, ft0"
      : "=r"(r), "=r"(f)
      : "r"((uint64_t)a)
      : "ft0", "ft1");
  *flags = (unsigned)f;
  return r;
}

static const uint64_t kD[] = {
    0x0000000000000000ull, 0x8000000000000000ull,  // +0, -0
    0x3ff0000000000000ull, 0xbff0000000000000ull,  // 1, -1
    0x4000000000000000ull, 0x3fe0000000000000ull,  // 2, 0.5
    0x0000000000000001ull, 0x800fffffffffffffull,  // subnormals
    0x7fefffffffffffffull, 0xffefffffffffffffull,  // +-max
    0x7ff0000000000000ull, 0xfff0000000000000ull,  // +-inf
    0x7ff8000000000000ull, 0xfff8000000000000ull,  // quiet NaNs
    0x7ff0000000000001ull, 0x7ffc00000000dead,     // sNaN, qNaN with payload
    0x3ff0000010000000ull,                         // 1 + 2^-28
};
static const uint32_t kS[] = {0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x40000000u,
                              0x3f000000u, 0x00000001u, 0x807fffffu, 0x7f7fffffu, 0xff7fffffu,
                              0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u, 0x7f800001u,
                              0x7fc0dead,  0x3f800008u /* 1 + 2^-20 */};
enum { kNumD = sizeof kD / sizeof kD[0], kNumS = sizeof kS / sizeof kS[0] };

static void MinMaxTables(void) {
  for (int i = 0; i < kNumD; i++) {
    for (int j = 0; j < kNumD; j++) {
      unsigned f1, f2;
      uint64_t mn = FminD(kD[i], kD[j], &f1), mx = FmaxD(kD[i], kD[j], &f2);
      printf("fmin.d/fmax.d %016llx %016llx = %016llx/%s %016llx/%s\n", (unsigned long long)kD[i],
             (unsigned long long)kD[j], (unsigned long long)mn, FflagsName(f1),
             (unsigned long long)mx, FflagsName(f2));
    }
  }
  for (int i = 0; i < kNumS; i++) {
    for (int j = 0; j < kNumS; j++) {
      unsigned f1, f2;
      uint64_t mn = FminS(kS[i], kS[j], &f1), mx = FmaxS(kS[i], kS[j], &f2);
      printf("fmin.s/fmax.s %08x %08x = %016llx/%s %016llx/%s\n", kS[i], kS[j],
             (unsigned long long)mn, FflagsName(f1), (unsigned long long)mx, FflagsName(f2));
    }
  }
}

static void FmaTables(void) {
  // All 17^3 combinations would be large; every combination of a subset of
  // interesting values plus a rounding-sensitive set is enough.
  static const int kPick[] = {0, 1, 2, 3, 6, 10, 11, 12, 14, 16};
  for (int m = 0; m < 5; m++) {
    WriteFrm((unsigned)m);
    uint64_t h = FNV_INIT;
    unsigned all_flags = 0;
    for (unsigned a = 0; a < sizeof kPick / sizeof kPick[0]; a++) {
      for (unsigned b = 0; b < sizeof kPick / sizeof kPick[0]; b++) {
        for (unsigned c = 0; c < sizeof kPick / sizeof kPick[0]; c++) {
          uint64_t x = kD[kPick[a]], y = kD[kPick[b]], z = kD[kPick[c]];
          uint32_t xs = kS[kPick[a]], ys = kS[kPick[b]], zs = kS[kPick[c]];
          uint64_t r[8];
          unsigned fl[8];
          r[0] = FmaddD(x, y, z, &fl[0]);
          r[1] = FmsubD(x, y, z, &fl[1]);
          r[2] = FnmaddD(x, y, z, &fl[2]);
          r[3] = FnmsubD(x, y, z, &fl[3]);
          r[4] = FmaddS(xs, ys, zs, &fl[4]);
          r[5] = FmsubS(xs, ys, zs, &fl[5]);
          r[6] = FnmaddS(xs, ys, zs, &fl[6]);
          r[7] = FnmsubS(xs, ys, zs, &fl[7]);
          h = Fnv1a(h, r, sizeof r);
          h = Fnv1a(h, fl, sizeof fl);
          for (int k = 0; k < 8; k++) all_flags |= fl[k];
          // Lines for the rounding-sensitive operands only, to keep the output short.
          if (kPick[a] == 16 || kPick[c] == 14) {
            WriteFrm(0);
            printf(
                "fma %s %016llx %016llx %016llx: d %016llx/%s %016llx/%s %016llx/%s "
                "%016llx/%s s %016llx/%s %016llx/%s %016llx/%s %016llx/%s\n",
                kRoundingNames[m], (unsigned long long)x, (unsigned long long)y,
                (unsigned long long)z, (unsigned long long)r[0], FflagsName(fl[0]),
                (unsigned long long)r[1], FflagsName(fl[1]), (unsigned long long)r[2],
                FflagsName(fl[2]), (unsigned long long)r[3], FflagsName(fl[3]),
                (unsigned long long)r[4], FflagsName(fl[4]), (unsigned long long)r[5],
                FflagsName(fl[5]), (unsigned long long)r[6], FflagsName(fl[6]),
                (unsigned long long)r[7], FflagsName(fl[7]));
            WriteFrm((unsigned)m);
          }
        }
      }
    }
    WriteFrm(0);
    printf("fma %s: all results hash %016llx, flags seen %s\n", kRoundingNames[m],
           (unsigned long long)h, FflagsName(all_flags));
  }
}

static void SqrtTables(void) {
  for (int m = 0; m < 5; m++) {
    for (int i = 0; i < kNumD; i++) {
      unsigned fd, fs;
      WriteFrm((unsigned)m);
      uint64_t rd = FsqrtD(kD[i], &fd), rs = FsqrtS(kS[i], &fs);
      WriteFrm(0);
      printf("fsqrt %s %016llx = %016llx/%s  %08x = %016llx/%s\n", kRoundingNames[m],
             (unsigned long long)kD[i], (unsigned long long)rd, FflagsName(fd), kS[i],
             (unsigned long long)rs, FflagsName(fs));
    }
  }
  // sqrt of 2 rounded each way: the last bits differ between rdn and rup.
  for (int m = 0; m < 5; m++) {
    unsigned f;
    WriteFrm((unsigned)m);
    uint64_t r = FsqrtD(DoubleBits(2.0), &f);
    uint64_t r3 = FsqrtD(DoubleBits(3.0), &f);
    WriteFrm(0);
    printf("fsqrt %s sqrt(2)=%016llx sqrt(3)=%016llx\n", kRoundingNames[m], (unsigned long long)r,
           (unsigned long long)r3);
  }
}

// libm entry points (glibc implements these with the same instructions on RV64,
// but through calls, spills and its own NaN handling).
static volatile double lib_d[] = {0.0,    -0.0,     1.0,       -1.0, 2.0,
                                  1e-310, INFINITY, -INFINITY, NAN,  -NAN};
static void LibmTables(void) {
  enum { kN = sizeof lib_d / sizeof lib_d[0] };
  for (int i = 0; i < kN; i++) {
    for (int j = 0; j < kN; j++) {
      feclearexcept(FE_ALL_EXCEPT);
      double mn = fmin(lib_d[i], lib_d[j]);
      double mx = fmax(lib_d[i], lib_d[j]);
      float mnf = fminf((float)lib_d[i], (float)lib_d[j]);
      double fm = fma(lib_d[i], lib_d[j], 1.0);
      asm volatile("" : "+f"(mn), "+f"(mx), "+f"(mnf), "+f"(fm)::"memory");
      printf("libm %g %g: fmin=%g fmax=%g fminf=%g fma(a,b,1)=%g flags %s\n", lib_d[i], lib_d[j],
             mn, mx, mnf, fm, FflagsName(FetestFlags()));
    }
    feclearexcept(FE_ALL_EXCEPT);
    double s = sqrt(lib_d[i]);
    float sf = sqrtf((float)lib_d[i]);
    asm volatile("" : "+f"(s), "+f"(sf)::"memory");
    printf("libm sqrt(%g)=%g sqrtf=%g flags %s\n", lib_d[i], s, sf, FflagsName(FetestFlags()));
  }
}

static void CheckManualValues(void) {
  unsigned f;
  const uint64_t pz = 0, nz = 0x8000000000000000ull, one = DoubleBits(1.0),
                 qnan = 0x7ff8000000000000ull, snan = 0x7ff0000000000001ull,
                 pinf = 0x7ff0000000000000ull;
  CHECK_EQ(FminD(pz, nz, &f), nz);
  CHECK_EQ(FminD(nz, pz, &f), nz);
  CHECK_EQ(FmaxD(nz, pz, &f), pz);
  CHECK_EQ(FmaxD(pz, nz, &f), pz);
  CHECK_EQ(FminD(qnan, one, &f), one);
  CHECK_EQ(f, 0);
  CHECK_EQ(FmaxD(one, qnan, &f), one);
  CHECK_EQ(FminD(snan, one, &f), one);
  CHECK_EQ(f, 16);
  CHECK_EQ(FminD(qnan, 0xfff8000000000123ull, &f), qnan);  // canonical NaN
  CHECK_EQ(FminS(0x80000000u, 0x00000000u, &f), 0xffffffff80000000ull);
  CHECK_EQ(FmaxS(0x7fc00000u, 0x3f800000u, &f), 0xffffffff3f800000ull);
  CHECK_EQ(FsqrtD(nz, &f), nz);
  CHECK_EQ(f, 0);
  CHECK_EQ(FsqrtD(DoubleBits(-1.0), &f), qnan);
  CHECK_EQ(f, 16);
  CHECK_EQ(FsqrtD(DoubleBits(4.0), &f), DoubleBits(2.0));
  CHECK_EQ(FsqrtS(0x40800000u, &f), 0xffffffff40000000ull);  // sqrt(4.0f) = 2.0f
  CHECK_EQ(FsqrtS(0xbf800000u, &f), 0xffffffff7fc00000ull);
  CHECK_EQ(FmaddD(pinf, pz, qnan, &f), qnan);
  CHECK_EQ(f, 16);
  // (1 + 2^-28)^2 - (1 + 2^-27) = 2^-56, exact only when fused.
  CHECK_EQ(
      FmsubD(DoubleBits(1.0 + 0x1p-28), DoubleBits(1.0 + 0x1p-28), DoubleBits(1.0 + 0x1p-27), &f),
      DoubleBits(0x1p-56));
  CHECK_EQ(f, 0);
  CHECK_EQ(FnmaddD(one, one, one, &f), DoubleBits(-2.0));             // -(a*b) - c
  CHECK_EQ(FnmsubD(one, one, DoubleBits(3.0), &f), DoubleBits(2.0));  // -(a*b) + c
  CHECK(fma(1.0 + 0x1p-28, 1.0 + 0x1p-28, -(1.0 + 0x1p-27)) == 0x1p-56);
  CHECK(signbit(fmin(0.0, -0.0)) && !signbit(fmax(-0.0, 0.0)));
}

int main(void) {
  CheckManualValues();
  MinMaxTables();
  FmaTables();
  SqrtTables();
  LibmTables();
  return GuestFinish();
}
