// The code_gen_buffer: one memfd holding all generated host code, mapped
// twice: a read-write view (where code is written) and a read-execute view
// (where it runs), never writable and executable at once. Offsets are the
// same in both views; generated code is position-independent, so another
// process may map the same fd (fd()) at other addresses and run it.
//
// Layout: [prologue area][guard][region 0][guard][region 1][guard]...
// The prologue/epilogue (prologue.h) sit at offset 0. TB code is allocated
// in 16-byte aligned pieces from the current region; when the last region is
// full, Allocate-side calls report it and the runtime must Flush() (drop every
// TB, with no thread inside generated code) before translating again. Guard
// pages (no access in either view) catch runaway execution between regions.
//
// Allocation is single-writer: callers serialize (the translator owns it).
#ifndef DBT_COMMON_CODEGEN_CODE_GEN_BUFFER_H_
#define DBT_COMMON_CODEGEN_CODE_GEN_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "common/codegen/frame.h"
#include "common/jit_abi.h"

namespace dbt::codegen {

struct CodeGenBufferOptions {
  size_t size = 0;         // Total bytes; 0: DefaultCodeGenBufferSize().
  size_t region_size = 0;  // 0: DefaultRegionSize(size).
};

// As QEMU user mode: a fraction of host memory (1/8), within [1 MiB, 1 GiB].
size_t DefaultCodeGenBufferSize();
size_t DefaultRegionSize(size_t buffer_size);

// Free bytes at the allocation cursor: [offset, offset + size).
struct CodeSpan {
  size_t offset = 0;
  size_t size = 0;
};

class CodeGenBuffer {
 public:
  // Creates the memfd, both views and guard pages, and writes the prologue.
  static absl::StatusOr<std::unique_ptr<CodeGenBuffer>> Create(
      const CodeGenBufferOptions& options = {});
  // Which views a process maps. The translator service writes code and
  // never runs it (kReadWrite); an executor session runs code and patches
  // jump slots through a read-write alias (kBoth); kReadExecute is a
  // run-only view.
  enum class Views { kReadWrite, kReadExecute, kBoth };
  // Maps a buffer created elsewhere (e.g. by another process, fd received
  // over a socket). A missing view's pointer is null. Takes ownership of fd
  // (also on error). InvalidArgument when the fd is not a sealed memfd of
  // exactly `size` bytes (an unsealed one could shrink under us: SIGBUS),
  // or the geometry is impossible.
  static absl::StatusOr<std::unique_ptr<CodeGenBuffer>> Attach(int fd, size_t size,
                                                               size_t region_size, Views views);
  ~CodeGenBuffer();
  CodeGenBuffer(const CodeGenBuffer&) = delete;
  CodeGenBuffer& operator=(const CodeGenBuffer&) = delete;

  int fd() const { return fd_; }
  size_t size() const { return size_; }
  size_t region_size() const { return region_size_; }
  // What makes another buffer of the same geometry (a forked child's).
  CodeGenBufferOptions options() const { return {size_, region_size_}; }
  int num_regions() const { return num_regions_; }
  uint8_t* rw() const { return rw_; }
  const uint8_t* rx() const { return rx_; }
  uint8_t* rw_at(size_t offset) const { return rw_ + offset; }
  const uint8_t* rx_at(size_t offset) const { return rx_ + offset; }
  size_t region_start(int region) const;

  // Runs generated code: saves callee-saved registers, sets rbp = env and
  // r14 = env->guest_base, jumps to tb_rx_code. Returns what the TB left in
  // rax: its code start (RX) | TbExitKind.
  uint64_t EnterGeneratedCode(GuestEnv* env, const void* tb_rx_code) const;
  // RX address to store in env->epilogue.
  uint64_t epilogue_address() const { return reinterpret_cast<uint64_t>(rx_ + kEpilogueOffset); }

  // --- Allocation (single writer) ---
  // Free space in the current region at the cursor (16-byte aligned).
  CodeSpan FreeSpan() const;
  // Marks `used` bytes at the cursor as taken; the next TB starts 16-aligned.
  void Commit(size_t used);
  // Moves the cursor to the next unused region. False when none is left:
  // the buffer is full and must be flushed.
  bool NextRegion();
  // Copies `size` bytes of code to the cursor (moving to the next region
  // when the current one is too small) and commits them; returns their
  // offset. ResourceExhausted when no region has room (flush first),
  // OutOfRange when the code is larger than a region.
  absl::StatusOr<size_t> Place(const uint8_t* code, size_t size);
  // Where the next TB goes (an absolute offset; region_start(0) when empty).
  size_t cursor() const { return cursor_; }
  // Takes everything before `offset` as used, as if Place had put code
  // there: for a second writer of the same buffer that continues where the
  // first stopped (the translator after an executor placed a preload
  // image). InvalidArgument when offset is not inside a region (or is
  // before the cursor).
  absl::Status SkipTo(size_t offset);
  // Drops every TB: all regions are free again (the prologue stays). Only
  // when no thread runs generated code.
  void Flush();
  size_t bytes_used() const;
  uint64_t flush_count() const { return flush_count_; }

 private:
  CodeGenBuffer() = default;
  absl::Status MapViews(Views views);

  int fd_ = -1;
  size_t size_ = 0;
  size_t region_size_ = 0;
  int num_regions_ = 0;
  uint8_t* rw_ = nullptr;
  const uint8_t* rx_ = nullptr;
  int current_region_ = 0;
  size_t cursor_ = 0;  // absolute offset inside the current region
  uint64_t flush_count_ = 0;
  size_t bytes_in_full_regions_ = 0;
};

}  // namespace dbt::codegen

#endif  // DBT_COMMON_CODEGEN_CODE_GEN_BUFFER_H_
