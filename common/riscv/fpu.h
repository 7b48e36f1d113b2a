// RISC-V F and D arithmetic with exact IEEE 754-2008 semantics as the ISA
// manual defines them: rounding modes, accrued exception flags, canonical
// NaNs, NaN-boxing of single values, saturating conversions.
//
// Shared by the reference interpreter and the helpers that translated code
// calls, so both compute bit-identical results. Every function has the same
// signature (FpFn): raw register bits in, raw register bits out. Single
// precision operands arrive NaN-boxed in 64 bits (an operand that is not
// properly boxed reads as the canonical NaN); single results are returned
// NaN-boxed. Integer results are returned sign-extended to 64 bits as the
// destination x register must hold them (e.g. fcvt.w.s, feq, fclass, fmv.x.w).
// Integer sources arrive as the full 64-bit x register value.
//
// rm is the effective rounding mode, already resolved (0..4: RNE RTZ RDN RUP
// RMM); the caller resolves DYN through frm and raises an illegal instruction
// for a reserved mode. Exception flags raised are OR-ed into *fflags (the
// kFflag* bits of cpu_state.h). Functions that ignore an operand or rm take
// it anyway, to keep one signature.
#ifndef DBT_COMMON_RISCV_FPU_H_
#define DBT_COMMON_RISCV_FPU_H_

#include <cstdint>

namespace dbt::riscv {

using FpFn = uint64_t (*)(uint64_t a, uint64_t b, uint64_t c, uint32_t rm, uint32_t* fflags);

// X(name): one entry per FP operation. a, b, c are rs1, rs2, rs3 (or the x
// register for int->fp conversions and fmv.*.x).
#define DBT_RISCV_FP_OPS(X)                                                       \
  X(FaddS) X(FsubS) X(FmulS) X(FdivS) X(FsqrtS) X(FminS) X(FmaxS)                 \
  X(FmaddS) X(FmsubS) X(FnmsubS) X(FnmaddS)                                       \
  X(FsgnjS) X(FsgnjnS) X(FsgnjxS) X(FeqS) X(FltS) X(FleS) X(FclassS)              \
  X(FcvtWS) X(FcvtWuS) X(FcvtLS) X(FcvtLuS)                                       \
  X(FcvtSW) X(FcvtSWu) X(FcvtSL) X(FcvtSLu)                                       \
  X(FmvXW) X(FmvWX)                                                               \
  X(FaddD) X(FsubD) X(FmulD) X(FdivD) X(FsqrtD) X(FminD) X(FmaxD)                 \
  X(FmaddD) X(FmsubD) X(FnmsubD) X(FnmaddD)                                       \
  X(FsgnjD) X(FsgnjnD) X(FsgnjxD) X(FeqD) X(FltD) X(FleD) X(FclassD)              \
  X(FcvtWD) X(FcvtWuD) X(FcvtLD) X(FcvtLuD)                                       \
  X(FcvtDW) X(FcvtDWu) X(FcvtDL) X(FcvtDLu)                                       \
  X(FcvtSD) X(FcvtDS)                                                             \
  X(FmvXD) X(FmvDX)

#define DBT_RISCV_DECLARE_FP(name) \
  uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint32_t rm, uint32_t* fflags);
DBT_RISCV_FP_OPS(DBT_RISCV_DECLARE_FP)
#undef DBT_RISCV_DECLARE_FP

// Load/store helpers for flw/fsw: box a 32-bit pattern, and the low 32 bits.
inline uint64_t NanBox32(uint32_t bits) { return 0xffffffff00000000ull | bits; }

inline constexpr uint64_t kCanonicalNanS = 0xffffffff7fc00000ull;  // boxed
inline constexpr uint64_t kCanonicalNanD = 0x7ff8000000000000ull;

}  // namespace dbt::riscv

#endif  // DBT_COMMON_RISCV_FPU_H_
