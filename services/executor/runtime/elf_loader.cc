#include "services/executor/runtime/elf_loader.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dbt::executor {
namespace {

constexpr int kMapPrivate = 0x02, kMapFixed = 0x10, kMapAnonymous = 0x20;
constexpr uint32_t kEfRiscvRve = 0x0008;

absl::Status Bad(const std::string& msg) { return absl::InvalidArgumentError(msg); }

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { close(fd_); }

 private:
  int fd_;
};

int SegmentProt(uint32_t p_flags) {
  int prot = 0;
  if (p_flags & PF_R) prot |= PROT_READ;
  if (p_flags & PF_W) prot |= PROT_WRITE;
  if (p_flags & PF_X) prot |= PROT_EXEC;
  return prot;
}

bool ReadExact(int fd, void* buf, size_t len, uint64_t offset) {
  uint8_t* p = static_cast<uint8_t*>(buf);
  while (len > 0) {
    ssize_t n = pread(fd, p, len, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= n;
    offset += n;
  }
  return true;
}

absl::Status CheckHeader(const Elf64_Ehdr& eh, uint64_t file_size) {
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return Bad("not a 64-bit ELF file (riscv64 programs are ELFCLASS64)");
  }
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) return Bad("not a little-endian ELF file");
  if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT) {
    return Bad("unsupported ELF version");
  }
  if (eh.e_machine != kEmRiscv) {
    return Bad(absl::StrCat("not a RISC-V program (e_machine ", eh.e_machine, ", expected ",
                            kEmRiscv, ")"));
  }
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
    return Bad(absl::StrCat("not an executable (e_type ", eh.e_type, ")"));
  }
  if (eh.e_flags & kEfRiscvRve) return Bad("RV32E/RV64E programs are not supported");
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return Bad(absl::StrCat("bad program header size ", eh.e_phentsize));
  }
  if (eh.e_phnum == 0 || eh.e_phnum == PN_XNUM) return Bad("no program headers");
  uint64_t ph_bytes = uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  if (eh.e_phoff > file_size || ph_bytes > file_size - eh.e_phoff) {
    return Bad("truncated program headers");
  }
  return absl::OkStatus();
}

// Maps one PT_LOAD segment at bias.
absl::Status MapSegment(GuestMemory& mem, int fd, const Elf64_Phdr& ph, uint64_t bias,
                        size_t index) {
  const int prot = SegmentProt(ph.p_flags);
  const uint64_t vaddr = ph.p_vaddr + bias;
  const uint64_t file_end = vaddr + ph.p_filesz;  // End of file-backed bytes.
  const uint64_t mem_end = vaddr + ph.p_memsz;
  const uint64_t page_start = PageDown(vaddr);
  auto fail = [&](const char* what, int64_t err) {
    return absl::InternalError(
        absl::StrFormat("segment %d: %s: %s", index, what, strerror(static_cast<int>(-err))));
  };
  const bool needs_zeroing = ph.p_memsz > ph.p_filesz && !PageAligned(file_end);
  // Writable while we zero the tail of the last file page.
  const int map_prot = needs_zeroing ? prot | PROT_WRITE : prot;

  if (ph.p_filesz > 0 && (ph.p_vaddr % kGuestPageSize) == (ph.p_offset % kGuestPageSize)) {
    // The usual case, as Linux does it: a private file mapping.
    int64_t r = mem.Mmap(page_start, PageUp(file_end) - page_start, map_prot,
                         kMapPrivate | kMapFixed, fd, PageDown(ph.p_offset));
    if (r < 0) return fail("cannot map", r);
  } else if (ph.p_filesz > 0) {
    // File offset and address disagree within a page: copy the bytes.
    int64_t r = mem.Mmap(page_start, PageUp(file_end) - page_start, PROT_READ | PROT_WRITE,
                         kMapPrivate | kMapFixed | kMapAnonymous, -1, 0);
    if (r < 0) return fail("cannot map", r);
    if (!ReadExact(fd, mem.Host(vaddr), ph.p_filesz, ph.p_offset)) {
      return absl::InternalError(absl::StrFormat("segment %d: read error", index));
    }
    r = mem.Mprotect(page_start, PageUp(file_end) - page_start, map_prot);
    if (r < 0) return fail("cannot protect", r);
  }
  if (needs_zeroing && ph.p_filesz > 0) {
    memset(mem.Host(file_end), 0, PageUp(file_end) - file_end);
    if (map_prot != prot) {
      int64_t r = mem.Mprotect(page_start, PageUp(file_end) - page_start, prot);
      if (r < 0) return fail("cannot protect", r);
    }
  }
  // bss beyond the file's last page: fresh zero pages. A bss-only segment
  // whose first page the previous segment already maps keeps that page (the
  // previous segment's bytes live there) and zeroes its own part of it.
  uint64_t bss_start = ph.p_filesz > 0 ? PageUp(file_end) : page_start;
  if (ph.p_filesz == 0 && mem.vmas().Find(page_start) != nullptr) {
    bss_start = PageUp(vaddr);
    uint64_t zero_end = std::min(bss_start, mem_end);
    if (!mem.CopyToGuest(vaddr, std::string(zero_end - vaddr, '\0').data(), zero_end - vaddr)) {
      return absl::InternalError(absl::StrFormat(
          "segment %d: shares a page with a read-only segment and needs zeroing", index));
    }
  }
  if (PageUp(mem_end) > bss_start) {
    int64_t r = mem.Mmap(bss_start, PageUp(mem_end) - bss_start, prot,
                         kMapPrivate | kMapFixed | kMapAnonymous, -1, 0);
    if (r < 0) return fail("cannot map bss", r);
  }
  return absl::OkStatus();
}

}  // namespace

