// M: multiplication and division. The IR's division is total with RISC-V's
// results (ir/opcodes.inc: x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0;
// unsigned x/0 = ~0, x%0 = x), so no operand check is emitted. The 32-bit
// forms reduce to the 64-bit ops on extended operands:
//   divw   ext32s both, div, ext32s: the only 64-bit result outside int32
//          is 2^31 (INT32_MIN / -1), which ext32s turns into INT32_MIN, the
//          RISC-V result; x/0 = -1 is already right.
//   remw   ext32s both, rem: |result| < 2^31 or the dividend (x%0), or 0
//          (INT32_MIN % -1): always a sign-extended 32-bit value already.
//   divuw  ext32u both, divu, ext32s: x/0 = ~0 is sext(0xffffffff) already;
//          other quotients are < 2^32 and need the extension.
//   remuw  ext32u both, remu, ext32s (x%0 = the zero-extended dividend).
//   mulw   mul on the raw values, ext32s (the low 32 bits do not depend on
//          the upper ones).
// mulhsu has no IR op: mulhu(a, b) - (a < 0 ? b : 0), since a signed a is
// a_unsigned - 2^64 * [a < 0].
#include <cstdint>

#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

enum class Word : uint8_t {
  k64,
  kSextOut,       // mulw
  kSextInOut,     // divw
  kSextIn,        // remw
  kZextInSextOut  // divuw, remuw
};

struct MulDivForm {
  rv::Opcode op;
  ir::Opcode ir;  // mulhsu: kMuluh, corrected
  Word word;
};

using rv::Opcode;
using IrOp = ir::Opcode;

constexpr MulDivForm kForms[] = {
    {Opcode::kMul, IrOp::kMul, Word::k64},
    {Opcode::kMulh, IrOp::kMulsh, Word::k64},
    {Opcode::kMulhsu, IrOp::kMuluh, Word::k64},
    {Opcode::kMulhu, IrOp::kMuluh, Word::k64},
    {Opcode::kDiv, IrOp::kDiv, Word::k64},
    {Opcode::kDivu, IrOp::kDivu, Word::k64},
    {Opcode::kRem, IrOp::kRem, Word::k64},
    {Opcode::kRemu, IrOp::kRemu, Word::k64},
    {Opcode::kMulw, IrOp::kMul, Word::kSextOut},
    {Opcode::kDivw, IrOp::kDiv, Word::kSextInOut},
    {Opcode::kDivuw, IrOp::kDivu, Word::kZextInSextOut},
    {Opcode::kRemw, IrOp::kRem, Word::kSextIn},
    {Opcode::kRemuw, IrOp::kRemu, Word::kZextInSextOut},
};

void TranslateMulDiv(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const MulDivForm& f = kForms[param];
  if (insn.rd == 0) return;  // Pure, and division never traps.
  ir::Temp a = ctx.X(insn.rs1), b = ctx.X(insn.rs2);
  const ir::Temp d = ctx.X(insn.rd);
  if (insn.op == Opcode::kMulhsu) {
    const ir::Temp high = ctx.Binary(IrOp::kMuluh, a, b);
    const ir::Temp sign_mask = ctx.Binary(IrOp::kSar, a, ctx.Const(63));
    ctx.BinaryTo(d, IrOp::kSub, high, ctx.Binary(IrOp::kAnd, sign_mask, b));
    return;
  }
  switch (f.word) {
    case Word::k64:
      ctx.BinaryTo(d, f.ir, a, b);
      return;
    case Word::kSextOut:
      ctx.UnaryTo(d, IrOp::kExt32s, ctx.Binary(f.ir, a, b));
      return;
    case Word::kSextInOut:
      a = ctx.Unary(IrOp::kExt32s, a);
      b = ctx.Unary(IrOp::kExt32s, b);
      ctx.UnaryTo(d, IrOp::kExt32s, ctx.Binary(f.ir, a, b));
      return;
    case Word::kSextIn:
      a = ctx.Unary(IrOp::kExt32s, a);
      b = ctx.Unary(IrOp::kExt32s, b);
      ctx.BinaryTo(d, f.ir, a, b);
      return;
    case Word::kZextInSextOut:
      a = ctx.Unary(IrOp::kExt32u, a);
      b = ctx.Unary(IrOp::kExt32u, b);
      ctx.UnaryTo(d, IrOp::kExt32s, ctx.Binary(f.ir, a, b));
      return;
  }
}

}  // namespace

void RegisterMulDiv(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) table.Set(kForms[i].op, &TranslateMulDiv, i);
}

}  // namespace dbt::frontend::riscv
