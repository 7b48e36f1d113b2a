// Sign and zero extensions of the low 8/16/32 bits. The input may be a
// global's env slot: its low bytes come first (little-endian).
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {

void EmitExt8s(EmitContext& ctx) {
  WithRegOrMem(ctx.Use(0), 8, [&](const Xbyak::Operand& a) { ctx.as.movsx(ctx.Define(0), a); });
}
void EmitExt8u(EmitContext& ctx) {
  Xbyak::Reg32 o(ctx.operands.outs[0]);
  WithRegOrMem(ctx.Use(0), 8, [&](const Xbyak::Operand& a) { ctx.as.movzx(o, a); });
}
void EmitExt16s(EmitContext& ctx) {
  WithRegOrMem(ctx.Use(0), 16, [&](const Xbyak::Operand& a) { ctx.as.movsx(ctx.Define(0), a); });
}
void EmitExt16u(EmitContext& ctx) {
  Xbyak::Reg32 o(ctx.operands.outs[0]);
  WithRegOrMem(ctx.Use(0), 16, [&](const Xbyak::Operand& a) { ctx.as.movzx(o, a); });
}
void EmitExt32s(EmitContext& ctx) {
  WithRegOrMem(ctx.Use(0), 32, [&](const Xbyak::Operand& a) { ctx.as.movsxd(ctx.Define(0), a); });
}
// Writing a 32-bit register clears bits 63..32.
void EmitExt32u(EmitContext& ctx) {
  Xbyak::Reg32 o(ctx.operands.outs[0]);
  WithRegOrMem(ctx.Use(0), 32, [&](const Xbyak::Operand& a) { ctx.as.mov(o, a); });
}

}  // namespace dbt::backend::x86_64
