#include "services/translator/cache/build_id.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "common/hash/content_hash.h"

namespace dbt::translator {
namespace {

// The linker's GNU build-id of this executable (a hash of its contents that
// gold and ld write by default), read from our own mapped PT_NOTE segments:
// no file to read. Zero if there is none.
uint64_t FromBuildIdNote() {
  uint64_t id = 0;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) -> int {
        // The first object is the executable itself.
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
          const uint8_t* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            ElfW(Nhdr) n;
            memcpy(&n, p, sizeof n);
            const uint8_t* name = p + sizeof n;
            const uint8_t* desc = name + ((n.n_namesz + 3) & ~3u);
            const uint8_t* next = desc + ((n.n_descsz + 3) & ~3u);
            if (next > end) break;
            if (n.n_type == NT_GNU_BUILD_ID && n.n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
                n.n_descsz >= 8) {
              const uint64_t h = HashBytes(desc, n.n_descsz).lo;
              *static_cast<uint64_t*>(data) = h == 0 ? 1 : h;
              return 1;
            }
            p = next;
          }
        }
        return 1;  // only the executable
      },
      &id);
  return id;
}

// Without a build-id note: a hash of the whole file.
uint64_t FromFileContents() {
  const int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ContentHash h;
  const bool ok = HashFd(fd, &h);
  close(fd);
  if (!ok) return 0;
  return h.lo == 0 ? 1 : h.lo;
}

}  // namespace

uint64_t TranslatorBuildId() {
  static const uint64_t id = [] {
    const uint64_t h = FromBuildIdNote();
    return h != 0 ? h : FromFileContents();
  }();
  return id;
}

}  // namespace dbt::translator
