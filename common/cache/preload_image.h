// A program's preload image: every entry of its index in one file, so that
// a run can place them in its code_gen_buffer before the guest starts
// without a translator process or a database (the file is kept beside the
// LMDB store: services/cache/store/preload_files.h; the translator writes
// it, the executor only reads it).
//
// Layout: magic "DBTP", format version, the program key (kProgramKeyBytes),
// the entry count, then each entry as a length-prefixed EncodeTbEntry (with
// its own checksum). Decoding trusts nothing: a bad header rejects the
// image; an entry that fails DecodeTbEntry, or whose isa/abi/build/flags are
// not the program key's, is counted and skipped while the rest load. The
// executor still checks every loaded TB against its guest memory (key.hash)
// before using it, as for entries from the cache service.
#ifndef DBT_COMMON_CACHE_PRELOAD_IMAGE_H_
#define DBT_COMMON_CACHE_PRELOAD_IMAGE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/bytes/byte_codec.h"
#include "common/cache/tb_entry.h"

namespace dbt::cache {

inline constexpr uint32_t kPreloadMagic = 0x50544244;  // "DBTP"
inline constexpr uint32_t kPreloadFormatVersion = 1;
// More entries than any program's index holds is a damaged count.
inline constexpr uint32_t kMaxPreloadEntries = 1 << 22;

class PreloadImageWriter {
 public:
  explicit PreloadImageWriter(const ProgramKey& program);
  void Add(const TbEntry& entry);
  // The image; the writer is empty afterwards.
  std::string Finish();

 private:
  ByteWriter out_;
  uint32_t count_ = 0;
};

// Calls `use` with each well-formed entry of `image`, in order. DataLoss
// when the header is damaged or names another program (nothing is used
// then); *rejected counts the entries skipped.
absl::Status ForEachPreloadEntry(absl::Span<const uint8_t> image, const ProgramKey& expected,
                                 const std::function<void(TbEntry&&)>& use, uint64_t* rejected);

}  // namespace dbt::cache

#endif  // DBT_COMMON_CACHE_PRELOAD_IMAGE_H_
