// Translation requests over a real session: the answer names host code in
// the session's own buffer that is byte-identical to TranslateTb's, -d dumps
// come back, fetch faults and a full buffer are the documented errors, and a
// kFlush starts allocation over.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "services/translator/wire/tb_wire.h"
#include "tests/translator_service/translator_test_client.h"

namespace dbt::testing {
namespace {

namespace wire = translator::wire;

// Encodings worked from the RISC-V ISA manual (fields listed high to low):
//   addi a0, a0, 1   imm=1 | rs1=x10 | 000 | rd=x10 | 0010011        = 0x00150513
//   add  a0, a0, a1  0000000 | rs2=x11 | rs1=x10 | 000 | rd=x10 | 0110011
//                    = 11<<20 | 10<<15 | 10<<7 | 0x33                 = 0x00b50533
//   c.addi a0, 1     (RVC) 000 | imm[5]=0 | rd=x10 | imm[4:0]=00001 | 01
//                    = 0b000'0'01010'00001'01                          = 0x0505
//   beq a0, a1, +8   imm[12|10:5]=0 | rs2=x11 | rs1=x10 | 000 | imm[4:1|11]=0100'0
//                    | 1100011 = 11<<20 | 10<<15 | 4<<8 | 0x63         = 0x00b50463
constexpr uint32_t kAddi = 0x00150513;
constexpr uint32_t kAdd = 0x00b50533;
constexpr uint16_t kCAddi = 0x0505;
constexpr uint32_t kBeq = 0x00b50463;
constexpr uint64_t kPc = 0x10078;

// addi; c.addi; add; beq: 4 + 2 + 4 + 4 bytes, the TB ends at the branch.
std::vector<uint8_t> MixedBlock() {
  std::vector<uint8_t> b = GuestBytes({kAddi});
  b.push_back(kCAddi & 0xff);
  b.push_back(kCAddi >> 8);
  for (uint8_t x : GuestBytes({kAdd, kBeq})) b.push_back(x);
  return b;
}

class TranslateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(translator_.serving()) << translator_.Output();
    auto session = TestSession::Attach(translator_.data_socket());
    ASSERT_TRUE(session.ok()) << session.status() << "\n" << translator_.Output();
    session_ = *std::move(session);
  }

  TranslatorProcess translator_;
  std::unique_ptr<TestSession> session_;
};

TEST_F(TranslateTest, AnswerNamesCodeIdenticalToTranslateTbAtTheSameOffset) {
  auto requester = session_->NewRequester();
  const std::vector<uint8_t> bytes = MixedBlock();
  absl::StatusOr<translator::TbTranslation> remote = session_->Translate(requester, kPc, bytes);
  ASSERT_TRUE(remote.ok()) << remote.status();
  EXPECT_EQ(remote->guest_pc, kPc);
  EXPECT_EQ(remote->guest_size, 14u);
  EXPECT_EQ(remote->guest_insns, 4u);
  // A conditional branch ends the TB with two direct exits.
  EXPECT_TRUE(remote->code.slots[0].used);
  EXPECT_TRUE(remote->code.slots[1].used);

  // The oracle: a fresh buffer of the same geometry, same bytes.
  auto local = codegen::CodeGenBuffer::Create({.size = kTestBufferSize});
  ASSERT_TRUE(local.ok());
  absl::StatusOr<translator::TbTranslation> expected = TranslateLocally(**local, kPc, bytes);
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(remote->code.code_offset, expected->code.code_offset);
  EXPECT_EQ(CompareTranslations(session_->buffer(), *remote, **local, *expected), "");
}

