// The executor's translated blocks: lookup by (pc, flags), by code address
// (exit values, fault recovery) and by guest page (invalidation), plus the
// bookkeeping of direct-jump links between them.
//
// Invariants:
//  - A valid TB is findable by its key and by every guest page it covers;
//    an invalid one by neither (only by its code address, because it may
//    still be running when it is invalidated: its code lives until a flush).
//  - No slot of any TB jumps to an invalid TB: invalidation unlinks every
//    incoming jump first. So chained execution never enters stale code.
//  - TB objects live until Clear() (the code buffer flush), so pointers held
//    across a dispatcher iteration stay usable even if the TB went invalid.
#ifndef DBT_SERVICES_EXECUTOR_JIT_TB_REGISTRY_H_
#define DBT_SERVICES_EXECUTOR_JIT_TB_REGISTRY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/codegen/code_gen_buffer.h"
#include "services/translator/translate_tb.h"

namespace dbt::executor {

struct TranslationBlock {
  translator::TbTranslation t;  // key, guest range, hash, host code
  const uint8_t* rx = nullptr;  // code start in this executor's RX view
  uint64_t first_page = 0;      // guest pages covered (one or two)
  uint64_t last_page = 0;
  bool valid = true;
  // Where each goto_tb slot is linked to (null: unlinked), and who links
  // into this TB.
  TranslationBlock* slot_target[2] = {nullptr, nullptr};
  std::vector<std::pair<TranslationBlock*, int>> incoming;

  uint64_t pc() const { return t.guest_pc; }
};

class TbRegistry {
 public:
  explicit TbRegistry(const codegen::CodeGenBuffer& buffer) : buffer_(buffer) {}

  TranslationBlock* Find(uint64_t pc, uint32_t flags) const;
  TranslationBlock* Insert(translator::TbTranslation translation);
  // The TB whose code starts at rx_addr (an exit value without its kind).
  TranslationBlock* ByCodeStart(uint64_t rx_addr) const;
  // The TB whose code contains host_pc, valid or not; null if none.
  TranslationBlock* ByHostPc(uintptr_t host_pc) const;

  // Points from's slot at to. Both must be valid and the slot unlinked.
  void Link(TranslationBlock* from, int slot, TranslationBlock* to);
  // Drops every valid TB on a guest page that [addr, addr + len) touches,
  // unlinking jumps into it first. Returns how many were dropped. For a
  // range of one page it allocates nothing (it runs in the fault handler).
  size_t InvalidateRange(uint64_t addr, uint64_t len);
  // Forgets everything (the code buffer was flushed).
  void Clear();

  size_t valid_count() const { return by_key_.size(); }

 private:
  void Invalidate(TranslationBlock* tb);
  size_t InvalidatePage(uint64_t page);
  void Unlink(TranslationBlock* from, int slot);

  const codegen::CodeGenBuffer& buffer_;
  std::deque<TranslationBlock> storage_;
  absl::flat_hash_map<std::pair<uint64_t, uint32_t>, TranslationBlock*> by_key_;
  absl::flat_hash_map<uint64_t, TranslationBlock*> by_code_offset_;
  std::map<size_t, TranslationBlock*> by_code_range_;  // code_offset -> TB
  absl::flat_hash_map<uint64_t, std::vector<TranslationBlock*>> by_page_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_TB_REGISTRY_H_
