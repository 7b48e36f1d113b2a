#include "services/translator/wire/tb_wire.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/bytes/byte_codec.h"

namespace dbt::translator::wire {
namespace {

using Writer = ByteWriter;
using Reader = ByteReader;

std::string AsString(absl::Span<const uint8_t> s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

}  // namespace

std::vector<uint8_t> EncodeHello(const Hello& hello) {
  Writer w;
  w.U32(kHelloMagic);
  w.U32(hello.wire_version);
  w.U32(hello.translator_abi);
  w.U64(hello.buffer_size);
  w.U64(hello.region_size);
  w.Bytes(hello.session_id.data(), hello.session_id.size());
  return w.Take();
}

absl::StatusOr<Hello> DecodeHello(absl::Span<const uint8_t> bytes) {
  Reader r(bytes);
  Hello h;
  if (r.U32("magic") != kHelloMagic) r.Fail("magic");
  h.wire_version = r.U32("wire_version");
  h.translator_abi = r.U32("translator_abi");
  h.buffer_size = r.U64("buffer_size");
  h.region_size = r.U64("region_size");
  h.session_id = AsString(r.Bytes(kMaxSessionIdBytes, "session_id"));
  if (absl::Status s = r.Finish(absl::StatusCode::kInvalidArgument, "hello"); !s.ok()) return s;
  return h;
}

std::vector<uint8_t> EncodeHelloReply(const HelloReply& reply) {
  Writer w;
  w.U32(kHelloReplyMagic);
  w.U32(reply.status_code);
  const size_t n = std::min<size_t>(reply.message.size(), 1024);
  w.Bytes(reply.message.data(), n);
  return w.Take();
}

absl::StatusOr<HelloReply> DecodeHelloReply(absl::Span<const uint8_t> bytes) {
  Reader r(bytes);
  HelloReply h;
  if (r.U32("magic") != kHelloReplyMagic) r.Fail("magic");
  h.status_code = r.U32("status_code");
  h.message = AsString(r.Bytes(1024, "message"));
  if (absl::Status s = r.Finish(absl::StatusCode::kDataLoss, "hello reply"); !s.ok()) return s;
  return h;
}

std::vector<uint8_t> EncodeTranslateRequest(const TranslateRequest& request) {
  Writer w;
  w.U32(static_cast<uint32_t>(RequestKind::kTranslate));
  w.U32(request.flags);
  w.U64(request.pc);
  w.U32(request.debug);
  w.Bytes(request.bytes.data(), request.bytes.size());
  return w.Take();
}

std::vector<uint8_t> EncodeFlushRequest() {
  Writer w;
  w.U32(static_cast<uint32_t>(RequestKind::kFlush));
  return w.Take();
}

absl::StatusOr<Request> DecodeRequest(absl::Span<const uint8_t> bytes) {
  Reader r(bytes);
  Request request;
  const uint32_t kind = r.U32("kind");
  if (kind == static_cast<uint32_t>(RequestKind::kFlush)) {
    request.kind = RequestKind::kFlush;
  } else if (kind == static_cast<uint32_t>(RequestKind::kTranslate)) {
    request.kind = RequestKind::kTranslate;
    TranslateRequest& t = request.translate;
    t.flags = r.U32("flags");
    if ((t.flags & ~uint32_t{kTbFlagOneInsn}) != 0) r.Fail("flags");
    t.pc = r.U64("pc");
    if ((t.pc & 1) != 0) r.Fail("pc");
    t.debug = r.U32("debug");
    if ((t.debug & ~uint32_t{kDebugAll}) != 0) r.Fail("debug");
    t.bytes = r.Bytes(kMaxGuestBytes, "bytes");
    // The bytes must not wrap around the address space.
    if (t.pc + t.bytes.size() < t.pc) r.Fail("bytes");
  } else {
    r.Fail("kind");
  }
  if (absl::Status s = r.Finish(absl::StatusCode::kInvalidArgument, "translation request");
      !s.ok()) {
    return s;
  }
  return request;
}

std::vector<uint8_t> EncodeTranslation(const TbTranslation& t, std::string_view debug_text) {
  Writer w;
  w.U64(t.guest_pc);
  w.U64(t.guest_size);
  w.U32(t.guest_insns);
  w.U32(t.flags);
  w.U64(t.hash.lo);
  w.U64(t.hash.hi);
  w.U32(static_cast<uint32_t>(t.ranges.size()));
  for (const frontend::riscv::GuestRange& range : t.ranges) {
    w.U64(range.start);
    w.U64(range.size);
  }
  w.U64(t.code.code_offset);
  w.U64(t.code.code_size);
  for (const tb::JumpSlot& slot : t.code.slots) {
    w.U8(slot.used ? 1 : 0);
    w.U32(slot.jump_field);
    w.U32(slot.unlinked_target);
  }
  w.U32(t.code.ops_before);
  w.U32(t.code.ops_after);
  w.U32(t.code.spill_slots);
  w.U32(static_cast<uint32_t>(t.code.pc_map.size()));
  for (const tb::PcMapEntry& e : t.code.pc_map) {
    w.U32(e.host_offset);
    w.U64(e.guest_pc);
  }
  // Whatever room is left (with margin for the length field) is the most
  // debug text the answer can carry.
  std::vector<uint8_t> out = w.Take();
  const size_t room = kMaxResponseBytes - out.size() - 4;
  constexpr std::string_view kCut = "\n[dbt: -d output of this TB cut here]\n";
  Writer tail;
  if (debug_text.size() <= room) {
    tail.Bytes(debug_text.data(), debug_text.size());
  } else {
    std::string cut(debug_text.substr(0, room - kCut.size()));
    cut += kCut;
    tail.Bytes(cut.data(), cut.size());
  }
  std::vector<uint8_t> rest = tail.Take();
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

absl::StatusOr<TbTranslation> DecodeTranslation(absl::Span<const uint8_t> bytes,
                                                const TranslateRequest& request,
                                                uint64_t buffer_size, std::string* debug_text) {
  Reader r(bytes);
  TbTranslation t;
  t.guest_pc = r.U64("guest_pc");
  if (t.guest_pc != request.pc) r.Fail("guest_pc");
  t.guest_size = r.U64("guest_size");
  if (t.guest_size == 0 || t.guest_size > request.bytes.size()) r.Fail("guest_size");
  t.guest_insns = r.U32("guest_insns");
  if (t.guest_insns == 0 || t.guest_insns > t.guest_size / 2) r.Fail("guest_insns");
  t.flags = r.U32("flags");
  if (t.flags != request.flags) r.Fail("flags");
  t.hash.lo = r.U64("hash");
  t.hash.hi = r.U64("hash");
  const uint32_t nranges = r.U32("ranges");
  if (nranges == 0 || nranges > 2) r.Fail("ranges");
  uint64_t covered = 0;
  for (uint32_t i = 0; i < nranges && i < 2; ++i) {
    frontend::riscv::GuestRange range;
    range.start = r.U64("range");
    range.size = r.U64("range");
    if (range.start != t.guest_pc + covered || range.size > t.guest_size - covered) {
      r.Fail("range");
    }
    covered += range.size;
    t.ranges.push_back(range);
  }
  if (covered != t.guest_size) r.Fail("ranges");
  t.code.guest_pc = t.guest_pc;
  t.code.code_offset = r.U64("code_offset");
  t.code.code_size = r.U64("code_size");
  if (t.code.code_size == 0 || t.code.code_offset > buffer_size ||
      t.code.code_size > buffer_size - t.code.code_offset || t.code.code_offset % 16 != 0) {
    r.Fail("code location");
  }
  for (tb::JumpSlot& slot : t.code.slots) {
    slot.used = r.U8("slot") != 0;
    slot.jump_field = r.U32("slot");
    slot.unlinked_target = r.U32("slot");
    if (slot.used && (uint64_t{slot.jump_field} + 4 > t.code.code_size ||
                      slot.unlinked_target > t.code.code_size)) {
      r.Fail("slot");
    }
  }
  t.code.ops_before = r.U32("ops_before");
  t.code.ops_after = r.U32("ops_after");
  t.code.spill_slots = r.U32("spill_slots");
  const uint32_t nmap = r.U32("pc_map");
  if (nmap > t.guest_insns) r.Fail("pc_map");
  uint32_t last_offset = 0;
  for (uint32_t i = 0; i < nmap && i <= t.guest_insns; ++i) {
    tb::PcMapEntry e;
    e.host_offset = r.U32("pc_map");
    e.guest_pc = r.U64("pc_map");
    if (e.host_offset > t.code.code_size || e.host_offset < last_offset ||
        e.guest_pc < t.guest_pc || e.guest_pc >= t.guest_pc + t.guest_size) {
      r.Fail("pc_map");
    }
    last_offset = e.host_offset;
    t.code.pc_map.push_back(e);
  }
  absl::Span<const uint8_t> text = r.Bytes(kMaxResponseBytes, "debug_text");
  if (absl::Status s = r.Finish(absl::StatusCode::kDataLoss, "translation"); !s.ok()) return s;
  if (debug_text != nullptr) *debug_text = AsString(text);
  return t;
}

}  // namespace dbt::translator::wire