TEST_F(TranslateTest, SuccessiveTranslationsMatchTheOracleOneByOne) {
  auto requester = session_->NewRequester();
  auto local = codegen::CodeGenBuffer::Create({.size = kTestBufferSize});
  ASSERT_TRUE(local.ok());
  for (int i = 0; i < 50; ++i) {
    const uint64_t pc = 0x40000 + 0x100 * i;
    const std::vector<uint8_t> bytes = AddiBlock(1 + i, i);
    auto remote = session_->Translate(requester, pc, bytes);
    auto expected = TranslateLocally(**local, pc, bytes);
    ASSERT_TRUE(remote.ok()) << i << ": " << remote.status();
    ASSERT_TRUE(expected.ok()) << i << ": " << expected.status();
    EXPECT_EQ(remote->guest_insns, static_cast<uint32_t>(i + 2)) << i;
    EXPECT_EQ(remote->code.code_offset, expected->code.code_offset) << i;
    EXPECT_EQ(CompareTranslations(session_->buffer(), *remote, **local, *expected), "") << i;
  }
}

TEST_F(TranslateTest, OneInsnFlagMakesOneInstructionTbs) {
  auto requester = session_->NewRequester();
  auto remote = session_->Translate(requester, kPc, MixedBlock(), translator::kTbFlagOneInsn);
  ASSERT_TRUE(remote.ok()) << remote.status();
  EXPECT_EQ(remote->guest_insns, 1u);
  EXPECT_EQ(remote->guest_size, 4u);
  EXPECT_EQ(remote->flags, translator::kTbFlagOneInsn);
}

TEST_F(TranslateTest, DebugBitsReturnInAsmOpAndOutAsm) {
  auto requester = session_->NewRequester();
  std::string text;
  auto remote = session_->Translate(requester, kPc, MixedBlock(), 0, wire::kDebugAll, &text);
  ASSERT_TRUE(remote.ok()) << remote.status();
  // in_asm: each guest instruction with its address and raw encoding.
  EXPECT_NE(text.find("IN:"), std::string::npos) << text;
  EXPECT_NE(text.find("0x0000000000010078:  00150513  addi"), std::string::npos) << text;
  EXPECT_NE(text.find("0505"), std::string::npos) << text;
  EXPECT_NE(text.find("00b50533  add"), std::string::npos) << text;
  EXPECT_NE(text.find("00b50463  beq"), std::string::npos) << text;
  EXPECT_NE(text.find("OP:"), std::string::npos) << text;
  EXPECT_NE(text.find("OP after optimization and liveness analysis:"), std::string::npos) << text;
  EXPECT_NE(text.find("OUT: [size=" + std::to_string(remote->code.code_size) + "]"),
            std::string::npos)
      << text;

  // Only what was asked for.
  std::string in_asm_only;
  auto again =
      session_->Translate(requester, kPc, MixedBlock(), 0, wire::kDebugInAsm, &in_asm_only);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(in_asm_only.find("addi"), std::string::npos);
  EXPECT_EQ(in_asm_only.find("OP:"), std::string::npos) << in_asm_only;
  EXPECT_EQ(in_asm_only.find("OUT:"), std::string::npos) << in_asm_only;
}

TEST_F(TranslateTest, NoBytesIsAFetchFault) {
  auto requester = session_->NewRequester();
  auto remote = session_->Translate(requester, kPc, {});
  EXPECT_TRUE(absl::IsNotFound(remote.status())) << remote.status();
  EXPECT_NE(remote.status().message().find("fetch fault"), std::string::npos) << remote.status();
  // A 4-byte instruction cut after its first parcel: still a fetch fault.
  std::vector<uint8_t> half = GuestBytes({kAddi});
  half.resize(2);
  EXPECT_TRUE(absl::IsNotFound(session_->Translate(requester, kPc, half).status()));
  // And the session still translates.
  EXPECT_TRUE(session_->Translate(requester, kPc, MixedBlock()).ok());
}

