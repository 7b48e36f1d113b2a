#include "common/cache/preload_image.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace dbt::cache {

PreloadImageWriter::PreloadImageWriter(const ProgramKey& program) {
  out_.U32(kPreloadMagic);
  out_.U32(kPreloadFormatVersion);
  const std::string key = EncodeProgramKey(program);
  out_.Raw(key.data(), key.size());
  out_.U32(0);  // the count, set by Finish
}

void PreloadImageWriter::Add(const TbEntry& entry) {
  const std::string bytes = EncodeTbEntry(entry);
  out_.Bytes(bytes.data(), bytes.size());
  ++count_;
}

std::string PreloadImageWriter::Finish() {
  std::vector<uint8_t> bytes = out_.Take();
  std::memcpy(bytes.data() + 8 + kProgramKeyBytes, &count_, 4);
  count_ = 0;
  return std::string(bytes.begin(), bytes.end());
}

absl::Status ForEachPreloadEntry(absl::Span<const uint8_t> image, const ProgramKey& expected,
                                 const std::function<void(TbEntry&&)>& use, uint64_t* rejected) {
  ByteReader r(image);
  if (r.U32("magic") != kPreloadMagic) return absl::DataLossError("preload image: bad magic");
  if (const uint32_t v = r.U32("version"); v != kPreloadFormatVersion) {
    return absl::DataLossError(absl::StrCat("preload image: format version ", v,
                                            ", this dbt reads ", kPreloadFormatVersion));
  }
  absl::StatusOr<ProgramKey> program = DecodeProgramKey(r.Fixed(kProgramKeyBytes, "program key"));
  if (!program.ok()) return absl::DataLossError("preload image: bad program key");
  if (!(*program == expected)) return absl::DataLossError("preload image: another program's");
  const uint32_t count = r.U32("count");
  if (!r.ok() || count > kMaxPreloadEntries) return absl::DataLossError("preload image: bad count");
  for (uint32_t i = 0; i < count; ++i) {
    const absl::Span<const uint8_t> bytes = r.Bytes(kMaxEntryCodeBytes * 2, "entry");
    if (!r.ok()) {
      // The rest cannot be framed: each of them is lost.
      *rejected += count - i;
      return absl::OkStatus();
    }
    absl::StatusOr<TbEntry> e = DecodeTbEntry(bytes);
    if (!e.ok() || e->key.isa != expected.isa || e->key.abi != expected.abi ||
        e->key.build != expected.build || e->key.flags != expected.flags) {
      ++*rejected;
      continue;
    }
    use(*std::move(e));
  }
  if (r.remaining() != 0) ++*rejected;  // trailing bytes: counted, not used
  return absl::OkStatus();
}

}  // namespace dbt::cache
