// The FpFn entry points of fpu.h: register-level wrappers (NaN-boxing of
// single operands and results, integer sign extension) around the format-
// generic arithmetic of fpu_arith.h, fpu_convert.h and fpu_compare.h.
#include "common/riscv/fpu.h"

#include <cstdint>

#include "common/riscv/fpu_arith.h"
#include "common/riscv/fpu_compare.h"
#include "common/riscv/fpu_convert.h"
#include "common/riscv/fpu_format.h"

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

// Sign and magnitude of an integer source register, read as each fcvt.*.{w,
// wu,l,lu} defines it (the 32-bit forms use the low half only).
struct SignMagnitude {
  bool sign;
  uint64_t magnitude;
};
inline SignMagnitude FromSigned(int64_t v) {
  return {v < 0, v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v)};
}
inline SignMagnitude ReadW(uint64_t x) { return FromSigned(static_cast<int32_t>(x)); }
inline SignMagnitude ReadWu(uint64_t x) { return {false, static_cast<uint32_t>(x)}; }
inline SignMagnitude ReadL(uint64_t x) { return FromSigned(static_cast<int64_t>(x)); }
inline SignMagnitude ReadLu(uint64_t x) { return {false, x}; }

}  // namespace

#define DBT_FP_FN(name) \
  uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint32_t rm, uint32_t* fflags)

