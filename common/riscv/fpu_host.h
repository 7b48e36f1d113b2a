// The host FPU as a fast path for the exact software arithmetic ("hardfloat",
// after QEMU's softfloat): an SSE (or FMA3) instruction computes the result
// whenever it provably equals the exact path's result, bit for bit, with the
// same accrued flags; otherwise the Host* function returns false and the
// caller runs the exact path (fpu_arith.h, fpu_convert.h).
//
// Why the host result is the RISC-V result. The host's MXCSR is checked once,
// at startup (ProbeHostFpu): round to nearest even, all exceptions masked,
// FTZ and DAZ clear, so every SSE operation is the IEEE 754 correctly rounded
// result in RNE, as the exact path computes for rm == RNE. What differs
// between the two is confined to NaN results (the host propagates payloads,
// RISC-V returns the canonical NaN), infinities, and flags; hence:
//   * only rm == RNE is accelerated (conversions to integer: RNE and RTZ;
//     exact integer to float conversions: any rm);
//   * every input of an arithmetic operation is zero or normal (no NaN, inf,
//     subnormal), so NV and DZ cannot arise (conversions state their own
//     domain: they need no NaN and no out-of-range value);
//   * the result must be finite (so OF is not raised) and either larger in
//     magnitude than the smallest normal, or a zero that is known exact. A
//     rounded result r > min normal means the exact value is > min normal
//     (rounding is monotonic), so it is not tiny and UF is not raised: this
//     holds for RISC-V's tininess-after-rounding rule too. r == min normal is
//     left to the exact path (a value just below it can round up to it on
//     the host and still be tiny with an unbounded exponent);
//   * NX is the one flag left. When *fflags already holds NX, the result's
//     inexactness cannot change fflags. Otherwise it is computed exactly by
//     an error-free transformation (see each function), or the exact path
//     runs.
//
// Binary32 operations with a product (fmul.s, fdiv.s, fsqrt.s, the fused
// forms) are checked in binary64, where the product of two singles is exact
// (24 + 24 <= 53 bits), so they need no FMA. Binary64 products need the
// host FMA for their residual; without it they fall back unless NX is set.
//
// Internal to the FPU library (fpu.cc and its fpu_* parts).
#ifndef DBT_COMMON_RISCV_FPU_HOST_H_
#define DBT_COMMON_RISCV_FPU_HOST_H_

#include <immintrin.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu_format.h"

