// F/D operations computed by the fpu.h functions, called as helpers: the
// arithmetic, fused multiply-adds, square root, min/max, compares, fclass
// and every conversion. The same functions are the interpreter's, so both
// engines produce bit-identical results and flags.
//
// The decoder's opcode for each of these has the name of its fpu.h
// function (FaddS, FcvtWuD...), and the operand register files come from
// the opcode's flags, so one handler serves them all:
//   a = f[rs1] or x[rs1], b = f[rs2] or 0, c = f[rs3] or 0,
//   rm = the effective rounding mode (0 when the opcode has no rm field),
//   result -> f[rd] or x[rd] (x0: dropped, but the call stays when it may
//   raise flags: the helper flags say which are pure).
#include <cstdint>

#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

using rv::HelperId;
using rv::Opcode;

struct FpForm {
  Opcode op;
  HelperId helper;
};

constexpr FpForm kForms[] = {
#define DBT_FP_FORM(name) {Opcode::k##name, HelperId::k##name},
    DBT_RISCV_FP_OPS(DBT_FP_FORM)
#undef DBT_FP_FORM
};

void TranslateFpCompute(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const FpForm& f = kForms[param];
  const uint32_t flags = rv::OpcodeFlags(insn.op);
  ir::Temp rm = ctx.Const(0);
  if (flags & rv::kInsnHasRm) {  // First: its check may branch.
    std::optional<ir::Temp> mode = ctx.RoundingMode(insn.rm);
    if (!mode) return;  // Reserved static mode: illegal instruction, TB ended.
    rm = *mode;
  }
  const ir::Temp a = (flags & rv::kInsnRs1F) ? ctx.F(insn.rs1) : ctx.X(insn.rs1);
  const ir::Temp b = (flags & rv::kInsnRs2F) ? ctx.F(insn.rs2) : ctx.Const(0);
  const ir::Temp c = (flags & rv::kInsnRs3F) ? ctx.F(insn.rs3) : ctx.Const(0);
  const ir::Temp d = (flags & rv::kInsnRdF) ? ctx.F(insn.rd) : ctx.XDest(insn.rd);
  ctx.CallHelper(d, f.helper, {a, b, c, rm, ctx.FflagsPtr()});
}

}  // namespace

void RegisterFpCompute(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) {
    if (!IsInlineFpOp(kForms[i].op)) table.Set(kForms[i].op, &TranslateFpCompute, i);
  }
}

}  // namespace dbt::frontend::riscv
