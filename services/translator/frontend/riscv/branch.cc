// Control transfer: conditional branches, jal, jalr. Each ends the TB.
//   branch  brcond to the taken exit (goto_tb slot 1), fall-through exit on
//           slot 0; a condition known at translation time (both operands
//           constant, or the same register) takes a single direct exit.
//   jal     rd = pc + length, direct exit (slot 0).
//   jalr    the target (rs1 + imm) & ~1 is computed before rd is written
//           (rd == rs1 jumps through the old value), then pc = target and
//           lookup_and_goto_ptr; a constant target (rs1 = x0) is a direct exit.
// Targets are always 2-byte aligned (offsets are even, jalr clears bit 0),
// so with C there is no misaligned-target exception to raise.
#include <cstdint>
#include <utility>

#include "services/translator/frontend/riscv/handlers.h"
#include "services/translator/ir/semantics.h"

namespace dbt::frontend::riscv {
namespace {

using rv::Opcode;

enum class Kind : uint8_t { kBranch, kJal, kJalr };

struct ControlForm {
  Opcode op;
  Kind kind;
  ir::Cond cond = ir::Cond::kEq;
};

constexpr ControlForm kForms[] = {
    {Opcode::kBeq, Kind::kBranch, ir::Cond::kEq},
    {Opcode::kBne, Kind::kBranch, ir::Cond::kNe},
    {Opcode::kBlt, Kind::kBranch, ir::Cond::kLt},
    {Opcode::kBge, Kind::kBranch, ir::Cond::kGe},
    {Opcode::kBltu, Kind::kBranch, ir::Cond::kLtu},
    {Opcode::kBgeu, Kind::kBranch, ir::Cond::kGeu},
    {Opcode::kJal, Kind::kJal},
    {Opcode::kJalr, Kind::kJalr},
};

void TranslateBranch(TranslationContext& ctx, const ControlForm& f, const rv::DecodedInsn& insn) {
  const uint64_t taken_pc = ctx.pc() + static_cast<uint64_t>(insn.imm);
  ir::Temp a = ctx.X(insn.rs1), b = ctx.X(insn.rs2);
  ir::Cond cond = f.cond;
  if (a == b || (ctx.IsConst(a) && ctx.IsConst(b))) {
    const bool taken = a == b ? ir::EvalCond(cond, 0, 0)
                              : ir::EvalCond(cond, ctx.ConstValue(a), ctx.ConstValue(b));
    ctx.ExitGotoTb(0, taken ? taken_pc : ctx.next_pc());
    return;
  }
  if (ctx.IsConst(a)) {  // Keep a constant operand second (beqz-like forms).
    std::swap(a, b);
    cond = ir::SwapCond(cond);
  }
  ir::IrBuilder& builder = ctx.b();
  const ir::Label taken = builder.NewLabel();
  builder.Brcond(cond, a, b, taken);
  ctx.ExitGotoTb(0, ctx.next_pc());
  builder.SetLabel(taken);
  ctx.ExitGotoTb(1, taken_pc);
}

void TranslateControl(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const ControlForm& f = kForms[param];
  switch (f.kind) {
    case Kind::kBranch:
      TranslateBranch(ctx, f, insn);
      return;
    case Kind::kJal:
      if (insn.rd != 0) ctx.b().Movi(ctx.X(insn.rd), ctx.next_pc());
      ctx.ExitGotoTb(0, ctx.pc() + static_cast<uint64_t>(insn.imm));
      return;
    case Kind::kJalr: {
      const ir::Temp sum =
          ctx.Binary(ir::Opcode::kAdd, ctx.X(insn.rs1), ctx.Const(static_cast<uint64_t>(insn.imm)));
      const ir::Temp target = ctx.Binary(ir::Opcode::kAnd, sum, ctx.Const(~uint64_t{1}));
      if (insn.rd != 0) ctx.b().Movi(ctx.X(insn.rd), ctx.next_pc());
      ctx.ExitIndirect(target);
      return;
    }
  }
}

}  // namespace

void RegisterBranch(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) table.Set(kForms[i].op, &TranslateControl, i);
}

}  // namespace dbt::frontend::riscv
