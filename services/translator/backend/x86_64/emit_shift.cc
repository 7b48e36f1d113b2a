// Shifts and rotates: the output holds the value; the count is cl or an
// immediate, both taken modulo 64 by the hardware as the IR defines.
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {
namespace {

enum class Shift { kShl, kShr, kSar, kRol, kRor };

void EmitShift(EmitContext& ctx, Shift kind) {
  Xbyak::Reg64 o = ctx.Define(0);
  Operand count = ctx.Use(1);
  if (count.is_imm) {
    int n = static_cast<int>(count.imm & 63);
    if (n == 0) return;
    switch (kind) {
      case Shift::kShl:
        ctx.as.shl(o, n);
        break;
      case Shift::kShr:
        ctx.as.shr(o, n);
        break;
      case Shift::kSar:
        ctx.as.sar(o, n);
        break;
      case Shift::kRol:
        ctx.as.rol(o, n);
        break;
      case Shift::kRor:
        ctx.as.ror(o, n);
        break;
    }
    return;
  }
  switch (kind) {
    case Shift::kShl:
      ctx.as.shl(o, ctx.as.cl);
      break;
    case Shift::kShr:
      ctx.as.shr(o, ctx.as.cl);
      break;
    case Shift::kSar:
      ctx.as.sar(o, ctx.as.cl);
      break;
    case Shift::kRol:
      ctx.as.rol(o, ctx.as.cl);
      break;
    case Shift::kRor:
      ctx.as.ror(o, ctx.as.cl);
      break;
  }
}

}  // namespace

void EmitShl(EmitContext& ctx) { EmitShift(ctx, Shift::kShl); }
void EmitShr(EmitContext& ctx) { EmitShift(ctx, Shift::kShr); }
void EmitSar(EmitContext& ctx) { EmitShift(ctx, Shift::kSar); }
void EmitRotl(EmitContext& ctx) { EmitShift(ctx, Shift::kRol); }
void EmitRotr(EmitContext& ctx) { EmitShift(ctx, Shift::kRor); }

}  // namespace dbt::backend::x86_64
