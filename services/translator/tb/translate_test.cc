// TranslateBlock: description of the result, dumps, and the code_gen_buffer
// running full (flush and retry) or a TB too big for it.
#include "services/translator/tb/translate.h"

#include <cstddef>

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "services/translator/ir/builder.h"
#include "services/translator/tb/jit_runner.h"

namespace dbt::tb {
namespace {

using ir::IrBuilder;
using ir::Temp;

// n guest stores of constants (side effects: never deleted), then exit.
ir::Block Stores(uint64_t pc, int n) {
  ir::Block block(pc);
  IrBuilder b(block);
  b.TbStart();
  for (int i = 0; i < n; ++i) {
    b.InsnStart(pc + 4 * i);
    b.QemuSt(b.Const(i), b.Const(8 * (i % 512)), ir::kMemU64);
  }
  b.Movi(b.Global(offsetof(GuestEnv, cpu.pc), "pc"), pc + 4 * n);
  b.ExitTb(kTbExitNoChain);
  return block;
}

TEST(TranslateTest, DescribesTheTranslatedBlock) {
  JitRunner runner;
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp x1 = b.Global(8, "x1"), t = b.NewTemp();
  b.TbStart();
  b.InsnStart(0x1000);
  b.Movi(t, 5);
  b.Add(x1, x1, t);  // folds into add x1, x1, $5
  b.InsnStart(0x1004);
  b.Movi(b.Global(offsetof(GuestEnv, cpu.pc), "pc"), 0x1008);
  b.ExitTb(kTbExitNoChain);
  std::string op, op_opt, out_asm;
  auto tb =
      runner.Translate(block, {.dump_op = &op, .dump_op_opt = &op_opt, .dump_out_asm = &out_asm});
  ASSERT_TRUE(tb.ok()) << tb.status();
  EXPECT_EQ(tb->guest_pc, 0x1000u);
  EXPECT_EQ(tb->code_offset % 16, 0u);
  EXPECT_GT(tb->code_size, 0u);
  EXPECT_EQ(tb->ops_before, 7u);
  EXPECT_EQ(tb->ops_after, 6u);  // the movi to tmp is gone
  ASSERT_EQ(tb->pc_map.size(), 2u);
  EXPECT_EQ(tb->pc_map[0].guest_pc, 0x1000u);
  EXPECT_EQ(tb->pc_map[1].guest_pc, 0x1004u);
  EXPECT_LT(tb->pc_map[0].host_offset, tb->pc_map[1].host_offset);
  EXPECT_FALSE(tb->slots[0].used);
  EXPECT_NE(op.find("movi tmp1, $0x5"), std::string::npos) << op;
  EXPECT_NE(op_opt.find("add x1, x1, $0x5"), std::string::npos) << op_opt;
  EXPECT_NE(out_asm.find("add "), std::string::npos) << out_asm;
  // out_asm addresses are offsets in the code_gen_buffer (what perf shows).
  EXPECT_EQ(out_asm.rfind(absl::StrFormat("0x%04x:  ", tb->code_offset), 0), 0u) << out_asm;
  runner.env().cpu.x[1] = 10;
  runner.Run(*tb);
  EXPECT_EQ(runner.env().cpu.x[1], 15u);
}

TEST(TranslateTest, ReportsAFullBufferAndWorksAfterAFlush) {
  JitRunner runner({.size = 1 << 20, .region_size = 64 << 10});
  codegen::CodeGenBuffer& buffer = runner.buffer();
  int translated = 0;
  absl::Status last;
  for (;;) {
    ir::Block block = Stores(0x1000 + translated, 300);
    auto tb = runner.Translate(block);
    if (!tb.ok()) {
      last = tb.status();
      break;
    }
    ++translated;
  }
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted) << last;
  // About 300 * 12 bytes per TB, 14 regions of 64 KiB: more than 100 TBs.
  EXPECT_GT(translated, 100);
  buffer.Flush();
  ir::Block block = Stores(0x1000, 300);
  auto tb = runner.Translate(block);
  ASSERT_TRUE(tb.ok()) << tb.status();
  EXPECT_EQ(tb->code_offset, buffer.region_start(0));
  runner.Run(*tb);
  EXPECT_EQ(reinterpret_cast<uint64_t*>(runner.guest_memory())[299], 299u);
}

TEST(TranslateTest, RejectsATbLargerThanARegion) {
  JitRunner runner({.size = 1 << 20, .region_size = 64 << 10});
  ir::Block block = Stores(0x1000, 7000);  // > 64 KiB of stores
  auto tb = runner.Translate(block);
  EXPECT_EQ(tb.status().code(), absl::StatusCode::kOutOfRange) << tb.status();
}

TEST(TranslateTest, RejectsATbNeedingMoreSpillSlotsThanTheFrame) {
  JitRunner runner;
  ir::Block block(0x1000);
  IrBuilder b(block);
  std::vector<Temp> temps;
  for (int i = 0; i < 300; ++i) {
    Temp t = b.NewTemp();
    b.Add(t, b.Global(8, "x1"), b.Const(i));
    temps.push_back(t);
  }
  for (Temp t : temps) b.Xor(b.Global(16, "x2"), b.Global(16, "x2"), t);
  b.ExitTb(kTbExitNoChain);
  auto tb = runner.Translate(block);
  EXPECT_EQ(tb.status().code(), absl::StatusCode::kOutOfRange) << tb.status();
}

TEST(TranslateTest, RejectsAMalformedBlock) {
  JitRunner runner;
  ir::Block block(0x1000);
  IrBuilder b(block);
  b.Movi(b.Global(8, "x1"), 1);  // falls off the end
  auto tb = runner.Translate(block);
  EXPECT_EQ(tb.status().code(), absl::StatusCode::kInvalidArgument) << tb.status();
}

}  // namespace
}  // namespace dbt::tb
