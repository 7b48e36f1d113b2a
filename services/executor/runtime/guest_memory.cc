#include "services/executor/runtime/guest_memory.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dbt::executor {
namespace {

// Guest mmap flags (asm-generic/mman-common.h, mman.h). riscv64 has no flag
// whose value differs from x86-64's, so these are also the host values.
constexpr int kMapShared = 0x01;
constexpr int kMapPrivate = 0x02;
constexpr int kMapSharedValidate = 0x03;
constexpr int kMapTypeMask = 0x0f;
constexpr int kMapFixed = 0x10;
constexpr int kMapAnonymous = 0x20;
constexpr int kMapGrowsDown = 0x0100;
constexpr int kMapDenyWrite = 0x0800;
constexpr int kMapExecutable = 0x1000;
constexpr int kMapLocked = 0x2000;
constexpr int kMapNoReserve = 0x4000;
constexpr int kMapPopulate = 0x8000;
constexpr int kMapNonBlock = 0x10000;
constexpr int kMapStack = 0x20000;
constexpr int kMapHugeTlb = 0x40000;
constexpr int kMapSync = 0x80000;
constexpr int kMapFixedNoReplace = 0x100000;
constexpr int kMapHugeShift = 26;
constexpr int kMapHugeMask = 0x3f << kMapHugeShift;
// Flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK plus MAP_SYNC).
constexpr int kMapKnownFlags = kMapShared | kMapPrivate | kMapFixed | kMapAnonymous |
                               kMapDenyWrite | kMapExecutable | kMapGrowsDown | kMapLocked |
                               kMapNoReserve | kMapPopulate | kMapNonBlock | kMapStack |
                               kMapHugeTlb | kMapFixedNoReplace | kMapHugeMask;

constexpr int kMremapMayMove = 1;
constexpr int kMremapFixed = 2;
constexpr int kMremapDontUnmap = 4;

constexpr int kProtKnown = PROT_READ | PROT_WRITE | PROT_EXEC;

std::string FdPath(int fd) {
  char link[64];
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  char buf[4096];
  ssize_t n = readlink(link, buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  return std::string(buf, n);
}

}  // namespace

int MirrorProt(int guest_prot) {
  int host = guest_prot & (PROT_READ | PROT_WRITE);
  if (guest_prot & PROT_EXEC) host |= PROT_READ;
  return host;
}

absl::StatusOr<std::unique_ptr<GuestMemory>> GuestMemory::Create(uint64_t size) {
  if (size == 0 || !PageAligned(size)) {
    return absl::InvalidArgumentError("guest space size must be a non-zero page multiple");
  }
  void* p = mmap(nullptr, size + 2 * kGuardSize, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "cannot reserve ", size >> 20, " MiB of address space for the guest: ", strerror(errno)));
  }
  return std::unique_ptr<GuestMemory>(new GuestMemory(static_cast<uint8_t*>(p) + kGuardSize, size));
}

GuestMemory::GuestMemory(uint8_t* base, uint64_t size)
    : base_(base), size_(size), mmap_top_(size) {}

GuestMemory::MappingLock::MappingLock(const GuestMemory& memory) : memory_(memory) {
  memory_.Lock();
}

GuestMemory::MappingLock::~MappingLock() { memory_.Unlock(); }

void GuestMemory::Lock() const {
  const pthread_t self = pthread_self();
  // Only this thread stores its own id, so a relaxed read cannot see it
  // unless this thread holds the lock.
  if (owner_.load(std::memory_order_relaxed) == self) {
    ++depth_;
    return;
  }
  mutex_.lock();
  owner_.store(self, std::memory_order_relaxed);
  depth_ = 1;
}

void GuestMemory::Unlock() const {
  if (--depth_ != 0) return;
  owner_.store(0, std::memory_order_relaxed);
  mutex_.unlock();
}

GuestMemory::~GuestMemory() {
  munmap(base_ - kGuardSize, size_ + 2 * kGuardSize);
  if (code_bits_ != nullptr) munmap(code_bits_, size_ / kGuestPageSize / 8);
}

void GuestMemory::Reserve(uint64_t addr, uint64_t len) {
  if (len == 0) return;
  // Cannot fail short of the kernel running out of VMAs; a failure would
  // leave a hole a host allocation could land in, so it is fatal.
  if (mmap(Host(addr), len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
           0) == MAP_FAILED) {
    perror("dbt: cannot restore the guest address space reservation");
    abort();
  }
}

