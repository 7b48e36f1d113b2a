// Comparisons and control flow inside the TB.
#include "services/translator/backend/x86_64/emitters.h"
#include "services/translator/backend/x86_64/x86_cond.h"

namespace dbt::backend::x86_64 {
namespace {

// Sets the flags for cond(a, b); `test a, a` for (in)equality with zero.
void Compare(EmitContext& ctx, int a_index) {
  Xbyak::Reg64 a = ctx.Use(a_index).r64();
  Operand b = ctx.Use(a_index + 1);
  ir::Cond c = ctx.op.cond();
  if (b.is_imm && b.imm == 0 && (c == ir::Cond::kEq || c == ir::Cond::kNe)) {
    ctx.as.test(a, a);
  } else {
    Cmp(ctx.as, a, b);
  }
}

}  // namespace

void EmitSetcond(EmitContext& ctx) {
  Compare(ctx, 0);
  HostReg o = ctx.operands.outs[0];
  Setcc(ctx.as, ToX86Cond(ctx.op.cond()), Reg8(o));
  ctx.as.movzx(Reg32(o), Reg8(o));
}

// The output holds v2; v1 replaces it when the condition holds.
void EmitMovcond(EmitContext& ctx) {
  Compare(ctx, 0);
  WithRegOrMem(ctx.Use(2), 64, [&](const Xbyak::Operand& v1) {
    Cmovcc(ctx.as, ToX86Cond(ctx.op.cond()), ctx.Define(0), v1);
  });
}

void EmitBrcond(EmitContext& ctx) {
  Compare(ctx, 0);
  Jcc(ctx.as, ToX86Cond(ctx.op.cond()), ctx.tb.labels[ctx.op.label().index]);
}

void EmitBr(EmitContext& ctx) { ctx.as.jmp(ctx.tb.labels[ctx.op.label().index], ctx.as.T_NEAR); }

void EmitSetLabel(EmitContext& ctx) { ctx.as.L(ctx.tb.labels[ctx.op.label().index]); }

}  // namespace dbt::backend::x86_64
