// clz, ctz (64 for a zero input) and bswap. bsr/bsf leave the destination
// undefined and set ZF for a zero input; a cmov supplies that case. (lzcnt
// and tzcnt would do it in one instruction but are not baseline x86-64.)
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {

void EmitClz(EmitContext& ctx) {
  Xbyak::Reg64 o = ctx.Define(0), s = ctx.Scratch(0);
  ctx.as.bsr(o, ctx.Use(0).r64());  // index of the top set bit
  ctx.as.mov(Xbyak::Reg32(s.getIdx()), 127);
  ctx.as.cmovz(o, s);
  ctx.as.xor_(Xbyak::Reg32(o.getIdx()), 63);  // 63 - index; 127 ^ 63 = 64 for zero
}

void EmitCtz(EmitContext& ctx) {
  Xbyak::Reg64 o = ctx.Define(0), s = ctx.Scratch(0);
  ctx.as.bsf(o, ctx.Use(0).r64());
  ctx.as.mov(Xbyak::Reg32(s.getIdx()), 64);
  ctx.as.cmovz(o, s);
}

void EmitBswap(EmitContext& ctx) { ctx.as.bswap(ctx.Define(0)); }

}  // namespace dbt::backend::x86_64