int GuestMemory::HostProt(uint64_t page_addr, int guest_prot) const {
  int prot = MirrorProt(guest_prot);
  if (IsCodePage(page_addr)) prot &= ~PROT_WRITE;
  return prot;
}

void GuestMemory::Invalidate(uint64_t addr, uint64_t len) {
  if (invalidate_hook_ && len != 0) invalidate_hook_(addr, len);
}

std::optional<uint64_t> GuestMemory::PickAddress(uint64_t hint, uint64_t len) const {
  // Like Linux: a hint is taken when the range there is free (rounded up to
  // a page), else the search runs top-down from mmap_top.
  if (hint != 0) {
    uint64_t h = PageUp(hint);
    if (h >= kMmapMinAddr && InRange(h, len) && vmas_.IsFree(h, h + len)) return h;
  }
  return vmas_.FindFreeTopDown(len, kMmapMinAddr, std::min(mmap_top_, size_));
}

int64_t GuestMemory::Mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t offset,
                          const std::string& name) {
  MappingLock lock(*this);
  int type = flags & kMapTypeMask;
  if (type != kMapShared && type != kMapPrivate && type != kMapSharedValidate) return -EINVAL;
  if (type == kMapSharedValidate && (flags & ~kMapKnownFlags) != 0) return -EOPNOTSUPP;
  if (prot & ~kProtKnown) return -EINVAL;
  if (len == 0) return -EINVAL;
  if (!PageAligned(offset)) return -EINVAL;
  uint64_t plen = PageUp(len);
  if (plen == 0 || plen > size_) return -ENOMEM;
  if (offset + plen < offset) return -EOVERFLOW;
  const bool shared = type != kMapPrivate;
  const bool anonymous = (flags & kMapAnonymous) != 0;
  const bool fixed = (flags & (kMapFixed | kMapFixedNoReplace)) != 0;

  struct stat st = {};
  if (!anonymous) {
    if (fstat(fd, &st) != 0) return -EBADF;
    if (S_ISDIR(st.st_mode)) return -ENODEV;
    int fl = fcntl(fd, F_GETFL);
    if ((fl & O_ACCMODE) == O_WRONLY) return -EACCES;
    if (shared && (prot & PROT_WRITE) && (fl & O_ACCMODE) != O_RDWR) return -EACCES;
  }

  uint64_t target;
  if (fixed) {
    if (!PageAligned(addr)) return -EINVAL;
    if (!InRange(addr, plen)) return -ENOMEM;
    if (addr < kGuestPageSize) return -EPERM;
    if ((flags & kMapFixedNoReplace) && !vmas_.IsFree(addr, addr + plen)) return -EEXIST;
    target = addr;
  } else {
    std::optional<uint64_t> picked = PickAddress(addr, plen);
    if (!picked) return -ENOMEM;
    target = *picked;
  }

  const bool was_free = vmas_.IsFree(target, target + plen);
  int host_flags = MAP_FIXED | (shared ? MAP_SHARED : MAP_PRIVATE) |
                   (anonymous ? MAP_ANONYMOUS : 0) | (flags & kMapNoReserve ? MAP_NORESERVE : 0) |
                   (flags & kMapPopulate ? MAP_POPULATE : 0);
  // The pages being replaced stop being code before the host mapping changes.
  if (!was_free) {
    Invalidate(target, plen);
    ForgetCodePages(target, plen);
  }
  void* p = mmap(Host(target), plen, MirrorProt(prot), host_flags, anonymous ? -1 : fd,
                 anonymous ? 0 : offset);
  if (p == MAP_FAILED) {
    int err = errno;
    // The kernel may have dropped what was there; make sure no hole remains.
    if (was_free) Reserve(target, plen);
    return -err;
  }

  Vma vma;
  vma.start = target;
  vma.end = target + plen;
  vma.prot = prot;
  vma.shared = shared;
  vma.anonymous = anonymous;
  if (!anonymous) {
    vma.offset = offset;
    vma.dev = st.st_dev;
    vma.inode = st.st_ino;
    vma.name = FdPath(fd);
  }
  if (!name.empty()) vma.name = name;
  vmas_.Insert(vma);
  return static_cast<int64_t>(target);
}

