#include "services/translator/cache/entry_convert.h"

#include "common/jit_abi.h"

namespace dbt::translator {

cache::TbKey KeyOf(const TbTranslation& t, uint64_t build) {
  cache::TbKey k;
  k.abi = kTranslatorAbi;
  k.build = build;
  k.flags = t.flags;
  k.pc = t.guest_pc;
  k.guest_size = static_cast<uint32_t>(t.guest_size);
  k.hash = t.hash;
  return k;
}

cache::ProgramKey ProgramKeyOf(const ContentHash& file_hash, uint32_t flags, uint64_t build) {
  cache::ProgramKey k;
  k.abi = kTranslatorAbi;
  k.build = build;
  k.flags = flags;
  k.file_hash = file_hash;
  return k;
}

cache::TbEntry ToEntry(const TbTranslation& t, std::vector<uint8_t> code, uint64_t build) {
  cache::TbEntry e;
  e.key = KeyOf(t, build);
  e.guest_insns = t.guest_insns;
  for (const frontend::riscv::GuestRange& r : t.ranges) e.ranges.push_back({r.start, r.size});
  e.code = std::move(code);
  for (int i = 0; i < 2; ++i) {
    e.slots[i] = {t.code.slots[i].used, t.code.slots[i].jump_field,
                  t.code.slots[i].unlinked_target};
  }
  e.ops_before = t.code.ops_before;
  e.ops_after = t.code.ops_after;
  e.spill_slots = t.code.spill_slots;
  for (const tb::PcMapEntry& m : t.code.pc_map) e.pc_map.push_back({m.host_offset, m.guest_pc});
  return e;
}

absl::StatusOr<TbTranslation> InstallEntry(const cache::TbEntry& e,
                                           codegen::CodeGenBuffer& buffer) {
  absl::StatusOr<size_t> offset = buffer.Place(e.code.data(), e.code.size());
  if (!offset.ok()) return offset.status();
  TbTranslation t;
  t.guest_pc = e.key.pc;
  t.guest_size = e.key.guest_size;
  t.guest_insns = e.guest_insns;
  t.flags = e.key.flags;
  t.hash = e.key.hash;
  for (const cache::EntryRange& r : e.ranges) t.ranges.push_back({r.start, r.size});
  t.code.guest_pc = e.key.pc;
  t.code.code_offset = *offset;
  t.code.code_size = e.code.size();
  for (int i = 0; i < 2; ++i) {
    t.code.slots[i].used = e.slots[i].used;
    t.code.slots[i].jump_field = e.slots[i].jump_field;
    t.code.slots[i].unlinked_target = e.slots[i].unlinked_target;
  }
  t.code.ops_before = e.ops_before;
  t.code.ops_after = e.ops_after;
  t.code.spill_slots = e.spill_slots;
  for (const cache::EntryPcMap& m : e.pc_map) t.code.pc_map.push_back({m.host_offset, m.guest_pc});
  return t;
}

}  // namespace dbt::translator
