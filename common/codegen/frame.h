// The host stack frame generated code runs in, set up once by the prologue
// (prologue.cc) and relied on by the register allocator's spill slots.
//
// Inside generated code rsp is fixed and 16-byte aligned, so helper calls
// need no adjustment. [rsp, rsp + kSpillAreaBytes) holds spill slots for the
// temps of the TB being run (8 bytes each); a TB owns them only while it
// runs: nothing stays there across TB boundaries.
#ifndef DBT_COMMON_CODEGEN_FRAME_H_
#define DBT_COMMON_CODEGEN_FRAME_H_

#include <cstddef>

namespace dbt::codegen {

inline constexpr int kSpillSlots = 256;
inline constexpr int kSpillAreaBytes = kSpillSlots * 8;
// The prologue pushes six callee-saved registers after the return address
// (56 bytes): 8 more bytes realign rsp to 16.
inline constexpr int kFrameBytes = kSpillAreaBytes + 8;

// Where the prologue's two entry points sit in every code_gen_buffer, so a
// process that only maps the buffer (RX) finds them without metadata.
inline constexpr size_t kEnterOffset = 0;
inline constexpr size_t kEpilogueOffset = 64;
// Bytes reserved at the start of the buffer for the prologue/epilogue.
inline constexpr size_t kPrologueAreaBytes = 128;

}  // namespace dbt::codegen

#endif  // DBT_COMMON_CODEGEN_FRAME_H_
