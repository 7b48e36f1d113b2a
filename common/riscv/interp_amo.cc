// A: LR/SC and AMOs as host atomics on guest memory, so they stay atomic
// when several guest threads run at once. Every access is sequentially
// consistent, which satisfies any aq/rl combination.
//
// LR/SC follows qemu-user: LR records the address and the value it read; SC
// succeeds when the address matches and memory still holds that value,
// swapping in the new value with one compare-exchange. (An ABA write between
// them goes unnoticed, as in QEMU; no correct LR/SC loop can tell.) Every SC
// clears the reservation.
#include <cstdint>
#include <type_traits>

#include "common/riscv/interp_exec.h"
#include "common/riscv/interpreter.h"

namespace dbt::riscv::interp {
namespace {

constexpr int kOrder = __ATOMIC_SEQ_CST;

// T is uint32_t or uint64_t; a 32-bit result is sign-extended into rd.
template <typename T>
uint64_t ToX(T v) {
  return sizeof(T) == 4 ? static_cast<uint64_t>(SignExtend32(v)) : static_cast<uint64_t>(v);
}

// AMOs and LR/SC need natural alignment; Linux does not emulate misaligned
// ones (SIGBUS). Checked before any access, as hardware does.
template <typename T>
bool Misaligned(const Hart& h, const DecodedInsn& d) {
  return (h.X(d.rs1) & (sizeof(T) - 1)) != 0;
}

template <typename T>
T* Ptr(Hart& h, const DecodedInsn& d) {
  return reinterpret_cast<T*>(h.Host(h.X(d.rs1)));
}

template <typename T>
Step Lr(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  const uint64_t addr = h.X(d.rs1);
  const T v = __atomic_load_n(Ptr<T>(h, d), kOrder);
  h.cpu.reservation_addr = addr;
  h.cpu.reservation_value = v;
  h.SetX(d.rd, ToX(v));
  return Step::kNext;
}

template <typename T>
Step Sc(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  const uint64_t addr = h.X(d.rs1);
  const T desired = static_cast<T>(h.X(d.rs2));
  bool ok = false;
  if (h.cpu.reservation_addr == addr) {
    T expected = static_cast<T>(h.cpu.reservation_value);
    ok = __atomic_compare_exchange_n(Ptr<T>(h, d), &expected, desired, /*weak=*/false, kOrder,
                                     kOrder);
  }
  h.cpu.reservation_addr = kNoReservation;
  h.SetX(d.rd, ok ? 0 : 1);
  return Step::kNext;
}

// rd <- old memory value; memory <- op(old, x[rs2]). rs2 is read before rd
// is written (rd == rs2 is allowed).
template <typename T, typename Op>
Step AmoCas(Hart& h, const DecodedInsn& d, Op op) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  T* p = Ptr<T>(h, d);
  const T src = static_cast<T>(h.X(d.rs2));
  T old = __atomic_load_n(p, kOrder);
  while (!__atomic_compare_exchange_n(p, &old, op(old, src), /*weak=*/true, kOrder, kOrder)) {
  }
  h.SetX(d.rd, ToX(old));
  return Step::kNext;
}

template <typename T>
using Signed = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;

template <typename T>
Step AmoSwap(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  const T src = static_cast<T>(h.X(d.rs2));
  h.SetX(d.rd, ToX(__atomic_exchange_n(Ptr<T>(h, d), src, kOrder)));
  return Step::kNext;
}
template <typename T>
Step AmoAdd(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  const T src = static_cast<T>(h.X(d.rs2));
  h.SetX(d.rd, ToX(__atomic_fetch_add(Ptr<T>(h, d), src, kOrder)));
  return Step::kNext;
}
template <typename T>
Step AmoXor(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  const T src = static_cast<T>(h.X(d.rs2));
  h.SetX(d.rd, ToX(__atomic_fetch_xor(Ptr<T>(h, d), src, kOrder)));
  return Step::kNext;
}
template <typename T>
Step AmoAnd(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  const T src = static_cast<T>(h.X(d.rs2));
  h.SetX(d.rd, ToX(__atomic_fetch_and(Ptr<T>(h, d), src, kOrder)));
  return Step::kNext;
}
template <typename T>
Step AmoOr(Hart& h, const DecodedInsn& d) {
  if (Misaligned<T>(h, d)) return Step::kMisaligned;
  const T src = static_cast<T>(h.X(d.rs2));
  h.SetX(d.rd, ToX(__atomic_fetch_or(Ptr<T>(h, d), src, kOrder)));
  return Step::kNext;
}
template <typename T>
Step AmoMin(Hart& h, const DecodedInsn& d) {
  return AmoCas<T>(
      h, d, [](T a, T b) { return static_cast<Signed<T>>(a) < static_cast<Signed<T>>(b) ? a : b; });
}
template <typename T>
Step AmoMax(Hart& h, const DecodedInsn& d) {
  return AmoCas<T>(
      h, d, [](T a, T b) { return static_cast<Signed<T>>(a) > static_cast<Signed<T>>(b) ? a : b; });
}
template <typename T>
Step AmoMinu(Hart& h, const DecodedInsn& d) {
  return AmoCas<T>(h, d, [](T a, T b) { return a < b ? a : b; });
}
template <typename T>
Step AmoMaxu(Hart& h, const DecodedInsn& d) {
  return AmoCas<T>(h, d, [](T a, T b) { return a > b ? a : b; });
}

}  // namespace

