// Random instructions and machine states for lock-step tests, from fixed
// seeds. Instructions are drawn from the decoder's own bit-pattern tables
// (insn_info.h, insn_rvc.h): the fixed bits of a row, random elsewhere, so
// every field value and immediate gets exercised. They obey the lock-step
// layout (guest_memory.h):
//   - memory instructions (loads, stores, lr/sc/amo) address through a base
//     register (x2, x8 or x9), which holds an 8-byte-aligned address near
//     kDataMiddle, so every access stays inside the data region;
//   - no instruction writes a base register;
//   - counter CSRs (cycle, time, instret), whose values differ between two
//     runs, are read only into x0 (or written: illegal either way).
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_RANDOM_INSN_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_RANDOM_INSN_H_

#include <cstdint>
#include <random>
#include <vector>

#include "common/riscv/cpu_state.h"
#include "common/riscv/decoder.h"

namespace dbt::frontend::riscv::testing {

inline constexpr int kBaseRegs[] = {2, 8, 9};

class RandomGuest {
 public:
  explicit RandomGuest(uint64_t seed) : rng_(seed) {}

  std::mt19937_64& rng() { return rng_; }
  uint64_t Below(uint64_t n) { return rng_() % n; }
  bool OneIn(uint64_t n) { return Below(n) == 0; }

  // A random 32-bit encoding of op that obeys the layout rules.
  uint32_t Insn32(dbt::riscv::Opcode op);
  // A random valid 16-bit instruction that obeys the layout rules; its
  // expansion is one of `ops` when that is not empty.
  uint16_t Insn16(const std::vector<dbt::riscv::Opcode>& ops = {});

  // Register values that hit the corners of the integer semantics.
  uint64_t IntValue();
  // F register contents: doubles and boxed singles from the FP corners
  // (zeros, subnormals, normals' extremes, infinities, quiet and signaling
  // NaNs), and now and then an unboxed single or random bits.
  uint64_t FpValue();

  // A state: random x (base registers near kDataMiddle), f, fflags, frm
  // (sometimes reserved 5..7), and a reservation that sometimes matches
  // data (so sc can succeed).
  dbt::riscv::CpuState State(const std::vector<uint8_t>& data);
  std::vector<uint8_t> Data();

  // True when d obeys the layout rules.
  static bool Acceptable(const dbt::riscv::DecodedInsn& d);

 private:
  std::mt19937_64 rng_;
};

}  // namespace dbt::frontend::riscv::testing

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_RANDOM_INSN_H_