TEST_F(TranslateTest, StatsCountTranslations) {
  auto requester = session_->NewRequester();
  uint64_t host_bytes = 0;
  for (int i = 0; i < 10; ++i) {
    auto t = session_->Translate(requester, kPc + 0x1000 * i, AddiBlock(3, i));
    ASSERT_TRUE(t.ok()) << t.status();
    host_bytes += t->code.code_size;
  }
  ASSERT_TRUE(absl::IsNotFound(session_->Translate(requester, kPc, {}).status()));
  auto stats = translator_.Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->requests(), 11u);
  EXPECT_EQ(stats->tbs_translated(), 10u);
  EXPECT_EQ(stats->host_bytes_emitted(), host_bytes);
  EXPECT_EQ(stats->requests_rejected(), 0u);
  EXPECT_EQ(stats->sessions(), 1u);
  EXPECT_EQ(stats->sessions_total(), 1u);
  EXPECT_EQ(stats->flushes(), 0u);
  EXPECT_EQ(stats->data_socket(), translator_.data_socket());
  EXPECT_GT(stats->latency_p50_ns(), 0u);
  EXPECT_GE(stats->latency_p99_ns(), stats->latency_p50_ns());
  EXPECT_LT(stats->latency_p99_ns(), 10'000'000'000u);  // a sanity bound: 10 s
}

// Two regions of 64 KiB: the smallest buffer CodeGenBuffer makes.
constexpr size_t kTinyRegion = 64 << 10;
constexpr size_t kTinyBuffer = 2 * 4096 + 2 * (kTinyRegion + 4096);

TEST(TranslateFullBufferTest, FullIsResourceExhaustedAndKFlushStartsOver) {
  TranslatorProcess translator;
  ASSERT_TRUE(translator.serving()) << translator.Output();
  SessionOptions options;
  options.buffer_size = kTinyBuffer;
  options.region_size = kTinyRegion;
  auto session = TestSession::Attach(translator.data_socket(), options);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_EQ((*session)->buffer().num_regions(), 2);
  auto requester = (*session)->NewRequester();
  // The oracle runs the same requests into a buffer of the same geometry: it
  // fills up at the same request.
  auto local = codegen::CodeGenBuffer::Create({.size = kTinyBuffer, .region_size = kTinyRegion});
  ASSERT_TRUE(local.ok());

  int translated = 0;
  for (; translated < 10000; ++translated) {
    const uint64_t pc = 0x10000 + 0x1000 * translated;
    const std::vector<uint8_t> bytes = AddiBlock(100, translated);
    auto remote = (*session)->Translate(requester, pc, bytes);
    auto expected = TranslateLocally(**local, pc, bytes);
    ASSERT_EQ(remote.status().code(), expected.status().code())
        << translated << ": " << remote.status() << " vs " << expected.status();
    if (!remote.ok()) break;
    EXPECT_EQ(remote->code.code_offset, expected->code.code_offset);
    EXPECT_EQ(CompareTranslations((*session)->buffer(), *remote, **local, *expected), "");
  }
  // Both regions were used before the buffer filled.
  ASSERT_GT(translated, 2);
  ASSERT_LT(translated, 10000);
  auto full = (*session)->Translate(requester, 0x10000, AddiBlock(100, 0));
  EXPECT_TRUE(absl::IsResourceExhausted(full.status())) << full.status();
  // The same request again: still full (nothing was freed).
  EXPECT_TRUE(absl::IsResourceExhausted(
      (*session)->Translate(requester, 0x10000, AddiBlock(100, 1)).status()));

  ASSERT_TRUE((*session)->Flush(requester).ok());
  auto after = (*session)->Translate(requester, 0x10000, AddiBlock(100, 0));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->code.code_offset, (*session)->buffer().region_start(0));
  (*local)->Flush();
  auto expected = TranslateLocally(**local, 0x10000, AddiBlock(100, 0));
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(CompareTranslations((*session)->buffer(), *after, **local, *expected), "");

  auto stats = translator.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->flushes(), 1u);
  EXPECT_EQ(stats->tbs_translated(), static_cast<uint64_t>(translated) + 1);
}

}  // namespace
}  // namespace dbt::testing