Step ExecLrW(Hart& h, const DecodedInsn& d) { return Lr<uint32_t>(h, d); }
Step ExecScW(Hart& h, const DecodedInsn& d) { return Sc<uint32_t>(h, d); }
Step ExecAmoswapW(Hart& h, const DecodedInsn& d) { return AmoSwap<uint32_t>(h, d); }
Step ExecAmoaddW(Hart& h, const DecodedInsn& d) { return AmoAdd<uint32_t>(h, d); }
Step ExecAmoxorW(Hart& h, const DecodedInsn& d) { return AmoXor<uint32_t>(h, d); }
Step ExecAmoandW(Hart& h, const DecodedInsn& d) { return AmoAnd<uint32_t>(h, d); }
Step ExecAmoorW(Hart& h, const DecodedInsn& d) { return AmoOr<uint32_t>(h, d); }
Step ExecAmominW(Hart& h, const DecodedInsn& d) { return AmoMin<uint32_t>(h, d); }
Step ExecAmomaxW(Hart& h, const DecodedInsn& d) { return AmoMax<uint32_t>(h, d); }
Step ExecAmominuW(Hart& h, const DecodedInsn& d) { return AmoMinu<uint32_t>(h, d); }
Step ExecAmomaxuW(Hart& h, const DecodedInsn& d) { return AmoMaxu<uint32_t>(h, d); }
Step ExecLrD(Hart& h, const DecodedInsn& d) { return Lr<uint64_t>(h, d); }
Step ExecScD(Hart& h, const DecodedInsn& d) { return Sc<uint64_t>(h, d); }
Step ExecAmoswapD(Hart& h, const DecodedInsn& d) { return AmoSwap<uint64_t>(h, d); }
Step ExecAmoaddD(Hart& h, const DecodedInsn& d) { return AmoAdd<uint64_t>(h, d); }
Step ExecAmoxorD(Hart& h, const DecodedInsn& d) { return AmoXor<uint64_t>(h, d); }
Step ExecAmoandD(Hart& h, const DecodedInsn& d) { return AmoAnd<uint64_t>(h, d); }
Step ExecAmoorD(Hart& h, const DecodedInsn& d) { return AmoOr<uint64_t>(h, d); }
Step ExecAmominD(Hart& h, const DecodedInsn& d) { return AmoMin<uint64_t>(h, d); }
Step ExecAmomaxD(Hart& h, const DecodedInsn& d) { return AmoMax<uint64_t>(h, d); }
Step ExecAmominuD(Hart& h, const DecodedInsn& d) { return AmoMinu<uint64_t>(h, d); }
Step ExecAmomaxuD(Hart& h, const DecodedInsn& d) { return AmoMaxu<uint64_t>(h, d); }

}  // namespace dbt::riscv::interp
