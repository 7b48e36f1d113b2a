// ecall, ebreak, fences, and the illegal instruction.
//   ecall/ebreak/illegal  leave with pending_exception set and cpu.pc AT the
//                         instruction: the runtime performs the system call
//                         (then pc += 4) or delivers the signal. They have
//                         not retired, exactly as the interpreter reports.
//   fence.i               leaves with kFenceI and cpu.pc after it (it has
//                         retired); the runtime drops stale translations
//                         before running anything else.
//   fence, fence.tso      an IR barrier with the orderings the pred/succ sets
//                         ask for. Device input/output (I, O) orders like
//                         memory reads/writes in user mode, so I counts as R
//                         and O as W, as QEMU does.
#include <cstdint>

#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

using rv::Opcode;

enum class Kind : uint8_t { kEcall, kEbreak, kFence, kFenceTso, kFenceI, kIllegal };

struct SystemForm {
  Opcode op;
  Kind kind;
};

constexpr SystemForm kForms[] = {
    {Opcode::kEcall, Kind::kEcall},   {Opcode::kEbreak, Kind::kEbreak},
    {Opcode::kFence, Kind::kFence},   {Opcode::kFenceTso, Kind::kFenceTso},
    {Opcode::kFenceI, Kind::kFenceI}, {Opcode::kIllegal, Kind::kIllegal},
};

// fence's imm is fm|pred|succ (bits 31:20): pred = bits 7:4, succ = 3:0,
// each I O R W from bit 3 down.
uint32_t FenceKinds(int64_t imm) {
  const uint32_t pred = (imm >> 4) & 0xf, succ = imm & 0xf;
  const bool pred_r = pred & 0b1010, pred_w = pred & 0b0101;
  const bool succ_r = succ & 0b1010, succ_w = succ & 0b0101;
  uint32_t kinds = 0;
  if (pred_r && succ_r) kinds |= ir::kMbLoadLoad;
  if (pred_r && succ_w) kinds |= ir::kMbLoadStore;
  if (pred_w && succ_r) kinds |= ir::kMbStoreLoad;
  if (pred_w && succ_w) kinds |= ir::kMbStoreStore;
  return kinds;
}

void TranslateSystem(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  switch (kForms[param].kind) {
    case Kind::kEcall:
      ctx.ExitException(rv::InterpExit::kEcall, ctx.pc());
      return;
    case Kind::kEbreak:
      ctx.ExitException(rv::InterpExit::kEbreak, ctx.pc());
      return;
    case Kind::kIllegal:
      ctx.ExitIllegal();
      return;
    case Kind::kFenceI:
      ctx.ExitException(rv::InterpExit::kFenceI, ctx.next_pc());
      return;
    case Kind::kFence:
      if (uint32_t kinds = FenceKinds(insn.imm); kinds != 0) ctx.b().Mb(kinds);
      return;
    case Kind::kFenceTso:  // Everything but store -> load.
      ctx.b().Mb(ir::kMbLoadLoad | ir::kMbLoadStore | ir::kMbStoreStore);
      return;
  }
}

}  // namespace

void RegisterSystem(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) table.Set(kForms[i].op, &TranslateSystem, i);
}

}  // namespace dbt::frontend::riscv
