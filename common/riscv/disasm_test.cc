// Layout details of the disassembler that the objdump oracle test normalizes
// away (column padding, illegal words); the operand text itself is checked
// against objdump in decoder_objdump_test.
#include "common/riscv/disasm.h"

#include "gtest/gtest.h"

namespace dbt::riscv {
namespace {

TEST(DisasmTest, PadsTheMnemonicToEightColumns) {
  EXPECT_EQ(Disassemble(Decode(0x00150513), 0), "addi    a0,a0,1");
  EXPECT_EQ(Disassemble(Decode(0x06b6252f), 0), "amoadd.w.aqrl a0,a1,(a2)");
  EXPECT_EQ(Disassemble(Decode(0x00000073), 0), "ecall");
  EXPECT_EQ(Disassemble(Decode(0x9002), 0), "c.ebreak");
}

TEST(DisasmTest, TargetsAreAbsolute) {
  // beq a0,a1,.-4096 at 0x10000, and c.j .+2046 at 0x400.
  EXPECT_EQ(Disassemble(Decode(0x80b50063), 0x10000), "beq     a0,a1,0xf000");
  EXPECT_EQ(Disassemble(Decode(0xaffd), 0x400), "c.j     0xbfe");
}

TEST(DisasmTest, IllegalWords) {
  EXPECT_EQ(Disassemble(Decode(0x0000), 0), ".2byte  0x0");
  EXPECT_EQ(Disassemble(Decode(0xffffffff), 0), ".4byte  0xffffffff");
}

TEST(DisasmTest, Names) {
  EXPECT_EQ(XRegName(0), "zero");
  EXPECT_EQ(XRegName(8), "s0");
  EXPECT_EQ(XRegName(31), "t6");
  EXPECT_EQ(FRegName(10), "fa0");
  EXPECT_EQ(FRegName(31), "ft11");
  EXPECT_EQ(CsrName(0x003), "fcsr");
  EXPECT_EQ(CsrName(0xc1f), "hpmcounter31");
  EXPECT_EQ(CsrName(0x300), "");
}

}  // namespace
}  // namespace dbt::riscv
