// Fixture for the per-instruction interpreter tests: a small guest address
// space (1 MiB at guest address 0, host-mmapped), code at kCode, data at
// kData, and helpers to place and run instructions.
#ifndef DBT_COMMON_RISCV_INTERP_TEST_UTIL_H_
#define DBT_COMMON_RISCV_INTERP_TEST_UTIL_H_

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "common/riscv/cpu_state.h"
#include "common/riscv/interpreter.h"
#include "common/riscv/riscv_test_encoder.h"
#include "gtest/gtest.h"

namespace dbt::riscv::test {

// ABI register numbers, for readability.
enum Reg : int {
  kZero = 0,
  kRa = 1,
  kSp = 2,
  kT0 = 5,
  kS0 = 8,
  kS1 = 9,
  kA0 = 10,
  kA1 = 11,
  kA2 = 12,
  kA3 = 13,
  kA4 = 14,
  kA5 = 15,
  kT6 = 31,
};
// f registers by number: fa0..fa3 = f10..f13.
enum FReg : int { kFa0 = 10, kFa1 = 11, kFa2 = 12, kFa3 = 13 };

class InterpTest : public testing::Test {
 protected:
  static constexpr uint64_t kMemSize = 1 << 20;
  static constexpr uint64_t kCode = 0x1000;
  static constexpr uint64_t kData = 0x80000;

  InterpTest() {
    void* p = mmap(nullptr, kMemSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(p, MAP_FAILED);
    mem_ = static_cast<uint8_t*>(p);
    cpu_.pc = kCode;
    cpu_.reservation_addr = kNoReservation;
  }
  ~InterpTest() override { munmap(mem_, kMemSize); }

  // Writes instructions from kCode on: 32-bit words, and 16-bit parcels for
  // values < 0x10000 whose low bits are not 11.
  void Code(std::initializer_list<uint32_t> insns) {
    uint64_t at = kCode;
    for (uint32_t w : insns) {
      const bool compressed = w < 0x10000 && (w & 3) != 3;
      std::memcpy(mem_ + at, &w, compressed ? 2 : 4);
      at += compressed ? 2 : 4;
    }
  }

  // Executes one instruction placed at kCode; expects it to retire.
  void Exec(uint32_t insn) {
    cpu_.pc = kCode;
    Code({insn});
    ASSERT_EQ(StepOne(cpu_, mem_), InterpExit::kInsnLimit) << std::hex << insn;
  }
  // Executes one instruction at kCode and returns how it exited.
  InterpExit Try(uint32_t insn) {
    cpu_.pc = kCode;
    Code({insn});
    return StepOne(cpu_, mem_);
  }

  uint64_t& X(int r) { return cpu_.x[r]; }
  uint64_t& F(int r) { return cpu_.f[r]; }

  template <typename T>
  T Mem(uint64_t addr) const {
    T v;
    std::memcpy(&v, mem_ + addr, sizeof(T));
    return v;
  }
  template <typename T>
  void SetMem(uint64_t addr, T v) {
    std::memcpy(mem_ + addr, &v, sizeof(T));
  }

  CpuState cpu_{};
  uint8_t* mem_ = nullptr;
};

}  // namespace dbt::riscv::test

#endif  // DBT_COMMON_RISCV_INTERP_TEST_UTIL_H_
