// Widening multiplies and division through rdx:rax.
//
// Division is total in the IR (semantics.h, RISC-V results), while x86 div
// and idiv trap on a zero divisor and idiv on INT64_MIN / -1: both cases
// branch around the instruction unless the divisor is a constant that
// cannot hit them. x / -1 is computed as -x (which wraps INT64_MIN to
// itself, as required), x % -1 as 0.
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {
namespace {

bool DivisorNeedsChecks(const EmitContext& ctx, bool is_signed) {
  std::optional<uint64_t> c = ctx.ConstInput(1);
  if (!c) return true;
  return *c == 0 || (is_signed && *c == ~uint64_t{0});
}

}  // namespace

// rax holds a; (rax, rdx) are (lo, hi). b is a register or an env slot.
void EmitMulu2(EmitContext& ctx) {
  WithRegOrMem(ctx.Use(1), 64, [&](const Xbyak::Operand& b) { ctx.as.mul(b); });
}
void EmitMuls2(EmitContext& ctx) {
  WithRegOrMem(ctx.Use(1), 64, [&](const Xbyak::Operand& b) { ctx.as.imul(b); });
}
void EmitMuluh(EmitContext& ctx) { EmitMulu2(ctx); }
void EmitMulsh(EmitContext& ctx) { EmitMuls2(ctx); }

// Output rax (holding a), divisor b, rdx scratch.
void EmitDiv(EmitContext& ctx) {
  auto& as = ctx.as;
  Xbyak::Reg64 b = ctx.Use(1).r64();
  if (!DivisorNeedsChecks(ctx, true)) {
    as.cqo();
    as.idiv(b);
    return;
  }
  Xbyak::Label zero, minus_one, done;
  as.test(b, b);
  as.jz(zero, as.T_SHORT);
  as.cmp(b, -1);
  as.je(minus_one, as.T_SHORT);
  as.cqo();
  as.idiv(b);
  as.jmp(done, as.T_SHORT);
  as.L(zero);
  as.mov(as.rax, ~uint64_t{0});
  as.jmp(done, as.T_SHORT);
  as.L(minus_one);
  as.neg(as.rax);
  as.L(done);
}

void EmitDivu(EmitContext& ctx) {
  auto& as = ctx.as;
  Xbyak::Reg64 b = ctx.Use(1).r64();
  if (!DivisorNeedsChecks(ctx, false)) {
    as.xor_(as.edx, as.edx);
    as.div(b);
    return;
  }
  Xbyak::Label zero, done;
  as.test(b, b);
  as.jz(zero, as.T_SHORT);
  as.xor_(as.edx, as.edx);
  as.div(b);
  as.jmp(done, as.T_SHORT);
  as.L(zero);
  as.mov(as.rax, ~uint64_t{0});
  as.L(done);
}

// Output rdx; rax holds a (clobbered), divisor b.
void EmitRem(EmitContext& ctx) {
  auto& as = ctx.as;
  Xbyak::Reg64 b = ctx.Use(1).r64();
  if (!DivisorNeedsChecks(ctx, true)) {
    as.cqo();
    as.idiv(b);
    return;
  }
  Xbyak::Label zero, minus_one, done;
  as.test(b, b);
  as.jz(zero, as.T_SHORT);
  as.cmp(b, -1);
  as.je(minus_one, as.T_SHORT);
  as.cqo();
  as.idiv(b);
  as.jmp(done, as.T_SHORT);
  as.L(zero);
  as.mov(as.rdx, as.rax);
  as.jmp(done, as.T_SHORT);
  as.L(minus_one);
  as.xor_(as.edx, as.edx);
  as.L(done);
}

void EmitRemu(EmitContext& ctx) {
  auto& as = ctx.as;
  Xbyak::Reg64 b = ctx.Use(1).r64();
  if (!DivisorNeedsChecks(ctx, false)) {
    as.xor_(as.edx, as.edx);
    as.div(b);
    return;
  }
  Xbyak::Label zero, done;
  as.test(b, b);
  as.jz(zero, as.T_SHORT);
  as.xor_(as.edx, as.edx);
  as.div(b);
  as.jmp(done, as.T_SHORT);
  as.L(zero);
  as.mov(as.rdx, as.rax);
  as.L(done);
}

}  // namespace dbt::backend::x86_64
