// IEEE 754 binary32/binary64 encodings as the software FPU sees them: format
// traits, field access, classification, and the finite-value decomposition
// value = (-1)^sign * sig * 2^exp that every arithmetic routine starts from.
//
// Internal to the FPU library (fpu.cc and its fpu_* parts).
#ifndef DBT_COMMON_RISCV_FPU_FORMAT_H_
#define DBT_COMMON_RISCV_FPU_FORMAT_H_

#include <cstdint>

namespace dbt::riscv::fpu {

using u128 = unsigned __int128;

struct F32 {
  using Bits = uint32_t;
  static constexpr int kWidth = 32;
  static constexpr int kFracBits = 23;  // Stored fraction; precision is 24.
  static constexpr int kExpMax = 0xff;  // Exponent field of inf and NaN.
  static constexpr int kBias = 127;
  static constexpr Bits kCanonicalNan = 0x7fc00000;
};

struct F64 {
  using Bits = uint64_t;
  static constexpr int kWidth = 64;
  static constexpr int kFracBits = 52;
  static constexpr int kExpMax = 0x7ff;
  static constexpr int kBias = 1023;
  static constexpr Bits kCanonicalNan = 0x7ff8000000000000ull;
};

template <class F>
inline constexpr typename F::Bits kSignBit = typename F::Bits(1) << (F::kWidth - 1);
template <class F>
inline constexpr typename F::Bits kFracMask = (typename F::Bits(1) << F::kFracBits) - 1;
template <class F>
inline constexpr typename F::Bits kQuietBit = typename F::Bits(1) << (F::kFracBits - 1);
template <class F>
inline constexpr typename F::Bits kInfBits = typename F::Bits(F::kExpMax) << F::kFracBits;

template <class F>
constexpr bool SignOf(typename F::Bits a) {
  return (a >> (F::kWidth - 1)) != 0;
}
template <class F>
constexpr int ExpField(typename F::Bits a) {
  return static_cast<int>((a >> F::kFracBits) & F::kExpMax);
}
template <class F>
constexpr bool IsNan(typename F::Bits a) {
  return (a & ~kSignBit<F>) > kInfBits<F>;
}
template <class F>
constexpr bool IsSignalingNan(typename F::Bits a) {
  return IsNan<F>(a) && (a & kQuietBit<F>) == 0;
}
template <class F>
constexpr bool IsInf(typename F::Bits a) {
  return (a & ~kSignBit<F>) == kInfBits<F>;
}
template <class F>
constexpr bool IsZero(typename F::Bits a) {
  return (a & ~kSignBit<F>) == 0;
}
template <class F>
constexpr typename F::Bits Zero(bool sign) {
  return sign ? kSignBit<F> : 0;
}
template <class F>
constexpr typename F::Bits Inf(bool sign) {
  return Zero<F>(sign) | kInfBits<F>;
}

// A finite nonzero value: (-1)^sign * sig * 2^exp, sig < 2^(kFracBits+1).
// sig is not normalized: subnormals keep their leading zeros.
struct Finite {
  bool sign;
  int32_t exp;
  uint64_t sig;
};

// Precondition: a is finite (zero gives sig == 0).
template <class F>
constexpr Finite Decompose(typename F::Bits a) {
  const int field = ExpField<F>(a);
  const uint64_t frac = a & kFracMask<F>;
  if (field == 0) return {SignOf<F>(a), 1 - F::kBias - F::kFracBits, frac};
  return {SignOf<F>(a), field - F::kBias - F::kFracBits, frac | (uint64_t{1} << F::kFracBits)};
}

// Bit index of the most significant set bit. Precondition: x != 0.
inline int Msb(uint64_t x) { return 63 - __builtin_clzll(x); }
inline int Msb(u128 x) {
  const uint64_t hi = static_cast<uint64_t>(x >> 64);
  return hi != 0 ? 64 + Msb(hi) : Msb(static_cast<uint64_t>(x));
}

}  // namespace dbt::riscv::fpu

#endif  // DBT_COMMON_RISCV_FPU_FORMAT_H_
