// The A extension's memory semantics, shared by the reference interpreter
// (interp_amo.cc) and the JIT's helpers (helpers_atomic.cc) so the two can
// never disagree: AMOs and LR/SC as sequentially consistent host atomics on
// guest memory (which satisfies any aq/rl combination and stays atomic when
// several guest threads run at once).
//
// LR/SC follows qemu-user: LR records the address and the value it read
// (zero-extended); SC succeeds when the address matches and memory still
// holds that value, swapping in the new value with one compare-exchange.
// (An ABA write between them goes unnoticed, as in QEMU; no correct LR/SC
// loop can tell.) Every SC clears the reservation, and an SC whose address
// does not match the reservation does not touch memory.
//
// T is uint32_t (.W) or uint64_t (.D); values returned for rd are
// sign-extended from 32 bits for .W. Alignment is the caller's to check
// first (misaligned AMOs are SIGBUS on Linux, before any access).
#ifndef DBT_COMMON_RISCV_ATOMIC_OPS_H_
#define DBT_COMMON_RISCV_ATOMIC_OPS_H_

#include <cstdint>
#include <type_traits>

#include "common/riscv/cpu_state.h"

namespace dbt::riscv::atomic_ops {

inline constexpr int kOrder = __ATOMIC_SEQ_CST;

// The 64-bit register value of a T read from memory.
template <typename T>
uint64_t ToReg(T v) {
  if constexpr (sizeof(T) == 4) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
  } else {
    return static_cast<uint64_t>(v);
  }
}

template <typename T>
uint64_t LoadReserved(CpuState& cpu, T* p, uint64_t addr) {
  const T v = __atomic_load_n(p, kOrder);
  cpu.reservation_addr = addr;
  cpu.reservation_value = v;
  return ToReg(v);
}

// 0 when stored, 1 when not (what SC writes to rd).
template <typename T>
uint64_t StoreConditional(CpuState& cpu, T* p, uint64_t addr, uint64_t value) {
  const bool reserved = cpu.reservation_addr == addr;
  T expected = static_cast<T>(cpu.reservation_value);
  cpu.reservation_addr = kNoReservation;
  if (!reserved) return 1;
  const bool stored = __atomic_compare_exchange_n(p, &expected, static_cast<T>(value),
                                                  /*weak=*/false, kOrder, kOrder);
  return stored ? 0 : 1;
}

enum class AmoOp { kSwap, kAdd, kXor, kAnd, kOr, kMin, kMax, kMinu, kMaxu };

// memory <- op(old, value); returns old as rd gets it.
template <typename T, AmoOp kOp>
uint64_t Amo(T* p, uint64_t value) {
  using S = std::make_signed_t<T>;
  const T src = static_cast<T>(value);
  if constexpr (kOp == AmoOp::kSwap) return ToReg(__atomic_exchange_n(p, src, kOrder));
  if constexpr (kOp == AmoOp::kAdd) return ToReg(__atomic_fetch_add(p, src, kOrder));
  if constexpr (kOp == AmoOp::kXor) return ToReg(__atomic_fetch_xor(p, src, kOrder));
  if constexpr (kOp == AmoOp::kAnd) return ToReg(__atomic_fetch_and(p, src, kOrder));
  if constexpr (kOp == AmoOp::kOr) return ToReg(__atomic_fetch_or(p, src, kOrder));
  if constexpr (kOp >= AmoOp::kMin) {
    // min/max compare as signed or unsigned values of the access width.
    auto pick = [](T old, T v) -> T {
      if constexpr (kOp == AmoOp::kMin) return static_cast<S>(v) < static_cast<S>(old) ? v : old;
      if constexpr (kOp == AmoOp::kMax) return static_cast<S>(v) > static_cast<S>(old) ? v : old;
      if constexpr (kOp == AmoOp::kMinu) return v < old ? v : old;
      return v > old ? v : old;
    };
    T old = __atomic_load_n(p, kOrder);
    while (!__atomic_compare_exchange_n(p, &old, pick(old, src), /*weak=*/true, kOrder, kOrder)) {
    }
    return ToReg(old);
  }
}

}  // namespace dbt::riscv::atomic_ops

#endif  // DBT_COMMON_RISCV_ATOMIC_OPS_H_
