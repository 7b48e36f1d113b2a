// The shape of translation blocks: where they end (control transfer, page
// rule, instruction limit, fetch faults), which guest bytes they cover, and
// that translation is a pure function of those bytes.
#include "services/translator/frontend/riscv/translate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/translator/frontend/riscv/testing/lockstep.h"
#include "services/translator/ir/printer.h"
#include "services/translator/ir/verifier.h"
#include "services/translator/opt/pipeline.h"

namespace dbt::frontend::riscv {
namespace {

namespace rv = dbt::riscv;

// Encodings from riscv64-linux-gnu-as.
constexpr uint32_t kAddi = 0x00150513;    // addi a0,a0,1
constexpr uint32_t kBeq = 0x00b50463;     // beq a0,a1,+8
constexpr uint32_t kRet = 0x00008067;     // jalr zero,0(ra)
constexpr uint32_t kJal = 0x001000ef;     // jal ra,+0x800
constexpr uint32_t kEcall = 0x00000073;   // ecall
constexpr uint32_t kEbreak = 0x00100073;  // ebreak
constexpr uint32_t kFenceI = 0x0000100f;  // fence.i
constexpr uint32_t kCAddi = 0x0505;       // c.addi a0,1
constexpr uint32_t kCJr = 0x8082;         // c.jr ra
constexpr uint32_t kCEbreak = 0x9002;     // c.ebreak
constexpr uint32_t kCUnimp = 0x0000;      // all-zero parcel: illegal
constexpr uint32_t kIllegal32 = 0xffffffff;

TranslatedBlock Translate(uint64_t pc, const std::vector<uint32_t>& words, int max_insns = 512) {
  const std::vector<uint8_t> bytes = testing::CodeBytes(words);
  BufferCodeSource source(pc, bytes);
  TranslateOptions options;
  options.max_insns = max_insns;
  TranslateResult result = TranslateBlock(source, pc, options);
  EXPECT_TRUE(result.tb.has_value());
  if (!result.tb) return TranslatedBlock{.block = ir::Block(pc)};
  EXPECT_TRUE(ir::Verify(result.tb->block).ok()) << ir::Verify(result.tb->block);
  return std::move(*result.tb);
}

// The printed last op (every TB ends in an exit).
std::string LastOp(const TranslatedBlock& tb) {
  return ir::PrintOp(tb.block, tb.block.ops().back());
}

std::string OpAt(const TranslatedBlock& tb, int from_end) {
  const auto& ops = tb.block.ops();
  return ir::PrintOp(tb.block, ops[ops.size() - 1 - from_end]);
}

TEST(TranslateTest, EndsAfterControlTransferOrException) {
  struct Case {
    uint32_t terminator;
    int length;
  };
  for (const Case& c : {Case{kBeq, 4}, Case{kRet, 4}, Case{kJal, 4}, Case{kEcall, 4},
                        Case{kEbreak, 4}, Case{kFenceI, 4}, Case{kCJr, 2}, Case{kCEbreak, 2},
                        Case{kCUnimp, 2}, Case{kIllegal32, 4}}) {
    SCOPED_TRACE(c.terminator);
    const TranslatedBlock tb = Translate(0x10000, {kAddi, c.terminator, kAddi, kAddi});
    EXPECT_EQ(tb.insns.size(), 2u);
    EXPECT_EQ(tb.size, 4u + c.length);
    EXPECT_EQ(tb.insns[1].pc, 0x10004u);
  }
}

TEST(TranslateTest, StraightLineCodeContinues) {
  const TranslatedBlock tb = Translate(0x10000, {kAddi, kCAddi, kAddi, kCAddi, kEbreak});
  ASSERT_EQ(tb.insns.size(), 5u);
  EXPECT_EQ(tb.insns[1].pc, 0x10004u);
  EXPECT_EQ(tb.insns[2].pc, 0x10006u);
  EXPECT_EQ(tb.insns[3].pc, 0x1000au);
  EXPECT_EQ(tb.insns[4].insn.op, rv::Opcode::kEbreak);
  EXPECT_EQ(tb.size, 16u);
}

TEST(TranslateTest, StopsBeforeAnInstructionOnTheNextPage) {
  const TranslatedBlock tb = Translate(0x1ff8, {kAddi, kAddi, kAddi, kAddi});
  EXPECT_EQ(tb.insns.size(), 2u);
  EXPECT_EQ(tb.size, 8u);
  ASSERT_EQ(tb.Ranges().size(), 1u);
  EXPECT_EQ(tb.Ranges()[0].start, 0x1ff8u);
  EXPECT_EQ(tb.Ranges()[0].size, 8u);
  // Falls through to the next page's TB through slot 0.
  EXPECT_EQ(OpAt(tb, 2), "goto_tb 0");
  EXPECT_EQ(OpAt(tb, 1), "movi pc, $0x2000");
  EXPECT_EQ(LastOp(tb), "exit_tb slot0");
}

TEST(TranslateTest, OnlyTheLastInstructionMayStraddleIntoTheNextPage) {
  // c.addi at 0x1ffc, addi at 0x1ffe..0x2001, then the next one starts on
  // the second page: the TB ends with the straddling instruction.
  const TranslatedBlock tb = Translate(0x1ffc, {kCAddi, kAddi, kAddi});
  EXPECT_EQ(tb.insns.size(), 2u);
  EXPECT_EQ(tb.size, 6u);
  const std::vector<GuestRange> ranges = tb.Ranges();
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].start, 0x1ffcu);
  EXPECT_EQ(ranges[0].size, 4u);
  EXPECT_EQ(ranges[1].start, 0x2000u);
  EXPECT_EQ(ranges[1].size, 2u);
  EXPECT_EQ(OpAt(tb, 1), "movi pc, $0x2002");
}

