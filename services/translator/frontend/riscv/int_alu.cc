// RV64I integer computation: lui, auipc, the register-immediate and
// register-register arithmetic, logic, shifts and compares, and their W
// forms. All are pure, so an x0 destination emits nothing.
//
// W forms compute on 64-bit values and extend explicitly (the IR has only
// i64), emitting an extension only where the result may not already be a
// sign-extended 32-bit value:
//   addw subw sllw   op on the raw values, then ext32s
//   srlw             ext32u the source, shr, then ext32s (unless the count
//                    is a non-zero constant: the result is then < 2^31)
//   sraw             ext32s the source, sar: already sign-extended
// Register shift counts: the IR takes counts mod 64, which is RV64's rule
// for the 64-bit shifts; W shifts mask the count to 5 bits first.
#include <cstdint>

#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

enum class Src1 : uint8_t { kRs1, kZero, kPc };
enum class Src2 : uint8_t { kRs2, kImm };
enum class Word : uint8_t {
  k64,       // 64-bit operation
  kSextOut,  // addw, subw, sllw: ext32s of the 64-bit result
  kZextShr,  // srlw
  kSextSar,  // sraw
};

struct AluForm {
  rv::Opcode op;
  ir::Opcode ir;  // kSetcond: compare with cond
  Src1 src1;
  Src2 src2;
  Word word;
  ir::Cond cond = ir::Cond::kEq;
};

using rv::Opcode;
using IrOp = ir::Opcode;

constexpr AluForm kForms[] = {
    {Opcode::kLui, IrOp::kAdd, Src1::kZero, Src2::kImm, Word::k64},
    {Opcode::kAuipc, IrOp::kAdd, Src1::kPc, Src2::kImm, Word::k64},
    {Opcode::kAddi, IrOp::kAdd, Src1::kRs1, Src2::kImm, Word::k64},
    {Opcode::kSlti, IrOp::kSetcond, Src1::kRs1, Src2::kImm, Word::k64, ir::Cond::kLt},
    {Opcode::kSltiu, IrOp::kSetcond, Src1::kRs1, Src2::kImm, Word::k64, ir::Cond::kLtu},
    {Opcode::kXori, IrOp::kXor, Src1::kRs1, Src2::kImm, Word::k64},
    {Opcode::kOri, IrOp::kOr, Src1::kRs1, Src2::kImm, Word::k64},
    {Opcode::kAndi, IrOp::kAnd, Src1::kRs1, Src2::kImm, Word::k64},
    {Opcode::kSlli, IrOp::kShl, Src1::kRs1, Src2::kImm, Word::k64},
    {Opcode::kSrli, IrOp::kShr, Src1::kRs1, Src2::kImm, Word::k64},
    {Opcode::kSrai, IrOp::kSar, Src1::kRs1, Src2::kImm, Word::k64},
    {Opcode::kAdd, IrOp::kAdd, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kSub, IrOp::kSub, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kSll, IrOp::kShl, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kSlt, IrOp::kSetcond, Src1::kRs1, Src2::kRs2, Word::k64, ir::Cond::kLt},
    {Opcode::kSltu, IrOp::kSetcond, Src1::kRs1, Src2::kRs2, Word::k64, ir::Cond::kLtu},
    {Opcode::kXor, IrOp::kXor, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kSrl, IrOp::kShr, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kSra, IrOp::kSar, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kOr, IrOp::kOr, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kAnd, IrOp::kAnd, Src1::kRs1, Src2::kRs2, Word::k64},
    {Opcode::kAddiw, IrOp::kAdd, Src1::kRs1, Src2::kImm, Word::kSextOut},
    {Opcode::kSlliw, IrOp::kShl, Src1::kRs1, Src2::kImm, Word::kSextOut},
    {Opcode::kSrliw, IrOp::kShr, Src1::kRs1, Src2::kImm, Word::kZextShr},
    {Opcode::kSraiw, IrOp::kSar, Src1::kRs1, Src2::kImm, Word::kSextSar},
    {Opcode::kAddw, IrOp::kAdd, Src1::kRs1, Src2::kRs2, Word::kSextOut},
    {Opcode::kSubw, IrOp::kSub, Src1::kRs1, Src2::kRs2, Word::kSextOut},
    {Opcode::kSllw, IrOp::kShl, Src1::kRs1, Src2::kRs2, Word::kSextOut},
    {Opcode::kSrlw, IrOp::kShr, Src1::kRs1, Src2::kRs2, Word::kZextShr},
    {Opcode::kSraw, IrOp::kSar, Src1::kRs1, Src2::kRs2, Word::kSextSar},
};

bool IsShift(IrOp op) { return op == IrOp::kShl || op == IrOp::kShr || op == IrOp::kSar; }

void TranslateIntAlu(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const AluForm& f = kForms[param];
  if (insn.rd == 0) return;  // A hint or nop: no architectural effect.
  const ir::Temp a = f.src1 == Src1::kRs1  ? ctx.X(insn.rs1)
                     : f.src1 == Src1::kPc ? ctx.Const(ctx.pc())
                                           : ctx.Const(0);
  ir::Temp b = f.src2 == Src2::kImm ? ctx.Const(static_cast<uint64_t>(insn.imm)) : ctx.X(insn.rs2);
  const ir::Temp d = ctx.X(insn.rd);
  if (f.word != Word::k64 && IsShift(f.ir)) b = ctx.Binary(IrOp::kAnd, b, ctx.Const(31));
  switch (f.word) {
    case Word::k64:
      if (f.ir == IrOp::kSetcond) {
        ctx.SetcondTo(f.cond, d, a, b);
      } else {
        ctx.BinaryTo(d, f.ir, a, b);
      }
      return;
    case Word::kSextOut:
      ctx.UnaryTo(d, IrOp::kExt32s, ctx.Binary(f.ir, a, b));
      return;
    case Word::kZextShr: {
      const ir::Temp source = ctx.Unary(IrOp::kExt32u, a);
      if (ctx.IsConst(b) && ctx.ConstValue(b) != 0) {
        ctx.BinaryTo(d, IrOp::kShr, source, b);  // < 2^31: its own sign extension
      } else {
        ctx.UnaryTo(d, IrOp::kExt32s, ctx.Binary(IrOp::kShr, source, b));
      }
      return;
    }
    case Word::kSextSar:
      ctx.BinaryTo(d, IrOp::kSar, ctx.Unary(IrOp::kExt32s, a), b);
      return;
  }
}

}  // namespace

void RegisterIntAlu(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) table.Set(kForms[i].op, &TranslateIntAlu, i);
}

}  // namespace dbt::frontend::riscv
