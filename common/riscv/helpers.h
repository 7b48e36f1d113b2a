// The helper functions that code translated from RISC-V calls, and their
// numbering.
//
// Generated code calls helper N as `call [env + offsetof(GuestEnv, helpers)
// + 8 * N]` (SysV ABI, up to six 64-bit arguments), so the numbering below
// is part of the translator ABI: adding, removing or reordering an entry
// changes kTranslatorAbi (common/jit_abi.h). Appending keeps old numbers but
// still needs the bump, since cached code of a newer translator must not
// run with an older table.
//
// Every helper is listed once, in one of two tables:
//   DBT_RISCV_FP_OPS (fpu.h)      the F/D computations; the helper IS the
//                                 fpu.h function (FpFn signature), called
//                                 with &env->cpu.fflags as its last argument.
//   DBT_RISCV_RUNTIME_HELPERS     below: atomics, LR/SC and counter CSRs,
//                                 each taking the GuestEnv first.
// The HelperId enum, the call flags and FillHelperTable come from them.
#ifndef DBT_COMMON_RISCV_HELPERS_H_
#define DBT_COMMON_RISCV_HELPERS_H_

#include <cstdint>

#include "common/jit_abi.h"
#include "common/riscv/fpu.h"

namespace dbt::riscv {

// What a helper call lets the optimizer assume. Bit-for-bit the IR's
// ir::HelperFlag values (kCallNoReadGlobals...); the frontend checks that
// with a static_assert, since common/ cannot see the translator's IR.
enum HelperCallFlag : uint32_t {
  kHelperNoReadGlobals = 1u << 0,   // Reads no guest register (x, f, pc) in env.
  kHelperNoWriteGlobals = 1u << 1,  // Writes no guest register in env.
  kHelperNoSideEffects = 1u << 2,   // Pure: deletable when its result is unused.
};

// Helpers that touch guest memory (AMOs, LR/SC) may fault on a bad address
// inside the helper, outside generated code. They are therefore called with
// every global written back and cpu.pc set to the instruction's pc (no
// kHelperNoReadGlobals): a host fault in one of them finds env->cpu exactly
// in the state of the instruction's start, as a faulting qemu_ld does.
inline constexpr uint32_t kHelperGuestMemory = kHelperNoWriteGlobals;
// Counter CSR reads: no guest register involved, but not pure (two reads of
// cycle differ) so never deleted or merged.
inline constexpr uint32_t kHelperCounter = kHelperNoReadGlobals | kHelperNoWriteGlobals;

// X(Name, flags): Name is also the C++ function `Helper<Name>` (helpers.cc).
//
//   Amo<op><W|D>(env, addr, value) -> the old memory value (.W: sign-extended
//       from 32 bits), memory updated atomically with the AMO's operation.
//   Lr<W|D>(env, addr) -> the loaded value (.W: sign-extended); records the
//       reservation (cpu.reservation_addr/value).
//   Sc<W|D>(env, addr, value) -> 0 on success, 1 on failure; stores value iff
//       the reservation is for addr and memory still holds the reserved
//       value (one compare-exchange); always clears the reservation.
//   Read<Cycle|Time|Instret>(env) -> the counter CSR's value.
#define DBT_RISCV_RUNTIME_HELPERS(X) \
  X(AmoswapW, kHelperGuestMemory)    \
  X(AmoaddW, kHelperGuestMemory)     \
  X(AmoxorW, kHelperGuestMemory)     \
  X(AmoandW, kHelperGuestMemory)     \
  X(AmoorW, kHelperGuestMemory)      \
  X(AmominW, kHelperGuestMemory)     \
  X(AmomaxW, kHelperGuestMemory)     \
  X(AmominuW, kHelperGuestMemory)    \
  X(AmomaxuW, kHelperGuestMemory)    \
  X(AmoswapD, kHelperGuestMemory)    \
  X(AmoaddD, kHelperGuestMemory)     \
  X(AmoxorD, kHelperGuestMemory)     \
  X(AmoandD, kHelperGuestMemory)     \
  X(AmoorD, kHelperGuestMemory)      \
  X(AmominD, kHelperGuestMemory)     \
  X(AmomaxD, kHelperGuestMemory)     \
  X(AmominuD, kHelperGuestMemory)    \
  X(AmomaxuD, kHelperGuestMemory)    \
  X(LrW, kHelperGuestMemory)         \
  X(LrD, kHelperGuestMemory)         \
  X(ScW, kHelperGuestMemory)         \
  X(ScD, kHelperGuestMemory)         \
  X(ReadCycle, kHelperCounter)       \
  X(ReadTime, kHelperCounter)        \
  X(ReadInstret, kHelperCounter)

enum class HelperId : uint16_t {
#define DBT_RISCV_FP_HELPER_ID(name) k##name,
  DBT_RISCV_FP_OPS(DBT_RISCV_FP_HELPER_ID)
#undef DBT_RISCV_FP_HELPER_ID
#define DBT_RISCV_RUNTIME_HELPER_ID(name, flags) k##name,
      DBT_RISCV_RUNTIME_HELPERS(DBT_RISCV_RUNTIME_HELPER_ID)
#undef DBT_RISCV_RUNTIME_HELPER_ID
          kNumHelpers
};

inline constexpr int kNumHelpers = static_cast<int>(HelperId::kNumHelpers);
static_assert(kNumHelpers <= kMaxHelpers, "GuestEnv::helpers is too small");

// The flags every call of helper `id` carries (HelperCallFlag bits).
uint32_t HelperFlags(HelperId id);

// "FaddS", "AmoaddW", ...
const char* HelperName(HelperId id);

// Writes the host address of every helper into helpers[0 .. kNumHelpers);
// the rest of the table (up to kMaxHelpers) is zeroed. The executor calls it
// on each GuestEnv it creates.
void FillHelperTable(uint64_t* helpers);

// The runtime helpers, callable directly (tests).
uint64_t HelperAmoswapW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoaddW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoxorW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoandW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoorW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmominW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmomaxW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmominuW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmomaxuW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoswapD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoaddD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoxorD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoandD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmoorD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmominD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmomaxD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmominuD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperAmomaxuD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperLrW(GuestEnv* env, uint64_t addr);
uint64_t HelperLrD(GuestEnv* env, uint64_t addr);
uint64_t HelperScW(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperScD(GuestEnv* env, uint64_t addr, uint64_t value);
uint64_t HelperReadCycle(GuestEnv* env);
uint64_t HelperReadTime(GuestEnv* env);
uint64_t HelperReadInstret(GuestEnv* env);

}  // namespace dbt::riscv

#endif  // DBT_COMMON_RISCV_HELPERS_H_
