#include "services/translator/wire/tb_wire.h"

#include <cstring>

#include "gtest/gtest.h"

namespace dbt::translator::wire {
namespace {

// addi a0, a0, 1; addi a1, a1, 2; beq a0, a1, +8 (ends the TB): encodings
// from the RISC-V manual's I/B formats.
const uint8_t kCode[] = {0x13, 0x05, 0x15, 0x00, 0x93, 0x85, 0x25, 0x00, 0x63, 0x04, 0xb5, 0x00};

struct Translated {
  std::unique_ptr<codegen::CodeGenBuffer> buffer;
  TbTranslation t;
};

Translated TranslateSample(uint64_t pc) {
  Translated out;
  codegen::CodeGenBufferOptions options;
  options.size = 1 << 20;
  out.buffer = *codegen::CodeGenBuffer::Create(options);
  frontend::riscv::BufferCodeSource source(pc, kCode);
  absl::StatusOr<TbTranslation> t = TranslateTb(source, pc, 0, *out.buffer);
  EXPECT_TRUE(t.ok()) << t.status();
  out.t = *t;
  return out;
}

TEST(TbWireTest, TranslationRoundTrip) {
  const uint64_t pc = 0x10000;
  Translated sample = TranslateSample(pc);
  const TbTranslation& t = sample.t;
  ASSERT_EQ(t.guest_insns, 3u);
  TranslateRequest request{.flags = 0, .pc = pc, .debug = 0, .bytes = kCode};
  std::vector<uint8_t> bytes = EncodeTranslation(t, "IN: text\n");
  std::string text;
  absl::StatusOr<TbTranslation> back =
      DecodeTranslation(bytes, request, sample.buffer->size(), &text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(text, "IN: text\n");
  EXPECT_EQ(back->guest_pc, t.guest_pc);
  EXPECT_EQ(back->guest_size, 12u);
  EXPECT_EQ(back->guest_insns, 3u);
  EXPECT_EQ(back->hash, t.hash);
  ASSERT_EQ(back->ranges.size(), 1u);
  EXPECT_EQ(back->ranges[0].start, pc);
  EXPECT_EQ(back->code.code_offset, t.code.code_offset);
  EXPECT_EQ(back->code.code_size, t.code.code_size);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(back->code.slots[i].used, t.code.slots[i].used);
    EXPECT_EQ(back->code.slots[i].jump_field, t.code.slots[i].jump_field);
    EXPECT_EQ(back->code.slots[i].unlinked_target, t.code.slots[i].unlinked_target);
  }
  ASSERT_EQ(back->code.pc_map.size(), t.code.pc_map.size());
  for (size_t i = 0; i < t.code.pc_map.size(); ++i) {
    EXPECT_EQ(back->code.pc_map[i].host_offset, t.code.pc_map[i].host_offset);
    EXPECT_EQ(back->code.pc_map[i].guest_pc, t.code.pc_map[i].guest_pc);
  }
}

TEST(TbWireTest, EveryTruncationOfATranslationIsRejected) {
  Translated sample = TranslateSample(0x10000);
  TranslateRequest request{.flags = 0, .pc = 0x10000, .debug = 0, .bytes = kCode};
  std::vector<uint8_t> bytes = EncodeTranslation(sample.t, "abc");
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::Span<const uint8_t> cut(bytes.data(), n);
    EXPECT_TRUE(
        absl::IsDataLoss(DecodeTranslation(cut, request, sample.buffer->size(), nullptr).status()))
        << n;
  }
  bytes.push_back(0);
  EXPECT_TRUE(
      absl::IsDataLoss(DecodeTranslation(bytes, request, sample.buffer->size(), nullptr).status()));
}

TEST(TbWireTest, TranslationThatDoesNotFitTheRequestIsRejected) {
  Translated sample = TranslateSample(0x10000);
  std::vector<uint8_t> bytes = EncodeTranslation(sample.t, "");
  TranslateRequest other_pc{.flags = 0, .pc = 0x20000, .debug = 0, .bytes = kCode};
  EXPECT_TRUE(absl::IsDataLoss(DecodeTranslation(bytes, other_pc, 1 << 20, nullptr).status()));
  TranslateRequest other_flags{.flags = kTbFlagOneInsn, .pc = 0x10000, .debug = 0, .bytes = kCode};
  EXPECT_TRUE(absl::IsDataLoss(DecodeTranslation(bytes, other_flags, 1 << 20, nullptr).status()));
  // Fewer bytes sent than the TB claims to cover.
  TranslateRequest fewer{
      .flags = 0, .pc = 0x10000, .debug = 0, .bytes = absl::Span<const uint8_t>(kCode, 8)};
  EXPECT_TRUE(absl::IsDataLoss(DecodeTranslation(bytes, fewer, 1 << 20, nullptr).status()));
  // Code beyond the end of the buffer.
  TranslateRequest ok{.flags = 0, .pc = 0x10000, .debug = 0, .bytes = kCode};
  EXPECT_TRUE(absl::IsDataLoss(
      DecodeTranslation(bytes, ok, sample.t.code.code_offset + 8, nullptr).status()));
  TbTranslation bad_slot = sample.t;
  bad_slot.code.slots[0].used = true;
  bad_slot.code.slots[0].jump_field = static_cast<uint32_t>(bad_slot.code.code_size);
  EXPECT_TRUE(absl::IsDataLoss(
      DecodeTranslation(EncodeTranslation(bad_slot, ""), ok, 1 << 20, nullptr).status()));
  TbTranslation bad_map = sample.t;
  bad_map.code.pc_map.back().guest_pc = 0x10000 + 12;
  EXPECT_TRUE(absl::IsDataLoss(
      DecodeTranslation(EncodeTranslation(bad_map, ""), ok, 1 << 20, nullptr).status()));
}

TEST(TbWireTest, LongDebugTextIsCutToFitTheAnswer) {
  Translated sample = TranslateSample(0x10000);
  std::string huge(kMaxResponseBytes * 2, 'x');
  std::vector<uint8_t> bytes = EncodeTranslation(sample.t, huge);
  EXPECT_LE(bytes.size(), kMaxResponseBytes);
  TranslateRequest ok{.flags = 0, .pc = 0x10000, .debug = 0, .bytes = kCode};
  std::string text;
  ASSERT_TRUE(DecodeTranslation(bytes, ok, 1 << 20, &text).ok());
  EXPECT_NE(text.find("cut here"), std::string::npos);
  EXPECT_EQ(text.substr(0, 100), std::string(100, 'x'));
}

TEST(TbWireTest, RequestRoundTrip) {
  TranslateRequest request{
      .flags = kTbFlagOneInsn, .pc = 0x4000, .debug = kDebugInAsm | kDebugOp, .bytes = kCode};
  std::vector<uint8_t> bytes = EncodeTranslateRequest(request);
  absl::StatusOr<Request> back = DecodeRequest(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->kind, RequestKind::kTranslate);
  EXPECT_EQ(back->translate.flags, kTbFlagOneInsn);
  EXPECT_EQ(back->translate.pc, 0x4000u);
  EXPECT_EQ(back->translate.debug, kDebugInAsm | kDebugOp);
  ASSERT_EQ(back->translate.bytes.size(), sizeof(kCode));
  EXPECT_EQ(std::memcmp(back->translate.bytes.data(), kCode, sizeof(kCode)), 0);
  EXPECT_FALSE(back->translate.from_file);
  request.from_file = true;
  EXPECT_TRUE(DecodeRequest(EncodeTranslateRequest(request))->translate.from_file);
  std::vector<uint8_t> bad = EncodeTranslateRequest(request);
  bad.back() = 0;
  bad[bad.size() - 4] = 2;  // from_file is 0 or 1
  EXPECT_FALSE(DecodeRequest(bad).ok());

  absl::StatusOr<Request> flush = DecodeRequest(EncodeFlushRequest());
  ASSERT_TRUE(flush.ok());
  EXPECT_EQ(flush->kind, RequestKind::kFlush);
}

TEST(TbWireTest, MalformedRequestsAreRejected) {
  TranslateRequest good{.flags = 0, .pc = 0x4000, .debug = 0, .bytes = kCode};
  std::vector<uint8_t> bytes = EncodeTranslateRequest(good);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_TRUE(
        absl::IsInvalidArgument(DecodeRequest(absl::Span<const uint8_t>(bytes.data(), n)).status()))
        << n;
  }
  std::vector<uint8_t> trailing = bytes;
  trailing.push_back(1);
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeRequest(trailing).status()));

  auto with = [&](auto mutate) {
    TranslateRequest r = good;
    mutate(r);
    return DecodeRequest(EncodeTranslateRequest(r)).status();
  };
  EXPECT_TRUE(absl::IsInvalidArgument(with([](TranslateRequest& r) { r.flags = 0x80; })));
  EXPECT_TRUE(absl::IsInvalidArgument(with([](TranslateRequest& r) { r.pc = 0x4001; })));
  EXPECT_TRUE(absl::IsInvalidArgument(with([](TranslateRequest& r) { r.debug = 0x100; })));
  EXPECT_TRUE(absl::IsInvalidArgument(with([](TranslateRequest& r) { r.pc = ~uint64_t{0} - 5; })));
  std::vector<uint8_t> too_many(kMaxGuestBytes + 1, 0x13);
  EXPECT_TRUE(absl::IsInvalidArgument(
      with([&](TranslateRequest& r) { r.bytes = absl::Span<const uint8_t>(too_many); })));

  // A byte count larger than the bytes present.
  std::vector<uint8_t> lying = bytes;
  const uint32_t claimed = 1000;
  std::memcpy(lying.data() + 20, &claimed, 4);
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeRequest(lying).status()));

  const uint8_t bad_kind[] = {9, 0, 0, 0};
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeRequest(bad_kind).status()));
}