TEST(TranslateTest, FirstInstructionStraddling) {
  const TranslatedBlock tb = Translate(0x2ffe, {kAddi, kAddi});
  EXPECT_EQ(tb.insns.size(), 1u);
  EXPECT_EQ(tb.size, 4u);
  ASSERT_EQ(tb.Ranges().size(), 2u);
  EXPECT_EQ(tb.Ranges()[1].start, 0x3000u);
  EXPECT_EQ(tb.Ranges()[1].size, 2u);
}

TEST(TranslateTest, PageEndExactly) {
  // The last instruction ends exactly at the page end: one range.
  const TranslatedBlock tb = Translate(0x1ffc, {kAddi, kAddi});
  EXPECT_EQ(tb.insns.size(), 1u);
  ASSERT_EQ(tb.Ranges().size(), 1u);
  EXPECT_EQ(tb.Ranges()[0].size, 4u);
}

TEST(TranslateTest, InstructionLimit) {
  const std::vector<uint32_t> many(600, kAddi);
  TranslatedBlock tb = Translate(0x100000, many);
  EXPECT_EQ(tb.insns.size(), static_cast<size_t>(kDefaultMaxInsns));
  EXPECT_EQ(tb.size, 4u * kDefaultMaxInsns);
  EXPECT_EQ(OpAt(tb, 1), "movi pc, $0x100800");
  tb = Translate(0x100000, many, /*max_insns=*/1);
  EXPECT_EQ(tb.insns.size(), 1u);
  EXPECT_EQ(OpAt(tb, 1), "movi pc, $0x100004");
  EXPECT_EQ(LastOp(tb), "exit_tb slot0");
}

TEST(TranslateTest, FetchFaultOnTheFirstInstructionIsTheCallers) {
  const std::vector<uint8_t> bytes = testing::CodeBytes({kAddi});
  BufferCodeSource source(0x10000, bytes);
  TranslateResult result = TranslateBlock(source, 0x20000);
  EXPECT_FALSE(result.tb.has_value());
  EXPECT_EQ(result.fault_addr, 0x20000u);
  // Only the first parcel of a 4-byte instruction is readable.
  const std::vector<uint8_t> half = {0x13, 0x05};
  BufferCodeSource half_source(0x30000, half);
  result = TranslateBlock(half_source, 0x30000);
  EXPECT_FALSE(result.tb.has_value());
  EXPECT_EQ(result.fault_addr, 0x30002u);
}

