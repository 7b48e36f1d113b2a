#include "common/riscv/interpreter.h"

#include <cstring>

#include "common/riscv/decoder.h"
#include "common/riscv/interp_exec.h"

namespace dbt::riscv {
namespace {

using interp::Hart;
using interp::Step;

// Indexed by Opcode: the table row's handler.
constexpr interp::Handler kHandlers[] = {
    &interp::ExecIllegal,
#define DBT_RISCV_INSN(name, ...) &interp::Exec##name,
#include "common/riscv/insn_table.inc"
#undef DBT_RISCV_INSN
};
static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == kNumOpcodes);

// Fetches by 16-bit parcels: a 2-byte instruction at the end of the last
// mapped page must not touch the next page.
uint32_t Fetch(const Hart& h) {
  uint16_t lo;
  std::memcpy(&lo, h.Host(h.pc()), 2);
  if (InsnLength(lo) == 2) return lo;
  uint16_t hi;
  std::memcpy(&hi, h.Host(h.pc() + 2), 2);
  return lo | uint32_t{hi} << 16;
}

// Runs the instruction at cpu.pc; on retirement advances pc and instret.
Step Execute(CpuState& cpu, uint8_t* guest_base) {
  Hart h{cpu, guest_base, 0};
  const DecodedInsn d = Decode(Fetch(h));
  h.next_pc = cpu.pc + d.length;
  const Step step = kHandlers[static_cast<size_t>(d.op)](h, d);
  if (step == Step::kNext || step == Step::kFenceI) {
    cpu.pc = h.next_pc;
    ++cpu.instret;
  }
  return step;
}

InterpExit ExitOf(Step step) {
  switch (step) {
    case Step::kNext:
      return InterpExit::kInsnLimit;
    case Step::kEcall:
      return InterpExit::kEcall;
    case Step::kEbreak:
      return InterpExit::kEbreak;
    case Step::kIllegal:
      return InterpExit::kIllegal;
    case Step::kFenceI:
      return InterpExit::kFenceI;
    case Step::kMisaligned:
      return InterpExit::kMisaligned;
  }
  return InterpExit::kIllegal;
}

}  // namespace

namespace interp {
Step ExecIllegal(Hart&, const DecodedInsn&) { return Step::kIllegal; }
}  // namespace interp

InterpExit StepOne(CpuState& cpu, uint8_t* guest_base) { return ExitOf(Execute(cpu, guest_base)); }

InterpExit Interpret(CpuState& cpu, uint8_t* guest_base, uint64_t max_insns, uint64_t* executed) {
  uint64_t n = 0;
  InterpExit exit = InterpExit::kInsnLimit;
  while (n < max_insns) {
    const Step step = Execute(cpu, guest_base);
    if (step == Step::kNext) {
      ++n;
      continue;
    }
    if (step == Step::kFenceI) ++n;
    exit = ExitOf(step);
    break;
  }
  if (executed != nullptr) *executed = n;
  return exit;
}

}  // namespace dbt::riscv
