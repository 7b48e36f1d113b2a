// Between the translator's TbTranslation and the cache's TbEntry
// (common/cache/tb_entry.h), and placing an entry's code in a buffer.
#ifndef DBT_SERVICES_TRANSLATOR_CACHE_ENTRY_CONVERT_H_
#define DBT_SERVICES_TRANSLATOR_CACHE_ENTRY_CONVERT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/cache/tb_entry.h"
#include "common/codegen/code_gen_buffer.h"
#include "services/translator/translate_tb.h"

namespace dbt::translator {

cache::TbKey KeyOf(const TbTranslation& t, uint64_t build);
cache::ProgramKey ProgramKeyOf(const ContentHash& file_hash, uint32_t flags, uint64_t build);

// `code` is the translator's own copy of t's host code (as emitted).
cache::TbEntry ToEntry(const TbTranslation& t, std::vector<uint8_t> code, uint64_t build);

// Copies the entry's code into the buffer at its cursor; the result names
// it there. ResourceExhausted when the buffer is full.
absl::StatusOr<TbTranslation> InstallEntry(const cache::TbEntry& entry,
                                           codegen::CodeGenBuffer& buffer);

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_CACHE_ENTRY_CONVERT_H_
