#include "services/translator/frontend/riscv/context.h"

#include <cstddef>
#include <string>

#include "common/jit_abi.h"
#include "services/translator/ir/semantics.h"

namespace dbt::frontend::riscv {
namespace {

// helpers.h cannot see the IR; its flag bits are defined to be the IR's.
static_assert(uint32_t{rv::kHelperNoReadGlobals} == uint32_t{ir::kCallNoReadGlobals});
static_assert(uint32_t{rv::kHelperNoWriteGlobals} == uint32_t{ir::kCallNoWriteGlobals});
static_assert(uint32_t{rv::kHelperNoSideEffects} == uint32_t{ir::kCallNoSideEffects});

constexpr int32_t kFflagsOffset = offsetof(GuestEnv, cpu) + offsetof(rv::CpuState, fflags);
constexpr int32_t kFrmOffset = offsetof(GuestEnv, cpu) + offsetof(rv::CpuState, frm);
constexpr int32_t kPendingExceptionOffset = offsetof(GuestEnv, pending_exception);

// Register names as the IR prints them: x0..x31, f0..f31 (the IR dump is
// about the machine, not the ABI).
const std::string& RegName(char file, int r) {
  static const auto* names = [] {
    auto* n = new std::string[64];
    for (int i = 0; i < 32; ++i) {
      n[i] = "x" + std::to_string(i);
      n[32 + i] = "f" + std::to_string(i);
    }
    return n;
  }();
  return names[(file == 'f' ? 32 : 0) + r];
}

}  // namespace

TranslationContext::TranslationContext(ir::Block& block) : block_(block), b_(block) {}

void TranslationContext::BeginInsn(uint64_t pc, const rv::DecodedInsn& insn) {
  pc_ = pc;
  insn_length_ = insn.length;
  b_.InsnStart(pc);
}

ir::Temp TranslationContext::X(int r) {
  if (r == 0) return b_.Const(0);
  return b_.Global(static_cast<int32_t>(offsetof(rv::CpuState, x) + 8 * r), RegName('x', r));
}

ir::Temp TranslationContext::XDest(int r) { return r == 0 ? b_.NewTemp() : X(r); }

ir::Temp TranslationContext::F(int r) {
  return b_.Global(static_cast<int32_t>(offsetof(rv::CpuState, f) + 8 * r), RegName('f', r));
}

ir::Temp TranslationContext::Pc() {
  return b_.Global(static_cast<int32_t>(offsetof(rv::CpuState, pc)), "pc");
}

// ---- Folding ------------------------------------------------------------------

namespace {

// The result of op(a, b) when it is one of its operands or a constant,
// without emitting anything; invalid otherwise.
ir::Temp FoldBinary(ir::Block& block, ir::Opcode op, ir::Temp a, ir::Temp b) {
  const bool ca = block.IsConst(a), cb = block.IsConst(b);
  if (ca && cb) {
    if (auto v = ir::EvalBinary(op, block.ConstValue(a), block.ConstValue(b))) {
      return block.Const(*v);
    }
    return ir::Temp{};
  }
  const bool b_zero = cb && block.ConstValue(b) == 0;
  const bool a_zero = ca && block.ConstValue(a) == 0;
  switch (op) {
    case ir::Opcode::kAdd:
    case ir::Opcode::kOr:
    case ir::Opcode::kXor:
      if (b_zero) return a;
      if (a_zero) return b;
      break;
    case ir::Opcode::kSub:
    case ir::Opcode::kShl:
    case ir::Opcode::kShr:
    case ir::Opcode::kSar:
      if (b_zero) return a;
      break;
    case ir::Opcode::kAnd:
      if (a_zero || b_zero) return block.Const(0);
      break;
    default:
      break;
  }
  return ir::Temp{};
}

}  // namespace

void TranslationContext::EmitBinary(ir::Temp d, ir::Opcode op, ir::Temp a, ir::Temp b) {
  if (op == ir::Opcode::kSub && IsConst(a) && ConstValue(a) == 0) {
    b_.Neg(d, b);  // neg
  } else if (op == ir::Opcode::kXor && IsConst(b) && ConstValue(b) == ~uint64_t{0}) {
    b_.Not(d, a);  // not
  } else {
    b_.Emit(op, {d}, {a, b});
  }
}

ir::Temp TranslationContext::Binary(ir::Opcode op, ir::Temp a, ir::Temp b) {
  if (ir::Temp folded = FoldBinary(block_, op, a, b); folded.valid()) return folded;
  ir::Temp d = b_.NewTemp();
  EmitBinary(d, op, a, b);
  return d;
}

void TranslationContext::BinaryTo(ir::Temp d, ir::Opcode op, ir::Temp a, ir::Temp b) {
  if (ir::Temp folded = FoldBinary(block_, op, a, b); folded.valid()) {
    MovTo(d, folded);
    return;
  }
  EmitBinary(d, op, a, b);
}

ir::Temp TranslationContext::Unary(ir::Opcode op, ir::Temp a) {
  if (block_.IsConst(a)) {
    if (auto v = ir::EvalUnary(op, block_.ConstValue(a))) return b_.Const(*v);
  }
  ir::Temp d = b_.NewTemp();
  b_.Emit(op, {d}, {a});
  return d;
}

void TranslationContext::UnaryTo(ir::Temp d, ir::Opcode op, ir::Temp a) {
  if (block_.IsConst(a)) {
    if (auto v = ir::EvalUnary(op, block_.ConstValue(a))) {
      b_.Movi(d, *v);
      return;
    }
  }
  b_.Emit(op, {d}, {a});
}

void TranslationContext::SetcondTo(ir::Cond cond, ir::Temp d, ir::Temp a, ir::Temp b) {
  if (block_.IsConst(a) && block_.IsConst(b)) {
    b_.Movi(d, ir::EvalCond(cond, block_.ConstValue(a), block_.ConstValue(b)) ? 1 : 0);
    return;
  }
  if (a == b) {  // A value compared with itself: eq, ge, le (signed or not) hold.
    b_.Movi(d, ir::EvalCond(cond, 0, 0) ? 1 : 0);
    return;
  }
  b_.Setcond(cond, d, a, b);
}

void TranslationContext::MovTo(ir::Temp d, ir::Temp a) {
  if (d == a) return;
  if (block_.IsConst(a)) {
    b_.Movi(d, block_.ConstValue(a));
  } else {
    b_.Mov(d, a);
  }
}

// ---- Helpers -------------------------------------------------------------------

void TranslationContext::CallHelper(ir::Temp d, rv::HelperId id,
                                    std::initializer_list<ir::Temp> args) {
  const int helper = static_cast<int>(id);
  const uint32_t flags = rv::HelperFlags(id);
  if (d.valid()) {
    b_.Call(d, helper, flags, args);
  } else {
    b_.Call(helper, flags, args);
  }
}

ir::Temp TranslationContext::FflagsPtr() {
  ir::Temp p = b_.NewTemp();
  b_.Add(p, b_.Env(), b_.Const(kFflagsOffset));
  return p;
}

// ---- Rounding mode ---------------------------------------------------------------

std::optional<ir::Temp> TranslationContext::RoundingMode(uint8_t rm) {
  if (rm <= rv::kRmRMM) return b_.Const(rm);
  if (rm != rv::kRmDyn) {
    ExitIllegal();
    return std::nullopt;
  }
  if (!frm_checked_) {
    ir::Temp frm = b_.NewTemp();
    b_.Ld(frm, kFrmOffset, ir::kMemU32);
    b_.Brcond(ir::Cond::kGtu, frm, b_.Const(rv::kRmRMM), OutOfLineIllegal());
    frm_checked_ = true;
  }
  ir::Temp frm = b_.NewTemp();
  b_.Ld(frm, kFrmOffset, ir::kMemU32);
  return frm;
}

// ---- Exits -------------------------------------------------------------------------

void TranslationContext::ExitGotoTb(int slot, uint64_t target) {
  b_.GotoTb(slot);
  b_.Movi(Pc(), target);
  b_.ExitTb(slot == 0 ? kTbExitSlot0 : kTbExitSlot1);
  tb_ended_ = true;
}

void TranslationContext::ExitIndirect(ir::Temp target) {
  if (block_.IsConst(target)) {  // e.g. jalr through x0: a direct jump after all
    ExitGotoTb(0, block_.ConstValue(target));
    return;
  }
  b_.Mov(Pc(), target);
  b_.LookupAndGotoPtr(target);
  tb_ended_ = true;
}

void TranslationContext::EmitExceptionExit(rv::InterpExit kind, uint64_t pc) {
  b_.St(b_.Const(static_cast<uint64_t>(kind)), kPendingExceptionOffset, ir::kMemU32);
  b_.Movi(Pc(), pc);
  b_.ExitTb(kTbExitNoChain);
}

void TranslationContext::ExitException(rv::InterpExit kind, uint64_t pc) {
  EmitExceptionExit(kind, pc);
  tb_ended_ = true;
}

ir::Label TranslationContext::OutOfLineException(rv::InterpExit kind) {
  ir::Label label = b_.NewLabel();
  out_of_line_.push_back({label, pc_, kind});
  return label;
}

void TranslationContext::EmitOutOfLineExits() {
  for (const OutOfLineExit& exit : out_of_line_) {
    b_.SetLabel(exit.label);
    EmitExceptionExit(exit.kind, exit.pc);
  }
  out_of_line_.clear();
}

}  // namespace dbt::frontend::riscv
