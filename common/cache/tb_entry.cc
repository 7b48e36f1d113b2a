#include "common/cache/tb_entry.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/bytes/byte_codec.h"

namespace dbt::cache {
namespace {

void WriteKey(ByteWriter& w, const TbKey& k) {
  w.U32(k.isa);
  w.U32(k.abi);
  w.U64(k.build);
  w.U32(k.flags);
  w.U64(k.pc);
  w.U32(k.guest_size);
  w.U64(k.hash.lo);
  w.U64(k.hash.hi);
}

TbKey ReadKey(ByteReader& r) {
  TbKey k;
  k.isa = r.U32("key.isa");
  if (k.isa != static_cast<uint32_t>(GuestIsa::kRiscv64)) r.Fail("key.isa");
  k.abi = r.U32("key.abi");
  k.build = r.U64("key.build");
  k.flags = r.U32("key.flags");
  k.pc = r.U64("key.pc");
  if ((k.pc & 1) != 0) r.Fail("key.pc");
  k.guest_size = r.U32("key.guest_size");
  if (k.guest_size < 2 || k.guest_size > kMaxEntryGuestBytes || k.pc + k.guest_size < k.pc) {
    r.Fail("key.guest_size");
  }
  k.hash.lo = r.U64("key.hash");
  k.hash.hi = r.U64("key.hash");
  return k;
}

}  // namespace

std::string EncodeTbKey(const TbKey& key) {
  ByteWriter w;
  WriteKey(w, key);
  std::vector<uint8_t> b = w.Take();
  return std::string(b.begin(), b.end());
}

absl::StatusOr<TbKey> DecodeTbKey(absl::Span<const uint8_t> bytes) {
  ByteReader r(bytes);
  TbKey k = ReadKey(r);
  if (absl::Status s = r.Finish(absl::StatusCode::kDataLoss, "TB key"); !s.ok()) return s;
  return k;
}

std::string EncodeProgramKey(const ProgramKey& key) {
  ByteWriter w;
  w.U32(key.isa);
  w.U32(key.abi);
  w.U64(key.build);
  w.U32(key.flags);
  w.U64(key.file_hash.lo);
  w.U64(key.file_hash.hi);
  std::vector<uint8_t> b = w.Take();
  return std::string(b.begin(), b.end());
}

absl::StatusOr<ProgramKey> DecodeProgramKey(absl::Span<const uint8_t> bytes) {
  ByteReader r(bytes);
  ProgramKey k;
  k.isa = r.U32("isa");
  if (k.isa != static_cast<uint32_t>(GuestIsa::kRiscv64)) r.Fail("isa");
  k.abi = r.U32("abi");
  k.build = r.U64("build");
  k.flags = r.U32("flags");
  k.file_hash.lo = r.U64("file_hash");
  k.file_hash.hi = r.U64("file_hash");
  if (absl::Status s = r.Finish(absl::StatusCode::kDataLoss, "program key"); !s.ok()) return s;
  return k;
}

std::string EncodeTbEntry(const TbEntry& e) {
  ByteWriter w;
  w.U32(kEntryMagic);
  w.U32(kEntryFormatVersion);
  WriteKey(w, e.key);
  w.U32(e.guest_insns);
  w.U32(static_cast<uint32_t>(e.ranges.size()));
  for (const EntryRange& range : e.ranges) {
    w.U64(range.start);
    w.U64(range.size);
  }
  w.Bytes(e.code.data(), e.code.size());
  for (const EntrySlot& slot : e.slots) {
    w.U8(slot.used ? 1 : 0);
    w.U32(slot.jump_field);
    w.U32(slot.unlinked_target);
  }
  w.U32(e.ops_before);
  w.U32(e.ops_after);
  w.U32(e.spill_slots);
  w.U32(static_cast<uint32_t>(e.pc_map.size()));
  for (const EntryPcMap& m : e.pc_map) {
    w.U32(m.host_offset);
    w.U64(m.guest_pc);
  }
  w.U32(static_cast<uint32_t>(e.relocations.size()));
  for (const EntryRelocation& rel : e.relocations) {
    w.U32(rel.kind);
    w.U32(rel.offset);
    w.U64(rel.addend);
  }
  std::vector<uint8_t> body = w.Take();
  const ContentHash sum = HashBytes(body.data(), body.size());
  std::string out(body.begin(), body.end());
  out.append(reinterpret_cast<const char*>(&sum.lo), 8);
  out.append(reinterpret_cast<const char*>(&sum.hi), 8);
  return out;
}

absl::Status CheckTbEntryIntegrity(absl::Span<const uint8_t> bytes, const TbKey* expected) {
  constexpr size_t kKeyAt = 8;  // after magic and version
  if (bytes.size() < kKeyAt + kTbKeyBytes + 16) return absl::DataLossError("cache entry: truncated");
  const absl::Span<const uint8_t> body = bytes.first(bytes.size() - 16);
  uint32_t magic = 0, version = 0;
  std::memcpy(&magic, body.data(), 4);
  std::memcpy(&version, body.data() + 4, 4);
  if (magic != kEntryMagic) return absl::DataLossError("cache entry: bad magic");
  if (version != kEntryFormatVersion) {
    return absl::DataLossError(absl::StrCat("cache entry: format version ", version,
                                            ", this dbt reads ", kEntryFormatVersion));
  }
  ContentHash sum;
  std::memcpy(&sum.lo, bytes.data() + body.size(), 8);
  std::memcpy(&sum.hi, bytes.data() + body.size() + 8, 8);
  if (HashBytes(body.data(), body.size()) != sum) {
    return absl::DataLossError("cache entry: checksum mismatch");
  }
  if (expected != nullptr) {
    const std::string key = EncodeTbKey(*expected);
    if (std::memcmp(body.data() + kKeyAt, key.data(), kTbKeyBytes) != 0) {
      return absl::DataLossError("cache entry: bad key (not the one looked up)");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TbEntry> DecodeTbEntry(absl::Span<const uint8_t> bytes, const TbKey* expected) {
  if (bytes.size() < 16 + 8) return absl::DataLossError("cache entry: truncated");
  const absl::Span<const uint8_t> body = bytes.first(bytes.size() - 16);
  ContentHash sum;
  std::memcpy(&sum.lo, bytes.data() + body.size(), 8);
  std::memcpy(&sum.hi, bytes.data() + body.size() + 8, 8);
  ByteReader r(body);
  if (r.U32("magic") != kEntryMagic) return absl::DataLossError("cache entry: bad magic");
  if (const uint32_t v = r.U32("version"); v != kEntryFormatVersion) {
    return absl::DataLossError(
        absl::StrCat("cache entry: format version ", v, ", this dbt reads ", kEntryFormatVersion));
  }
  if (HashBytes(body.data(), body.size()) != sum) {
    return absl::DataLossError("cache entry: checksum mismatch");
  }
  TbEntry e;
  e.key = ReadKey(r);
  if (expected != nullptr && r.ok() && !(e.key == *expected)) r.Fail("key (not the one looked up)");
  const uint64_t pc = e.key.pc;
  const uint64_t size = e.key.guest_size;
  e.guest_insns = r.U32("guest_insns");
  if (e.guest_insns == 0 || e.guest_insns > size / 2) r.Fail("guest_insns");
  const uint32_t nranges = r.U32("ranges");
  if (nranges == 0 || nranges > 2) r.Fail("ranges");
  uint64_t covered = 0;
  for (uint32_t i = 0; i < nranges && i < 2 && r.ok(); ++i) {
    EntryRange range;
    range.start = r.U64("range");
    range.size = r.U64("range");
    if (range.start != pc + covered || range.size == 0 || range.size > size - covered) {
      r.Fail("range");
    }
    covered += range.size;
    e.ranges.push_back(range);
  }
  if (r.ok() && covered != size) r.Fail("ranges");
  absl::Span<const uint8_t> code = r.Bytes(kMaxEntryCodeBytes, "code");
  if (r.ok() && code.empty()) r.Fail("code");
  e.code.assign(code.begin(), code.end());
  for (EntrySlot& slot : e.slots) {
    const uint8_t used = r.U8("slot");
    if (used > 1) r.Fail("slot");
    slot.used = used == 1;
    slot.jump_field = r.U32("slot");
    slot.unlinked_target = r.U32("slot");
    if (!slot.used || !r.ok()) continue;
    if (uint64_t{slot.jump_field} + 4 > e.code.size() || slot.unlinked_target >= e.code.size()) {
      r.Fail("slot");
      continue;
    }
    // As emitted, a slot jumps to its TB's own exit path: a loaded TB
    // starts unlinked, whatever was chained when the code was copied.
    int32_t rel = 0;
    std::memcpy(&rel, e.code.data() + slot.jump_field, 4);
    if (int64_t{slot.jump_field} + 4 + rel != int64_t{slot.unlinked_target}) r.Fail("slot target");
  }
  e.ops_before = r.U32("ops_before");
  e.ops_after = r.U32("ops_after");
  e.spill_slots = r.U32("spill_slots");
  const uint32_t nmap = r.U32("pc_map");
  if (nmap > e.guest_insns) r.Fail("pc_map");
  uint32_t last = 0;
  for (uint32_t i = 0; i < nmap && r.ok(); ++i) {
    EntryPcMap m;
    m.host_offset = r.U32("pc_map");
    m.guest_pc = r.U64("pc_map");
    if (m.host_offset >= e.code.size() || m.host_offset < last || m.guest_pc < pc ||
        m.guest_pc >= pc + size || (m.guest_pc & 1) != 0) {
      r.Fail("pc_map");
    }
    last = m.host_offset;
    e.pc_map.push_back(m);
  }
  const uint32_t nrel = r.U32("relocations");
  if (nrel > kMaxEntryRelocations) r.Fail("relocations");
  for (uint32_t i = 0; i < nrel && r.ok(); ++i) {
    EntryRelocation rel;
    rel.kind = r.U32("relocation");
    rel.offset = r.U32("relocation");
    rel.addend = r.U64("relocation");
    // No relocation kind is defined: the code is position-independent.
    r.Fail("relocation kind");
  }
  if (absl::Status s = r.Finish(absl::StatusCode::kDataLoss, "cache entry"); !s.ok()) return s;
  return e;
}

}  // namespace dbt::cache
