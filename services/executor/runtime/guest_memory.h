// The guest's address space: one host reservation (PROT_NONE, MAP_NORESERVE)
// whose pages are mapped with the guest's protections as the guest maps them,
// plus the VmaMap that says what each page is. Implements the memory
// syscalls' semantics (mmap, munmap, mprotect, mremap, madvise, brk) as Linux
// documents them; errors are returned as -errno, like the syscalls.
//
// Invariants:
//  - Every page of the reservation is either a guest mapping recorded in the
//    VmaMap, or PROT_NONE reservation. Host pages are never unmapped (a hole
//    could be taken by a host allocation) except for the instant of a host
//    mremap.
//  - Host protection = the guest's, with EXEC read as READ (guest code is
//    data to us) and WRITE removed on code pages (see MarkCodePage).
//  - kGuardSize bytes of PROT_NONE reservation sit below and above the guest
//    space, so a wild guest address a little outside it (a negative offset,
//    a 32-bit overflow) faults instead of reaching host memory. Guest code
//    computes host = guest_base + addr with no bounds check, as qemu does;
//    addresses far outside remain the guest's own risk.
//
// Thread-safe: every public member that reads or changes the mappings takes
// the mapping lock (MappingLock below), so the memory syscalls of several
// guest threads, their checked copies and the translator's reads of guest
// code are serialized, as Linux's mmap_lock serializes them. vmas() is the
// exception: it is for single-threaded callers (loading, tests) or callers
// holding a MappingLock.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_MEMORY_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_MEMORY_H_

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/executor/runtime/fault_free_scope.h"
#include "services/executor/runtime/guest_layout.h"
#include "services/executor/runtime/vma_map.h"

namespace dbt::executor {

class GuestMemory {
 public:
  static constexpr uint64_t kGuardSize = uint64_t{4} << 30;

  // Holds the mapping lock: the VMA map, the break, the code-page marks and
  // the host mappings cannot change, so guest memory checked as mapped stays
  // mapped. Re-entrant on one thread (Brk maps, Mremap unmaps, a copy may
  // unprotect code pages). Lock order: this lock, then the JIT's TB lock
  // (the invalidate hook runs with it held). Held code must not fault (it is
  // a FaultFreeScope): guest stores never run under it. fork() is done with
  // it held, so the child never inherits it in the middle of a change.
  class MappingLock {
   public:
    explicit MappingLock(const GuestMemory& memory);
    ~MappingLock();
    MappingLock(const MappingLock&) = delete;
    MappingLock& operator=(const MappingLock&) = delete;

   private:
    const GuestMemory& memory_;
    FaultFreeScope no_faults_;
  };

  // Reserves `size` bytes of host address space (kernel's choice of address).
  static absl::StatusOr<std::unique_ptr<GuestMemory>> Create(uint64_t size = kGuestSpaceSize);
  ~GuestMemory();
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }
  uint8_t* Host(uint64_t guest_addr) const { return base_ + guest_addr; }
  bool InRange(uint64_t addr, uint64_t len) const { return addr <= size_ && len <= size_ - addr; }

  // mmap without MAP_FIXED allocates top-down below `top` (and at or above
  // kMmapMinAddr). Set by the loader once the stack's place is known.
  void set_mmap_top(uint64_t top) { mmap_top_ = top; }
  uint64_t mmap_top() const { return mmap_top_; }

