// A extension helpers: AMOs and LR/SC, atomic on host memory.
//
// Guest address A is host address env->guest_base + A. Every access is a
// sequentially consistent __atomic operation, so the aq/rl bits need nothing
// more and the helpers stay correct when several guest threads share the
// memory. A bad address faults inside the helper; the frontend calls these
// with all globals written back and cpu.pc at the instruction (helpers.h).
#include <cstdint>

#include "common/riscv/helpers.h"

namespace dbt::riscv {
namespace {

// No reservation (the interpreter's kNoReservation): SC compares it with
// the guest address, and no access at 2^64 - 1 can succeed.
constexpr uint64_t kNoReservation = ~uint64_t{0};

template <typename T>
T* HostPtr(GuestEnv* env, uint64_t addr) {
  return reinterpret_cast<T*>(env->guest_base + addr);
}

// The 64-bit register value of a T loaded from memory: .W sign-extends.
template <typename T>
uint64_t ToReg(T v) {
  if constexpr (sizeof(T) == 4) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
  } else {
    return static_cast<uint64_t>(v);
  }
}

template <typename T, typename Op>
uint64_t AmoCas(GuestEnv* env, uint64_t addr, uint64_t value, Op op) {
  T* p = HostPtr<T>(env, addr);
  T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
  while (!__atomic_compare_exchange_n(p, &old, op(old, static_cast<T>(value)), /*weak=*/true,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  return ToReg(old);
}

// The reservation holds the value as read from memory (zero-extended), as
// the interpreter records it; rd gets it sign-extended for .W.
template <typename T>
uint64_t Lr(GuestEnv* env, uint64_t addr) {
  const T value = __atomic_load_n(HostPtr<T>(env, addr), __ATOMIC_SEQ_CST);
  env->cpu.reservation_addr = addr;
  env->cpu.reservation_value = value;
  return ToReg(value);
}

template <typename T>
uint64_t Sc(GuestEnv* env, uint64_t addr, uint64_t value) {
  const bool reserved = env->cpu.reservation_addr == addr;
  T expected = static_cast<T>(env->cpu.reservation_value);
  env->cpu.reservation_addr = kNoReservation;
  if (!reserved) return 1;
  const bool stored =
      __atomic_compare_exchange_n(HostPtr<T>(env, addr), &expected, static_cast<T>(value),
                                  /*weak=*/false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return stored ? 0 : 1;
}

template <typename T>
T Min(T a, T b) {
  return a < b ? a : b;
}
template <typename T>
T Max(T a, T b) {
  return a < b ? b : a;
}

}  // namespace

// clang-format off
#define DBT_AMO_FETCH(name, T, builtin)                                        \
  uint64_t Helper##name(GuestEnv* env, uint64_t addr, uint64_t value) {        \
    return ToReg(builtin(HostPtr<T>(env, addr), static_cast<T>(value), __ATOMIC_SEQ_CST)); \
  }
DBT_AMO_FETCH(AmoswapW, uint32_t, __atomic_exchange_n)
DBT_AMO_FETCH(AmoaddW, uint32_t, __atomic_fetch_add)
DBT_AMO_FETCH(AmoxorW, uint32_t, __atomic_fetch_xor)
DBT_AMO_FETCH(AmoandW, uint32_t, __atomic_fetch_and)
DBT_AMO_FETCH(AmoorW, uint32_t, __atomic_fetch_or)
DBT_AMO_FETCH(AmoswapD, uint64_t, __atomic_exchange_n)
DBT_AMO_FETCH(AmoaddD, uint64_t, __atomic_fetch_add)
DBT_AMO_FETCH(AmoxorD, uint64_t, __atomic_fetch_xor)
DBT_AMO_FETCH(AmoandD, uint64_t, __atomic_fetch_and)
DBT_AMO_FETCH(AmoorD, uint64_t, __atomic_fetch_or)
#undef DBT_AMO_FETCH

// min/max: compare as signed or unsigned values of the access width, store
// the result of the comparison (T is the comparison type).
#define DBT_AMO_MINMAX(name, T, fn)                                            \
  uint64_t Helper##name(GuestEnv* env, uint64_t addr, uint64_t value) {        \
    return AmoCas<T>(env, addr, value, fn<T>);                                 \
  }
DBT_AMO_MINMAX(AmominW, int32_t, Min)
DBT_AMO_MINMAX(AmomaxW, int32_t, Max)
DBT_AMO_MINMAX(AmominuW, uint32_t, Min)
DBT_AMO_MINMAX(AmomaxuW, uint32_t, Max)
DBT_AMO_MINMAX(AmominD, int64_t, Min)
DBT_AMO_MINMAX(AmomaxD, int64_t, Max)
DBT_AMO_MINMAX(AmominuD, uint64_t, Min)
DBT_AMO_MINMAX(AmomaxuD, uint64_t, Max)
#undef DBT_AMO_MINMAX
// clang-format on

uint64_t HelperLrW(GuestEnv* env, uint64_t addr) { return Lr<uint32_t>(env, addr); }
uint64_t HelperLrD(GuestEnv* env, uint64_t addr) { return Lr<uint64_t>(env, addr); }
uint64_t HelperScW(GuestEnv* env, uint64_t addr, uint64_t value) {
  return Sc<uint32_t>(env, addr, value);
}
uint64_t HelperScD(GuestEnv* env, uint64_t addr, uint64_t value) {
  return Sc<uint64_t>(env, addr, value);
}

}  // namespace dbt::riscv
