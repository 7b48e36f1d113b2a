// libFuzzer target: the cache entry parser (common/cache/tb_entry.h) on
// arbitrary bytes, with and without an expected key, and the preload image
// parser (common/cache/preload_image.h) on them as a whole image and as the
// entries behind a well-formed header. It must never crash,
// read out of bounds (ASan) or accept an entry that does not re-encode to
// the same bytes. Each input is tried twice: as it is (the checksum check
// stops nearly all of them), and as a body with a correct checksum
// appended, so that the structure checks behind it (a buggy or hostile
// writer that computed the checksum) are explored too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/cache/preload_image.h"
#include "common/cache/tb_entry.h"

namespace {

// Every entry an image yields decodes on its own too.
void CheckImage(absl::Span<const uint8_t> image, const dbt::cache::ProgramKey& program) {
  uint64_t rejected = 0;
  (void)dbt::cache::ForEachPreloadEntry(
      image, program,
      [&](dbt::cache::TbEntry&& e) {
        if (e.key.build != program.build || e.key.abi != program.abi) abort();
        if (!dbt::cache::DecodeTbEntry(dbt::cache::AsBytes(dbt::cache::EncodeTbEntry(e)), &e.key)
                 .ok()) {
          abort();
        }
      },
      &rejected);
}

void Check(absl::Span<const uint8_t> bytes) {
  absl::StatusOr<dbt::cache::TbEntry> e = dbt::cache::DecodeTbEntry(bytes);
  if (!e.ok()) return;
  // Accepted: exactly what the encoder makes of it, and its own key matches.
  const std::string again = dbt::cache::EncodeTbEntry(*e);
  if (again != std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size())) abort();
  if (!dbt::cache::DecodeTbEntry(bytes, &e->key).ok()) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::Span<const uint8_t> bytes(data, size);
  Check(bytes);
  if (size >= 16) {
    // The body with its checksum recomputed.
    std::vector<uint8_t> sealed(data, data + size - 16);
    const dbt::ContentHash sum = dbt::HashBytes(sealed.data(), sealed.size());
    const auto* lo = reinterpret_cast<const uint8_t*>(&sum.lo);
    const auto* hi = reinterpret_cast<const uint8_t*>(&sum.hi);
    sealed.insert(sealed.end(), lo, lo + 8);
    sealed.insert(sealed.end(), hi, hi + 8);
    Check(sealed);
  }
  if (size >= dbt::cache::kTbKeyBytes) {
    (void)dbt::cache::DecodeTbKey(bytes.first(dbt::cache::kTbKeyBytes));
  }
  (void)dbt::cache::DecodeProgramKey(bytes);
  // The seeds' program (make_seeds.cc).
  dbt::cache::ProgramKey program;
  program.abi = 1;
  program.build = 99;
  CheckImage(bytes, program);
  // Behind a well-formed header that announces four entries.
  const std::string header = dbt::cache::PreloadImageWriter(program).Finish();
  std::vector<uint8_t> image(header.begin(), header.end());
  image[image.size() - 4] = 4;
  image.insert(image.end(), data, data + size);
  CheckImage(image, program);
  return 0;
}
