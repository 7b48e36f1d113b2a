// Internal to the interpreter: the per-instruction handlers, one per row of
// insn_table.inc (Exec<Name>), and what they share. Each family lives in its
// own file: interp_alu.cc (RV64I/M arithmetic), interp_control.cc (jumps,
// branches, system, fences), interp_mem.cc (loads, stores), interp_amo.cc
// (A), interp_fp.cc (F/D), interp_csr.cc (Zicsr).
#ifndef DBT_COMMON_RISCV_INTERP_EXEC_H_
#define DBT_COMMON_RISCV_INTERP_EXEC_H_

#include <cstdint>
#include <cstring>

#include "common/riscv/cpu_state.h"
#include "common/riscv/decoder.h"

namespace dbt::riscv::interp {

// What an instruction did. kNext: it retired and the hart continues at
// Hart::next_pc (which a taken branch or jump has set). The others stop the
// interpreter; only kFenceI has retired.
enum class Step : uint8_t { kNext, kEcall, kEbreak, kIllegal, kFenceI, kMisaligned };

// The hart executing one instruction.
struct Hart {
  CpuState& cpu;
  uint8_t* guest_base;
  uint64_t next_pc;  // pc + length unless the instruction jumps.

  uint64_t pc() const { return cpu.pc; }
  // x0 reads as zero even if something stored into cpu.x[0].
  uint64_t X(int r) const { return r == 0 ? 0 : cpu.x[r]; }
  void SetX(int r, uint64_t v) {
    if (r != 0) cpu.x[r] = v;
  }
  // Guest address to host address: plain addition, wrapping like the guest's
  // 64-bit address arithmetic.
  uint8_t* Host(uint64_t addr) const {
    return reinterpret_cast<uint8_t*>(reinterpret_cast<uintptr_t>(guest_base) + addr);
  }
  // Plain (possibly misaligned) accesses; memcpy compiles to one host move.
  template <typename T>
  T Load(uint64_t addr) const {
    T v;
    std::memcpy(&v, Host(addr), sizeof(T));
    return v;
  }
  template <typename T>
  void Store(uint64_t addr, T v) const {
    std::memcpy(Host(addr), &v, sizeof(T));
  }
};

inline constexpr int64_t SignExtend32(uint64_t v) { return static_cast<int32_t>(v); }

using Handler = Step (*)(Hart&, const DecodedInsn&);

Step ExecIllegal(Hart&, const DecodedInsn&);
#define DBT_RISCV_INSN(name, ...) Step Exec##name(Hart&, const DecodedInsn&);
#include "common/riscv/insn_table.inc"
#undef DBT_RISCV_INSN

}  // namespace dbt::riscv::interp

#endif  // DBT_COMMON_RISCV_INTERP_EXEC_H_
