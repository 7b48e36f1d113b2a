// Conversions: floating point to integer (rounded, saturating), integer to
// floating point (rounded), and between binary32 and binary64.
#ifndef DBT_COMMON_RISCV_FPU_CONVERT_H_
#define DBT_COMMON_RISCV_FPU_CONVERT_H_

#include <cstdint>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu_format.h"
#include "common/riscv/fpu_round.h"

namespace dbt::riscv::fpu {

// An integer destination: [kMin, kMax] as a 64-bit two's complement range.
struct IntRange {
  int64_t min;
  uint64_t max;
  bool is_signed;
};
inline constexpr IntRange kInt32 = {INT32_MIN, INT32_MAX, true};
inline constexpr IntRange kUint32 = {0, UINT32_MAX, false};
inline constexpr IntRange kInt64 = {INT64_MIN, INT64_MAX, true};
inline constexpr IntRange kUint64 = {0, UINT64_MAX, false};

// fcvt.{w,wu,l,lu}.{s,d}: rounds a to an integer per rm. Out of range values
// (and infinities) saturate to the nearer bound and NaNs give the maximum,
// raising NV and nothing else; in-range inexact results raise NX. Returns the
// integer as 64-bit two's complement (callers narrow and sign-extend).
template <class F>
uint64_t ToInteger(typename F::Bits a, const IntRange& range, uint32_t rm, uint32_t* fflags) {
  if (IsNan<F>(a)) {
    *fflags |= kFflagNV;
    return range.max;
  }
  const bool sign = SignOf<F>(a);
  auto saturate = [&] {
    *fflags |= kFflagNV;
    return sign ? static_cast<uint64_t>(range.min) : range.max;
  };
  if (IsInf<F>(a)) return saturate();
  if (IsZero<F>(a)) return 0;
  const Finite x = Decompose<F>(a);
  uint64_t magnitude;
  bool inexact = false;
  if (x.exp >= 0) {
    if (Msb(x.sig) + x.exp >= 64) return saturate();
    magnitude = x.sig << x.exp;
  } else {
    // Split into integer part and fraction; the fraction is compared with
    // one half. sig < 2^53, so a shift beyond 54 leaves a fraction in (0, 1/2).
    const uint32_t shift = static_cast<uint32_t>(-x.exp);
    uint64_t fraction, half;
    if (shift > 54) {
      magnitude = 0;
      fraction = 1;
      half = 2;
    } else {
      magnitude = x.sig >> shift;
      fraction = x.sig & ((uint64_t{1} << shift) - 1);
      half = uint64_t{1} << (shift - 1);
    }
    inexact = fraction != 0;
    bool round_up;
    switch (rm) {
      case kRmRNE:
        round_up = fraction > half || (fraction == half && (magnitude & 1) != 0);
        break;
      case kRmRTZ:
        round_up = false;
        break;
      case kRmRDN:
        round_up = sign && inexact;
        break;
      case kRmRUP:
        round_up = !sign && inexact;
        break;
      default:  // RMM
        round_up = fraction >= half;
        break;
    }
    magnitude += round_up ? 1 : 0;  // No carry out: magnitude < 2^53.
  }
  uint64_t result;
  if (sign) {
    // The most negative allowed magnitude is -min (0 for unsigned).
    if (magnitude > static_cast<uint64_t>(0) - static_cast<uint64_t>(range.min)) {
      return saturate();
    }
    result = static_cast<uint64_t>(0) - magnitude;
  } else {
    if (magnitude > range.max) return saturate();
    result = magnitude;
  }
  if (inexact) *fflags |= kFflagNX;
  return result;
}

// fcvt.{s,d}.{w,wu,l,lu}: sign and magnitude of the integer source.
template <class F>
typename F::Bits FromInteger(bool sign, uint64_t magnitude, uint32_t rm, uint32_t* fflags) {
  if (magnitude == 0) return Zero<F>(false);
  return NormalizeRound<F>(sign, 0, magnitude, rm, fflags);
}

// fcvt.s.d (rounds) and fcvt.d.s (exact): NaN in gives the canonical NaN
// of the destination, with NV for a signaling one.
template <class To, class From>
typename To::Bits ConvertFloat(typename From::Bits a, uint32_t rm, uint32_t* fflags) {
  if (IsNan<From>(a)) {
    if (IsSignalingNan<From>(a)) *fflags |= kFflagNV;
    return To::kCanonicalNan;
  }
  if (IsInf<From>(a)) return Inf<To>(SignOf<From>(a));
  if (IsZero<From>(a)) return Zero<To>(SignOf<From>(a));
  const Finite x = Decompose<From>(a);
  return NormalizeRound<To>(x.sign, x.exp, x.sig, rm, fflags);
}

}  // namespace dbt::riscv::fpu

#endif  // DBT_COMMON_RISCV_FPU_CONVERT_H_
