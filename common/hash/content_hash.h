// The 128-bit content hash of guest code that keys translated blocks
// (DESIGN.md: a TB's key includes a 128-bit hash of its guest bytes).
// XXH3-128 (Debian libxxhash): fast, well distributed, stable across
// releases of the library for a given input, which persistence requires.
#ifndef DBT_COMMON_HASH_CONTENT_HASH_H_
#define DBT_COMMON_HASH_CONTENT_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dbt {

struct ContentHash {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const ContentHash& a, const ContentHash& b) {
    return a.lo == b.lo && a.hi == b.hi;
  }
  friend bool operator!=(const ContentHash& a, const ContentHash& b) { return !(a == b); }
};

ContentHash HashBytes(const void* data, size_t len);

// The hash as 16 bytes, low then high 64 bits (host order), as it travels
// between processes (wire::Hello cache_file_hash, SessionConfig.program_hash).
std::string ContentHashToBytes(const ContentHash& h);
// The inverse; false unless `bytes` holds exactly 16.
bool ContentHashFromBytes(std::string_view bytes, ContentHash* out);

// Hash of a whole file read from fd (from its current offset to the end),
// as HashBytes of its contents. False on a read error (errno set). Reads in
// 64 KiB pieces: a larger buffer costs more in first-touch page faults (on
// this project's VM, ~20 us each) than it saves in reads.
bool HashFd(int fd, ContentHash* out);

// Hash of several ranges as if concatenated (a TB spanning two pages).
class ContentHasher {
 public:
  ContentHasher();
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;
  void Update(const void* data, size_t len);
  ContentHash Finish() const;

 private:
  void* state_;  // XXH3_state_t
};

}  // namespace dbt

#endif  // DBT_COMMON_HASH_CONTENT_HASH_H_