int64_t GuestMemory::Munmap(uint64_t addr, uint64_t len) {
  MappingLock lock(*this);
  if (!PageAligned(addr) || len == 0) return -EINVAL;
  uint64_t plen = PageUp(len);
  if (plen == 0 || !InRange(addr, plen)) return -EINVAL;
  if (vmas_.IsFree(addr, addr + plen)) return 0;
  Invalidate(addr, plen);
  ForgetCodePages(addr, plen);
  Reserve(addr, plen);
  vmas_.Remove(addr, addr + plen);
  return 0;
}

int64_t GuestMemory::Mprotect(uint64_t addr, uint64_t len, int prot) {
  MappingLock lock(*this);
  // PROT_GROWSDOWN/UP (0x01000000/0x02000000) are accepted and ignored: the
  // areas they would extend to are whole already.
  constexpr int kProtGrows = 0x03000000;
  if (!PageAligned(addr)) return -EINVAL;
  if (prot & ~(kProtKnown | kProtGrows)) return -EINVAL;
  prot &= kProtKnown;
  if (len == 0) return 0;
  uint64_t plen = PageUp(len);
  if (plen == 0 || !InRange(addr, plen)) return -ENOMEM;
  const uint64_t end = addr + plen;
  // Linux changes the areas in order and stops with ENOMEM at the first
  // unmapped page, keeping the changes made before it.
  if (vmas_.Find(addr) == nullptr) return -ENOMEM;
  uint64_t cur = addr;
  while (cur < end) {
    const Vma* v = vmas_.Find(cur);
    if (v == nullptr) return -ENOMEM;
    uint64_t piece_end = std::min(v->end, end);
    int old_prot = v->prot;
    // A shared file mapping opened read-only cannot become writable: the
    // host mprotect says EACCES, as Linux would.
    // Code pages keep WRITE off on the host; do it page by page only when
    // there are any, to keep the common case one syscall.
    if (HasCodePages(cur, piece_end - cur)) {
      for (uint64_t p = cur; p < piece_end; p += kGuestPageSize) {
        if (mprotect(Host(p), kGuestPageSize, HostProt(p, prot)) != 0) return -errno;
      }
    } else if (mprotect(Host(cur), piece_end - cur, MirrorProt(prot)) != 0) {
      return -errno;
    }
    if ((old_prot & PROT_EXEC) && !(prot & PROT_EXEC)) Invalidate(cur, piece_end - cur);
    vmas_.Protect(cur, piece_end, prot);
    cur = piece_end;
  }
  return 0;
}

int64_t GuestMemory::MoveMapping(const Vma& vma_in, uint64_t old_addr, uint64_t old_len,
                                 uint64_t new_addr, uint64_t new_len) {
  const Vma vma = vma_in;  // The map changes below.
  Invalidate(old_addr, old_len);
  ForgetCodePages(old_addr, old_len);
  void* p = mremap(Host(old_addr), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, Host(new_addr));
  if (p == MAP_FAILED) {
    if (!(vma.anonymous && !vma.shared)) return -errno;
    // The host areas can be split where the guest's are not (e.g. by code
    // page protection); private anonymous memory can simply be copied.
    void* q = mmap(Host(new_addr), new_len, PROT_READ | PROT_WRITE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) {
      int err = errno;
      Reserve(new_addr, new_len);
      return -err;
    }
    if (vma.prot & (PROT_READ | PROT_EXEC)) {
      memcpy(q, Host(old_addr), std::min(old_len, new_len));
    }
    mprotect(q, new_len, MirrorProt(vma.prot));
  }
  // The host mremap left a hole at the old place (or the copy left the old
  // pages): put the reservation back.
  Reserve(old_addr, old_len);
  Vma moved = vma;
  if (!moved.anonymous) moved.offset += old_addr - vma.start;
  moved.start = new_addr;
  moved.end = new_addr + new_len;
  vmas_.Remove(old_addr, old_addr + old_len);
  vmas_.Insert(moved);
  return static_cast<int64_t>(new_addr);
}

