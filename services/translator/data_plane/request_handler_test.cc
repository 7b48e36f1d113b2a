// The per-request logic of a session, in one process: decode, translate or
// flush, and what is answered; the buffer is untouched by anything rejected.
#include "services/translator/data_plane/request_handler.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "services/translator/frontend/riscv/guest_code_source.h"
#include "services/translator/translate_tb.h"
#include "services/translator/wire/tb_wire.h"

namespace dbt::translator {
namespace {

// RV64 encodings worked from the ISA manual's base formats:
//   addi a0, a0, 1   I-type imm=1, rs1=x10, funct3=000, rd=x10, opcode 0010011
//                    = 1<<20 | 10<<15 | 10<<7 | 0x13 = 0x00150513
//   ecall            SYSTEM opcode 1110011, every other field 0 = 0x00000073
constexpr uint32_t kAddiA0A0One = 0x00150513;
constexpr uint32_t kEcall = 0x00000073;
constexpr uint64_t kPc = 0x10000;

std::vector<uint8_t> Le32(std::initializer_list<uint32_t> words) {
  std::vector<uint8_t> out;
  for (uint32_t w : words) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(w >> (8 * i)));
  }
  return out;
}

std::unique_ptr<codegen::CodeGenBuffer> NewBuffer(size_t size = 4 << 20) {
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> b =
      codegen::CodeGenBuffer::Create({.size = size, .region_size = 0});
  EXPECT_TRUE(b.ok()) << b.status();
  return *std::move(b);
}

std::vector<uint8_t> TranslateRequestBytes(const std::vector<uint8_t>& guest, uint32_t debug = 0,
                                           uint64_t pc = kPc) {
  wire::TranslateRequest r;
  r.pc = pc;
  r.debug = debug;
  r.bytes = guest;
  return wire::EncodeTranslateRequest(r);
}

TEST(RequestHandlerTest, TranslatesLikeTranslateTbIntoTheSameOffset) {
  auto buffer = NewBuffer();
  std::atomic<bool> flush{false};
  const std::vector<uint8_t> guest = Le32({kAddiA0A0One, kEcall});
  RequestOutcome out = HandleRequest(TranslateRequestBytes(guest), *buffer, flush);
  ASSERT_EQ(out.kind, RequestOutcome::Kind::kTranslate);
  ASSERT_TRUE(out.status.ok()) << out.status;

  wire::TranslateRequest request;
  request.pc = kPc;
  request.bytes = guest;
  std::string text;
  absl::StatusOr<TbTranslation> t =
      wire::DecodeTranslation(out.response, request, buffer->size(), &text);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->guest_size, 8u);  // the TB ends at the ecall
  EXPECT_EQ(t->guest_insns, 2u);
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(out.host_bytes, t->code.code_size);

  auto local = NewBuffer();
  frontend::riscv::BufferCodeSource source(kPc, guest);
  absl::StatusOr<TbTranslation> expected = TranslateTb(source, kPc, 0, *local);
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(t->code.code_offset, expected->code.code_offset);
  ASSERT_EQ(t->code.code_size, expected->code.code_size);
  EXPECT_EQ(memcmp(buffer->rw_at(t->code.code_offset), local->rw_at(expected->code.code_offset),
                   t->code.code_size),
            0);
  EXPECT_EQ(t->hash.lo, expected->hash.lo);
  EXPECT_EQ(t->hash.hi, expected->hash.hi);
}

TEST(RequestHandlerTest, DebugBitsReturnTheDumps) {
  auto buffer = NewBuffer();
  std::atomic<bool> flush{false};
  // beq a0, a1, +8: imm[12|10:5]=0 | rs2=x11 | rs1=x10 | 000 | imm[4:1|11]=0100'0 | 1100011
  //   = 11<<20 | 10<<15 | 4<<8 | 0x63 = 0x00b50463
  const std::vector<uint8_t> guest = Le32({kAddiA0A0One, 0x00b50463});
  RequestOutcome out = HandleRequest(TranslateRequestBytes(guest, wire::kDebugAll), *buffer, flush);
  ASSERT_TRUE(out.status.ok()) << out.status;
  wire::TranslateRequest request;
  request.pc = kPc;
  request.bytes = guest;
  request.debug = wire::kDebugAll;
  std::string text;
  ASSERT_TRUE(wire::DecodeTranslation(out.response, request, buffer->size(), &text).ok());
  EXPECT_NE(text.find("IN:"), std::string::npos) << text;
  EXPECT_NE(text.find("00150513"), std::string::npos) << text;
  EXPECT_NE(text.find("addi"), std::string::npos) << text;
  EXPECT_NE(text.find("beq"), std::string::npos) << text;
  EXPECT_NE(text.find("OP:"), std::string::npos) << text;
  EXPECT_NE(text.find("OP after optimization"), std::string::npos) << text;
  EXPECT_NE(text.find("OUT: [size="), std::string::npos) << text;
}