  // mmap(2) with the guest's flag values (asm-generic, equal to x86-64's for
  // every flag riscv64 has). `fd` is a host fd (guest fds are host fds).
  // `name` overrides the area's name in the maps dump (default: the file's
  // path, or nothing for anonymous memory). Returns the address or -errno.
  int64_t Mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t offset,
               const std::string& name = "");
  int64_t Munmap(uint64_t addr, uint64_t len);
  int64_t Mprotect(uint64_t addr, uint64_t len, int prot);
  int64_t Mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
                 uint64_t new_addr);
  int64_t Madvise(uint64_t addr, uint64_t len, int advice);

  // The program break. InitBrk sets both the start and the current break
  // (page-aligned, right after the highest loaded segment). Brk is brk(2): it
  // returns the new break, or the unchanged one when the request cannot be
  // met (below the start, or colliding with another mapping).
  void InitBrk(uint64_t start);
  uint64_t Brk(uint64_t new_brk);
  uint64_t brk() const { return brk_; }
  uint64_t brk_start() const { return brk_start_; }

  // Checks for host code touching guest memory on the guest's behalf (a bad
  // guest pointer must become EFAULT, not a host crash).
  bool CanRead(uint64_t addr, uint64_t len) const;
  bool CanWrite(uint64_t addr, uint64_t len) const;
  // Like CanWrite, and also makes code pages in the range host-writable (the
  // write will change code: translations of those pages are dropped).
  bool PrepareWrite(uint64_t addr, uint64_t len);
  // Before the host kernel writes into guest memory on the guest's behalf
  // (read(2) into a guest buffer): code pages in the range are made
  // host-writable again, dropping their translations. Protection is left to
  // the kernel, which sees the guest's.
  void UnprotectCodePages(uint64_t addr, uint64_t len);
  bool CopyFromGuest(void* dst, uint64_t addr, uint64_t len) const;
  bool CopyToGuest(uint64_t addr, const void* src, uint64_t len);
  // The NUL-terminated string at addr (at most max_len bytes before the
  // NUL), or nullopt when unreadable or too long.
  std::optional<std::string> ReadString(uint64_t addr, size_t max_len = 4096) const;

  const VmaMap& vmas() const { return vmas_; }
  std::string DumpMaps() const;
  bool IsExecutable(uint64_t addr) const;
  // Whether a mapping covers addr / every page of [start, end).
  bool IsMapped(uint64_t addr) const;
  bool IsFullyMapped(uint64_t start, uint64_t end) const;

  // --- Hooks for an execution engine that caches translations. ---
  // Called with a page-aligned guest range whose contents, mapping or
  // executability changed: munmap, mprotect removing EXEC, mremap, MAP_FIXED
  // over existing pages, madvise(DONTNEED), writes to code pages.
  using InvalidateHook = std::function<void(uint64_t addr, uint64_t len)>;
  void set_invalidate_hook(InvalidateHook hook) { invalidate_hook_ = std::move(hook); }
  // Records that translations were made from the page at page_addr, and
  // write-protects it on the host if the guest may write it, so a guest store
  // faults and HandleCodeWriteFault can drop the translations first.
  void MarkCodePage(uint64_t page_addr);
  bool IsCodePage(uint64_t page_addr) const;
  // For a write fault at guest_addr: if the page is a code page the guest
  // may write, unprotects it, calls the invalidate hook and returns true
  // (retry the store); else false.
  bool HandleCodeWriteFault(uint64_t guest_addr);
  // What the host SIGSEGV handler calls for a fault at guest_addr: true when
  // the access is to be retried: HandleCodeWriteFault's case, or a page the
  // guest may write that another thread unprotected while this one waited
  // for the mapping lock (two threads storing to one code page at once).
  // False: a guest fault. Never called with the mapping lock held.
  bool HandleWriteFault(uint64_t guest_addr);

 private:
  GuestMemory(uint8_t* base, uint64_t size);

  // Puts PROT_NONE reservation back over [addr, addr+len).
  void Reserve(uint64_t addr, uint64_t len);
  // Picks where a non-fixed mapping of len bytes goes (hint first).
  std::optional<uint64_t> PickAddress(uint64_t hint, uint64_t len) const;
  int HostProt(uint64_t page_addr, int guest_prot) const;
  void Invalidate(uint64_t addr, uint64_t len);
  // Drops code-page marks in the range (the pages are going away).
  void ForgetCodePages(uint64_t addr, uint64_t len);
  bool HasCodePages(uint64_t addr, uint64_t len) const;
  int64_t MoveMapping(const Vma& vma, uint64_t old_addr, uint64_t old_len, uint64_t new_addr,
                      uint64_t new_len);
  int64_t GrowInPlace(const Vma& vma, uint64_t old_addr, uint64_t old_len, uint64_t new_len);

  void Lock() const;
  void Unlock() const;

  // The mapping lock: a plain mutex made re-entrant by hand (a default
  // pthread mutex, so the child of a fork may release the one its forking
  // thread held).
  mutable std::mutex mutex_;
  mutable std::atomic<pthread_t> owner_{0};
  mutable int depth_ = 0;

  uint8_t* const base_;
  const uint64_t size_;
  uint64_t mmap_top_;
  uint64_t brk_start_ = 0;
  uint64_t brk_ = 0;
  VmaMap vmas_;
  InvalidateHook invalidate_hook_;
  // One bit per guest page, allocated (NORESERVE) on the first MarkCodePage.
  uint64_t* code_bits_ = nullptr;
};

// Host protection bits for guest ones: EXEC becomes READ (guest code is only
// ever read by us), READ and WRITE are kept.
int MirrorProt(int guest_prot);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_MEMORY_H_
