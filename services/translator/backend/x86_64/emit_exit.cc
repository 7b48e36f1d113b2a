// TB entry check, bookkeeping and TB exits. Every exit returns to the
// dispatcher as `rax = this TB's code start + TbExitKind` (TBs are 16-byte
// aligned, so + is |) through `jmp [rbp + epilogue]`: no absolute address.
#include <cstddef>
#include <memory>

#include "common/codegen/jump_cache.h"
#include "common/jit_abi.h"
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {
namespace {

constexpr int32_t kPcOffset = offsetof(GuestEnv, cpu) + offsetof(riscv::CpuState, pc);
constexpr int32_t kJumpCacheOffset = offsetof(GuestEnv, jump_cache);
// The jump-cache entry for pc is at jump_cache + JumpCacheIndex(pc) * 16,
// i.e. at jump_cache + (pc & kIndexTimes2Mask) * 8.
constexpr uint32_t kIndexTimes2Mask = ((1u << kJumpCacheBits) - 1) << 1;
static_assert(sizeof(JumpCacheEntry) == 16);
static_assert(codegen::JumpCacheIndex(0x12345676) * 2 == (0x12345676 & kIndexTimes2Mask));
static_assert(codegen::JumpCacheIndex(0xfffffffffffffffe) * 2 ==
              (0xfffffffffffffffe & kIndexTimes2Mask));

void ReturnToDispatcher(EmitContext& ctx, uint32_t kind) {
  auto& as = ctx.as;
  as.lea(as.rax, as.ptr[as.rip + ctx.tb.tb_start + static_cast<int>(kind)]);
  as.jmp(as.qword[as.rbp + static_cast<int32_t>(offsetof(GuestEnv, epilogue))]);
}

}  // namespace

void EmitInsnStart(EmitContext& ctx) {
  ctx.tb.pc_map.push_back({static_cast<uint32_t>(ctx.as.getSize()), ctx.op.carg(0)});
}

// env->exit_request set: leave before executing anything, with cpu.pc =
// this TB's pc (a chained jump into this TB has not written it).
void EmitTbStart(EmitContext& ctx) {
  auto& as = ctx.as;
  auto exit = std::make_shared<Xbyak::Label>();
  as.cmp(as.dword[as.rbp + static_cast<int32_t>(offsetof(GuestEnv, exit_request))], 0);
  as.jne(*exit, as.T_NEAR);
  const uint64_t pc = ctx.op.carg(0);
  ctx.tb.cold_paths.push_back([&tb = ctx.tb, &as, exit, pc]() {
    as.L(*exit);
    if (static_cast<int64_t>(pc) == static_cast<int32_t>(pc)) {
      as.mov(as.qword[as.rbp + kPcOffset], pc);
    } else {
      as.mov(as.rax, pc);
      as.mov(as.qword[as.rbp + kPcOffset], as.rax);
    }
    as.lea(as.rax, as.ptr[as.rip + tb.tb_start + static_cast<int>(kTbExitRequested)]);
    as.jmp(as.qword[as.rbp + static_cast<int32_t>(offsetof(GuestEnv, epilogue))]);
  });
}

// A `jmp rel32` whose field is 4-byte aligned (patched by one atomic
// store), initially jumping to the next instruction: the unlinked path.
void EmitGotoTb(EmitContext& ctx) {
  auto& as = ctx.as;
  size_t pad = (4 - (as.getSize() + 1) % 4) % 4;
  if (pad) as.nop(pad);
  as.db(0xe9);
  GotoTbSlot& slot = ctx.tb.slots[ctx.op.carg(0)];
  slot.used = true;
  slot.jump_field = static_cast<uint32_t>(as.getSize());
  as.dd(0);
  slot.unlinked_target = static_cast<uint32_t>(as.getSize());
}

void EmitExitTb(EmitContext& ctx) {
  ReturnToDispatcher(ctx, static_cast<uint32_t>(ctx.op.carg(0)));
}

// Input: the target guest pc (register); scratch: the entry index, then
// the host code.
void EmitLookupAndGotoPtr(EmitContext& ctx) {
  auto& as = ctx.as;
  Xbyak::Reg64 pc = ctx.Use(0).r64(), s = ctx.Scratch(0);
  Xbyak::Label miss;
  as.mov(s, pc);
  as.and_(s, kIndexTimes2Mask);
  as.cmp(pc, as.qword[as.rbp + s * 8 + kJumpCacheOffset + offsetof(JumpCacheEntry, guest_pc)]);
  as.jne(miss, as.T_SHORT);
  as.mov(s, as.qword[as.rbp + s * 8 + kJumpCacheOffset + offsetof(JumpCacheEntry, host_code)]);
  as.test(s, s);
  as.jz(miss, as.T_SHORT);
  as.jmp(s);
  as.L(miss);
  ReturnToDispatcher(ctx, kTbExitNoChain);
}

}  // namespace dbt::backend::x86_64