ElfKind ClassifyElf(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ElfKind::kNotElf;
  FdCloser closer(fd);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return ElfKind::kNotElf;
  Elf64_Ehdr eh;
  memset(&eh, 0, sizeof(eh));
  const size_t got = std::min<uint64_t>(st.st_size, sizeof(eh));
  if (got < SELFMAG || !ReadExact(fd, &eh, got, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return ElfKind::kNotElf;
  }
  if (got < sizeof(eh)) return ElfKind::kBadRiscv;  // too short to say: refused
  if (eh.e_machine != kEmRiscv) return ElfKind::kForeign;
  return CheckHeader(eh, st.st_size).ok() ? ElfKind::kRiscv : ElfKind::kBadRiscv;
}

absl::StatusOr<LoadedImage> LoadElf(const std::string& path, GuestMemory& mem, uint64_t limit,
                                    uint64_t dyn_base) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(strerror(errno));
  FdCloser closer(fd);
  struct stat st;
  if (fstat(fd, &st) != 0) return absl::InternalError(strerror(errno));
  if (S_ISDIR(st.st_mode)) return Bad("is a directory");
  if (!S_ISREG(st.st_mode)) return Bad("not a regular file");
  const uint64_t file_size = st.st_size;

  Elf64_Ehdr eh;
  memset(&eh, 0, sizeof(eh));
  size_t got = std::min<uint64_t>(file_size, sizeof(eh));
  if (got > 0 && !ReadExact(fd, &eh, got, 0)) return absl::InternalError("read error");
  if (got < SELFMAG || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return Bad("not an ELF file");
  if (got < sizeof(eh)) return Bad("truncated ELF header");
  if (absl::Status s = CheckHeader(eh, file_size); !s.ok()) return s;

  std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
  if (!ReadExact(fd, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr), eh.e_phoff)) {
    return absl::InternalError("read error");
  }

  LoadedImage image;
  image.phent = eh.e_phentsize;
  image.phnum = eh.e_phnum;
  std::vector<size_t> loads;  // Indexes of PT_LOAD headers.
  uint64_t max_align = kGuestPageSize;
  const Elf64_Phdr* pt_phdr = nullptr;
  for (size_t i = 0; i < phdrs.size(); ++i) {
    const Elf64_Phdr& ph = phdrs[i];
    switch (ph.p_type) {
      case PT_INTERP: {
        // A NUL-terminated path inside the file, as Linux requires.
        if (ph.p_filesz < 2 || ph.p_filesz > PATH_MAX || ph.p_offset > file_size ||
            ph.p_filesz > file_size - ph.p_offset) {
          return Bad("bad PT_INTERP (the dynamic loader's path)");
        }
        std::string interp(ph.p_filesz, '\0');
        if (!ReadExact(fd, interp.data(), interp.size(), ph.p_offset)) {
          return absl::InternalError("read error");
        }
        if (interp.back() != '\0' || interp.find('\0') != interp.size() - 1) {
          return Bad("bad PT_INTERP (the dynamic loader's path)");
        }
        interp.pop_back();
        image.interp = std::move(interp);
        break;
      }
      case PT_GNU_STACK:
        image.exec_stack = (ph.p_flags & PF_X) != 0;
        break;
      case PT_PHDR:
        pt_phdr = &ph;
        break;
      case PT_LOAD: {
        if (ph.p_filesz > ph.p_memsz) {
          return Bad(absl::StrFormat("segment %d: file size 0x%x larger than memory size 0x%x", i,
                                     ph.p_filesz, ph.p_memsz));
        }
        if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset) {
          return Bad(absl::StrFormat("truncated segment %d (bytes 0x%x..0x%x of a 0x%x-byte file)",
                                     i, ph.p_offset, ph.p_offset + ph.p_filesz, file_size));
        }
        if (ph.p_align > 1 && (ph.p_align & (ph.p_align - 1)) != 0) {
          return Bad(
              absl::StrFormat("segment %d: alignment 0x%x is not a power of two", i, ph.p_align));
        }
        if (ph.p_memsz == 0) break;  // Maps nothing (Linux skips these too).
        max_align = std::max<uint64_t>(max_align, ph.p_align);
        loads.push_back(i);
        break;
      }
      default:
        break;
    }
  }
  if (loads.empty()) return Bad("no loadable segments");

  std::sort(loads.begin(), loads.end(),
            [&](size_t a, size_t b) { return phdrs[a].p_vaddr < phdrs[b].p_vaddr; });
  if (eh.e_type == ET_DYN) {
    // Position-independent: place the lowest segment at the bias.
    image.position_independent = true;
    uint64_t align = std::min<uint64_t>(max_align, uint64_t{1} << 30);
    uint64_t bias = (dyn_base + align - 1) & ~(align - 1);
    image.load_bias = bias - PageDown(phdrs[loads.front()].p_vaddr);
  }
  const uint64_t bias = image.load_bias;
  for (size_t k = 0; k < loads.size(); ++k) {
    const Elf64_Phdr& ph = phdrs[loads[k]];
    uint64_t start = ph.p_vaddr + bias;
    if (ph.p_vaddr + bias < ph.p_vaddr || start + ph.p_memsz < start ||
        PageDown(start) < kGuestPageSize || start + ph.p_memsz > limit) {
      return Bad(
          absl::StrFormat("segment %d (0x%x..0x%x) is outside the guest address space (0x%x..0x%x)",
                          loads[k], start, start + ph.p_memsz, kGuestPageSize, limit));
    }
    if (k > 0) {
      const Elf64_Phdr& prev = phdrs[loads[k - 1]];
      if (prev.p_vaddr + prev.p_memsz > ph.p_vaddr) {
        return Bad(absl::StrFormat("segments %d and %d overlap", loads[k - 1], loads[k]));
      }
    }
  }

  for (size_t idx : loads) {
    if (absl::Status s = MapSegment(mem, fd, phdrs[idx], bias, idx); !s.ok()) return s;
  }
  const Elf64_Phdr& first = phdrs[loads.front()];
  const Elf64_Phdr& last = phdrs[loads.back()];
  image.start = first.p_vaddr + bias;
  image.end = last.p_vaddr + last.p_memsz + bias;
  image.brk_start = PageUp(image.end);
  image.entry = eh.e_entry + bias;

  // AT_PHDR: where the program headers are in memory. PT_PHDR says so when
  // present; else the PT_LOAD whose file bytes contain them; else (as older
  // Linux did) the first segment's file-to-memory offset applied to e_phoff.
  const uint64_t ph_bytes = uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  if (pt_phdr != nullptr) {
    image.phdr_addr = pt_phdr->p_vaddr + bias;
  } else {
    image.phdr_addr = first.p_vaddr - first.p_offset + eh.e_phoff + bias;
    for (size_t idx : loads) {
      const Elf64_Phdr& ph = phdrs[idx];
      if (eh.e_phoff >= ph.p_offset && eh.e_phoff + ph_bytes <= ph.p_offset + ph.p_filesz) {
        image.phdr_addr = eh.e_phoff - ph.p_offset + ph.p_vaddr + bias;
        break;
      }
    }
  }
  return image;
}

}  // namespace dbt::executor
