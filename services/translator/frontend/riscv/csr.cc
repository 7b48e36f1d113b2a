// Zicsr for user mode, with the interpreter's rules (interp_csr.cc):
//   fflags 0x001, frm 0x002, fcsr 0x003  read/write, inline ld/st of the env
//                                        fields, masked to their widths
//   cycle 0xc00, time 0xc01, instret 0xc02  read-only, through helpers
//   any other CSR, or a write to a read-only one: illegal instruction.
// csrrw always writes and reads only when rd != x0; csrrs/csrrc (and the
// immediate forms) write only when the source is not x0 (not zimm 0), and
// always read. The old value is read before the new one is computed and
// written, and rd is written last (rd == rs1 uses the old rs1).
#include <cstddef>
#include <cstdint>

#include "common/jit_abi.h"
#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

using rv::Opcode;
using IrOp = ir::Opcode;

enum class CsrOp : uint8_t { kWrite, kSet, kClear };

struct CsrForm {
  Opcode op;
  CsrOp csr_op;
  bool immediate;  // the source is zimm (insn.imm), not x[rs1]
};

constexpr CsrForm kForms[] = {
    {Opcode::kCsrrw, CsrOp::kWrite, false}, {Opcode::kCsrrs, CsrOp::kSet, false},
    {Opcode::kCsrrc, CsrOp::kClear, false}, {Opcode::kCsrrwi, CsrOp::kWrite, true},
    {Opcode::kCsrrsi, CsrOp::kSet, true},   {Opcode::kCsrrci, CsrOp::kClear, true},
};

constexpr uint16_t kCsrFflags = 0x001;
constexpr uint16_t kCsrFrm = 0x002;
constexpr uint16_t kCsrFcsr = 0x003;
constexpr uint16_t kCsrCycle = 0xc00;
constexpr uint16_t kCsrTime = 0xc01;
constexpr uint16_t kCsrInstret = 0xc02;

constexpr int32_t kFflagsOffset = offsetof(GuestEnv, cpu) + offsetof(rv::CpuState, fflags);
constexpr int32_t kFrmOffset = offsetof(GuestEnv, cpu) + offsetof(rv::CpuState, frm);

bool CsrExists(uint16_t csr) {
  return csr == kCsrFflags || csr == kCsrFrm || csr == kCsrFcsr || csr == kCsrCycle ||
         csr == kCsrTime || csr == kCsrInstret;
}

// The privileged spec's convention: csr[11:10] == 11 is read-only.
bool CsrReadOnly(uint16_t csr) { return (csr >> 10) == 3; }

// An env field masked to its architectural width.
ir::Temp LoadField(TranslationContext& ctx, int32_t offset, uint64_t mask) {
  ir::Temp raw = ctx.b().NewTemp();
  ctx.b().Ld(raw, offset, ir::kMemU32);
  return ctx.Binary(IrOp::kAnd, raw, ctx.Const(mask));
}

void StoreField(TranslationContext& ctx, int32_t offset, ir::Temp value, uint64_t mask) {
  ctx.b().St(ctx.Binary(IrOp::kAnd, value, ctx.Const(mask)), offset, ir::kMemU32);
}

ir::Temp ReadCsr(TranslationContext& ctx, uint16_t csr) {
  switch (csr) {
    case kCsrFflags:
      return LoadField(ctx, kFflagsOffset, 0x1f);
    case kCsrFrm:
      return LoadField(ctx, kFrmOffset, 0x7);
    case kCsrFcsr: {
      const ir::Temp frm = ctx.Binary(IrOp::kShl, LoadField(ctx, kFrmOffset, 0x7), ctx.Const(5));
      return ctx.Binary(IrOp::kOr, frm, LoadField(ctx, kFflagsOffset, 0x1f));
    }
    default: {
      const rv::HelperId helper = csr == kCsrCycle  ? rv::HelperId::kReadCycle
                                  : csr == kCsrTime ? rv::HelperId::kReadTime
                                                    : rv::HelperId::kReadInstret;
      const ir::Temp value = ctx.b().NewTemp();
      ctx.CallHelper(value, helper, {ctx.b().Env()});
      return value;
    }
  }
}

void WriteCsr(TranslationContext& ctx, uint16_t csr, ir::Temp value) {
  switch (csr) {
    case kCsrFflags:
      StoreField(ctx, kFflagsOffset, value, 0x1f);
      return;
    case kCsrFrm:
      StoreField(ctx, kFrmOffset, value, 0x7);
      ctx.FrmWritten();
      return;
    case kCsrFcsr:
      StoreField(ctx, kFflagsOffset, value, 0x1f);
      StoreField(ctx, kFrmOffset, ctx.Binary(IrOp::kShr, value, ctx.Const(5)), 0x7);
      ctx.FrmWritten();
      return;
  }
}

void TranslateCsr(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const CsrForm& f = kForms[param];
  const ir::Temp source =
      f.immediate ? ctx.Const(static_cast<uint64_t>(insn.imm)) : ctx.X(insn.rs1);
  const bool source_is_zero = f.immediate ? insn.imm == 0 : insn.rs1 == 0;
  const bool writes = f.csr_op == CsrOp::kWrite || !source_is_zero;
  if (!CsrExists(insn.csr) || (writes && CsrReadOnly(insn.csr))) {
    ctx.ExitIllegal();
    return;
  }
  // A read whose value nobody uses has no effect: skip it.
  const bool reads = insn.rd != 0 || (writes && f.csr_op != CsrOp::kWrite);
  const ir::Temp old = reads ? ReadCsr(ctx, insn.csr) : ir::Temp{};
  if (writes) {
    const ir::Temp value = f.csr_op == CsrOp::kWrite ? source
                           : f.csr_op == CsrOp::kSet ? ctx.Binary(IrOp::kOr, old, source)
                                                     : ctx.Binary(IrOp::kAndc, old, source);
    WriteCsr(ctx, insn.csr, value);
  }
  if (insn.rd != 0) ctx.MovTo(ctx.X(insn.rd), old);
}

}  // namespace

void RegisterCsr(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) table.Set(kForms[i].op, &TranslateCsr, i);
}

}  // namespace dbt::frontend::riscv
