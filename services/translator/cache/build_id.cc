#include "services/translator/cache/build_id.h"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "common/hash/content_hash.h"

namespace dbt::translator {

uint64_t TranslatorBuildId() {
  static const uint64_t id = [] {
    const int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return uint64_t{0};
    ContentHasher hasher;
    std::vector<uint8_t> chunk(1 << 20);
    ssize_t n;
    bool failed = false;
    while ((n = read(fd, chunk.data(), chunk.size())) != 0) {
      if (n < 0) {
        failed = true;
        break;
      }
      hasher.Update(chunk.data(), static_cast<size_t>(n));
    }
    close(fd);
    if (failed) return uint64_t{0};
    const uint64_t h = hasher.Finish().lo;
    return h == 0 ? 1 : h;
  }();
  return id;
}

}  // namespace dbt::translator
