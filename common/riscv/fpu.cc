// The FpFn entry points of fpu.h: register-level wrappers (NaN-boxing of
// single operands and results, integer sign extension) around the format-
// generic arithmetic of fpu_arith.h, fpu_convert.h and fpu_compare.h, with
// the host-FPU fast path of fpu_host.h tried first where it applies.
#include "common/riscv/fpu.h"

#include <cstdint>
#include <type_traits>

#include "common/riscv/fpu_arith.h"
#include "common/riscv/fpu_compare.h"
#include "common/riscv/fpu_convert.h"
#include "common/riscv/fpu_format.h"
#include "common/riscv/fpu_host.h"

namespace dbt::riscv {
namespace {

using fpu::F32;
using fpu::F64;

// A single operand that is not NaN-boxed (upper 32 bits not all ones) reads
// as the canonical NaN.
inline uint32_t UnboxS(uint64_t reg) {
  return (reg >> 32) == 0xffffffffu ? static_cast<uint32_t>(reg) : F32::kCanonicalNan;
}

inline uint64_t SignExtend32(uint64_t value) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value)));
}

// Sign and magnitude of an integer source, given as the type each fcvt.*.{w,
// wu,l,lu} reads from the register (the 32-bit forms use the low half only).
struct SignMagnitude {
  bool sign;
  uint64_t magnitude;
};
template <class Int>
SignMagnitude ReadInteger(Int v) {
  const uint64_t bits = static_cast<uint64_t>(v);  // Sign-extends a signed Int.
  if constexpr (std::is_signed_v<Int>) {
    if (v < 0) return {true, uint64_t{0} - bits};
  }
  return {false, bits};
}

// Each operation: the host fast path if it applies (it returns false when it
// cannot prove its result and flags equal the exact path's), else the exact
// path. Only RNE reaches the host, except conversions to integer (RNE and
// RTZ) and integer-to-float conversions that are exact (any rm).
template <class F>
using Bits = typename F::Bits;

template <class F>
Bits<F> Add(Bits<F> a, Bits<F> b, uint32_t rm, uint32_t* fflags) {
  Bits<F> r;
  if (rm == kRmRNE && fpu::HostAdd<F>(a, b, fpu::host_fpu, fflags, &r)) return r;
  return fpu::Add<F>(a, b, rm, fflags);
}
template <class F>
Bits<F> Sub(Bits<F> a, Bits<F> b, uint32_t rm, uint32_t* fflags) {
  return Add<F>(a, b ^ fpu::kSignBit<F>, rm, fflags);  // As fpu::Sub does.
}
template <class F>
Bits<F> Mul(Bits<F> a, Bits<F> b, uint32_t rm, uint32_t* fflags) {
  Bits<F> r;
  if (rm == kRmRNE && fpu::HostMul<F>(a, b, fpu::host_fpu, fflags, &r)) return r;
  return fpu::Mul<F>(a, b, rm, fflags);
}
template <class F>
Bits<F> Div(Bits<F> a, Bits<F> b, uint32_t rm, uint32_t* fflags) {
  Bits<F> r;
  if (rm == kRmRNE && fpu::HostDiv<F>(a, b, fpu::host_fpu, fflags, &r)) return r;
  return fpu::Div<F>(a, b, rm, fflags);
}
template <class F>
Bits<F> Sqrt(Bits<F> a, uint32_t rm, uint32_t* fflags) {
  Bits<F> r;
  if (rm == kRmRNE && fpu::HostSqrt<F>(a, fpu::host_fpu, fflags, &r)) return r;
  return fpu::Sqrt<F>(a, rm, fflags);
}
// (-1)^negate_product * a * b + (-1)^negate_addend * c. The host computes it
// with the signs applied to a and c, which is exact for non-NaN operands.
template <class F>
Bits<F> MulAdd(Bits<F> a, Bits<F> b, Bits<F> c, bool negate_product, bool negate_addend,
               uint32_t rm, uint32_t* fflags) {
  Bits<F> r;
  if (rm == kRmRNE &&
      fpu::HostMulAdd<F>(negate_product ? a ^ fpu::kSignBit<F> : a, b,
                         negate_addend ? c ^ fpu::kSignBit<F> : c, fpu::host_fpu, fflags, &r)) {
    return r;
  }
  return fpu::MulAdd<F>(a, b, c, negate_product, negate_addend, rm, fflags);
}
template <class F, class Int>
uint64_t ToInteger(Bits<F> a, const fpu::IntRange& range, uint32_t rm, uint32_t* fflags) {
  uint64_t r;
  if (fpu::HostToInteger<F, Int>(a, rm, fpu::host_fpu, fflags, &r)) return r;
  return fpu::ToInteger<F>(a, range, rm, fflags);
}
template <class F, class Int>
Bits<F> FromInteger(Int v, uint32_t rm, uint32_t* fflags) {
  Bits<F> r;
  if (fpu::HostFromInteger<F, Int>(v, rm, fpu::host_fpu, fflags, &r)) return r;
  const SignMagnitude sm = ReadInteger(v);
  return fpu::FromInteger<F>(sm.sign, sm.magnitude, rm, fflags);
}

}  // namespace

