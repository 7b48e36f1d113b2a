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
  w.Bytes(hello.cache_file_hash.data(), hello.cache_file_hash.size());
  w.U32(hello.tb_flags);
  w.U64(hello.image_start);
  w.U64(hello.image_end);
  w.U64(hello.code_start);
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
  h.cache_file_hash = AsString(r.Bytes(16, "cache_file_hash"));
  if (!h.cache_file_hash.empty() && h.cache_file_hash.size() != 16) r.Fail("cache_file_hash");
  h.tb_flags = r.U32("tb_flags");
  if ((h.tb_flags & ~uint32_t{kTbFlagOneInsn}) != 0) r.Fail("tb_flags");
  h.image_start = r.U64("image_start");
  h.image_end = r.U64("image_end");
  if (h.image_end < h.image_start) r.Fail("image range");
  h.code_start = r.U64("code_start");
  if (h.code_start >= h.buffer_size && h.code_start != 0) r.Fail("code_start");
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
  w.U32(request.from_file ? 1 : 0);
  return w.Take();
}

std::vector<uint8_t> EncodeFlushRequest() {
  Writer w;
  w.U32(static_cast<uint32_t>(RequestKind::kFlush));
  return w.Take();
}

std::vector<uint8_t> EncodePreloadRequest(uint32_t cursor) {
  Writer w;
  w.U32(static_cast<uint32_t>(RequestKind::kPreload));
  w.U32(cursor);
  return w.Take();
}

absl::StatusOr<Request> DecodeRequest(absl::Span<const uint8_t> bytes) {
  Reader r(bytes);
  Request request;
  const uint32_t kind = r.U32("kind");
  if (kind == static_cast<uint32_t>(RequestKind::kFlush)) {
    request.kind = RequestKind::kFlush;
  } else if (kind == static_cast<uint32_t>(RequestKind::kPreload)) {
    request.kind = RequestKind::kPreload;
    request.preload_cursor = r.U32("cursor");
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
    const uint32_t from_file = r.U32("from_file");
    if (from_file > 1) r.Fail("from_file");
    t.from_file = from_file == 1;
  } else {
    r.Fail("kind");
  }
  if (absl::Status s = r.Finish(absl::StatusCode::kInvalidArgument, "translation request");
      !s.ok()) {
    return s;
  }
  return request;
}

namespace {

void WriteTranslation(Writer& w, const TbTranslation& t) {
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
}

}  // namespace

