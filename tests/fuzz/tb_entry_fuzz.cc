// libFuzzer target: the cache entry parser (common/cache/tb_entry.h) on
// arbitrary bytes, with and without an expected key. It must never crash,
// read out of bounds (ASan) or accept an entry that does not re-encode to
// the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/cache/tb_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::Span<const uint8_t> bytes(data, size);
  absl::StatusOr<dbt::cache::TbEntry> e = dbt::cache::DecodeTbEntry(bytes);
  if (e.ok()) {
    // Accepted: exactly what the encoder makes of it, and its own key
    // matches.
    const std::string again = dbt::cache::EncodeTbEntry(*e);
    if (again != std::string(reinterpret_cast<const char*>(data), size)) abort();
    if (!dbt::cache::DecodeTbEntry(bytes, &e->key).ok()) abort();
  }
  if (size >= dbt::cache::kTbKeyBytes) {
    (void)dbt::cache::DecodeTbKey(bytes.first(dbt::cache::kTbKeyBytes));
  }
  (void)dbt::cache::DecodeProgramKey(bytes);
  return 0;
}
