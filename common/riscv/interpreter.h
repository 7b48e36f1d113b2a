// The RV64GC reference interpreter: the oracle the JIT is checked against
// (lock-step), and an execution engine of its own (`dbt run --interpret`).
// Clarity and exact ISA semantics come first; it decodes every instruction
// with the same decoder the translator uses.
#ifndef DBT_COMMON_RISCV_INTERPRETER_H_
#define DBT_COMMON_RISCV_INTERPRETER_H_

#include <cstdint>

#include "common/riscv/cpu_state.h"

namespace dbt::riscv {

enum class InterpExit : uint8_t {
  kInsnLimit,  // max_insns executed; cpu.pc is the next instruction
  kEcall,      // cpu.pc points AT the ecall; the runtime performs the syscall, then pc += 4
  kEbreak,     // cpu.pc at the ebreak / c.ebreak
  kIllegal,    // cpu.pc at the illegal instruction (also: reserved rounding mode, unknown CSR,
               // write to a read-only CSR)
  kFenceI,     // fence.i executed; cpu.pc is the next instruction (runtime drops translations)
  kMisaligned,  // cpu.pc at an AMO/LR/SC whose address x[rs1] is not naturally aligned:
                // Linux gives the process SIGBUS (BUS_ADRALN); nothing was accessed
};

// Executes instructions at cpu.pc. Guest address A lives at host address
// guest_base + A; loads, stores and fetches are plain host accesses
// (misaligned allowed, as x86 allows); a fault surfaces as a host SIGSEGV
// that the runtime's handler turns into a guest signal. *executed gets the
// number of instructions retired, which is also added to cpu.instret (the
// count cycle and instret read). An instruction that exits with kEcall,
// kEbreak or kIllegal has not retired; fence.i has.
//
// AMOs and LR/SC use host atomics on guest memory, so they stay correct with
// several guest threads each running an interpreter on its own CpuState.
InterpExit Interpret(CpuState& cpu, uint8_t* guest_base, uint64_t max_insns, uint64_t* executed);

// One instruction at cpu.pc, for lock-step testing. Returns kInsnLimit when
// it retired normally (cpu.pc is the next instruction), otherwise the exit
// Interpret would have taken.
InterpExit StepOne(CpuState& cpu, uint8_t* guest_base);

}  // namespace dbt::riscv

#endif  // DBT_COMMON_RISCV_INTERPRETER_H_
