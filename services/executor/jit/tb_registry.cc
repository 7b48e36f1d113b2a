#include "services/executor/jit/tb_registry.h"

#include <algorithm>

#include "common/codegen/jump_patch.h"
#include "services/executor/runtime/guest_layout.h"

namespace dbt::executor {

TranslationBlock* TbRegistry::Find(uint64_t pc, uint32_t flags) const {
  auto it = by_key_.find({pc, flags});
  return it == by_key_.end() ? nullptr : it->second;
}

TranslationBlock* TbRegistry::Insert(translator::TbTranslation translation) {
  TranslationBlock& tb = storage_.emplace_back();
  tb.t = std::move(translation);
  tb.rx = buffer_.rx_at(tb.t.code.code_offset);
  tb.first_page = PageDown(tb.t.guest_pc);
  tb.last_page = PageDown(tb.t.guest_pc + tb.t.guest_size - 1);
  // A retranslation of the same key (after invalidation) replaces the old.
  by_key_[{tb.t.guest_pc, tb.t.flags}] = &tb;
  by_code_offset_[tb.t.code.code_offset] = &tb;
  by_code_range_[tb.t.code.code_offset] = &tb;
  for (uint64_t page = tb.first_page; page <= tb.last_page; page += kGuestPageSize) {
    by_page_[page].push_back(&tb);
  }
  return &tb;
}

TranslationBlock* TbRegistry::ByCodeStart(uint64_t rx_addr) const {
  auto it = by_code_offset_.find(rx_addr - reinterpret_cast<uint64_t>(buffer_.rx()));
  return it == by_code_offset_.end() ? nullptr : it->second;
}

TranslationBlock* TbRegistry::ByHostPc(uintptr_t host_pc) const {
  uintptr_t rx = reinterpret_cast<uintptr_t>(buffer_.rx());
  if (host_pc < rx || host_pc >= rx + buffer_.size()) return nullptr;
  size_t offset = host_pc - rx;
  auto it = by_code_range_.upper_bound(offset);
  if (it == by_code_range_.begin()) return nullptr;
  --it;
  TranslationBlock* tb = it->second;
  return offset < tb->t.code.code_offset + tb->t.code.code_size ? tb : nullptr;
}

void TbRegistry::Link(TranslationBlock* from, int slot, TranslationBlock* to) {
  const tb::TranslatedTb& code = from->t.code;
  codegen::PatchJump(buffer_, code.code_offset + code.slots[slot].jump_field,
                     to->t.code.code_offset);
  from->slot_target[slot] = to;
  to->incoming.emplace_back(from, slot);
}

void TbRegistry::Unlink(TranslationBlock* from, int slot) {
  const tb::TranslatedTb& code = from->t.code;
  codegen::PatchJump(buffer_, code.code_offset + code.slots[slot].jump_field,
                     code.code_offset + code.slots[slot].unlinked_target);
  from->slot_target[slot] = nullptr;
}

void TbRegistry::Invalidate(TranslationBlock* tb) {
  tb->valid = false;
  // ORDER: unlink jumps into tb before anything else, so chained code can
  // no longer reach it.
  for (auto& [from, slot] : tb->incoming) {
    if (from->slot_target[slot] == tb) Unlink(from, slot);
  }
  tb->incoming.clear();
  // Its own outgoing links are dead weight in the targets' lists.
  for (int slot = 0; slot < 2; ++slot) {
    TranslationBlock* to = tb->slot_target[slot];
    if (to == nullptr) continue;
    auto& in = to->incoming;
    in.erase(std::remove(in.begin(), in.end(), std::make_pair(tb, slot)), in.end());
    Unlink(tb, slot);
  }
  auto key = by_key_.find({tb->t.guest_pc, tb->t.flags});
  if (key != by_key_.end() && key->second == tb) by_key_.erase(key);
  for (uint64_t page = tb->first_page; page <= tb->last_page; page += kGuestPageSize) {
    auto it = by_page_.find(page);
    if (it == by_page_.end()) continue;
    auto& list = it->second;
    // Empty lists stay: freeing them here could run inside the fault handler.
    list.erase(std::remove(list.begin(), list.end(), tb), list.end());
  }
}

size_t TbRegistry::InvalidateRange(uint64_t addr, uint64_t len) {
  if (len == 0) return 0;
  const uint64_t first = PageDown(addr);
  const uint64_t last = PageDown(addr + len - 1);
  size_t dropped = 0;
  if ((last - first) / kGuestPageSize >= by_page_.size()) {
    // Large ranges (fence.i, munmap of a big area): walk the pages that hold
    // TBs instead of the range. Never reached from a fault handler (those
    // ranges are one page), so allocating here is fine.
    std::vector<uint64_t> pages;
    for (const auto& [page, list] : by_page_) {
      if (!list.empty() && page >= first && page <= last) pages.push_back(page);
    }
    for (uint64_t page : pages) dropped += InvalidatePage(page);
    return dropped;
  }
  for (uint64_t page = first; page <= last; page += kGuestPageSize) {
    dropped += InvalidatePage(page);
  }
  return dropped;
}

size_t TbRegistry::InvalidatePage(uint64_t page) {
  // Runs inside the SIGSEGV handler for stores to code pages: no allocation.
  // Invalidate() removes the TB from this page's list (and may erase the
  // list), so look the list up again each time.
  size_t dropped = 0;
  while (true) {
    auto it = by_page_.find(page);
    if (it == by_page_.end() || it->second.empty()) break;
    Invalidate(it->second.back());
    ++dropped;
  }
  return dropped;
}

void TbRegistry::Clear() {
  by_key_.clear();
  by_code_offset_.clear();
  by_code_range_.clear();
  by_page_.clear();
  storage_.clear();
}

}  // namespace dbt::executor
