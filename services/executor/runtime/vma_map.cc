#include "services/executor/runtime/vma_map.h"

#include <sys/mman.h>

#include <cinttypes>
#include <cstdio>
#include <iterator>

namespace dbt::executor {

bool Vma::CanMergeWith(const Vma& next) const {
  if (end != next.start || prot != next.prot || shared != next.shared ||
      anonymous != next.anonymous || name != next.name) {
    return false;
  }
  if (anonymous) return true;
  return dev == next.dev && inode == next.inode && offset + size() == next.offset;
}

void VmaMap::SplitAt(uint64_t addr) {
  auto it = areas_.upper_bound(addr);
  if (it == areas_.begin()) return;
  --it;
  Vma& v = it->second;
  if (v.start >= addr || v.end <= addr) return;
  Vma tail = v;
  tail.start = addr;
  if (!tail.anonymous) tail.offset += addr - v.start;
  v.end = addr;
  areas_.emplace(addr, std::move(tail));
}

void VmaMap::MergeAround(uint64_t start, uint64_t end) {
  // Start at the area before `start`, stop after the one at `end`.
  auto it = areas_.lower_bound(start);
  if (it != areas_.begin()) --it;
  while (it != areas_.end() && it->first <= end) {
    auto next = std::next(it);
    if (next == areas_.end()) break;
    if (it->second.CanMergeWith(next->second)) {
      it->second.end = next->second.end;
      areas_.erase(next);
    } else {
      it = next;
    }
  }
}

void VmaMap::Insert(const Vma& vma) {
  Remove(vma.start, vma.end);
  areas_.emplace(vma.start, vma);
  MergeAround(vma.start, vma.end);
}

void VmaMap::Remove(uint64_t start, uint64_t end) {
  if (start >= end) return;
  SplitAt(start);
  SplitAt(end);
  areas_.erase(areas_.lower_bound(start), areas_.lower_bound(end));
}

void VmaMap::Protect(uint64_t start, uint64_t end, int prot) {
  if (start >= end) return;
  SplitAt(start);
  SplitAt(end);
  for (auto it = areas_.lower_bound(start); it != areas_.end() && it->first < end; ++it) {
    it->second.prot = prot;
  }
  MergeAround(start, end);
}

const Vma* VmaMap::Find(uint64_t addr) const {
  auto it = areas_.upper_bound(addr);
  if (it == areas_.begin()) return nullptr;
  --it;
  return addr < it->second.end ? &it->second : nullptr;
}

bool VmaMap::IsFree(uint64_t start, uint64_t end) const {
  if (start >= end) return true;
  if (Find(start) != nullptr) return false;
  auto it = areas_.lower_bound(start);
  return it == areas_.end() || it->first >= end;
}

bool VmaMap::IsFullyMapped(uint64_t start, uint64_t end) const { return Allows(start, end, 0); }

bool VmaMap::Allows(uint64_t start, uint64_t end, int prot) const {
  uint64_t addr = start;
  while (addr < end) {
    const Vma* v = Find(addr);
    if (v == nullptr || (v->prot & prot) != prot) return false;
    addr = v->end;
  }
  return true;
}

std::optional<uint64_t> VmaMap::FindFreeTopDown(uint64_t len, uint64_t lo, uint64_t hi) const {
  if (len == 0 || hi < lo || hi - lo < len) return std::nullopt;
  // Walk the gaps downwards from hi. Invariant: no area starts in [limit, hi)
  // except ones already stepped over, and `it` is the first area at or above
  // limit.
  uint64_t limit = hi;
  auto it = areas_.lower_bound(hi);
  while (true) {
    if (limit < lo + len) return std::nullopt;
    uint64_t gap_lo = lo;
    if (it != areas_.begin()) {
      auto prev = std::prev(it);
      if (prev->second.end > limit) {  // Straddles limit: no gap here.
        limit = prev->second.start;
        it = prev;
        continue;
      }
      if (prev->second.end > gap_lo) gap_lo = prev->second.end;
    }
    if (limit - gap_lo >= len) return limit - len;
    if (it == areas_.begin()) return std::nullopt;
    --it;
    limit = it->second.start;
  }
}

void VmaMap::ForEachIn(uint64_t start, uint64_t end,
                       const std::function<void(const Vma&)>& fn) const {
  auto it = areas_.upper_bound(start);
  if (it != areas_.begin()) --it;
  for (; it != areas_.end() && it->first < end; ++it) {
    if (it->second.end <= start) continue;
    Vma clipped = it->second;
    if (clipped.start < start) {
      if (!clipped.anonymous) clipped.offset += start - clipped.start;
      clipped.start = start;
    }
    if (clipped.end > end) clipped.end = end;
    fn(clipped);
  }
}

std::string VmaMap::Dump() const {
  // Linux's show_map_vma: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", then,
  // when there is a name, spaces up to column 72, one more, and the name.
  constexpr size_t kNameColumn = 25 + 6 * sizeof(uint64_t) - 1;
  std::string out;
  for (const auto& [start, v] : areas_) {
    char line[160];
    int n = snprintf(
        line, sizeof(line),
        "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64 " ", v.start, v.end,
        (v.prot & PROT_READ) ? 'r' : '-', (v.prot & PROT_WRITE) ? 'w' : '-',
        (v.prot & PROT_EXEC) ? 'x' : '-', v.shared ? 's' : 'p', v.anonymous ? 0 : v.offset,
        static_cast<unsigned>((v.dev >> 8) & 0xfff), static_cast<unsigned>(v.dev & 0xff), v.inode);
    std::string text(line, n);
    if (!v.name.empty()) {
      if (text.size() < kNameColumn) text.append(kNameColumn - text.size(), ' ');
      text += ' ';
      text += v.name;
    }
    out += text;
    out += '\n';
  }
  return out;
}

}  // namespace dbt::executor
