// F/D operations that are bit moves, emitted inline (no call, no flags):
// sign injection and fmv.*. Their results match the fpu.h functions of the
// same names, which the interpreter uses:
//   single operands that are not NaN-boxed read as the canonical NaN (boxed:
//   0xffffffff7fc00000), results are boxed; fmv.x.w sign-extends the low 32
//   bits (boxed or not), fmv.w.x boxes them; the D forms are plain moves.
// Sign injection with rs1 == rs2 is how fmv.s/fneg.s/fabs.s (and the .d
// ones) are written: one op each.
#include <cstdint>

#include "common/riscv/fpu.h"
#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

using rv::Opcode;
using IrOp = ir::Opcode;

enum class Kind : uint8_t { kSgnj, kSgnjn, kSgnjx, kMvXW, kMvWX, kMvXD, kMvDX };

struct FpSignForm {
  Opcode op;
  Kind kind;
  bool single;
};

constexpr FpSignForm kForms[] = {
    {Opcode::kFsgnjS, Kind::kSgnj, true},    {Opcode::kFsgnjnS, Kind::kSgnjn, true},
    {Opcode::kFsgnjxS, Kind::kSgnjx, true},  {Opcode::kFsgnjD, Kind::kSgnj, false},
    {Opcode::kFsgnjnD, Kind::kSgnjn, false}, {Opcode::kFsgnjxD, Kind::kSgnjx, false},
    {Opcode::kFmvXW, Kind::kMvXW, true},     {Opcode::kFmvWX, Kind::kMvWX, true},
    {Opcode::kFmvXD, Kind::kMvXD, false},    {Opcode::kFmvDX, Kind::kMvDX, false},
};

// A single operand as fpu.h reads it: itself when NaN-boxed, else the boxed
// canonical NaN.
ir::Temp UnboxS(TranslationContext& ctx, ir::Temp reg) {
  const ir::Temp high = ctx.Binary(IrOp::kShr, reg, ctx.Const(32));
  const ir::Temp value = ctx.b().NewTemp();
  ctx.b().Movcond(ir::Cond::kEq, value, high, ctx.Const(0xffffffff), reg,
                  ctx.Const(rv::kCanonicalNanS));
  return value;
}

void TranslateSignInjection(TranslationContext& ctx, const FpSignForm& f,
                            const rv::DecodedInsn& insn) {
  const ir::Temp sign = ctx.Const(f.single ? uint64_t{1} << 31 : uint64_t{1} << 63);
  const ir::Temp d = ctx.F(insn.rd);
  const ir::Temp a = f.single ? UnboxS(ctx, ctx.F(insn.rs1)) : ctx.F(insn.rs1);
  if (insn.rs1 == insn.rs2) {
    switch (f.kind) {
      case Kind::kSgnj:  // fmv
        ctx.MovTo(d, a);
        return;
      case Kind::kSgnjn:  // fneg
        ctx.BinaryTo(d, IrOp::kXor, a, sign);
        return;
      default:  // fabs: sign(a) ^ sign(a) = 0
        ctx.BinaryTo(d, IrOp::kAndc, a, sign);
        return;
    }
  }
  const ir::Temp b = f.single ? UnboxS(ctx, ctx.F(insn.rs2)) : ctx.F(insn.rs2);
  if (f.kind == Kind::kSgnjx) {
    ctx.BinaryTo(d, IrOp::kXor, a, ctx.Binary(IrOp::kAnd, b, sign));
    return;
  }
  const ir::Temp magnitude = ctx.Binary(IrOp::kAndc, a, sign);
  const ir::Temp new_sign =
      f.kind == Kind::kSgnj ? ctx.Binary(IrOp::kAnd, b, sign) : ctx.Binary(IrOp::kAndc, sign, b);
  ctx.BinaryTo(d, IrOp::kOr, magnitude, new_sign);
}

void TranslateFpSign(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const FpSignForm& f = kForms[param];
  switch (f.kind) {
    case Kind::kSgnj:
    case Kind::kSgnjn:
    case Kind::kSgnjx:
      TranslateSignInjection(ctx, f, insn);
      return;
    case Kind::kMvXW:
      if (insn.rd != 0) ctx.UnaryTo(ctx.X(insn.rd), IrOp::kExt32s, ctx.F(insn.rs1));
      return;
    case Kind::kMvWX:  // OR-ing ones into the upper half boxes whatever was there.
      ctx.BinaryTo(ctx.F(insn.rd), IrOp::kOr, ctx.X(insn.rs1), ctx.Const(rv::NanBox32(0)));
      return;
    case Kind::kMvXD:
      if (insn.rd != 0) ctx.MovTo(ctx.X(insn.rd), ctx.F(insn.rs1));
      return;
    case Kind::kMvDX:
      ctx.MovTo(ctx.F(insn.rd), ctx.X(insn.rs1));
      return;
  }
}

}  // namespace

bool IsInlineFpOp(rv::Opcode op) {
  for (const FpSignForm& f : kForms) {
    if (f.op == op) return true;
  }
  return false;
}

void RegisterFpSign(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) table.Set(kForms[i].op, &TranslateFpSign, i);
}

}  // namespace dbt::frontend::riscv
