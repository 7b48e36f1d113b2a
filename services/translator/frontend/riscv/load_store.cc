// Loads and stores, integer and F/D: one guest access at x[rs1] + imm, any
// alignment (the host is x86). The access is the instruction's first effect
// and the destination is written by the access op itself, so a fault leaves
// every register as it was before the instruction (ir/README.md).
#include <cstdint>

#include "common/riscv/fpu.h"
#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

enum class Kind : uint8_t { kLoadX, kStoreX, kLoadF32, kLoadF64, kStoreF };

struct MemForm {
  rv::Opcode op;
  ir::MemOp memop;
  Kind kind;
};

using rv::Opcode;

constexpr MemForm kForms[] = {
    {Opcode::kLb, ir::kMemS8, Kind::kLoadX},     {Opcode::kLh, ir::kMemS16, Kind::kLoadX},
    {Opcode::kLw, ir::kMemS32, Kind::kLoadX},    {Opcode::kLd, ir::kMemU64, Kind::kLoadX},
    {Opcode::kLbu, ir::kMemU8, Kind::kLoadX},    {Opcode::kLhu, ir::kMemU16, Kind::kLoadX},
    {Opcode::kLwu, ir::kMemU32, Kind::kLoadX},   {Opcode::kSb, ir::kMemU8, Kind::kStoreX},
    {Opcode::kSh, ir::kMemU16, Kind::kStoreX},   {Opcode::kSw, ir::kMemU32, Kind::kStoreX},
    {Opcode::kSd, ir::kMemU64, Kind::kStoreX},   {Opcode::kFlw, ir::kMemU32, Kind::kLoadF32},
    {Opcode::kFld, ir::kMemU64, Kind::kLoadF64}, {Opcode::kFsw, ir::kMemU32, Kind::kStoreF},
    {Opcode::kFsd, ir::kMemU64, Kind::kStoreF},
};

void TranslateLoadStore(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const MemForm& f = kForms[param];
  ir::IrBuilder& b = ctx.b();
  const ir::Temp addr =
      ctx.Binary(ir::Opcode::kAdd, ctx.X(insn.rs1), ctx.Const(static_cast<uint64_t>(insn.imm)));
  switch (f.kind) {
    case Kind::kLoadX:  // With rd = x0 the access still happens (it may fault).
      b.QemuLd(ctx.XDest(insn.rd), addr, f.memop);
      return;
    case Kind::kStoreX:
      b.QemuSt(ctx.X(insn.rs2), addr, f.memop);
      return;
    case Kind::kLoadF32: {  // flw NaN-boxes: the upper 32 bits become ones.
      const ir::Temp loaded = b.NewTemp();
      b.QemuLd(loaded, addr, f.memop);
      b.Or(ctx.F(insn.rd), loaded, ctx.Const(rv::NanBox32(0)));
      return;
    }
    case Kind::kLoadF64:
      b.QemuLd(ctx.F(insn.rd), addr, f.memop);
      return;
    case Kind::kStoreF:  // fsw stores the low 32 bits, boxed or not.
      b.QemuSt(ctx.F(insn.rs2), addr, f.memop);
      return;
  }
}

}  // namespace

void RegisterLoadStore(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) {
    table.Set(kForms[i].op, &TranslateLoadStore, i);
  }
}

}  // namespace dbt::frontend::riscv
