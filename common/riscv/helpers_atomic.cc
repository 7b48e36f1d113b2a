// A extension helpers for generated code: AMOs and LR/SC. The memory
// semantics are common/riscv/atomic_ops.h, shared with the interpreter.
//
// Guest address A is host address env->guest_base + A. A bad address faults
// inside the helper; the frontend checks alignment first (misaligned ->
// SIGBUS) and calls these with all globals written back and cpu.pc at the
// instruction (helpers.h).
#include <cstdint>

#include "common/riscv/atomic_ops.h"
#include "common/riscv/helpers.h"

namespace dbt::riscv {
namespace {

using atomic_ops::AmoOp;

template <typename T>
T* HostPtr(GuestEnv* env, uint64_t addr) {
  return reinterpret_cast<T*>(env->guest_base + addr);
}

template <typename T, AmoOp kOp>
uint64_t Amo(GuestEnv* env, uint64_t addr, uint64_t value) {
  return atomic_ops::Amo<T, kOp>(HostPtr<T>(env, addr), value);
}

}  // namespace

// clang-format off
#define DBT_AMO(name, T, op) \
  uint64_t Helper##name(GuestEnv* env, uint64_t addr, uint64_t value) { return Amo<T, op>(env, addr, value); }
DBT_AMO(AmoswapW, uint32_t, AmoOp::kSwap)
DBT_AMO(AmoaddW, uint32_t, AmoOp::kAdd)
DBT_AMO(AmoxorW, uint32_t, AmoOp::kXor)
DBT_AMO(AmoandW, uint32_t, AmoOp::kAnd)
DBT_AMO(AmoorW, uint32_t, AmoOp::kOr)
DBT_AMO(AmominW, uint32_t, AmoOp::kMin)
DBT_AMO(AmomaxW, uint32_t, AmoOp::kMax)
DBT_AMO(AmominuW, uint32_t, AmoOp::kMinu)
DBT_AMO(AmomaxuW, uint32_t, AmoOp::kMaxu)
DBT_AMO(AmoswapD, uint64_t, AmoOp::kSwap)
DBT_AMO(AmoaddD, uint64_t, AmoOp::kAdd)
DBT_AMO(AmoxorD, uint64_t, AmoOp::kXor)
DBT_AMO(AmoandD, uint64_t, AmoOp::kAnd)
DBT_AMO(AmoorD, uint64_t, AmoOp::kOr)
DBT_AMO(AmominD, uint64_t, AmoOp::kMin)
DBT_AMO(AmomaxD, uint64_t, AmoOp::kMax)
DBT_AMO(AmominuD, uint64_t, AmoOp::kMinu)
DBT_AMO(AmomaxuD, uint64_t, AmoOp::kMaxu)
#undef DBT_AMO
// clang-format on

uint64_t HelperLrW(GuestEnv* env, uint64_t addr) {
  return atomic_ops::LoadReserved(env->cpu, HostPtr<uint32_t>(env, addr), addr);
}
uint64_t HelperLrD(GuestEnv* env, uint64_t addr) {
  return atomic_ops::LoadReserved(env->cpu, HostPtr<uint64_t>(env, addr), addr);
}
uint64_t HelperScW(GuestEnv* env, uint64_t addr, uint64_t value) {
  return atomic_ops::StoreConditional(env->cpu, HostPtr<uint32_t>(env, addr), addr, value);
}
uint64_t HelperScD(GuestEnv* env, uint64_t addr, uint64_t value) {
  return atomic_ops::StoreConditional(env->cpu, HostPtr<uint64_t>(env, addr), addr, value);
}

}  // namespace dbt::riscv