TEST(TranslateTest, FetchFaultLaterEndsTheTbBeforeTheInstruction) {
  TranslatedBlock tb = Translate(0x10000, {kAddi, kCAddi});  // nothing after 0x10006
  EXPECT_EQ(tb.insns.size(), 2u);
  EXPECT_EQ(tb.size, 6u);
  EXPECT_EQ(OpAt(tb, 1), "movi pc, $0x10006");
  EXPECT_EQ(LastOp(tb), "exit_tb slot0");
  // A 4-byte instruction whose second parcel cannot be fetched.
  std::vector<uint8_t> bytes = testing::CodeBytes({kAddi});
  bytes.push_back(0x13);
  bytes.push_back(0x05);
  BufferCodeSource source(0x10000, bytes);
  TranslateResult result = TranslateBlock(source, 0x10000);
  ASSERT_TRUE(result.tb.has_value());
  EXPECT_EQ(result.tb->insns.size(), 1u);
  EXPECT_EQ(result.tb->size, 4u);
}

TEST(TranslateTest, ExceptionExitsSetPendingExceptionAndPc) {
  struct Case {
    uint32_t insn;
    int pending;
    uint64_t pc;
  };
  // pc AT ecall/ebreak/illegal, after fence.i (the interpreter's convention).
  for (const Case& c :
       {Case{kEcall, 1, 0x10004}, Case{kEbreak, 2, 0x10004}, Case{kCEbreak, 2, 0x10004},
        Case{kIllegal32, 3, 0x10004}, Case{kCUnimp, 3, 0x10004}, Case{kFenceI, 4, 0x10008}}) {
    SCOPED_TRACE(c.insn);
    const TranslatedBlock tb = Translate(0x10000, {kAddi, c.insn});
    EXPECT_EQ(OpAt(tb, 2), "st $0x" + std::to_string(c.pending) + ", [env+0x23c], u32");
    char pc[64];
    std::snprintf(pc, sizeof(pc), "movi pc, $0x%llx", static_cast<unsigned long long>(c.pc));
    EXPECT_EQ(OpAt(tb, 1), pc);
    EXPECT_EQ(LastOp(tb), "exit_tb no_chain");
  }
}

TEST(TranslateTest, PureFunctionOfTheBytes) {
  const std::vector<uint32_t> code = {kAddi, 0x00c5f553 /* fadd.s dyn */, kCAddi, kBeq};
  const TranslatedBlock a = Translate(0x40000, code);
  const TranslatedBlock b = Translate(0x40000, code);
  EXPECT_EQ(ir::PrintBlock(a.block), ir::PrintBlock(b.block));
  EXPECT_EQ(a.size, b.size);
}

// lui+addi and auipc+addi leave the frontend as movi + add of a constant;
// the optimizer's constant folding must turn each pair into one movi.
TEST(TranslateTest, UpperImmediatePairsFoldAfterOptimization) {
  // lui a0,0x12345; addi a0,a0,0x678; auipc a1,0x1; addi a1,a1,-16; ret
  TranslatedBlock tb = Translate(0x10000, {0x12345537, 0x67850513, 0x00001597, 0xff058593, kRet});
  ASSERT_TRUE(opt::RunPipeline(tb.block, {.optimize = true, .verify = true}).ok());
  const std::string text = ir::PrintBlock(tb.block);
  // 0x12345000 + 0x678, and 0x10008 + 0x1000 - 16.
  EXPECT_NE(text.find("movi x10, $0x12345678"), std::string::npos) << text;
  EXPECT_NE(text.find("movi x11, $0x10ff8"), std::string::npos) << text;
  EXPECT_EQ(text.find("add x1"), std::string::npos) << text;
}

}  // namespace
}  // namespace dbt::frontend::riscv