std::vector<uint8_t> EncodeTranslation(const TbTranslation& t, std::string_view debug_text,
                                       const TranslationNote& note) {
  Writer w;
  WriteTranslation(w, t);
  constexpr size_t kNoteBytes = 2 + 4 + 1024;
  // Whatever room is left (with margin for the length field) is the most
  // debug text the answer can carry.
  std::vector<uint8_t> out = w.Take();
  const size_t room = kMaxResponseBytes - out.size() - 4 - kNoteBytes;
  constexpr std::string_view kCut = "\n[dbt: -d output of this TB cut here]\n";
  Writer tail;
  if (debug_text.size() <= room) {
    tail.Bytes(debug_text.data(), debug_text.size());
  } else {
    std::string cut(debug_text.substr(0, room - kCut.size()));
    cut += kCut;
    tail.Bytes(cut.data(), cut.size());
  }
  tail.U8(note.from_cache ? 1 : 0);
  tail.U8(note.stored ? 1 : 0);
  const size_t n = std::min<size_t>(note.notice.size(), 1024);
  tail.Bytes(note.notice.data(), n);
  std::vector<uint8_t> rest = tail.Take();
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

namespace {

// One TB of an answer. `request` null (a preload): any even pc, a size
// within kMaxGuestBytes, the flags given.
TbTranslation ReadTranslation(Reader& r, const TranslateRequest* request, uint32_t flags,
                              uint64_t buffer_size) {
  TbTranslation t;
  t.guest_pc = r.U64("guest_pc");
  if (request != nullptr ? t.guest_pc != request->pc : (t.guest_pc & 1) != 0) r.Fail("guest_pc");
  t.guest_size = r.U64("guest_size");
  const uint64_t max_size = request != nullptr ? request->bytes.size() : kMaxGuestBytes;
  if (t.guest_size == 0 || t.guest_size > max_size || t.guest_pc + t.guest_size < t.guest_pc) {
    r.Fail("guest_size");
  }
  t.guest_insns = r.U32("guest_insns");
  if (t.guest_insns == 0 || t.guest_insns > t.guest_size / 2) r.Fail("guest_insns");
  t.flags = r.U32("flags");
  if (t.flags != (request != nullptr ? request->flags : flags)) r.Fail("flags");
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
  return t;
}

}  // namespace

absl::StatusOr<TbTranslation> DecodeTranslation(absl::Span<const uint8_t> bytes,
                                                const TranslateRequest& request,
                                                uint64_t buffer_size, std::string* debug_text,
                                                TranslationNote* note) {
  Reader r(bytes);
  TbTranslation t = ReadTranslation(r, &request, request.flags, buffer_size);
  absl::Span<const uint8_t> text = r.Bytes(kMaxResponseBytes, "debug_text");
  TranslationNote got;
  const uint8_t from_cache = r.U8("from_cache");
  const uint8_t stored = r.U8("stored");
  if (from_cache > 1 || stored > 1) r.Fail("note");
  got.from_cache = from_cache == 1;
  got.stored = stored == 1;
  got.notice = AsString(r.Bytes(1024, "notice"));
  if (absl::Status s = r.Finish(absl::StatusCode::kDataLoss, "translation"); !s.ok()) return s;
  if (debug_text != nullptr) *debug_text = AsString(text);
  t.from_cache = got.from_cache;
  t.stored = got.stored;
  if (note != nullptr) *note = std::move(got);
  return t;
}

std::vector<uint8_t> EncodePreload(const std::vector<TbTranslation>& tbs, uint32_t cursor,
                                   std::string_view notice, uint32_t* next) {
  constexpr size_t kHeader = 4 + 1 + 4 + 1024 + 4;
  Writer body;
  uint32_t count = 0;
  uint32_t i = cursor;
  for (; i < tbs.size(); ++i) {
    Writer one;
    WriteTranslation(one, tbs[i]);
    if (body.size() + one.size() + kHeader > kMaxResponseBytes) break;
    std::vector<uint8_t> b = one.Take();
    body.Raw(b.data(), b.size());
    ++count;
  }
  *next = i;
  Writer w;
  w.U32(count);
  w.U8(i >= tbs.size() ? 1 : 0);
  w.U32(i);
  const size_t n = std::min<size_t>(notice.size(), 1024);
  w.Bytes(notice.data(), n);
  std::vector<uint8_t> b = body.Take();
  w.Raw(b.data(), b.size());
  return w.Take();
}

absl::StatusOr<Preload> DecodePreload(absl::Span<const uint8_t> bytes, uint32_t flags,
                                      uint64_t buffer_size) {
  Reader r(bytes);
  Preload p;
  const uint32_t count = r.U32("count");
  const uint8_t done = r.U8("done");
  if (done > 1) r.Fail("done");
  p.done = done == 1;
  p.next_cursor = r.U32("next_cursor");
  p.notice = AsString(r.Bytes(1024, "notice"));
  // Each TB takes more than 64 bytes: a count beyond that is a lie.
  if (count > bytes.size() / 64) r.Fail("count");
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    p.tbs.push_back(ReadTranslation(r, nullptr, flags, buffer_size));
  }
  if (absl::Status s = r.Finish(absl::StatusCode::kDataLoss, "preload"); !s.ok()) return s;
  return p;
}

}  // namespace dbt::translator::wire
