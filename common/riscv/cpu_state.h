// The architectural state of one RISC-V hart (RV64GC, user mode).
//
// This block is the contract between the executor (which owns it, one per
// guest thread) and the code the translator generates (which addresses guest
// registers as fixed offsets from the env register). Its layout is part of
// the translator ABI: changing it changes kTranslatorAbi.
#ifndef DBT_COMMON_RISCV_CPU_STATE_H_
#define DBT_COMMON_RISCV_CPU_STATE_H_

#include <cstddef>
#include <cstdint>

namespace dbt::riscv {

struct CpuState {
  uint64_t x[32];  // Integer registers. x[0] reads as zero; writes are dropped.
  uint64_t f[32];  // FP registers, 64 bits each; single values NaN-boxed.
  uint64_t pc;
  uint32_t fflags;  // fcsr[4:0]: NV DZ OF UF NX.
  uint32_t frm;     // fcsr[7:5]: dynamic rounding mode.
  // LR/SC reservation: address and the value loaded (SC succeeds when the
  // address matches and memory still holds the value, as qemu-user does).
  uint64_t reservation_addr;
  uint64_t reservation_value;
  uint64_t instret;  // Retired instruction count, as far as it is tracked.
};

// CpuState::reservation_addr when no LR reservation is held. A zeroed
// CpuState holds a reservation for address 0, which is harmless: page 0 is
// never mapped, so an SC there faults whatever the reservation says.
inline constexpr uint64_t kNoReservation = ~uint64_t{0};

// Offsets the generated code relies on.
static_assert(offsetof(CpuState, x) == 0);
static_assert(offsetof(CpuState, f) == 256);
static_assert(offsetof(CpuState, pc) == 512);
static_assert(offsetof(CpuState, fflags) == 520);
static_assert(offsetof(CpuState, frm) == 524);

// fflags bits.
inline constexpr uint32_t kFflagNX = 1u << 0;  // inexact
inline constexpr uint32_t kFflagUF = 1u << 1;  // underflow
inline constexpr uint32_t kFflagOF = 1u << 2;  // overflow
inline constexpr uint32_t kFflagDZ = 1u << 3;  // divide by zero
inline constexpr uint32_t kFflagNV = 1u << 4;  // invalid

// Rounding modes (the rm field and frm).
inline constexpr uint32_t kRmRNE = 0;
inline constexpr uint32_t kRmRTZ = 1;
inline constexpr uint32_t kRmRDN = 2;
inline constexpr uint32_t kRmRUP = 3;
inline constexpr uint32_t kRmRMM = 4;
inline constexpr uint32_t kRmDyn = 7;

}  // namespace dbt::riscv

#endif  // DBT_COMMON_RISCV_CPU_STATE_H_
