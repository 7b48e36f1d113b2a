// Loads and stores: widths, sign/zero extension, offsets, misalignment, the
// F/D forms' NaN-boxing, and fetch never touching memory past a 2-byte
// instruction.
#include <sys/mman.h>

#include <cstdint>

#include "common/riscv/interp_test_util.h"

namespace dbt::riscv::test {
namespace {

using MemTest = InterpTest;

TEST_F(MemTest, LoadsExtendByWidthAndSignedness) {
  SetMem<uint64_t>(kData, 0x8877665544332280u);  // bytes 80 22 33 44 55 66 77 88
  X(kA1) = kData;
  Exec(LB(kA0, kA1, 0));
  EXPECT_EQ(X(kA0), 0xffffffffffffff80u);
  Exec(LBU(kA0, kA1, 0));
  EXPECT_EQ(X(kA0), 0x80u);
  SetMem<uint16_t>(kData + 8, 0x8001);
  Exec(LH(kA0, kA1, 8));
  EXPECT_EQ(X(kA0), 0xffffffffffff8001u);
  Exec(LHU(kA0, kA1, 8));
  EXPECT_EQ(X(kA0), 0x8001u);
  SetMem<uint32_t>(kData + 16, 0x80000000u);
  Exec(LW(kA0, kA1, 16));
  EXPECT_EQ(X(kA0), 0xffffffff80000000u);
  Exec(LWU(kA0, kA1, 16));
  EXPECT_EQ(X(kA0), 0x80000000u);
  SetMem<uint32_t>(kData + 16, 0x7fffffffu);
  Exec(LW(kA0, kA1, 16));
  EXPECT_EQ(X(kA0), 0x7fffffffu);
  Exec(LD(kA0, kA1, 0));
  EXPECT_EQ(X(kA0), 0x8877665544332280u);
}

TEST_F(MemTest, OffsetsAndMisalignment) {
  SetMem<uint64_t>(kData, 0x1122334455667788u);
  SetMem<uint64_t>(kData + 8, 0x99aabbccddeeff00u);
  X(kA1) = kData + 2048;
  Exec(LD(kA0, kA1, -2048));
  EXPECT_EQ(X(kA0), 0x1122334455667788u);
  X(kA1) = kData - 2047 + 8;
  Exec(LD(kA0, kA1, 2047));
  EXPECT_EQ(X(kA0), 0x99aabbccddeeff00u);
  X(kA1) = kData;
  Exec(LD(kA0, kA1, 1));  // misaligned: bytes 1..8
  EXPECT_EQ(X(kA0), 0x0011223344556677u);
  Exec(LW(kA0, kA1, 3));  // bytes 3..6 are 55 44 33 22
  EXPECT_EQ(X(kA0), 0x22334455u);
  Exec(LH(kA0, kA1, 7));  // bytes 7..8 are 11 00
  EXPECT_EQ(X(kA0), 0x0011u);
}

TEST_F(MemTest, StoresWriteOnlyTheirWidth) {
  SetMem<uint64_t>(kData, ~uint64_t{0});
  SetMem<uint64_t>(kData + 8, ~uint64_t{0});
  X(kA1) = kData;
  X(kA2) = 0x0102030405060708u;
  Exec(SB(kA2, kA1, 0));
  EXPECT_EQ(Mem<uint64_t>(kData), 0xffffffffffffff08u);
  Exec(SH(kA2, kA1, 2));
  EXPECT_EQ(Mem<uint64_t>(kData), 0xffffffff0708ff08u);
  Exec(SW(kA2, kA1, 4));
  EXPECT_EQ(Mem<uint64_t>(kData), 0x050607080708ff08u);
  Exec(SD(kA2, kA1, 9));  // misaligned
  EXPECT_EQ(Mem<uint64_t>(kData + 9), 0x0102030405060708u);
  EXPECT_EQ(Mem<uint8_t>(kData + 8), 0xffu);
  X(kA1) = kData + 0x100;
  Exec(SD(kA2, kA1, -0x100 + 16));
  EXPECT_EQ(Mem<uint64_t>(kData + 16), 0x0102030405060708u);
}

TEST_F(MemTest, LoadIntoX0IsDropped) {
  SetMem<uint64_t>(kData, 5);
  X(kA1) = kData;
  Exec(LD(kZero, kA1, 0));
  EXPECT_EQ(X(kZero), 0u);
}

// flw NaN-boxes (upper 32 bits all ones); fsw stores the low 32 bits as they
// are, boxed or not; fld/fsd move 64 bits.
TEST_F(MemTest, FloatingPointLoadsAndStores) {
  X(kA1) = kData;
  SetMem<uint32_t>(kData, 0x3f800000u);  // 1.0f
  Exec(FLW(kFa0, kA1, 0));
  EXPECT_EQ(F(kFa0), 0xffffffff3f800000u);
  F(kFa1) = 0x123456789abcdef0u;  // not a boxed single
  Exec(FSW(kFa1, kA1, 4));
  EXPECT_EQ(Mem<uint32_t>(kData + 4), 0x9abcdef0u);
  EXPECT_EQ(Mem<uint32_t>(kData), 0x3f800000u);
  SetMem<uint64_t>(kData + 8, 0x400921fb54442d18u);  // pi
  Exec(FLD(kFa2, kA1, 8));
  EXPECT_EQ(F(kFa2), 0x400921fb54442d18u);
  Exec(FSD(kFa2, kA1, 16));
  EXPECT_EQ(Mem<uint64_t>(kData + 16), 0x400921fb54442d18u);
  Exec(FSD(kFa1, kA1, 24));
  EXPECT_EQ(Mem<uint64_t>(kData + 24), 0x123456789abcdef0u);
  EXPECT_EQ(cpu_.fflags, 0u);
}

// A 2-byte instruction that ends exactly at the end of a mapped page runs
// without the fetch reading the (unmapped) next page.
TEST_F(MemTest, FetchOfA16BitInstructionStaysInItsPage) {
  constexpr uint64_t kPage = 4096;
  constexpr uint64_t kGuard = 0x40000;  // guard page at guest 0x40000
  ASSERT_EQ(mprotect(mem_ + kGuard, kPage, PROT_NONE), 0);
  SetMem<uint16_t>(kGuard - 2, 0x0505);  // c.addi a0,1
  cpu_.pc = kGuard - 2;
  X(kA0) = 1;
  EXPECT_EQ(StepOne(cpu_, mem_), InterpExit::kInsnLimit);
  EXPECT_EQ(X(kA0), 2u);
  EXPECT_EQ(cpu_.pc, kGuard);
  ASSERT_EQ(mprotect(mem_ + kGuard, kPage, PROT_READ | PROT_WRITE), 0);
}

}  // namespace
}  // namespace dbt::riscv::test
