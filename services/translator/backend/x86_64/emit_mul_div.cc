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

namespace {

// rax holds a; b is in a register. Leaves the quotient in rax and the
// remainder in rdx, taking the zero and (signed) -1 divisors aside:
// x/0 = -1, x%0 = x, x/-1 = -x (INT64_MIN stays), x%-1 = 0.
void EmitDivision(EmitContext& ctx, bool is_signed, bool remainder) {
  auto& as = ctx.as;
  Xbyak::Reg64 b = ctx.Use(1).r64();
  auto divide = [&] {
    if (is_signed) {
      as.cqo();
      as.idiv(b);
    } else {
      as.xor_(as.edx, as.edx);
      as.div(b);
    }
  };
  if (!DivisorNeedsChecks(ctx, is_signed)) return divide();
  Xbyak::Label zero, minus_one, done;
  as.test(b, b);
  as.jz(zero, as.T_SHORT);
  if (is_signed) {
    as.cmp(b, -1);
    as.je(minus_one, as.T_SHORT);
  }
  divide();
  as.jmp(done, as.T_SHORT);
  as.L(zero);
  if (remainder) {
    as.mov(as.rdx, as.rax);
  } else {
    as.mov(as.rax, ~uint64_t{0});
  }
  if (is_signed) {
    as.jmp(done, as.T_SHORT);
    as.L(minus_one);
    if (remainder) {
      as.xor_(as.edx, as.edx);
    } else {
      as.neg(as.rax);
    }
  }
  as.L(done);
}

}  // namespace

// div/divu: output rax (holding a), rdx scratch. rem/remu: output rdx,
// rax holds a (clobbered).
void EmitDiv(EmitContext& ctx) { EmitDivision(ctx, /*is_signed=*/true, /*remainder=*/false); }
void EmitDivu(EmitContext& ctx) { EmitDivision(ctx, false, false); }
void EmitRem(EmitContext& ctx) { EmitDivision(ctx, true, true); }
void EmitRemu(EmitContext& ctx) { EmitDivision(ctx, false, true); }

}  // namespace dbt::backend::x86_64