TEST(TbWireTest, HelloRoundTripAndRejects) {
  Hello hello{.wire_version = kWireVersion,
              .translator_abi = 7,
              .buffer_size = 1 << 24,
              .region_size = 1 << 20,
              .session_id = "s42"};
  std::vector<uint8_t> bytes = EncodeHello(hello);
  absl::StatusOr<Hello> back = DecodeHello(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->translator_abi, 7u);
  EXPECT_EQ(back->buffer_size, uint64_t{1} << 24);
  EXPECT_EQ(back->region_size, uint64_t{1} << 20);
  EXPECT_EQ(back->session_id, "s42");
  EXPECT_EQ(back->code_start, 0u);
  Hello placed = hello;
  placed.code_start = 4096 + 160;
  ASSERT_TRUE(DecodeHello(EncodeHello(placed)).ok());
  EXPECT_EQ(DecodeHello(EncodeHello(placed))->code_start, 4096u + 160u);
  placed.code_start = placed.buffer_size;  // beyond the buffer
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeHello(EncodeHello(placed)).status()));
  bytes[0] ^= 1;
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeHello(bytes).status()));
  Hello long_id = hello;
  long_id.session_id.assign(kMaxSessionIdBytes + 1, 'a');
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeHello(EncodeHello(long_id)).status()));

  HelloReply reply{.status_code = 3, .message = "no"};
  absl::StatusOr<HelloReply> r = DecodeHelloReply(EncodeHelloReply(reply));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status_code, 3u);
  EXPECT_EQ(r->message, "no");
}

}  // namespace
}  // namespace dbt::translator::wire
