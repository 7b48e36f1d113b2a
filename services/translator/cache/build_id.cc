#include "services/translator/cache/build_id.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include <vector>

#include "common/hash/content_hash.h"

namespace dbt::translator {
namespace {

// The id of a GNU build-id note among the notes in [p, end); 0 if none.
uint64_t FromNotes(const uint8_t* p, const uint8_t* end) {
  while (p + sizeof(ElfW(Nhdr)) <= end) {
    ElfW(Nhdr) n;
    memcpy(&n, p, sizeof n);
    const uint8_t* name = p + sizeof n;
    const uint64_t name_bytes = (uint64_t{n.n_namesz} + 3) & ~uint64_t{3};
    const uint64_t desc_bytes = (uint64_t{n.n_descsz} + 3) & ~uint64_t{3};
    if (name_bytes + desc_bytes > static_cast<uint64_t>(end - name)) break;
    const uint8_t* desc = name + name_bytes;
    if (n.n_type == NT_GNU_BUILD_ID && n.n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
        n.n_descsz >= 8) {
      const uint64_t h = HashBytes(desc, n.n_descsz).lo;
      return h == 0 ? 1 : h;
    }
    p = desc + desc_bytes;
  }
  return 0;
}

// From our own mapped PT_NOTE segments: no file to read.
uint64_t FromBuildIdNote() {
  uint64_t id = 0;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) -> int {
        // The first object is the executable itself.
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
          if (const uint64_t h = FromNotes(p, p + ph.p_memsz); h != 0) {
            *static_cast<uint64_t*>(data) = h;
            return 1;
          }
        }
        return 1;  // only the executable
      },
      &id);
  return id;
}

bool ReadAt(int fd, void* out, size_t size, uint64_t offset) {
  return pread(fd, out, size, static_cast<off_t>(offset)) == static_cast<ssize_t>(size);
}

// From the PT_NOTE segments of an ELF file.
uint64_t FromFileNotes(int fd) {
  ElfW(Ehdr) eh;
  if (!ReadAt(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ElfW(Phdr)) ||
      eh.e_phnum > 256) {
    return 0;
  }
  std::vector<ElfW(Phdr)> phdrs(eh.e_phnum);
  if (!ReadAt(fd, phdrs.data(), phdrs.size() * sizeof(ElfW(Phdr)), eh.e_phoff)) return 0;
  for (const ElfW(Phdr) & ph : phdrs) {
    if (ph.p_type != PT_NOTE || ph.p_filesz > (1 << 16)) continue;
    std::vector<uint8_t> notes(ph.p_filesz);
    if (!ReadAt(fd, notes.data(), notes.size(), ph.p_offset)) continue;
    if (const uint64_t h = FromNotes(notes.data(), notes.data() + notes.size()); h != 0) return h;
  }
  return 0;
}

// Without a build-id note: a hash of the whole file.
uint64_t FromFileContents(int fd) {
  ContentHash h;
  if (!HashFd(fd, &h)) return 0;
  return h.lo == 0 ? 1 : h.lo;
}

}  // namespace

uint64_t TranslatorBuildId() {
  static const uint64_t id = [] {
    if (const uint64_t h = FromBuildIdNote(); h != 0) return h;
    const int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return uint64_t{0};
    const uint64_t h = FromFileContents(fd);
    close(fd);
    return h;
  }();
  return id;
}

uint64_t BuildIdOfFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  uint64_t h = FromFileNotes(fd);
  if (h == 0) {
    lseek(fd, 0, SEEK_SET);
    h = FromFileContents(fd);
  }
  close(fd);
  return h;
}

}  // namespace dbt::translator
