// Comparisons, fmin/fmax, sign injection and fclass: operations that never
// round, only order, select or reassemble bits.
#ifndef DBT_COMMON_RISCV_FPU_COMPARE_H_
#define DBT_COMMON_RISCV_FPU_COMPARE_H_

#include <cstdint>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu_format.h"

namespace dbt::riscv::fpu {

// a < b for non-NaN operands. With zeros_equal, -0 and +0 compare equal
// (IEEE comparison); without, -0 < +0 (the order fmin/fmax use).
template <class F>
bool LessNoNan(typename F::Bits a, typename F::Bits b, bool zeros_equal) {
  const bool sign_a = SignOf<F>(a), sign_b = SignOf<F>(b);
  if (sign_a != sign_b) {
    return sign_a && !(zeros_equal && IsZero<F>(a) && IsZero<F>(b));
  }
  // Same sign: magnitudes order like their bit patterns.
  return a != b && ((a < b) != sign_a);
}

// feq: quiet, NV only for a signaling NaN.
template <class F>
uint64_t Equal(typename F::Bits a, typename F::Bits b, uint32_t* fflags) {
  if (IsNan<F>(a) || IsNan<F>(b)) {
    if (IsSignalingNan<F>(a) || IsSignalingNan<F>(b)) *fflags |= kFflagNV;
    return 0;
  }
  return a == b || (IsZero<F>(a) && IsZero<F>(b));
}

// flt, fle: signaling, NV for any NaN.
template <class F>
uint64_t Less(typename F::Bits a, typename F::Bits b, uint32_t* fflags) {
  if (IsNan<F>(a) || IsNan<F>(b)) {
    *fflags |= kFflagNV;
    return 0;
  }
  return LessNoNan<F>(a, b, /*zeros_equal=*/true);
}
template <class F>
uint64_t LessEqual(typename F::Bits a, typename F::Bits b, uint32_t* fflags) {
  if (IsNan<F>(a) || IsNan<F>(b)) {
    *fflags |= kFflagNV;
    return 0;
  }
  return !LessNoNan<F>(b, a, /*zeros_equal=*/true);
}

// fmin/fmax (ISA 2.2, IEEE 754-2019 minimumNumber/maximumNumber): a NaN
// operand is ignored in favour of the other, two NaNs give the canonical NaN,
// any signaling NaN raises NV, and -0 < +0.
template <class F>
typename F::Bits MinMax(typename F::Bits a, typename F::Bits b, bool is_max, uint32_t* fflags) {
  if (IsSignalingNan<F>(a) || IsSignalingNan<F>(b)) *fflags |= kFflagNV;
  const bool nan_a = IsNan<F>(a), nan_b = IsNan<F>(b);
  if (nan_a && nan_b) return F::kCanonicalNan;
  if (nan_a) return b;
  if (nan_b) return a;
  return LessNoNan<F>(a, b, /*zeros_equal=*/false) != is_max ? a : b;
}

enum class SignInjection { kCopy, kNegate, kXor };

template <class F>
typename F::Bits InjectSign(typename F::Bits a, typename F::Bits b, SignInjection kind) {
  typename F::Bits sign = b & kSignBit<F>;
  if (kind == SignInjection::kNegate) sign ^= kSignBit<F>;
  if (kind == SignInjection::kXor) sign ^= a & kSignBit<F>;
  return (a & ~kSignBit<F>) | sign;
}

// fclass: one of ten bits, in the ISA's order.
template <class F>
uint64_t Classify(typename F::Bits a) {
  const bool sign = SignOf<F>(a);
  int bit;
  if (IsNan<F>(a)) {
    bit = IsSignalingNan<F>(a) ? 8 : 9;
  } else if (IsInf<F>(a)) {
    bit = sign ? 0 : 7;
  } else if (IsZero<F>(a)) {
    bit = sign ? 3 : 4;
  } else if (ExpField<F>(a) == 0) {
    bit = sign ? 2 : 5;  // Subnormal.
  } else {
    bit = sign ? 1 : 6;
  }
  return uint64_t{1} << bit;
}

}  // namespace dbt::riscv::fpu

#endif  // DBT_COMMON_RISCV_FPU_COMPARE_H_
