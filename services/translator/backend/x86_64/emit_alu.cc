// add, sub, neg, mul, logic and the double-word add2/sub2: two-address x86
// forms, the output already holding input 0 (constraints "0 ri").
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {

// Three-address: the output may be a's register, b's, or another one
// (lea: no flags, no copy of an input that stays live).
void EmitAdd(EmitContext& ctx) {
  Xbyak::Reg64 o = ctx.Define(0), a = ctx.Use(0).r64();
  Operand b = ctx.Use(1);
  if (o == a) {
    if (b.is_imm) {
      ctx.as.add(o, b.imm32());
    } else {
      ctx.as.add(o, b.r64());
    }
  } else if (!b.is_imm && o == b.r64()) {
    ctx.as.add(o, a);
  } else if (b.is_imm) {
    ctx.as.lea(o, ctx.as.ptr[a + b.imm32()]);
  } else {
    ctx.as.lea(o, ctx.as.ptr[a + b.r64()]);
  }
}

void EmitSub(EmitContext& ctx) {
  Operand b = ctx.Use(1);
  if (b.is_imm) {
    ctx.as.sub(ctx.Define(0), b.imm32());
  } else {
    ctx.as.sub(ctx.Define(0), b.r64());
  }
}

void EmitNeg(EmitContext& ctx) { ctx.as.neg(ctx.Define(0)); }

void EmitMul(EmitContext& ctx) {
  Operand b = ctx.Use(1);
  if (b.is_imm) {
    ctx.as.imul(ctx.Define(0), ctx.Define(0), b.imm32());
  } else {
    ctx.as.imul(ctx.Define(0), b.r64());
  }
}

void EmitAnd(EmitContext& ctx) {
  Operand b = ctx.Use(1);
  if (b.is_imm) {
    ctx.as.and_(ctx.Define(0), b.imm32());
  } else {
    ctx.as.and_(ctx.Define(0), b.r64());
  }
}

void EmitOr(EmitContext& ctx) {
  Operand b = ctx.Use(1);
  if (b.is_imm) {
    ctx.as.or_(ctx.Define(0), b.imm32());
  } else {
    ctx.as.or_(ctx.Define(0), b.r64());
  }
}

void EmitXor(EmitContext& ctx) {
  Operand b = ctx.Use(1);
  if (b.is_imm) {
    ctx.as.xor_(ctx.Define(0), b.imm32());
  } else {
    ctx.as.xor_(ctx.Define(0), b.r64());
  }
}

void EmitNot(EmitContext& ctx) { ctx.as.not_(ctx.Define(0)); }

// The output holds b ("r 0"): o = ~b & a.
void EmitAndc(EmitContext& ctx) {
  ctx.as.not_(ctx.Define(0));
  ctx.as.and_(ctx.Define(0), ctx.Use(0).r64());
}

// (lo, hi) hold (al, ah); the carry of the low half feeds the high half.
void EmitAdd2(EmitContext& ctx) {
  Operand bl = ctx.Use(2), bh = ctx.Use(3);
  if (bl.is_imm) {
    ctx.as.add(ctx.Define(0), bl.imm32());
  } else {
    ctx.as.add(ctx.Define(0), bl.r64());
  }
  if (bh.is_imm) {
    ctx.as.adc(ctx.Define(1), bh.imm32());
  } else {
    ctx.as.adc(ctx.Define(1), bh.r64());
  }
}

void EmitSub2(EmitContext& ctx) {
  Operand bl = ctx.Use(2), bh = ctx.Use(3);
  if (bl.is_imm) {
    ctx.as.sub(ctx.Define(0), bl.imm32());
  } else {
    ctx.as.sub(ctx.Define(0), bl.r64());
  }
  if (bh.is_imm) {
    ctx.as.sbb(ctx.Define(1), bh.imm32());
  } else {
    ctx.as.sbb(ctx.Define(1), bh.r64());
  }
}

}  // namespace dbt::backend::x86_64
