// Helpers for the floating-point guest tests: raw bit views, the fflags/frm CSRs,
// and printing of exception flags in a fixed order.
#ifndef DBT_TESTS_GUEST_FP_UTIL_H_
#define DBT_TESTS_GUEST_FP_UTIL_H_

#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline uint64_t DoubleBits(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}
static inline double BitsDouble(uint64_t u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}
static inline uint32_t FloatBits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static inline float BitsFloat(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

// fflags bits (RISC-V unprivileged spec, "fcsr"): NV DZ OF UF NX = bits 4..0.
static inline const char* FflagsName(unsigned flags) {
  static char buf[6][16];
  static int slot;
  char* s = buf[slot++ % 6];
  snprintf(s, 16, "%s%s%s%s%s", flags & 16 ? "V" : "-", flags & 8 ? "Z" : "-",
           flags & 4 ? "O" : "-", flags & 2 ? "U" : "-", flags & 1 ? "X" : "-");
  return s;
}

// The same flags read through <fenv.h>, converted to the fflags layout.
static inline unsigned FetestFlags(void) {
  int e = fetestexcept(FE_ALL_EXCEPT);
  return (e & FE_INVALID ? 16 : 0) | (e & FE_DIVBYZERO ? 8 : 0) | (e & FE_OVERFLOW ? 4 : 0) |
         (e & FE_UNDERFLOW ? 2 : 0) | (e & FE_INEXACT ? 1 : 0);
}

static inline void ClearFflags(void) { asm volatile("csrw fflags, zero" ::: "memory"); }
static inline unsigned ReadFflags(void) {
  unsigned long f;
  asm volatile("frflags %0" : "=r"(f)::"memory");
  return (unsigned)f;
}
static inline unsigned ReadFrm(void) {
  unsigned long f;
  asm volatile("frrm %0" : "=r"(f)::"memory");
  return (unsigned)f;
}
// Sets the dynamic rounding mode directly: 0 RNE, 1 RTZ, 2 RDN, 3 RUP, 4 RMM.
// RMM has no <fenv.h> name, so this is the only way to select it.
static inline void WriteFrm(unsigned mode) {
  asm volatile("fsrm %0" ::"r"((unsigned long)mode) : "memory");
}

static const char* const kRoundingNames[] = {"rne", "rtz", "rdn", "rup", "rmm"};
static const int kFenvModes[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};

#endif  // DBT_TESTS_GUEST_FP_UTIL_H_
