// add, sub, neg, mul, logic and the double-word add2/sub2: two-address x86
// forms, the output already holding input 0 (constraints "0 rim"), except
// add, which is three-address.
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {
namespace {

// o op= b for b an imm32, a register or a global's env slot. f is called
// with (o, b) where b is a uint32_t immediate or an Xbyak::Operand.
template <typename F>
void TwoAddress(const Xbyak::Reg64& o, const Operand& b, F f) {
  if (b.is_imm) {
    f(o, static_cast<uint32_t>(b.imm32()));
  } else {
    WithRegOrMem(b, 64, [&](const Xbyak::Operand& rm) { f(o, rm); });
  }
}

}  // namespace

// Three-address: the output may be a's register, b's, or another one
// (lea: no flags, no copy of an input that stays live).
void EmitAdd(EmitContext& ctx) {
  auto& as = ctx.as;
  Xbyak::Reg64 o = ctx.Define(0), a = ctx.Use(0).r64();
  Operand b = ctx.Use(1);
  if (o == a || b.is_mem) {
    if (!(o == a)) as.mov(o, a);
    TwoAddress(o, b, [&](const auto& x, const auto& y) { as.add(x, y); });
  } else if (!b.is_imm && o == b.r64()) {
    as.add(o, a);
  } else if (b.is_imm) {
    as.lea(o, as.ptr[a + b.imm32()]);
  } else {
    as.lea(o, as.ptr[a + b.r64()]);
  }
}

void EmitSub(EmitContext& ctx) {
  TwoAddress(ctx.Define(0), ctx.Use(1), [&](const auto& x, const auto& y) { ctx.as.sub(x, y); });
}

void EmitNeg(EmitContext& ctx) { ctx.as.neg(ctx.Define(0)); }

void EmitMul(EmitContext& ctx) {
  Xbyak::Reg64 o = ctx.Define(0);
  Operand b = ctx.Use(1);
  if (b.is_imm) {
    ctx.as.imul(o, o, b.imm32());
  } else {
    WithRegOrMem(b, 64, [&](const Xbyak::Operand& rm) { ctx.as.imul(o, rm); });
  }
}

void EmitAnd(EmitContext& ctx) {
  TwoAddress(ctx.Define(0), ctx.Use(1), [&](const auto& x, const auto& y) { ctx.as.and_(x, y); });
}

void EmitOr(EmitContext& ctx) {
  TwoAddress(ctx.Define(0), ctx.Use(1), [&](const auto& x, const auto& y) { ctx.as.or_(x, y); });
}

void EmitXor(EmitContext& ctx) {
  TwoAddress(ctx.Define(0), ctx.Use(1), [&](const auto& x, const auto& y) { ctx.as.xor_(x, y); });
}

void EmitNot(EmitContext& ctx) { ctx.as.not_(ctx.Define(0)); }

// The output holds b ("r 0"): o = ~b & a.
void EmitAndc(EmitContext& ctx) {
  ctx.as.not_(ctx.Define(0));
  ctx.as.and_(ctx.Define(0), ctx.Use(0).r64());
}

// (lo, hi) hold (al, ah); the carry of the low half feeds the high half.
void EmitAdd2(EmitContext& ctx) {
  TwoAddress(ctx.Define(0), ctx.Use(2), [&](const auto& x, const auto& y) { ctx.as.add(x, y); });
  TwoAddress(ctx.Define(1), ctx.Use(3), [&](const auto& x, const auto& y) { ctx.as.adc(x, y); });
}

void EmitSub2(EmitContext& ctx) {
  TwoAddress(ctx.Define(0), ctx.Use(2), [&](const auto& x, const auto& y) { ctx.as.sub(x, y); });
  TwoAddress(ctx.Define(1), ctx.Use(3), [&](const auto& x, const auto& y) { ctx.as.sbb(x, y); });
}

}  // namespace dbt::backend::x86_64
