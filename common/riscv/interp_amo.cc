// A: LR/SC and AMOs for the reference interpreter. The memory semantics are
// common/riscv/atomic_ops.h, shared with the JIT's helpers; this file adds
// what is the interpreter's: the alignment check (before any access) and
// the registers.
#include <cstdint>

#include "common/riscv/atomic_ops.h"
#include "common/riscv/interp_exec.h"
#include "common/riscv/interpreter.h"

namespace dbt::riscv::interp {
namespace {

using atomic_ops::AmoOp;

// AMOs and LR/SC need natural alignment; Linux does not emulate misaligned
// ones (SIGBUS). Checked before any access, as hardware does.
template <typename T>
bool Misaligned(const Hart& h, const DecodedInsn& d) {
  return (h.X(d.rs1) & (sizeof(T) - 1)) != 0;
}

template <typename T>
T* Ptr(Hart& h, const DecodedInsn& d) {
  return reinterpret_cast<T*>(h.Host(h.X(d.rs1)));
}

template <typename T>
Step Lr(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  h.SetX(d.rd, atomic_ops::LoadReserved(h.cpu, Ptr<T>(h, d), h.X(d.rs1)));
  return Step::kNext;
}

template <typename T>
Step Sc(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  h.SetX(d.rd, atomic_ops::StoreConditional(h.cpu, Ptr<T>(h, d), h.X(d.rs1), h.X(d.rs2)));
  return Step::kNext;
}

// rd <- old memory value; memory <- op(old, x[rs2]). rs2 is read before rd
// is written (rd == rs2 is allowed).
template <typename T, AmoOp kOp>
Step Amo(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  h.SetX(d.rd, atomic_ops::Amo<T, kOp>(Ptr<T>(h, d), h.X(d.rs2)));
  return Step::kNext;
}

}  // namespace

Step ExecLrW(Hart& h, const DecodedInsn& d) { return Lr<uint32_t>(h, d); }
Step ExecScW(Hart& h, const DecodedInsn& d) { return Sc<uint32_t>(h, d); }
Step ExecAmoswapW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kSwap>(h, d); }
Step ExecAmoaddW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kAdd>(h, d); }
Step ExecAmoxorW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kXor>(h, d); }
Step ExecAmoandW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kAnd>(h, d); }
Step ExecAmoorW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kOr>(h, d); }
Step ExecAmominW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kMin>(h, d); }
Step ExecAmomaxW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kMax>(h, d); }
Step ExecAmominuW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kMinu>(h, d); }
Step ExecAmomaxuW(Hart& h, const DecodedInsn& d) { return Amo<uint32_t, AmoOp::kMaxu>(h, d); }
Step ExecLrD(Hart& h, const DecodedInsn& d) { return Lr<uint64_t>(h, d); }
Step ExecScD(Hart& h, const DecodedInsn& d) { return Sc<uint64_t>(h, d); }
Step ExecAmoswapD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kSwap>(h, d); }
Step ExecAmoaddD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kAdd>(h, d); }
Step ExecAmoxorD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kXor>(h, d); }
Step ExecAmoandD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kAnd>(h, d); }
Step ExecAmoorD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kOr>(h, d); }
Step ExecAmominD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kMin>(h, d); }
Step ExecAmomaxD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kMax>(h, d); }
Step ExecAmominuD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kMinu>(h, d); }
Step ExecAmomaxuD(Hart& h, const DecodedInsn& d) { return Amo<uint64_t, AmoOp::kMaxu>(h, d); }

}  // namespace dbt::riscv::interp