#define DBT_FP_FN(name) \
  uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint32_t rm, uint32_t* fflags)

// Binary32: operands unboxed, results boxed.
#define DBT_S(expr) NanBox32(expr)
DBT_FP_FN(FaddS) { return DBT_S(Add<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FsubS) { return DBT_S(Sub<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FmulS) { return DBT_S(Mul<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FdivS) { return DBT_S(Div<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FsqrtS) { return DBT_S(Sqrt<F32>(UnboxS(a), rm, fflags)); }
DBT_FP_FN(FminS) { return DBT_S(fpu::MinMax<F32>(UnboxS(a), UnboxS(b), false, fflags)); }
DBT_FP_FN(FmaxS) { return DBT_S(fpu::MinMax<F32>(UnboxS(a), UnboxS(b), true, fflags)); }
DBT_FP_FN(FmaddS) {
  return DBT_S(MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), false, false, rm, fflags));
}
DBT_FP_FN(FmsubS) {
  return DBT_S(MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), false, true, rm, fflags));
}
DBT_FP_FN(FnmsubS) {
  return DBT_S(MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), true, false, rm, fflags));
}
DBT_FP_FN(FnmaddS) {
  return DBT_S(MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), true, true, rm, fflags));
}
DBT_FP_FN(FsgnjS) {
  return DBT_S(fpu::InjectSign<F32>(UnboxS(a), UnboxS(b), fpu::SignInjection::kCopy));
}
DBT_FP_FN(FsgnjnS) {
  return DBT_S(fpu::InjectSign<F32>(UnboxS(a), UnboxS(b), fpu::SignInjection::kNegate));
}
DBT_FP_FN(FsgnjxS) {
  return DBT_S(fpu::InjectSign<F32>(UnboxS(a), UnboxS(b), fpu::SignInjection::kXor));
}
DBT_FP_FN(FeqS) { return fpu::Equal<F32>(UnboxS(a), UnboxS(b), fflags); }
DBT_FP_FN(FltS) { return fpu::Less<F32>(UnboxS(a), UnboxS(b), fflags); }
DBT_FP_FN(FleS) { return fpu::LessEqual<F32>(UnboxS(a), UnboxS(b), fflags); }
DBT_FP_FN(FclassS) { return fpu::Classify<F32>(UnboxS(a)); }
DBT_FP_FN(FcvtWS) {
  return SignExtend32(ToInteger<F32, int32_t>(UnboxS(a), fpu::kInt32, rm, fflags));
}
DBT_FP_FN(FcvtWuS) {
  return SignExtend32(fpu::ToInteger<F32>(UnboxS(a), fpu::kUint32, rm, fflags));
}
DBT_FP_FN(FcvtLS) { return ToInteger<F32, int64_t>(UnboxS(a), fpu::kInt64, rm, fflags); }
DBT_FP_FN(FcvtLuS) { return fpu::ToInteger<F32>(UnboxS(a), fpu::kUint64, rm, fflags); }
#define DBT_FROM_INT(name, Format, Int) \
  DBT_FP_FN(name) { return FromInteger<Format, Int>(static_cast<Int>(a), rm, fflags); }
#define DBT_FROM_INT_S(name, Int) \
  DBT_FP_FN(name) { return DBT_S((FromInteger<F32, Int>(static_cast<Int>(a), rm, fflags))); }
