// Correctly rounded add, multiply, divide, square root and fused multiply-add
// for binary32 and binary64, in software with integer arithmetic, so the five
// RISC-V rounding modes (RMM included) and the flags come out exactly.
//
// NaN rule (RISC-V): any NaN result is the canonical NaN; NV is raised for
// signaling NaN operands and for invalid operations.
#ifndef DBT_COMMON_RISCV_FPU_ARITH_H_
#define DBT_COMMON_RISCV_FPU_ARITH_H_

#include <cmath>
#include <cstdint>
#include <utility>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu_format.h"
#include "common/riscv/fpu_round.h"

namespace dbt::riscv::fpu {

// floor(n / d) and n mod d. Precondition: n >> 64 < d (the quotient fits).
inline uint64_t DivRem(u128 n, uint64_t d, uint64_t* rem) {
#if defined(__x86_64__)
  uint64_t quotient, remainder;
  __asm__("divq %4"
          : "=a"(quotient), "=d"(remainder)
          : "a"(static_cast<uint64_t>(n)), "d"(static_cast<uint64_t>(n >> 64)), "rm"(d)
          : "cc");
  *rem = remainder;
  return quotient;
#else
  *rem = static_cast<uint64_t>(n % d);
  return static_cast<uint64_t>(n / d);
#endif
}

// Sum of two nonzero values m * 2^e whose significands have their leading
// one at the same bit, Sig's second-highest bit or lower (so the sum cannot
// carry out), and at least two zero bits at the bottom. The smaller operand
// is aligned with a sticky jam; since the larger one ends in zeros, a jammed
// difference is off from the exact one by less than one unit at bit 0, and an
// inexact jam only happens for exponent gaps beyond those bottom zeros, where
// at most one bit cancels and the result's last place stays far above bit 1:
// it rounds exactly like the exact sum. (With a gap of 0 or 1 no bit is lost.)
template <class F, class Sig>
typename F::Bits AddAligned(bool sign_a, int32_t exp_a, Sig sig_a, bool sign_b, int32_t exp_b,
                            Sig sig_b, uint32_t rm, uint32_t* fflags) {
  if (exp_a < exp_b || (exp_a == exp_b && sig_a < sig_b)) {
    std::swap(sign_a, sign_b);
    std::swap(exp_a, exp_b);
    std::swap(sig_a, sig_b);
  }
  // Now |a| >= |b|: the result has a's sign unless it is an exact zero.
  sig_b = ShiftRightJam(sig_b, static_cast<uint32_t>(exp_a - exp_b));
  Sig sum;
  if (sign_a == sign_b) {
    sum = sig_a + sig_b;
  } else {
    sum = sig_a - sig_b;
    // An exact zero sum of opposite operands is +0, or -0 when rounding down.
    if (sum == 0) return Zero<F>(rm == kRmRDN);
  }
  return NormalizeRound<F>(sign_a, exp_a, sum, rm, fflags);
}

// Puts a nonzero significand's leading one at bit 125 (for fused products
// of up to 106 bits, which then end in at least 19 zero bits).
inline u128 AlignTo125(u128 sig, int32_t* exp) {
  const int shift = 125 - Msb(sig);
  *exp -= shift;
  return sig << shift;
}
// Puts a significand of at most 53 bits at bit 61: at least 9 zero bits end it.
inline uint64_t AlignTo61(uint64_t sig, int32_t* exp) {
  const int shift = 61 - Msb(sig);
  *exp -= shift;
  return sig << shift;
}

template <class F>
typename F::Bits InvalidNan(uint32_t* fflags) {
  *fflags |= kFflagNV;
  return F::kCanonicalNan;
}

// Canonical NaN for an operation with a NaN operand; NV if any is signaling.
template <class F>
typename F::Bits PropagateNan(typename F::Bits a, typename F::Bits b, uint32_t* fflags) {
  if (IsSignalingNan<F>(a) || IsSignalingNan<F>(b)) *fflags |= kFflagNV;
  return F::kCanonicalNan;
}

template <class F>
typename F::Bits Add(typename F::Bits a, typename F::Bits b, uint32_t rm, uint32_t* fflags) {
  if (IsNan<F>(a) || IsNan<F>(b)) return PropagateNan<F>(a, b, fflags);
  if (IsInf<F>(a)) {
    if (IsInf<F>(b) && SignOf<F>(a) != SignOf<F>(b)) return InvalidNan<F>(fflags);
    return a;
  }
  if (IsInf<F>(b)) return b;
  if (IsZero<F>(b)) {
    if (!IsZero<F>(a)) return a;
    // (+0) + (-0) is +0 except when rounding down.
    return SignOf<F>(a) == SignOf<F>(b) ? a : Zero<F>(rm == kRmRDN);
  }
  if (IsZero<F>(a)) return b;
  Finite x = Decompose<F>(a), y = Decompose<F>(b);
  const uint64_t sig_x = AlignTo61(x.sig, &x.exp), sig_y = AlignTo61(y.sig, &y.exp);
  return AddAligned<F>(x.sign, x.exp, sig_x, y.sign, y.exp, sig_y, rm, fflags);
}

template <class F>
typename F::Bits Sub(typename F::Bits a, typename F::Bits b, uint32_t rm, uint32_t* fflags) {
  // Flipping a NaN's sign is harmless: NaN results are canonical anyway.
  return Add<F>(a, b ^ kSignBit<F>, rm, fflags);
}

template <class F>
typename F::Bits Mul(typename F::Bits a, typename F::Bits b, uint32_t rm, uint32_t* fflags) {
  if (IsNan<F>(a) || IsNan<F>(b)) return PropagateNan<F>(a, b, fflags);
  const bool sign = SignOf<F>(a) != SignOf<F>(b);
  if (IsInf<F>(a) || IsInf<F>(b)) {
    if (IsZero<F>(a) || IsZero<F>(b)) return InvalidNan<F>(fflags);
    return Inf<F>(sign);
  }
  if (IsZero<F>(a) || IsZero<F>(b)) return Zero<F>(sign);
  const Finite x = Decompose<F>(a), y = Decompose<F>(b);
  return NormalizeRound<F>(sign, x.exp + y.exp, u128{x.sig} * y.sig, rm, fflags);
}

template <class F>
typename F::Bits Div(typename F::Bits a, typename F::Bits b, uint32_t rm, uint32_t* fflags) {
  if (IsNan<F>(a) || IsNan<F>(b)) return PropagateNan<F>(a, b, fflags);
  const bool sign = SignOf<F>(a) != SignOf<F>(b);
  if (IsInf<F>(a)) return IsInf<F>(b) ? InvalidNan<F>(fflags) : Inf<F>(sign);
  if (IsInf<F>(b)) return Zero<F>(sign);
  if (IsZero<F>(b)) {
    if (IsZero<F>(a)) return InvalidNan<F>(fflags);
    *fflags |= kFflagDZ;
    return Inf<F>(sign);
  }
  if (IsZero<F>(a)) return Zero<F>(sign);
  const Finite x = Decompose<F>(a), y = Decompose<F>(b);
  // Both significands get their leading one at bit 63, so the quotient of
  // (x << 63) / y lies in [2^62, 2^64): at least 63 bits, far more than the
  // 53 + 2 that rounding needs; the remainder becomes the sticky bit.
  const int shift_x = 63 - Msb(x.sig), shift_y = 63 - Msb(y.sig);
  uint64_t rem;
  const uint64_t quotient = DivRem(u128{x.sig << shift_x} << 63, y.sig << shift_y, &rem);
  return NormalizeRound<F>(sign, x.exp - shift_x - y.exp + shift_y - 63, quotient | (rem != 0), rm,
                           fflags);
}

// floor(sqrt(x)) for x in [2^124, 2^126), and whether it is exact. estimate
// is sqrt(x) to within a few parts in 2^52 (the host's double sqrt); one
// Newton step from it lands within one unit, and exact integer checks finish.
inline uint64_t IntegerSqrt(u128 x, double estimate, bool* exact) {
  uint64_t y = static_cast<uint64_t>(estimate);
  uint64_t rem;
  const uint64_t quotient = DivRem(x, y, &rem);
  y = static_cast<uint64_t>((u128{y} + quotient) >> 1);
  while (u128{y} * y > x) --y;
  while (u128{y + 1} * (y + 1) <= x) ++y;
  *exact = u128{y} * y == x;
  return y;
}

template <class F>
typename F::Bits Sqrt(typename F::Bits a, uint32_t rm, uint32_t* fflags) {
  if (IsNan<F>(a)) return PropagateNan<F>(a, a, fflags);
  if (IsZero<F>(a)) return a;  // sqrt(-0) = -0.
  if (SignOf<F>(a)) return InvalidNan<F>(fflags);
  if (IsInf<F>(a)) return a;
  Finite x = Decompose<F>(a);
  // m * 2^e with m in [2^52, 2^54) and e even, so sqrt = sqrt(m) * 2^(e/2).
  // Scaling m by 2^72 gives an integer root of 63 bits.
  const int shift = 52 - Msb(x.sig);
  uint64_t m = x.sig << shift;
  int32_t e = x.exp - shift;
  if (e & 1) {
    m <<= 1;
    e -= 1;
  }
  bool exact;
  const uint64_t root =
      IntegerSqrt(u128{m} << 72, std::sqrt(static_cast<double>(m)) * 0x1p36, &exact);
  return NormalizeRound<F>(false, e / 2 - 36, root | (exact ? 0 : 1), rm, fflags);
}

// (-1)^negate_product * a * b + (-1)^negate_addend * c, rounded once.
template <class F>
typename F::Bits MulAdd(typename F::Bits a, typename F::Bits b, typename F::Bits c,
                        bool negate_product, bool negate_addend, uint32_t rm, uint32_t* fflags) {
  const bool inf_times_zero = (IsInf<F>(a) && IsZero<F>(b)) || (IsZero<F>(a) && IsInf<F>(b));
  if (IsNan<F>(a) || IsNan<F>(b) || IsNan<F>(c)) {
    // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
    if (inf_times_zero || IsSignalingNan<F>(c)) *fflags |= kFflagNV;
    return PropagateNan<F>(a, b, fflags);
  }
  if (inf_times_zero) return InvalidNan<F>(fflags);
  const bool sign_p = (SignOf<F>(a) != SignOf<F>(b)) != negate_product;
  const bool sign_c = SignOf<F>(c) != negate_addend;
  if (IsInf<F>(a) || IsInf<F>(b)) {
    if (IsInf<F>(c) && sign_c != sign_p) return InvalidNan<F>(fflags);
    return Inf<F>(sign_p);
  }
  if (IsInf<F>(c)) return Inf<F>(sign_c);
  const typename F::Bits signed_c = negate_addend ? c ^ kSignBit<F> : c;
  if (IsZero<F>(a) || IsZero<F>(b)) {
    if (!IsZero<F>(c)) return signed_c;
    return sign_p == sign_c ? Zero<F>(sign_p) : Zero<F>(rm == kRmRDN);
  }
  Finite x = Decompose<F>(a), y = Decompose<F>(b);
  int32_t exp_p = x.exp + y.exp;
  const u128 product = u128{x.sig} * y.sig;
  if (IsZero<F>(c)) return NormalizeRound<F>(sign_p, exp_p, product, rm, fflags);
  Finite z = Decompose<F>(c);
  const u128 sig_p = AlignTo125(product, &exp_p);
  const u128 sig_c = AlignTo125(z.sig, &z.exp);
  return AddAligned<F>(sign_p, exp_p, sig_p, sign_c, z.exp, sig_c, rm, fflags);
}

}  // namespace dbt::riscv::fpu

#endif  // DBT_COMMON_RISCV_FPU_ARITH_H_
