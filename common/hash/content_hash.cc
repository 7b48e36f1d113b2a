#include "common/hash/content_hash.h"

#include <errno.h>
#include <unistd.h>

#include <xxhash.h>

#include <cstring>
#include <memory>

namespace dbt {

ContentHash HashBytes(const void* data, size_t len) {
  XXH128_hash_t h = XXH3_128bits(data, len);
  return ContentHash{h.low64, h.high64};
}

ContentHasher::ContentHasher() : state_(XXH3_createState()) {
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_));
}

ContentHasher::~ContentHasher() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void ContentHasher::Update(const void* data, size_t len) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), data, len);
}

ContentHash ContentHasher::Finish() const {
  XXH128_hash_t h = XXH3_128bits_digest(static_cast<const XXH3_state_t*>(state_));
  return ContentHash{h.low64, h.high64};
}

}  // namespace dbt

namespace dbt {

std::string ContentHashToBytes(const ContentHash& h) {
  std::string bytes(reinterpret_cast<const char*>(&h.lo), 8);
  bytes.append(reinterpret_cast<const char*>(&h.hi), 8);
  return bytes;
}

bool ContentHashFromBytes(std::string_view bytes, ContentHash* out) {
  if (bytes.size() != 16) return false;
  std::memcpy(&out->lo, bytes.data(), 8);
  std::memcpy(&out->hi, bytes.data() + 8, 8);
  return true;
}

bool HashFd(int fd, ContentHash* out) {
  ContentHasher hasher;
  constexpr size_t kChunk = 64 << 10;
  std::unique_ptr<uint8_t[]> chunk(new uint8_t[kChunk]);
  for (;;) {
    const ssize_t n = read(fd, chunk.get(), kChunk);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    hasher.Update(chunk.get(), static_cast<size_t>(n));
  }
  *out = hasher.Finish();
  return true;
}

}  // namespace dbt