int64_t GuestMemory::GrowInPlace(const Vma& vma_in, uint64_t old_addr, uint64_t old_len,
                                 uint64_t new_len) {
  const Vma vma = vma_in;
  const uint64_t tail = old_addr + old_len;
  const uint64_t tail_len = new_len - old_len;
  if (vma.anonymous && !vma.shared) {
    void* p = mmap(Host(tail), tail_len, MirrorProt(vma.prot),
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      int err = errno;
      Reserve(tail, tail_len);
      return -err;
    }
  } else {
    // Shared or file-backed: only the host mremap keeps the pages' identity.
    // It needs the room after the area unmapped for an instant.
    munmap(Host(tail), tail_len);
    if (mremap(Host(old_addr), old_len, new_len, 0) == MAP_FAILED) {
      int err = errno;
      Reserve(tail, tail_len);
      return -err;
    }
  }
  Vma grown = vma;
  if (!grown.anonymous) grown.offset += tail - vma.start;
  grown.start = tail;
  grown.end = old_addr + new_len;
  vmas_.Insert(grown);
  return static_cast<int64_t>(old_addr);
}

int64_t GuestMemory::Mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
                            uint64_t new_addr) {
  MappingLock lock(*this);
  if (flags & ~(kMremapMayMove | kMremapFixed | kMremapDontUnmap)) return -EINVAL;
  if ((flags & kMremapFixed) && !(flags & kMremapMayMove)) return -EINVAL;
  // MREMAP_DONTUNMAP (Linux 5.7) is not emulated.
  if (flags & kMremapDontUnmap) return -EINVAL;
  if (!PageAligned(old_addr)) return -EINVAL;
  old_len = PageUp(old_len);
  new_len = PageUp(new_len);
  if (new_len == 0) return -EINVAL;
  // old_len == 0 duplicates a shared mapping in Linux; not emulated.
  if (old_len == 0) return -EINVAL;
  if (!InRange(old_addr, old_len)) return -EFAULT;
  const Vma* vma = vmas_.Find(old_addr);
  if (vma == nullptr || vma->end < old_addr + old_len) return -EFAULT;

  if (flags & kMremapFixed) {
    if (!PageAligned(new_addr)) return -EINVAL;
    if (!InRange(new_addr, new_len) || new_addr < kGuestPageSize) return -EINVAL;
    if (new_addr < old_addr + old_len && old_addr < new_addr + new_len) return -EINVAL;
    Munmap(new_addr, new_len);
    vma = vmas_.Find(old_addr);
    if (new_len < old_len) {
      Munmap(old_addr + new_len, old_len - new_len);
      old_len = new_len;
      vma = vmas_.Find(old_addr);
    }
    return MoveMapping(*vma, old_addr, old_len, new_addr, new_len);
  }
  if (new_len <= old_len) {
    if (new_len < old_len) Munmap(old_addr + new_len, old_len - new_len);
    return static_cast<int64_t>(old_addr);
  }
  // Growing. In place when the pages after the old range are free (and, as
  // in Linux, the old range ends where its area ends).
  const uint64_t tail = old_addr + old_len;
  if (vma->end == tail && InRange(tail, new_len - old_len) &&
      vmas_.IsFree(tail, old_addr + new_len)) {
    return GrowInPlace(*vma, old_addr, old_len, new_len);
  }
  if (!(flags & kMremapMayMove)) return -ENOMEM;
  std::optional<uint64_t> dest = PickAddress(0, new_len);
  if (!dest) return -ENOMEM;
  return MoveMapping(*vma, old_addr, old_len, *dest, new_len);
}

