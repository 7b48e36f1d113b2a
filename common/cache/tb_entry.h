// A persisted translated block: what the cache stores, and the checks that
// run before any of it is loaded into a code_gen_buffer.
//
// An entry is host code plus everything needed to place it at any offset of
// any buffer: the guest range it was made from, its two goto_tb slots (each
// pointing at the TB's own exit path, as emitted), the host->guest pc map
// (fault recovery) and relocations for anything address-dependent. The code
// is position-independent (no absolute host address: DESIGN.md), so today
// no relocation kind exists and an entry carrying one is refused; the field
// is there so that a later kind is a format change the version says.
//
// The key (DESIGN.md "Invariants"): guest ISA, translator ABI and build,
// TB flags, guest pc and size, and the 128-bit hash of the guest bytes.
// Nothing is ever loaded for bytes other than the ones it was made from:
// the executor hashes its own guest memory against key.hash before it puts
// a loaded TB in its registry.
//
// Encoding: little-endian, fixed-width fields (common/bytes), then an
// XXH3-128 checksum of everything before it. DecodeTbEntry checks the
// checksum, every size, offset and count, the slots' jump fields, and that
// the key is the one looked up: anything else is DataLoss, never a crash
// (fuzzed: tb_entry_fuzz).
#ifndef DBT_COMMON_CACHE_TB_ENTRY_H_
#define DBT_COMMON_CACHE_TB_ENTRY_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/hash/content_hash.h"

namespace dbt::cache {

enum class GuestIsa : uint32_t { kRiscv64 = 1 };

inline constexpr uint32_t kEntryMagic = 0x43544244;  // "DBTC"
// Bumped whenever the encoding changes (an old store's entries then fail
// the version check and are re-translated).
inline constexpr uint32_t kEntryFormatVersion = 1;

// Limits a well-formed entry stays within (the translator's are smaller).
inline constexpr uint64_t kMaxEntryGuestBytes = 8192;
inline constexpr uint64_t kMaxEntryCodeBytes = 1 << 20;
inline constexpr uint32_t kMaxEntryRelocations = 256;

struct TbKey {
  uint32_t isa = static_cast<uint32_t>(GuestIsa::kRiscv64);
  uint32_t abi = 0;    // kTranslatorAbi of the code's contract with the runtime
  uint64_t build = 0;  // identity of the translator binary that made it
  uint32_t flags = 0;  // TbFlags
  uint64_t pc = 0;
  uint32_t guest_size = 0;
  ContentHash hash;  // of guest bytes [pc, pc + guest_size)
  friend bool operator==(const TbKey&, const TbKey&) = default;
};
inline constexpr size_t kTbKeyBytes = 48;

// Which program (or, later, which shared object) TBs were used by: the
// file's content hash, under the same ISA/ABI/build/flags as its TBs.
struct ProgramKey {
  uint32_t isa = static_cast<uint32_t>(GuestIsa::kRiscv64);
  uint32_t abi = 0;
  uint64_t build = 0;
  uint32_t flags = 0;
  ContentHash file_hash;
  friend bool operator==(const ProgramKey&, const ProgramKey&) = default;
};
inline constexpr size_t kProgramKeyBytes = 36;

struct EntryRange {
  uint64_t start = 0;
  uint64_t size = 0;
};
struct EntrySlot {
  bool used = false;
  uint32_t jump_field = 0;       // offset of the jmp's rel32 in the code
  uint32_t unlinked_target = 0;  // where it jumps as emitted (the exit path)
};
struct EntryPcMap {
  uint32_t host_offset = 0;
  uint64_t guest_pc = 0;
};
struct EntryRelocation {
  uint32_t kind = 0;  // none is defined yet: every kind is refused
  uint32_t offset = 0;
  uint64_t addend = 0;
};

struct TbEntry {
  TbKey key;
  uint32_t guest_insns = 0;
  std::vector<EntryRange> ranges;  // one or two, contiguous from key.pc
  std::vector<uint8_t> code;
  std::array<EntrySlot, 2> slots{};
  uint32_t ops_before = 0;
  uint32_t ops_after = 0;
  uint32_t spill_slots = 0;
  std::vector<EntryPcMap> pc_map;  // ascending host offsets
  std::vector<EntryRelocation> relocations;
};

std::string EncodeTbKey(const TbKey& key);
absl::StatusOr<TbKey> DecodeTbKey(absl::Span<const uint8_t> bytes);
std::string EncodeProgramKey(const ProgramKey& key);
absl::StatusOr<ProgramKey> DecodeProgramKey(absl::Span<const uint8_t> bytes);

std::string EncodeTbEntry(const TbEntry& entry);
// DataLoss saying what is wrong when `bytes` is not a well-formed entry, or
// (expected non-null) its key is not *expected.
absl::StatusOr<TbEntry> DecodeTbEntry(absl::Span<const uint8_t> bytes,
                                      const TbKey* expected = nullptr);
inline absl::StatusOr<TbEntry> DecodeTbEntry(const std::string& bytes,
                                             const TbKey* expected = nullptr) {
  return DecodeTbEntry(
      absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      expected);
}

// The cheap half of DecodeTbEntry: magic, format version, checksum and
// (expected non-null) the key, without parsing the rest. For the cache
// service handing entries out in bulk: it drops damaged ones, and the
// translator that loads an entry decodes it in full (DecodeTbEntry) before
// using it.
absl::Status CheckTbEntryIntegrity(absl::Span<const uint8_t> bytes, const TbKey* expected);

inline absl::Span<const uint8_t> AsBytes(const std::string& s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace dbt::cache

#endif  // DBT_COMMON_CACHE_TB_ENTRY_H_
