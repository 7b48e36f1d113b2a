#include "services/translator/frontend/riscv/in_asm.h"

#include <gtest/gtest.h>

#include "services/translator/frontend/riscv/testing/lockstep.h"

namespace dbt::frontend::riscv {
namespace {

TEST(InAsmTest, ListsTheTbsInstructions) {
  // addi a0,a0,1; c.addi a0,1; c.jr ra (encodings from riscv64-linux-gnu-as).
  const std::vector<uint8_t> bytes = testing::CodeBytes({0x00150513, 0x0505, 0x8082});
  BufferCodeSource source(0x10000, bytes);
  TranslateResult result = TranslateBlock(source, 0x10000);
  ASSERT_TRUE(result.tb.has_value());
  EXPECT_EQ(FormatInAsm(*result.tb),
            "IN: \n"
            "0x0000000000010000:  00150513  addi    a0,a0,1\n"
            "0x0000000000010004:  0505      c.addi  a0,1\n"
            "0x0000000000010006:  8082      c.jr    ra\n"
            "\n");
}

}  // namespace
}  // namespace dbt::frontend::riscv