DBT_FROM_INT_S(FcvtSW, int32_t)
DBT_FROM_INT_S(FcvtSWu, uint32_t)
DBT_FROM_INT_S(FcvtSL, int64_t)
DBT_FROM_INT_S(FcvtSLu, uint64_t)
// fmv.x.w copies the raw low 32 bits (no NaN-box check), sign-extended.
DBT_FP_FN(FmvXW) { return SignExtend32(a); }
DBT_FP_FN(FmvWX) { return NanBox32(static_cast<uint32_t>(a)); }

// Binary64.
DBT_FP_FN(FaddD) { return Add<F64>(a, b, rm, fflags); }
DBT_FP_FN(FsubD) { return Sub<F64>(a, b, rm, fflags); }
DBT_FP_FN(FmulD) { return Mul<F64>(a, b, rm, fflags); }
DBT_FP_FN(FdivD) { return Div<F64>(a, b, rm, fflags); }
DBT_FP_FN(FsqrtD) { return Sqrt<F64>(a, rm, fflags); }
DBT_FP_FN(FminD) { return fpu::MinMax<F64>(a, b, false, fflags); }
DBT_FP_FN(FmaxD) { return fpu::MinMax<F64>(a, b, true, fflags); }
DBT_FP_FN(FmaddD) { return MulAdd<F64>(a, b, c, false, false, rm, fflags); }
DBT_FP_FN(FmsubD) { return MulAdd<F64>(a, b, c, false, true, rm, fflags); }
DBT_FP_FN(FnmsubD) { return MulAdd<F64>(a, b, c, true, false, rm, fflags); }
DBT_FP_FN(FnmaddD) { return MulAdd<F64>(a, b, c, true, true, rm, fflags); }
DBT_FP_FN(FsgnjD) { return fpu::InjectSign<F64>(a, b, fpu::SignInjection::kCopy); }
DBT_FP_FN(FsgnjnD) { return fpu::InjectSign<F64>(a, b, fpu::SignInjection::kNegate); }
DBT_FP_FN(FsgnjxD) { return fpu::InjectSign<F64>(a, b, fpu::SignInjection::kXor); }
DBT_FP_FN(FeqD) { return fpu::Equal<F64>(a, b, fflags); }
DBT_FP_FN(FltD) { return fpu::Less<F64>(a, b, fflags); }
DBT_FP_FN(FleD) { return fpu::LessEqual<F64>(a, b, fflags); }
DBT_FP_FN(FclassD) { return fpu::Classify<F64>(a); }
DBT_FP_FN(FcvtWD) { return SignExtend32(ToInteger<F64, int32_t>(a, fpu::kInt32, rm, fflags)); }
DBT_FP_FN(FcvtWuD) { return SignExtend32(fpu::ToInteger<F64>(a, fpu::kUint32, rm, fflags)); }
DBT_FP_FN(FcvtLD) { return ToInteger<F64, int64_t>(a, fpu::kInt64, rm, fflags); }
DBT_FP_FN(FcvtLuD) { return fpu::ToInteger<F64>(a, fpu::kUint64, rm, fflags); }
DBT_FROM_INT(FcvtDW, F64, int32_t)
DBT_FROM_INT(FcvtDWu, F64, uint32_t)
DBT_FROM_INT(FcvtDL, F64, int64_t)
DBT_FROM_INT(FcvtDLu, F64, uint64_t)
DBT_FP_FN(FcvtSD) {
  uint32_t r;
  if (rm == kRmRNE && fpu::HostNarrow(a, fpu::host_fpu, fflags, &r)) return DBT_S(r);
  return DBT_S((fpu::ConvertFloat<F32, F64>(a, rm, fflags)));
}
DBT_FP_FN(FcvtDS) {
  uint64_t r;
  if (fpu::HostWiden(UnboxS(a), fpu::host_fpu, &r)) return r;
  return fpu::ConvertFloat<F64, F32>(UnboxS(a), rm, fflags);
}
DBT_FP_FN(FmvXD) { return a; }
DBT_FP_FN(FmvDX) { return a; }

#undef DBT_FROM_INT_S
#undef DBT_FROM_INT
#undef DBT_S
#undef DBT_FP_FN

}  // namespace dbt::riscv
