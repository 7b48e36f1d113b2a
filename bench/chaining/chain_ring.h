// A ring of small generated blocks in a real code_gen_buffer, chained three
// ways, to measure the chaining choice of docs/ARCHITECTURE.md ("Chaining
// across processes") instead of arguing it:
//   kDirect     `jmp rel32` in the code, patched by one aligned 4-byte store
//               through the buffer's read-write alias (what dbt does);
//   kIndirect   `jmp [rip + slot]`, the slot an 8-byte word in a separate
//               read-write data page next to the code (no writable alias of
//               code at all; one load per chained exit);
//   kDispatcher never linked: every block returns its successor's index to a
//               C++ loop that looks the block up and calls it (the cost of
//               not chaining).
// Each block looks like a small TB: an exit-request check, a guest register
// read-modify-write in memory, and its exit. The last block counts laps.
#ifndef DBT_BENCH_CHAINING_CHAIN_RING_H_
#define DBT_BENCH_CHAINING_CHAIN_RING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/codegen/code_gen_buffer.h"

namespace dbt::bench {

enum class ChainKind { kDirect, kIndirect, kDispatcher };
const char* ChainKindName(ChainKind kind);

// What the blocks read and write (rdi points here).
struct RingState {
  uint32_t exit_request = 0;
  uint32_t pad = 0;
  uint64_t guest_reg = 0;  // block i adds i + 1
  uint64_t laps_left = 0;  // the last block decrements it, stops at 0
};

// A block's return value when the ring is done.
inline constexpr uint64_t kRingDone = ~uint64_t{0};

class ChainRing {
 public:
  static absl::StatusOr<std::unique_ptr<ChainRing>> Build(ChainKind kind, int blocks);
  ~ChainRing();

  // Points every block's exit at its successor (kDispatcher: nothing to do).
  void LinkAll();
  // Points every block's exit back at its return-to-dispatcher path.
  void UnlinkAll();
  // The guest pc block i stands for (the dispatcher's lookup key).
  static uint64_t GuestPc(int block) { return 0x10000 + 8 * static_cast<uint64_t>(block); }

  // Runs `laps` laps from block 0; returns how many times control came back
  // to the C++ loop (1 when fully linked, blocks * laps when not). Stops early once
  // state.exit_request is set.
  uint64_t Run(RingState& state, uint64_t laps) const;

  // One link or unlink of block i's exit, the way this kind does it.
  void Link(int block);
  void Unlink(int block);

  int blocks() const { return static_cast<int>(entry_.size()); }
  ChainKind kind() const { return kind_; }
  const codegen::CodeGenBuffer& buffer() const { return *buffer_; }
  // Offset in the buffer of block i's rel32 field (kDirect only).
  size_t jump_field(int block) const { return jump_field_[block]; }
  size_t entry(int block) const { return entry_[block]; }

 private:
  ChainRing() = default;
  ChainKind kind_ = ChainKind::kDirect;
  std::unique_ptr<codegen::CodeGenBuffer> buffer_;
  uint64_t* slots_ = nullptr;  // kIndirect: one per block, in a RW data page
  size_t slots_bytes_ = 0;
  std::vector<size_t> entry_;         // offsets of block starts
  std::vector<size_t> jump_field_;    // kDirect: rel32 field offsets
  std::vector<size_t> unlinked_;      // offsets of the return paths
  absl::flat_hash_map<uint64_t, size_t> lookup_;  // guest pc -> block index
};

}  // namespace dbt::bench

#endif  // DBT_BENCH_CHAINING_CHAIN_RING_H_
