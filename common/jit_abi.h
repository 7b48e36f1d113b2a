// The contract between generated host code and the executor that runs it.
//
// Generated code is position-independent and holds no absolute host address:
// everything it needs is reached through the env register, which points at
// the per-thread GuestEnv below. This is what lets a translated block be
// written by one process (translator), run by another (executor), persisted
// (cache) and loaded at a different address in a later run. Changing this
// layout or the register assignment changes kTranslatorAbi.
#ifndef DBT_COMMON_JIT_ABI_H_
#define DBT_COMMON_JIT_ABI_H_

#include <cstddef>
#include <cstdint>

#include "common/riscv/cpu_state.h"

namespace dbt {

// Bumped whenever generated code, the env layout or helper numbering changes.
// Part of every cached TB's key.
inline constexpr uint32_t kTranslatorAbi = 1;

// Host registers with a fixed meaning inside generated code (x86-64).
//   rbp: env (GuestEnv*)
//   r14: guest_base; a guest access at address A is [r14 + A]
// Everything else is the register allocator's.

inline constexpr int kMaxHelpers = 256;
inline constexpr int kJumpCacheBits = 12;

struct JumpCacheEntry {
  uint64_t guest_pc;
  uint64_t host_code;  // RX address of the TB's code in this executor, or 0.
};

struct alignas(64) GuestEnv {
  riscv::CpuState cpu;      // Offset 0: guest registers are [rbp + offset].
  uint64_t guest_base;      // Loaded into r14 by the prologue.
  uint64_t epilogue;        // Host address of the return-to-dispatcher path.
  uint32_t exit_request;    // Non-zero: leave at the next TB entry (signals, kill).
  // Why a TB left with kTbExitNoChain when the runtime must act: a
  // riscv::InterpExit value (kEcall, kEbreak, kIllegal, kFenceI), with
  // cpu.pc set as the interpreter would set it. 0 (kInsnLimit) means none:
  // plain end of block or indirect jump miss. The dispatcher clears it.
  uint32_t pending_exception;
  uint64_t scratch[8];      // Spill area owned by generated code of one TB.
  uint64_t helpers[kMaxHelpers];  // Helper entry points, numbered by HelperId.
  JumpCacheEntry jump_cache[1 << kJumpCacheBits];  // Indirect-jump lookup.
};

static_assert(offsetof(GuestEnv, cpu) == 0);

// How a TB left generated code. The value returned by the prologue's call is
// the address of the last TB's code start (TBs are 16-byte aligned) OR-ed
// with one of these, so the dispatcher knows which slot to chain.
enum TbExitKind : uint32_t {
  kTbExitSlot0 = 0,    // goto_tb slot 0 not yet linked; env->cpu.pc is set.
  kTbExitSlot1 = 1,    // goto_tb slot 1 not yet linked; env->cpu.pc is set.
  kTbExitNoChain = 2,  // indirect jump, syscall, exception...: env->cpu.pc is set.
  kTbExitRequested = 3,  // exit_request was seen at TB entry; cpu.pc = TB's pc.
};
inline constexpr uint64_t kTbExitMask = 3;

}  // namespace dbt

#endif  // DBT_COMMON_JIT_ABI_H_