// Binary32: operands unboxed, results boxed.
#define DBT_S(expr) NanBox32(expr)
DBT_FP_FN(FaddS) { return DBT_S(fpu::Add<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FsubS) { return DBT_S(fpu::Sub<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FmulS) { return DBT_S(fpu::Mul<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FdivS) { return DBT_S(fpu::Div<F32>(UnboxS(a), UnboxS(b), rm, fflags)); }
DBT_FP_FN(FsqrtS) { return DBT_S(fpu::Sqrt<F32>(UnboxS(a), rm, fflags)); }
DBT_FP_FN(FminS) { return DBT_S(fpu::MinMax<F32>(UnboxS(a), UnboxS(b), false, fflags)); }
DBT_FP_FN(FmaxS) { return DBT_S(fpu::MinMax<F32>(UnboxS(a), UnboxS(b), true, fflags)); }
DBT_FP_FN(FmaddS) {
  return DBT_S(fpu::MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), false, false, rm, fflags));
}
DBT_FP_FN(FmsubS) {
  return DBT_S(fpu::MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), false, true, rm, fflags));
}
DBT_FP_FN(FnmsubS) {
  return DBT_S(fpu::MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), true, false, rm, fflags));
}
DBT_FP_FN(FnmaddS) {
  return DBT_S(fpu::MulAdd<F32>(UnboxS(a), UnboxS(b), UnboxS(c), true, true, rm, fflags));
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
DBT_FP_FN(FcvtWS) { return SignExtend32(fpu::ToInteger<F32>(UnboxS(a), fpu::kInt32, rm, fflags)); }
DBT_FP_FN(FcvtWuS) {
  return SignExtend32(fpu::ToInteger<F32>(UnboxS(a), fpu::kUint32, rm, fflags));
}
DBT_FP_FN(FcvtLS) { return fpu::ToInteger<F32>(UnboxS(a), fpu::kInt64, rm, fflags); }
DBT_FP_FN(FcvtLuS) { return fpu::ToInteger<F32>(UnboxS(a), fpu::kUint64, rm, fflags); }
#define DBT_FROM_INT(name, Format, read)                              \
  DBT_FP_FN(name) {                                                   \
    const SignMagnitude v = read(a);                                  \
    return fpu::FromInteger<Format>(v.sign, v.magnitude, rm, fflags); \
  }
#define DBT_FROM_INT_S(name, read)                                        \
  DBT_FP_FN(name) {                                                       \
    const SignMagnitude v = read(a);                                      \
    return DBT_S(fpu::FromInteger<F32>(v.sign, v.magnitude, rm, fflags)); \
  }
DBT_FROM_INT_S(FcvtSW, ReadW)
DBT_FROM_INT_S(FcvtSWu, ReadWu)
DBT_FROM_INT_S(FcvtSL, ReadL)
DBT_FROM_INT_S(FcvtSLu, ReadLu)
// fmv.x.w copies the raw low 32 bits (no NaN-box check), sign-extended.
DBT_FP_FN(FmvXW) { return SignExtend32(a); }
DBT_FP_FN(FmvWX) { return NanBox32(static_cast<uint32_t>(a)); }

// Binary64.
DBT_FP_FN(FaddD) { return fpu::Add<F64>(a, b, rm, fflags); }
DBT_FP_FN(FsubD) { return fpu::Sub<F64>(a, b, rm, fflags); }
DBT_FP_FN(FmulD) { return fpu::Mul<F64>(a, b, rm, fflags); }
DBT_FP_FN(FdivD) { return fpu::Div<F64>(a, b, rm, fflags); }
DBT_FP_FN(FsqrtD) { return fpu::Sqrt<F64>(a, rm, fflags); }
DBT_FP_FN(FminD) { return fpu::MinMax<F64>(a, b, false, fflags); }
DBT_FP_FN(FmaxD) { return fpu::MinMax<F64>(a, b, true, fflags); }
DBT_FP_FN(FmaddD) { return fpu::MulAdd<F64>(a, b, c, false, false, rm, fflags); }
DBT_FP_FN(FmsubD) { return fpu::MulAdd<F64>(a, b, c, false, true, rm, fflags); }
DBT_FP_FN(FnmsubD) { return fpu::MulAdd<F64>(a, b, c, true, false, rm, fflags); }
DBT_FP_FN(FnmaddD) { return fpu::MulAdd<F64>(a, b, c, true, true, rm, fflags); }
DBT_FP_FN(FsgnjD) { return fpu::InjectSign<F64>(a, b, fpu::SignInjection::kCopy); }
DBT_FP_FN(FsgnjnD) { return fpu::InjectSign<F64>(a, b, fpu::SignInjection::kNegate); }
DBT_FP_FN(FsgnjxD) { return fpu::InjectSign<F64>(a, b, fpu::SignInjection::kXor); }
DBT_FP_FN(FeqD) { return fpu::Equal<F64>(a, b, fflags); }
DBT_FP_FN(FltD) { return fpu::Less<F64>(a, b, fflags); }
DBT_FP_FN(FleD) { return fpu::LessEqual<F64>(a, b, fflags); }
DBT_FP_FN(FclassD) { return fpu::Classify<F64>(a); }
DBT_FP_FN(FcvtWD) { return SignExtend32(fpu::ToInteger<F64>(a, fpu::kInt32, rm, fflags)); }
DBT_FP_FN(FcvtWuD) { return SignExtend32(fpu::ToInteger<F64>(a, fpu::kUint32, rm, fflags)); }
DBT_FP_FN(FcvtLD) { return fpu::ToInteger<F64>(a, fpu::kInt64, rm, fflags); }
DBT_FP_FN(FcvtLuD) { return fpu::ToInteger<F64>(a, fpu::kUint64, rm, fflags); }
DBT_FROM_INT(FcvtDW, F64, ReadW)
DBT_FROM_INT(FcvtDWu, F64, ReadWu)
DBT_FROM_INT(FcvtDL, F64, ReadL)
DBT_FROM_INT(FcvtDLu, F64, ReadLu)
DBT_FP_FN(FcvtSD) { return DBT_S((fpu::ConvertFloat<F32, F64>(a, rm, fflags))); }
DBT_FP_FN(FcvtDS) { return fpu::ConvertFloat<F64, F32>(UnboxS(a), rm, fflags); }
DBT_FP_FN(FmvXD) { return a; }
DBT_FP_FN(FmvDX) { return a; }

#undef DBT_FROM_INT_S
#undef DBT_FROM_INT
#undef DBT_S
#undef DBT_FP_FN

}  // namespace dbt::riscv