int64_t GuestMemory::Madvise(uint64_t addr, uint64_t len, int advice) {
  MappingLock lock(*this);
  // The advice values of asm-generic/mman-common.h, equal on x86-64.
  constexpr int kMadvNormal = 0, kMadvRandom = 1, kMadvSequential = 2, kMadvWillNeed = 3,
                kMadvDontNeed = 4, kMadvFree = 8, kMadvRemove = 9, kMadvDontFork = 10,
                kMadvDoFork = 11, kMadvMergeable = 12, kMadvUnmergeable = 13, kMadvHugePage = 14,
                kMadvNoHugePage = 15, kMadvDontDump = 16, kMadvDoDump = 17, kMadvWipeOnFork = 18,
                kMadvKeepOnFork = 19, kMadvCold = 20, kMadvPageOut = 21;
  switch (advice) {
    case kMadvNormal:
    case kMadvRandom:
    case kMadvSequential:
    case kMadvWillNeed:
    case kMadvDontNeed:
    case kMadvFree:
    case kMadvRemove:
    case kMadvDontFork:
    case kMadvDoFork:
    case kMadvMergeable:
    case kMadvUnmergeable:
    case kMadvHugePage:
    case kMadvNoHugePage:
    case kMadvDontDump:
    case kMadvDoDump:
    case kMadvWipeOnFork:
    case kMadvKeepOnFork:
    case kMadvCold:
    case kMadvPageOut:
      break;
    default:
      return -EINVAL;
  }
  if (!PageAligned(addr)) return -EINVAL;
  if (len == 0) return 0;
  uint64_t plen = PageUp(len);
  if (plen == 0 || !InRange(addr, plen)) return -ENOMEM;
  int64_t result = 0;
  uint64_t cur = addr;
  const uint64_t end = addr + plen;
  // Linux applies the advice to the mapped parts and reports ENOMEM if there
  // was a hole.
  while (cur < end) {
    const Vma* v = vmas_.Find(cur);
    if (v == nullptr) {
      result = -ENOMEM;
      auto next = vmas_.areas().upper_bound(cur);
      if (next == vmas_.areas().end() || next->first >= end) break;
      cur = next->first;
      continue;
    }
    uint64_t piece_end = std::min(v->end, end);
    bool discards = advice == kMadvDontNeed || advice == kMadvFree || advice == kMadvRemove;
    if (discards && (v->prot & PROT_EXEC)) Invalidate(cur, piece_end - cur);
    if (madvise(Host(cur), piece_end - cur, advice) != 0) return -errno;
    cur = piece_end;
  }
  return result;
}

void GuestMemory::InitBrk(uint64_t start) {
  MappingLock lock(*this);
  brk_start_ = brk_ = PageUp(start);
}

uint64_t GuestMemory::Brk(uint64_t new_brk) {
  MappingLock lock(*this);
  if (new_brk < brk_start_ || new_brk > size_) return brk_;
  const uint64_t old_end = PageUp(brk_);
  const uint64_t new_end = PageUp(new_brk);
  if (new_end > old_end) {
    if (!vmas_.IsFree(old_end, new_end) || new_end > mmap_top_) return brk_;
    int64_t r = Mmap(old_end, new_end - old_end, PROT_READ | PROT_WRITE,
                     kMapPrivate | kMapAnonymous | kMapFixed, -1, 0, "[heap]");
    if (r < 0) return brk_;
  } else if (new_end < old_end) {
    Munmap(new_end, old_end - new_end);
  }
  // Bytes between the old and new break inside an already-mapped page keep
  // whatever they held, as in Linux (qemu zeroes them).
  brk_ = new_brk;
  return brk_;
}

bool GuestMemory::CanRead(uint64_t addr, uint64_t len) const {
  MappingLock lock(*this);
  if (len == 0) return true;
  if (!InRange(addr, len)) return false;
  // PROT_EXEC pages are readable on the host; the guest could read them too
  // on real hardware only with READ, which is what Allows checks.
  return vmas_.Allows(addr, addr + len, PROT_READ);
}

bool GuestMemory::CanWrite(uint64_t addr, uint64_t len) const {
  MappingLock lock(*this);
  if (len == 0) return true;
  if (!InRange(addr, len)) return false;
  return vmas_.Allows(addr, addr + len, PROT_WRITE);
}

bool GuestMemory::PrepareWrite(uint64_t addr, uint64_t len) {
  MappingLock lock(*this);
  if (!CanWrite(addr, len)) return false;
  UnprotectCodePages(addr, len);
  return true;
}

void GuestMemory::UnprotectCodePages(uint64_t addr, uint64_t len) {
  MappingLock lock(*this);
  if (len == 0 || !InRange(addr, len) || !HasCodePages(addr, len)) return;
  for (uint64_t p = PageDown(addr); p < addr + len; p += kGuestPageSize) {
    if (IsCodePage(p)) HandleCodeWriteFault(p);
  }
}

bool GuestMemory::CopyFromGuest(void* dst, uint64_t addr, uint64_t len) const {
  MappingLock lock(*this);
  if (!CanRead(addr, len)) return false;
  if (len != 0) memcpy(dst, Host(addr), len);
  return true;
}

bool GuestMemory::CopyToGuest(uint64_t addr, const void* src, uint64_t len) {
  MappingLock lock(*this);
  if (!PrepareWrite(addr, len)) return false;
  if (len != 0) memcpy(Host(addr), src, len);
  return true;
}

