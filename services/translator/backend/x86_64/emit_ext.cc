// Sign and zero extensions of the low 8/16/32 bits.
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {

void EmitExt8s(EmitContext& ctx) { ctx.as.movsx(ctx.Define(0), Reg8(ctx.Use(0).reg)); }
void EmitExt8u(EmitContext& ctx) {
  ctx.as.movzx(Reg32(ctx.operands.outs[0]), Reg8(ctx.Use(0).reg));
}
void EmitExt16s(EmitContext& ctx) { ctx.as.movsx(ctx.Define(0), Reg16(ctx.Use(0).reg)); }
void EmitExt16u(EmitContext& ctx) {
  ctx.as.movzx(Reg32(ctx.operands.outs[0]), Reg16(ctx.Use(0).reg));
}
void EmitExt32s(EmitContext& ctx) { ctx.as.movsxd(ctx.Define(0), Reg32(ctx.Use(0).reg)); }
// Writing a 32-bit register clears bits 63..32.
void EmitExt32u(EmitContext& ctx) {
  ctx.as.mov(Reg32(ctx.operands.outs[0]), Reg32(ctx.Use(0).reg));
}

}  // namespace dbt::backend::x86_64
