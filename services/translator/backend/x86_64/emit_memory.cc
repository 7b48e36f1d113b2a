// Guest memory (one host access at r14 + address), env fields and barriers.
#include <cstddef>

#include "common/jit_abi.h"
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {
namespace {

void Load(Xbyak::CodeGenerator& as, HostReg dst, const Xbyak::RegExp& addr, uint64_t memop) {
  switch (memop) {
    case ir::kMemU8:
      as.movzx(Reg32(dst), as.byte[addr]);
      break;
    case ir::kMemS8:
      as.movsx(Reg64(dst), as.byte[addr]);
      break;
    case ir::kMemU16:
      as.movzx(Reg32(dst), as.word[addr]);
      break;
    case ir::kMemS16:
      as.movsx(Reg64(dst), as.word[addr]);
      break;
    case ir::kMemU32:
      as.mov(Reg32(dst), as.dword[addr]);
      break;
    case ir::kMemS32:
      as.movsxd(Reg64(dst), as.dword[addr]);
      break;
    default:
      as.mov(Reg64(dst), as.qword[addr]);
      break;
  }
}

void Store(Xbyak::CodeGenerator& as, const Operand& value, const Xbyak::RegExp& addr,
           uint64_t memop) {
  const int size = ir::MemOpBytes(memop);
  if (value.is_imm) {
    uint64_t v = static_cast<uint64_t>(value.imm);
    switch (size) {
      case 1:
        as.mov(as.byte[addr], v & 0xff);
        break;
      case 2:
        as.mov(as.word[addr], v & 0xffff);
        break;
      case 4:
        as.mov(as.dword[addr], v & 0xffffffff);
        break;
      default:
        as.mov(as.qword[addr], v);
        break;  // a sign-extended imm32
    }
    return;
  }
  switch (size) {
    case 1:
      as.mov(as.byte[addr], Reg8(value.reg));
      break;
    case 2:
      as.mov(as.word[addr], Reg16(value.reg));
      break;
    case 4:
      as.mov(as.dword[addr], Reg32(value.reg));
      break;
    default:
      as.mov(as.qword[addr], value.r64());
      break;
  }
}

// guest_base + address; a constant address is a sign-extended disp32,
// which wraps modulo 2^64 exactly like the register form.
Xbyak::RegExp GuestAddress(const Operand& addr) {
  if (addr.is_imm) return Xbyak::RegExp(Reg64(kGuestBaseReg)) + addr.imm32();
  return Reg64(kGuestBaseReg) + addr.r64();
}

Xbyak::RegExp EnvAddress(uint64_t offset) { return Reg64(kEnvReg) + static_cast<int32_t>(offset); }

}  // namespace

void EmitQemuLd(EmitContext& ctx) {
  Load(ctx.as, ctx.operands.outs[0], GuestAddress(ctx.Use(0)), ctx.op.carg(0));
}

void EmitQemuSt(EmitContext& ctx) {
  Store(ctx.as, ctx.Use(0), GuestAddress(ctx.Use(1)), ctx.op.carg(0));
}

void EmitLd(EmitContext& ctx) {
  Load(ctx.as, ctx.operands.outs[0], EnvAddress(ctx.op.carg(0)), ctx.op.carg(1));
}

void EmitSt(EmitContext& ctx) {
  Store(ctx.as, ctx.Use(0), EnvAddress(ctx.op.carg(0)), ctx.op.carg(1));
}

// x86 is TSO: only a store followed by a load can be reordered.
void EmitMb(EmitContext& ctx) {
  if (ctx.op.carg(0) & ir::kMbStoreLoad) ctx.as.mfence();
}

}  // namespace dbt::backend::x86_64