std::optional<std::string> GuestMemory::ReadString(uint64_t addr, size_t max_len) const {
  MappingLock lock(*this);
  std::string out;
  uint64_t cur = addr;
  while (true) {
    uint64_t page_end = PageDown(cur) + kGuestPageSize;
    if (!CanRead(cur, 1)) return std::nullopt;
    const char* p = reinterpret_cast<const char*>(Host(cur));
    size_t n = page_end - cur;
    const void* nul = memchr(p, 0, n);
    if (nul != nullptr) {
      out.append(p, static_cast<const char*>(nul) - p);
      return out.size() <= max_len ? std::optional<std::string>(out) : std::nullopt;
    }
    out.append(p, n);
    if (out.size() > max_len) return std::nullopt;
    cur = page_end;
  }
}

std::string GuestMemory::DumpMaps() const {
  MappingLock lock(*this);
  return vmas_.Dump();
}

bool GuestMemory::IsMapped(uint64_t addr) const {
  MappingLock lock(*this);
  return vmas_.Find(addr) != nullptr;
}

bool GuestMemory::IsFullyMapped(uint64_t start, uint64_t end) const {
  MappingLock lock(*this);
  return vmas_.IsFullyMapped(start, end);
}

bool GuestMemory::IsExecutable(uint64_t addr) const {
  MappingLock lock(*this);
  const Vma* v = vmas_.Find(addr);
  return v != nullptr && (v->prot & PROT_EXEC);
}

void GuestMemory::MarkCodePage(uint64_t page_addr) {
  MappingLock lock(*this);
  page_addr = PageDown(page_addr);
  if (page_addr >= size_) return;
  if (code_bits_ == nullptr) {
    void* p = mmap(nullptr, size_ / kGuestPageSize / 8, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return;  // Then nothing is write-protected: no SMC detection.
    code_bits_ = static_cast<uint64_t*>(p);
  }
  uint64_t page = page_addr / kGuestPageSize;
  if (code_bits_[page / 64] & (uint64_t{1} << (page % 64))) return;
  code_bits_[page / 64] |= uint64_t{1} << (page % 64);
  const Vma* v = vmas_.Find(page_addr);
  if (v != nullptr && (v->prot & PROT_WRITE)) {
    mprotect(Host(page_addr), kGuestPageSize, HostProt(page_addr, v->prot));
  }
}

bool GuestMemory::IsCodePage(uint64_t page_addr) const {
  if (code_bits_ == nullptr || page_addr >= size_) return false;
  uint64_t page = page_addr / kGuestPageSize;
  return (code_bits_[page / 64] >> (page % 64)) & 1;
}

bool GuestMemory::HasCodePages(uint64_t addr, uint64_t len) const {
  if (code_bits_ == nullptr) return false;
  for (uint64_t p = PageDown(addr); p < addr + len && p < size_; p += kGuestPageSize) {
    if (IsCodePage(p)) return true;
  }
  return false;
}

void GuestMemory::ForgetCodePages(uint64_t addr, uint64_t len) {
  if (code_bits_ == nullptr) return;
  for (uint64_t p = PageDown(addr); p < addr + len && p < size_; p += kGuestPageSize) {
    uint64_t page = p / kGuestPageSize;
    code_bits_[page / 64] &= ~(uint64_t{1} << (page % 64));
  }
}

bool GuestMemory::HandleWriteFault(uint64_t guest_addr) {
  MappingLock lock(*this);
  if (HandleCodeWriteFault(guest_addr)) return true;
  // A guest page with WRITE that is not a code page is writable on the
  // host: the fault was on a code page that another thread's store (or a
  // syscall) unprotected while this one waited for the lock. Retry.
  const Vma* v = vmas_.Find(PageDown(guest_addr));
  return v != nullptr && (v->prot & PROT_WRITE);
}

bool GuestMemory::HandleCodeWriteFault(uint64_t guest_addr) {
  MappingLock lock(*this);
  uint64_t page_addr = PageDown(guest_addr);
  if (!IsCodePage(page_addr)) return false;
  const Vma* v = vmas_.Find(page_addr);
  if (v == nullptr || !(v->prot & PROT_WRITE)) return false;
  // ORDER: drop the translations before the store can change the bytes.
  Invalidate(page_addr, kGuestPageSize);
  ForgetCodePages(page_addr, kGuestPageSize);
  mprotect(Host(page_addr), kGuestPageSize, MirrorProt(v->prot));
  return true;
}

}  // namespace dbt::executor
