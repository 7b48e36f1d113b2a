// Executing compressed instructions: each RV64C form does what its 32-bit
// expansion does, pc advances by 2, and links are pc + 2. Parcels are GNU
// as's encodings of the operands in the comments.
#include <cstdint>

#include "common/riscv/interp_test_util.h"

namespace dbt::riscv::test {
namespace {

using RvcTest = InterpTest;

TEST_F(RvcTest, IntegerComputational) {
  X(kA0) = 41;
  Exec(0x0505);  // c.addi a0,1
  EXPECT_EQ(X(kA0), 42u);
  EXPECT_EQ(cpu_.pc, kCode + 2);
  Exec(0x4515);  // c.li a0,5
  EXPECT_EQ(X(kA0), 5u);
  Exec(0x5f81);  // c.li t6,-32
  EXPECT_EQ(X(kT6), uint64_t(-32));
  Exec(0x6505);  // c.lui a0,0x1
  EXPECT_EQ(X(kA0), 0x1000u);
  Exec(0x7081);  // c.lui ra,0xfffe0
  EXPECT_EQ(X(kRa), 0xfffffffffffe0000u);
  X(kA0) = 0x7fffffff;
  Exec(0x2505);  // c.addiw a0,1
  EXPECT_EQ(X(kA0), 0xffffffff80000000u);
  X(kSp) = 0x10000;
  Exec(0x7101);  // c.addi16sp sp,-512
  EXPECT_EQ(X(kSp), 0x10000u - 512);
  Exec(0x1ffc);  // c.addi4spn a5,sp,1020
  EXPECT_EQ(X(kA5), 0x10000u - 512 + 1020);
  X(kA0) = 1;
  Exec(0x157e);  // c.slli a0,0x3f
  EXPECT_EQ(X(kA0), uint64_t{1} << 63);
  X(kA5) = uint64_t{1} << 63;
  Exec(0x93fd);  // c.srli a5,0x3f
  EXPECT_EQ(X(kA5), 1u);
  X(kS1) = uint64_t{1} << 63;
  Exec(0x9481);  // c.srai s1,0x20
  EXPECT_EQ(X(kS1), 0xffffffff80000000u);
  X(kA0) = 0xff;
  Exec(0x9901);  // c.andi a0,-32
  EXPECT_EQ(X(kA0), 0xe0u);
  X(kA1) = 7;
  Exec(0x852e);  // c.mv a0,a1
  EXPECT_EQ(X(kA0), 7u);
  Exec(0x952e);  // c.add a0,a1
  EXPECT_EQ(X(kA0), 14u);
  X(kS0) = 10;
  X(kA5) = 3;
  Exec(0x8c1d);  // c.sub s0,a5
  EXPECT_EQ(X(kS0), 7u);
  X(kA0) = 0xf0;
  X(kA1) = 0xff;
  Exec(0x8d2d);  // c.xor a0,a1
  EXPECT_EQ(X(kA0), 0x0fu);
  X(kA2) = 0xf0;
  X(kA3) = 0x0f;
  Exec(0x8e55);  // c.or a2,a3
  EXPECT_EQ(X(kA2), 0xffu);
  X(kA4) = 0xf0;
  X(kS1) = 0x3c;
  Exec(0x8f65);  // c.and a4,s1
  EXPECT_EQ(X(kA4), 0x30u);
  X(kS0) = 0;
  X(kS1) = 1;
  Exec(0x9c05);  // c.subw s0,s1
  EXPECT_EQ(X(kS0), ~uint64_t{0});
  X(kA5) = 0x7fffffff;
  X(kA4) = 1;
  Exec(0x9fb9);  // c.addw a5,a4
  EXPECT_EQ(X(kA5), 0xffffffff80000000u);
  Exec(0x0001);  // c.nop
  EXPECT_EQ(cpu_.pc, kCode + 2);
  Exec(0x4005);  // c.li zero,1: a HINT, no effect
  EXPECT_EQ(X(kZero), 0u);
}

TEST_F(RvcTest, LoadsAndStores) {
  X(kSp) = kData;
  SetMem<uint32_t>(kData + 252, 0x80000000u);
  Exec(0x50fe);  // c.lwsp ra,252(sp)
  EXPECT_EQ(X(kRa), 0xffffffff80000000u);
  SetMem<uint64_t>(kData + 504, 0x1122334455667788u);
  Exec(0x757e);  // c.ldsp a0,504(sp)
  EXPECT_EQ(X(kA0), 0x1122334455667788u);
  Exec(0x3ffe);  // c.fldsp ft11,504(sp)
  EXPECT_EQ(F(31), 0x1122334455667788u);
  X(kRa) = 0xabcdef0123456789u;
  Exec(0xdf86);  // c.swsp ra,252(sp)
  EXPECT_EQ(Mem<uint32_t>(kData + 252), 0x23456789u);
  Exec(0xff86);  // c.sdsp ra,504(sp)
  EXPECT_EQ(Mem<uint64_t>(kData + 504), 0xabcdef0123456789u);
  F(kFa0) = 0x400921fb54442d18u;
  Exec(0xbfaa);  // c.fsdsp fa0,504(sp)
  EXPECT_EQ(Mem<uint64_t>(kData + 504), 0x400921fb54442d18u);

  X(kA5) = kData;
  SetMem<uint32_t>(kData + 124, 0xfffffffeu);
  Exec(0x5fe8);  // c.lw a0,124(a5)
  EXPECT_EQ(X(kA0), uint64_t(-2));
  X(kA2) = kData;
  SetMem<uint64_t>(kData + 8, 99);
  Exec(0x660c);  // c.ld a1,8(a2)
  EXPECT_EQ(X(kA1), 99u);
  SetMem<uint64_t>(kData + 248, 0x3ff0000000000000u);
  Exec(0x3ffc);  // c.fld fa5,248(a5)
  EXPECT_EQ(F(15), 0x3ff0000000000000u);
  X(kS1) = kData;
  X(kA0) = 0x1234567887654321u;
  Exec(0xdce8);  // c.sw a0,124(s1)
  EXPECT_EQ(Mem<uint32_t>(kData + 124), 0x87654321u);
  Exec(0xfffc);  // c.sd a5,248(a5)
  EXPECT_EQ(Mem<uint64_t>(kData + 248), kData);
  F(9) = 0x4000000000000000u;  // fs1
  Exec(0xbfe4);                // c.fsd fs1,248(a5)
  EXPECT_EQ(Mem<uint64_t>(kData + 248), 0x4000000000000000u);
}

TEST_F(RvcTest, ControlTransfer) {
  Exec(0xaffd);  // c.j .+2046
  EXPECT_EQ(cpu_.pc, kCode + 2046);
  Exec(0xb001);  // c.j .-2048
  EXPECT_EQ(cpu_.pc, kCode - 2048);
  X(kS0) = 0;
  Exec(0xcc7d);  // c.beqz s0,.+254
  EXPECT_EQ(cpu_.pc, kCode + 254);
  X(kS0) = 1;
  Exec(0xcc7d);
  EXPECT_EQ(cpu_.pc, kCode + 2);  // not taken: the next parcel
  X(kS1) = 5;
  Exec(0xfcfd);  // c.bnez s1,.-2
  EXPECT_EQ(cpu_.pc, kCode - 2);
  X(kRa) = 0x2001;
  Exec(0x8082);  // c.jr ra (bit 0 cleared, as for jalr)
  EXPECT_EQ(cpu_.pc, 0x2000u);
  X(kA0) = 0x3000;
  X(kRa) = 0;
  Exec(0x9502);  // c.jalr a0: links pc + 2
  EXPECT_EQ(cpu_.pc, 0x3000u);
  EXPECT_EQ(X(kRa), kCode + 2);
  X(kRa) = 0x4000;
  Exec(0x9082);  // c.jalr ra: target read before the link is written
  EXPECT_EQ(cpu_.pc, 0x4000u);
  EXPECT_EQ(X(kRa), kCode + 2);
}

TEST_F(RvcTest, MixedLengthsRunInSequence) {
  // c.li a0,5; addi a0,a0,10 (32-bit, at a 2-byte offset); c.addi a0,1; ecall
  Code({0x4515, ADDI(kA0, kA0, 10), 0x0505, ECALL()});
  uint64_t executed = 0;
  EXPECT_EQ(Interpret(cpu_, mem_, 100, &executed), InterpExit::kEcall);
  EXPECT_EQ(X(kA0), 16u);
  EXPECT_EQ(cpu_.pc, kCode + 8);
  EXPECT_EQ(executed, 3u);
}

TEST_F(RvcTest, ReservedEncodingsAreIllegal) {
  for (uint32_t parcel : {0x0000u, 0x6101u, 0x6501u, 0x2001u, 0x4002u, 0x8002u, 0x9c41u}) {
    EXPECT_EQ(Try(parcel), InterpExit::kIllegal) << std::hex << parcel;
    EXPECT_EQ(cpu_.pc, kCode);
  }
  EXPECT_EQ(Try(0x9002), InterpExit::kEbreak);  // c.ebreak
}

}  // namespace
}  // namespace dbt::riscv::test