TEST(RequestHandlerTest, NoBytesIsAFetchFault) {
  auto buffer = NewBuffer();
  std::atomic<bool> flush{false};
  const size_t used = buffer->bytes_used();
  RequestOutcome out = HandleRequest(TranslateRequestBytes({}), *buffer, flush);
  EXPECT_EQ(out.kind, RequestOutcome::Kind::kTranslate);
  EXPECT_TRUE(absl::IsNotFound(out.status)) << out.status;
  EXPECT_EQ(buffer->bytes_used(), used);
}

// A 4-byte instruction with only its first parcel sent: the second parcel
// cannot be fetched, so the first instruction is a fetch fault.
TEST(RequestHandlerTest, HalfAnInstructionIsAFetchFault) {
  auto buffer = NewBuffer();
  std::atomic<bool> flush{false};
  std::vector<uint8_t> guest = Le32({kAddiA0A0One});
  guest.resize(2);
  RequestOutcome out = HandleRequest(TranslateRequestBytes(guest), *buffer, flush);
  EXPECT_TRUE(absl::IsNotFound(out.status)) << out.status;
}

TEST(RequestHandlerTest, MalformedRequestsAreRejectedWithoutTouchingTheBuffer) {
  auto buffer = NewBuffer();
  std::atomic<bool> flush{false};
  const size_t used = buffer->bytes_used();
  const std::vector<uint8_t> good = TranslateRequestBytes(Le32({kAddiA0A0One, kEcall}));
  std::vector<std::vector<uint8_t>> bad;
  bad.push_back({});                                                  // nothing
  bad.push_back(std::vector<uint8_t>(good.begin(), good.end() - 1));  // truncated
  bad.push_back(Le32({7}));                                           // unknown kind
  bad.push_back(TranslateRequestBytes(Le32({kEcall}), 0, kPc + 1));   // odd pc
  std::vector<uint8_t> lying = good;
  lying[20] += 1;  // the bytes count (kind 4 + flags 4 + pc 8 + debug 4 = offset 20) says 9
  bad.push_back(lying);
  std::vector<uint8_t> trailing = good;
  trailing.push_back(0);
  bad.push_back(trailing);
  std::vector<uint8_t> oversize =
      TranslateRequestBytes(std::vector<uint8_t>(wire::kMaxGuestBytes + 2, 0x13));
  bad.push_back(oversize);
  std::vector<uint8_t> flags = good;
  flags[4] = 0x80;  // an unknown TbFlags bit
  bad.push_back(flags);
  std::vector<uint8_t> flush_with_tail = wire::EncodeFlushRequest();
  flush_with_tail.push_back(1);
  bad.push_back(flush_with_tail);
  for (size_t i = 0; i < bad.size(); ++i) {
    RequestOutcome out = HandleRequest(bad[i], *buffer, flush);
    EXPECT_EQ(out.kind, RequestOutcome::Kind::kRejected) << i;
    EXPECT_TRUE(absl::IsInvalidArgument(out.status)) << i << ": " << out.status;
    EXPECT_EQ(buffer->bytes_used(), used) << i;
  }
  EXPECT_EQ(buffer->flush_count(), 0u);
}

TEST(RequestHandlerTest, AFlushMarkRefusesTranslationUntilKFlush) {
  auto buffer = NewBuffer();
  std::atomic<bool> flush{false};
  const std::vector<uint8_t> request = TranslateRequestBytes(Le32({kAddiA0A0One, kEcall}));
  RequestOutcome first = HandleRequest(request, *buffer, flush);
  ASSERT_TRUE(first.status.ok());
  const size_t used = buffer->bytes_used();
  ASSERT_GT(used, 0u);

  flush.store(true);
  RequestOutcome refused = HandleRequest(request, *buffer, flush);
  EXPECT_TRUE(absl::IsResourceExhausted(refused.status)) << refused.status;
  EXPECT_EQ(buffer->bytes_used(), used);

  RequestOutcome flushed = HandleRequest(wire::EncodeFlushRequest(), *buffer, flush);
  EXPECT_EQ(flushed.kind, RequestOutcome::Kind::kFlush);
  EXPECT_TRUE(flushed.status.ok());
  EXPECT_TRUE(flushed.response.empty());
  EXPECT_FALSE(flush.load());
  EXPECT_EQ(buffer->bytes_used(), 0u);
  EXPECT_EQ(buffer->flush_count(), 1u);

  // Allocation starts over at the first region.
  RequestOutcome again = HandleRequest(request, *buffer, flush);
  ASSERT_TRUE(again.status.ok()) << again.status;
  wire::TranslateRequest r;
  r.pc = kPc;
  std::vector<uint8_t> guest = Le32({kAddiA0A0One, kEcall});
  r.bytes = guest;
  absl::StatusOr<TbTranslation> t =
      wire::DecodeTranslation(again.response, r, buffer->size(), nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->code.code_offset, buffer->region_start(0));
}

}  // namespace
}  // namespace dbt::translator
