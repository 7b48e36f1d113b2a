// Jumps, conditional branches, ecall/ebreak and fences.
#include <atomic>
#include <cstdint>

#include "common/riscv/interp_exec.h"

namespace dbt::riscv::interp {

// The link is pc + the instruction's length (2 for c.jalr), written after the
// target is computed so that rd == rs1 jumps through the old value.
Step ExecJal(Hart& h, const DecodedInsn& d) {
  const uint64_t target = h.pc() + static_cast<uint64_t>(d.imm);
  h.SetX(d.rd, h.pc() + d.length);
  h.next_pc = target;
  return Step::kNext;
}

Step ExecJalr(Hart& h, const DecodedInsn& d) {
  const uint64_t target = (h.X(d.rs1) + static_cast<uint64_t>(d.imm)) & ~uint64_t{1};
  h.SetX(d.rd, h.pc() + d.length);
  h.next_pc = target;
  return Step::kNext;
}

#define DBT_BRANCH(name, cond)                                   \
  Step Exec##name(Hart& h, const DecodedInsn& d) {               \
    const uint64_t a = h.X(d.rs1), b = h.X(d.rs2);               \
    if (cond) h.next_pc = h.pc() + static_cast<uint64_t>(d.imm); \
    return Step::kNext;                                          \
  }
DBT_BRANCH(Beq, a == b)
DBT_BRANCH(Bne, a != b)
DBT_BRANCH(Blt, static_cast<int64_t>(a) < static_cast<int64_t>(b))
DBT_BRANCH(Bge, static_cast<int64_t>(a) >= static_cast<int64_t>(b))
DBT_BRANCH(Bltu, a < b)
DBT_BRANCH(Bgeu, a >= b)
#undef DBT_BRANCH

// The runtime performs the system call or delivers SIGTRAP, with pc still at
// the instruction.
Step ExecEcall(Hart&, const DecodedInsn&) { return Step::kEcall; }
Step ExecEbreak(Hart&, const DecodedInsn&) { return Step::kEbreak; }

// Every fence (whatever its pred/succ sets) orders all host memory accesses:
// stronger than asked, never weaker. Guest threads run on host threads.
Step ExecFence(Hart&, const DecodedInsn&) {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  return Step::kNext;
}
Step ExecFenceTso(Hart& h, const DecodedInsn& d) { return ExecFence(h, d); }

// Instruction fetch in the interpreter always reads memory, so nothing is
// stale here; the exit tells the runtime to drop translations.
Step ExecFenceI(Hart&, const DecodedInsn&) { return Step::kFenceI; }

}  // namespace dbt::riscv::interp
