// The guest's virtual memory areas: a page-granular map of what is mapped
// where, with the guest's protections and what backs it. This is pure
// bookkeeping (no host mappings are touched here); GuestMemory keeps the host
// pages in step with it.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_VMA_MAP_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_VMA_MAP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace dbt::executor {

struct Vma {
  uint64_t start = 0;     // Page-aligned, inclusive.
  uint64_t end = 0;       // Page-aligned, exclusive.
  int prot = 0;           // Guest PROT_READ/WRITE/EXEC (same values as the host's).
  bool shared = false;    // MAP_SHARED (else private).
  bool anonymous = true;  // No file behind it.
  uint64_t offset = 0;    // File offset of `start` (file mappings).
  uint64_t dev = 0;       // st_dev/st_ino of the file, for the maps dump.
  uint64_t inode = 0;
  std::string name;  // File path, "[heap]", "[stack]", or empty.

  uint64_t size() const { return end - start; }
  // True when `next` (starting at this->end) can be one area with this one.
  bool CanMergeWith(const Vma& next) const;
};

class VmaMap {
 public:
  // Maps [vma.start, vma.end), replacing whatever overlapped it.
  void Insert(const Vma& vma);
  // Unmaps [start, end); unmapped holes inside are fine.
  void Remove(uint64_t start, uint64_t end);
  // Sets the protection of every area inside [start, end).
  void Protect(uint64_t start, uint64_t end, int prot);

  // The area containing addr, or null.
  const Vma* Find(uint64_t addr) const;
  // True when no area overlaps [start, end).
  bool IsFree(uint64_t start, uint64_t end) const;
  // True when every page of [start, end) is mapped.
  bool IsFullyMapped(uint64_t start, uint64_t end) const;
  // True when every byte of [start, end) is mapped with all of `prot`.
  bool Allows(uint64_t start, uint64_t end, int prot) const;
  // Highest start s with [s, s+len) free and lo <= s, s+len <= hi, or nullopt.
  std::optional<uint64_t> FindFreeTopDown(uint64_t len, uint64_t lo, uint64_t hi) const;

  // Calls fn for each area overlapping [start, end), clipped to it, in order.
  void ForEachIn(uint64_t start, uint64_t end, const std::function<void(const Vma&)>& fn) const;
  const std::map<uint64_t, Vma>& areas() const { return areas_; }

  // /proc/self/maps-like dump, one line per area; addresses are guest
  // addresses.
  std::string Dump() const;

 private:
  // Splits the area containing addr (if any) so that an area starts at addr.
  void SplitAt(uint64_t addr);
  // Merges the areas around [start, end) with their neighbours where possible.
  void MergeAround(uint64_t start, uint64_t end);

  std::map<uint64_t, Vma> areas_;  // Keyed by start; areas never overlap.
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_VMA_MAP_H_