namespace dbt::riscv::fpu {

enum class HostFpu : uint8_t {
  kOff,     // Exact software path only.
  kSse,     // SSE2 scalar operations (every x86-64 host).
  kSseFma,  // ... and FMA3 (binary64 residuals, fused multiply-add).
};

// What this host and thread offer: kOff if the MXCSR control bits are not the
// C default (RNE, all exceptions masked, FTZ and DAZ clear) or the environment
// variable DBT_FPU_HOST is "0"; else kSseFma if the CPU and OS support FMA3,
// else kSse. Reads MXCSR, never writes it.
HostFpu ProbeHostFpu();

// The mode every fpu.h function uses: ProbeHostFpu() of the main thread,
// computed during static initialization (kOff before that, which is always
// correct). Threads inherit the main thread's MXCSR, and nothing in the
// process changes its control bits.
extern HostFpu host_fpu;

// Tests and benchmarks compare modes through the public functions.
inline void SetHostFpuForTesting(HostFpu mode) { host_fpu = mode; }

// The host type of a format, and the binary64 residual threshold.
template <class F>
struct Host;
template <>
struct Host<F32> {
  using T = float;
};
template <>
struct Host<F64> {
  using T = double;
  // The residual of a product x*y - RN(x*y) is a multiple of ulp(x)*ulp(y) =
  // 2^(ex+ey-104) (ex, ey: the operands' exponents). If that unit is at least
  // the smallest subnormal 2^-1074, a nonzero residual cannot round to zero
  // in the FMA that computes it. RN(x*y) >= 2^-968 gives ex+ey >= -970,
  // since |x*y| < 2^(ex+ey+2) and rounding adds less than a factor 1+2^-53.
  // The same bound on the dividend (fdiv: a = q*b + residual, q*b near a)
  // and on the radicand (fsqrt: a = r*r + residual) does the same for them.
  static constexpr double kResidualMin = 0x1p-968;
};

template <class F>
using HostT = typename Host<F>::T;

template <class F>
HostT<F> ToHost(typename F::Bits bits) {
  return std::bit_cast<HostT<F>>(bits);
}
template <class F>
typename F::Bits FromHost(HostT<F> value) {
  return std::bit_cast<typename F::Bits>(value);
}

inline double Abs(double x) { return __builtin_fabs(x); }
inline float Abs(float x) { return __builtin_fabsf(x); }

// The exponent field is neither 0 nor all ones, or the value is a zero.
template <class F>
bool IsZeroOrNormal(typename F::Bits a) {
  using Bits = typename F::Bits;
  constexpr Bits kOne = Bits{1} << F::kFracBits;
  const Bits magnitude = a & ~kSignBit<F>;
  return magnitude - kOne < Bits{F::kExpMax - 1} << F::kFracBits || magnitude == 0;
}

// A result the host may return: finite and above the smallest normal in
// magnitude (not tiny, no overflow). On the bits: magnitudes order like
// their encodings, from just above the smallest normal up to the largest
// finite value.
template <class F>
bool IsSafeResult(HostT<F> r) {
  using Bits = typename F::Bits;
  constexpr Bits kLow = (Bits{1} << F::kFracBits) + 1;
  const Bits magnitude = FromHost<F>(r) & ~kSignBit<F>;
  return magnitude - kLow < kInfBits<F> - kLow;
}

inline bool NxSet(const uint32_t* fflags) { return (*fflags & kFflagNX) != 0; }

// Host instructions the compiler would not emit without -mfma or with
// errno-setting sqrt: inline asm, so this code builds for baseline x86-64.
// FmaInstruction requires host_fpu == kSseFma (FMA3), checked by the callers.
inline double FmaInstruction(double a, double b, double c) {  // a * b + c, rounded once.
  __asm__("vfmadd213sd %2, %1, %0" : "+x"(a) : "x"(b), "x"(c));
  return a;
}
inline double SqrtInstruction(double a) {
  __asm__("sqrtsd %0, %0" : "+x"(a));
  return a;
}
inline float SqrtInstruction(float a) {
  __asm__("sqrtss %0, %0" : "+x"(a));
  return a;
}
// RN of a double to a float (cvtsd2ss; an out of range value becomes inf,
// which a static_cast does not promise).
inline float Narrow(double a) {
  return _mm_cvtss_f32(_mm_cvtsd_ss(_mm_setzero_ps(), _mm_set_sd(a)));
}

// ---- Arithmetic -------------------------------------------------------------

// a + b in RNE. Zero sums need no care: the exact sum of two zero or normal
// values is a multiple of the smallest subnormal, so it rounds to zero only
// if it is an exact zero, whose sign the host gets right (IEEE: +0 in RNE
// unless both are -0). NX: Fast2Sum (Dekker) — with |big| >= |small|, the
// host's s - big is exact, so s == big + small exactly iff s - big == small.
template <class F>
bool HostAdd(typename F::Bits a, typename F::Bits b, HostFpu mode, uint32_t* fflags,
             typename F::Bits* out) {
  if (mode == HostFpu::kOff || !IsZeroOrNormal<F>(a) || !IsZeroOrNormal<F>(b)) return false;
  const HostT<F> x = ToHost<F>(a), y = ToHost<F>(b);
  const HostT<F> s = x + y;
  if (!IsSafeResult<F>(s) && !IsZero<F>(FromHost<F>(s))) return false;
  if (!NxSet(fflags)) {
    const bool x_is_big = (a & ~kSignBit<F>) >= (b & ~kSignBit<F>);
    const HostT<F> big = x_is_big ? x : y, small = x_is_big ? y : x;
    if (s - big != small) *fflags |= kFflagNX;
  }
  *out = FromHost<F>(s);
  return true;
}

// a * b in RNE. A zero product is exact only when an operand is zero (else
// it is an underflow). NX: binary32 multiplies in binary64, exactly, then
// rounds once; binary64 needs the FMA residual x*y - p (see kResidualMin).
template <class F>
bool HostMul(typename F::Bits a, typename F::Bits b, HostFpu mode, uint32_t* fflags,
             typename F::Bits* out) {
  if (mode == HostFpu::kOff || !IsZeroOrNormal<F>(a) || !IsZeroOrNormal<F>(b)) return false;
  const HostT<F> x = ToHost<F>(a), y = ToHost<F>(b);
  if constexpr (std::is_same_v<F, F32>) {
    const double exact = double{x} * double{y};
    const float p = Narrow(exact);
    if (!IsSafeResult<F>(p) && !(IsZero<F>(a) || IsZero<F>(b))) return false;
    if (double{p} != exact) *fflags |= kFflagNX;
    *out = FromHost<F>(p);
  } else {
    const double p = x * y;
    if (!IsSafeResult<F>(p)) {
      if (!(IsZero<F>(a) || IsZero<F>(b))) return false;
    } else if (!NxSet(fflags)) {
      if (mode != HostFpu::kSseFma || Abs(p) < Host<F>::kResidualMin) return false;
      if (FmaInstruction(x, y, -p) != 0) *fflags |= kFflagNX;
    }
    *out = FromHost<F>(p);
  }
  return true;
}

// a / b in RNE, b a nonzero normal. A zero quotient is exact only for a zero
// dividend. NX: the quotient q is exact iff q * b == a exactly; binary32
// checks that in binary64 (exact product), binary64 with the FMA residual.
template <class F>
bool HostDiv(typename F::Bits a, typename F::Bits b, HostFpu mode, uint32_t* fflags,
             typename F::Bits* out) {
  if (mode == HostFpu::kOff || !IsZeroOrNormal<F>(a) || !IsZeroOrNormal<F>(b) || IsZero<F>(b)) {
    return false;
  }
  const HostT<F> x = ToHost<F>(a), y = ToHost<F>(b);
  const HostT<F> q = x / y;
  if (!IsSafeResult<F>(q)) {
    if (!IsZero<F>(a)) return false;
  } else if (!NxSet(fflags)) {
    if constexpr (std::is_same_v<F, F32>) {
      if (double{q} * double{y} != double{x}) *fflags |= kFflagNX;
    } else {
      if (mode != HostFpu::kSseFma || Abs(x) < Host<F>::kResidualMin) return false;
      if (FmaInstruction(q, y, -x) != 0) *fflags |= kFflagNX;
    }
  }
  *out = FromHost<F>(q);
  return true;
}

// sqrt(a) in RNE for a zero or positive normal a (sqrt(-0) = -0 on both
// paths); the root of a normal is normal. NX: r is exact iff r * r == a.
template <class F>
bool HostSqrt(typename F::Bits a, HostFpu mode, uint32_t* fflags, typename F::Bits* out) {
  if (mode == HostFpu::kOff || !IsZeroOrNormal<F>(a) || (SignOf<F>(a) && !IsZero<F>(a))) {
    return false;
  }
  const HostT<F> x = ToHost<F>(a);
  const HostT<F> r = SqrtInstruction(x);
  if (!IsZero<F>(a) && !NxSet(fflags)) {
    if constexpr (std::is_same_v<F, F32>) {
      if (double{r} * double{r} != double{x}) *fflags |= kFflagNX;
    } else {
      if (mode != HostFpu::kSseFma || x < Host<F>::kResidualMin) return false;
      if (FmaInstruction(r, r, -x) != 0) *fflags |= kFflagNX;
    }
  }
  *out = FromHost<F>(r);
  return true;
}

// a * b + c in RNE, rounded once (the sign variants of fmadd are sign flips
// of a and c, done by the caller). Zero results go to the exact path (their
// sign and UF rules are the subtle part).
//
// Binary64: the FMA instruction, and FMA3 for NX (MulAddIsInexact).
//
// Binary32, no FMA needed: p = x*y is exact in binary64, and TwoSum gives
// s + e == p + z exactly (binary64 addition cannot overflow or lose the
// error here). If e == 0, s is the exact value and one rounding to binary32
// gives the result. Otherwise the exact value lies strictly between s and
// its neighbour in e's direction; replacing s by whichever of the two has an
// odd last bit is rounding to odd at 53 bits, and RN to 24 bits of that
// equals RN of the exact value (Boldo and Melquiond: 53 >= 24 + 2). The
// exact value is then not a binary64 number, so it is inexact in binary32.
// s + t == a + b exactly, s = RN(a + b) (Knuth's TwoSum: any order of
// magnitudes, no overflow in the intermediates).
struct TwoSumResult {
  double s, t;
};
inline TwoSumResult TwoSum(double a, double b) {
  const double s = a + b;
  const double b_part = s - a;
  const double a_part = s - b_part;
  return {s, (a - a_part) + (b - b_part)};
}

// Whether x*y + z (x, y, z zero or normal) is not a binary64 number, or
// nullopt if these operands are outside what the argument below covers. The
// error of an FMA is not one number (it takes two, as in Boldo and Muller's
// ErrFma); this decides only whether it is zero:
//   p = RN(x*y), e = x*y - p, exactly, by FMA (p in [2^-968, 2^1021]: see
//     kResidualMin; or p == 0 from a zero operand, e == 0);
//   (s, t) = TwoSum(p, z), so x*y + z = s + t + e;
//   (u, v) = TwoSum(t, e). If v != 0 the sum is inexact: v != 0 needs t != 0,
//     so p + z is not exact, so p and -z are not within a factor 2 (Sterbenz)
//     and |s| >= |p|/2, so |t + e| <= ulp(s)/2 + ulp(p)/2 <= 1.5 ulp(s). A
//     representable R = s + t + e would then be within a factor 2 of s, so
//     R - s = t + e would be representable (Sterbenz), and v would be 0.
//   Otherwise x*y + z = s + u, inexact iff TwoSum(s, u) has an error.
// |p|, |z| <= 2^1021 keeps every intermediate finite.
inline std::optional<bool> MulAddIsInexact(double x, double y, double z) {
  const double p = x * y;
  const double magnitude_p = Abs(p);
  if (p == 0 ? !(x == 0 || y == 0)
             : !(magnitude_p >= Host<F64>::kResidualMin && magnitude_p <= 0x1p1021)) {
    return std::nullopt;
  }
  if (!(Abs(z) <= 0x1p1021)) return std::nullopt;
  const double e = FmaInstruction(x, y, -p);
  const TwoSumResult st = TwoSum(p, z);
  const TwoSumResult uv = TwoSum(st.t, e);
  if (uv.t != 0) return true;
  return TwoSum(st.s, uv.s).t != 0;
}

template <class F>
bool HostMulAdd(typename F::Bits a, typename F::Bits b, typename F::Bits c, HostFpu mode,
                uint32_t* fflags, typename F::Bits* out) {
  if (mode == HostFpu::kOff || !IsZeroOrNormal<F>(a) || !IsZeroOrNormal<F>(b) ||
      !IsZeroOrNormal<F>(c)) {
    return false;
  }
  const HostT<F> x = ToHost<F>(a), y = ToHost<F>(b), z = ToHost<F>(c);
  if constexpr (std::is_same_v<F, F32>) {
    const double p = double{x} * double{y};
    const double s = p + double{z};
    const double p_part = s - double{z};
    const double e = (p - p_part) + (double{z} - (s - p_part));
    float r;
    bool inexact;
    if (e == 0) {
      r = Narrow(s);
      inexact = double{r} != s;
    } else {
      uint64_t bits = std::bit_cast<uint64_t>(s);
      if ((bits & 1) == 0) bits += (s < 0) == (e < 0) ? 1 : uint64_t{0} - 1;
      r = Narrow(std::bit_cast<double>(bits));
      inexact = true;
    }
    if (!IsSafeResult<F>(r)) return false;
    if (inexact) *fflags |= kFflagNX;
    *out = FromHost<F>(r);
  } else {
    if (mode != HostFpu::kSseFma) return false;
    const double r = FmaInstruction(x, y, z);
    if (!IsSafeResult<F>(r)) return false;
    if (!NxSet(fflags)) {
      const std::optional<bool> inexact = MulAddIsInexact(x, y, z);
      if (!inexact.has_value()) return false;
      if (*inexact) *fflags |= kFflagNX;
    }
    *out = FromHost<F>(r);
  }
  return true;
}

// ---- Conversions ------------------------------------------------------------

// fcvt.d.s: exact for every non-NaN single, infinities and subnormals too.
inline bool HostWiden(uint32_t a, HostFpu mode, uint64_t* out) {
  if (mode == HostFpu::kOff || IsNan<F32>(a)) return false;
  *out = FromHost<F64>(double{ToHost<F32>(a)});
  return true;
}

// fcvt.s.d in RNE. NX: the float is exact iff it converts back to a.
inline bool HostNarrow(uint64_t a, HostFpu mode, uint32_t* fflags, uint32_t* out) {
  if (mode == HostFpu::kOff || !IsZeroOrNormal<F64>(a)) return false;
  const double x = ToHost<F64>(a);
  const float r = Narrow(x);
  if (!IsSafeResult<F32>(r) && !IsZero<F64>(a)) return false;
  if (double{r} != x) *fflags |= kFflagNX;
  *out = FromHost<F32>(r);
  return true;
}

// Whether a magnitude has at most `precision` significant bits.
inline bool FitsPrecision(uint64_t magnitude, int precision) {
  return magnitude == 0 || (magnitude >> __builtin_ctzll(magnitude)) >> precision == 0;
}

// fcvt.{s,d}.{w,wu,l,lu}: the host converts with RNE (cvtsi2sd/ss; the
// compiler's unsigned 64-bit sequence rounds once as well). Exact, so any
// rm, when the integer fits the precision. Never tiny, never overflows.
template <class F, class Int>
bool HostFromInteger(Int v, uint32_t rm, HostFpu mode, uint32_t* fflags, typename F::Bits* out) {
  if (mode == HostFpu::kOff) return false;
  uint64_t magnitude = static_cast<uint64_t>(v);
  if constexpr (std::is_signed_v<Int>) {
    if (v < 0) magnitude = uint64_t{0} - magnitude;
  }
  if (!FitsPrecision(magnitude, F::kFracBits + 1)) {
    if (rm != kRmRNE) return false;
    *fflags |= kFflagNX;
  }
  *out = FromHost<F>(static_cast<HostT<F>>(v));
  return true;
}

// fcvt.{w,l}.{s,d} in RNE (cvtsd2si: MXCSR rounding) and RTZ (cvttsd2si),
// for |x| at most the largest host value that is <= the integer maximum:
// rounding is monotonic and that bound is an integer, so the result fits.
// NX: the integer is exact iff it converts back to x (exactly: it is either
// below 2^precision or x itself, x being an integer there).
template <class F, class Int>
bool HostToInteger(typename F::Bits a, uint32_t rm, HostFpu mode, uint32_t* fflags, uint64_t* out) {
  using T = HostT<F>;
  constexpr bool kIs32 = sizeof(Int) == 4;
  // Largest T <= INT32_MAX / INT64_MAX.
  constexpr T kBound = std::is_same_v<F, F32> ? (kIs32 ? T(0x1.fffffep30f) : T(0x1.fffffep62f))
                                              : (kIs32 ? T(2147483647.0) : T(0x1.fffffffffffffp62));
  if (mode == HostFpu::kOff || (rm != kRmRNE && rm != kRmRTZ)) return false;
  const T x = ToHost<F>(a);
  if (!(Abs(x) <= kBound)) return false;  // NaN fails the comparison.
  int64_t i;
  if (rm == kRmRTZ) {
    i = static_cast<int64_t>(x);  // In range: truncation is defined.
  } else if constexpr (std::is_same_v<F, F32>) {
    i = _mm_cvtss_si64(_mm_set_ss(x));
  } else {
    i = _mm_cvtsd_si64(_mm_set_sd(x));
  }
  if (static_cast<T>(i) != x) *fflags |= kFflagNX;
  *out = static_cast<uint64_t>(i);  // Already the sign extension of the Int.
  return true;
}

}  // namespace dbt::riscv::fpu

#endif  // DBT_COMMON_RISCV_FPU_HOST_H_
