// Translation of one IR block into the code_gen_buffer, and what the
// runtime needs to know about the result.
//
//   ir::Block block = frontend...;
//   absl::StatusOr<TranslatedTb> tb = TranslateBlock(block, buffer);
//   if (tb.status().code() == absl::StatusCode::kResourceExhausted) {
//     ... drop every TB, buffer.Flush(), TranslateBlock(block, buffer) again
//   }
//   buffer.EnterGeneratedCode(env, buffer.rx_at(tb->code_offset));
#ifndef DBT_SERVICES_TRANSLATOR_TB_TRANSLATE_H_
#define DBT_SERVICES_TRANSLATOR_TB_TRANSLATE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/codegen/code_gen_buffer.h"
#include "services/translator/backend/x86_64/emit_context.h"
#include "services/translator/ir/block.h"
#include "services/translator/opt/pipeline.h"

namespace dbt::tb {

// Offsets relative to the TB's code start (so they survive relocation).
using JumpSlot = backend::x86_64::GotoTbSlot;
using PcMapEntry = backend::x86_64::PcMapEntry;

struct TranslatedTb {
  uint64_t guest_pc = 0;
  size_t code_offset = 0;  // in the code_gen_buffer (16-byte aligned)
  size_t code_size = 0;
  std::array<JumpSlot, 2> slots{};  // goto_tb 0 and 1
  std::vector<PcMapEntry> pc_map;   // host offset -> guest pc, ascending
  uint32_t ops_before = 0;          // IR ops as the frontend emitted them
  uint32_t ops_after = 0;           // after optimization
  uint32_t spill_slots = 0;
};

struct TranslateOptions {
  bool optimize = true;
  bool verify = opt::VerifyByDefault();
  // `-d op,op_opt,out_asm`: when set, receive the IR before and after the
  // passes and the host code's disassembly.
  std::string* dump_op = nullptr;
  std::string* dump_op_opt = nullptr;
  std::string* dump_out_asm = nullptr;
  // When set, receives the host code as emitted (the translator's own copy,
  // before it was placed in the shared buffer).
  std::vector<uint8_t>* code_copy = nullptr;
};

// Runs the pipeline on block (in place) and writes its host code at the
// buffer's cursor, moving to the next region when the current one is too
// small. Errors:
//   ResourceExhausted  the buffer is full: flush it and translate again
//   OutOfRange         the TB is too big (code larger than a region, or more
//                      spill slots than the frame): translate fewer guest
//                      instructions
//   InvalidArgument    the block failed verification
absl::StatusOr<TranslatedTb> TranslateBlock(ir::Block& block, codegen::CodeGenBuffer& buffer,
                                            const TranslateOptions& options = {});

// The guest pc of the instruction whose host code contains host_offset
// (relative to the TB's code start): for recovering the guest state when a
// guest memory access faults inside generated code.
std::optional<uint64_t> GuestPcAt(const TranslatedTb& tb, size_t host_offset);

}  // namespace dbt::tb

#endif  // DBT_SERVICES_TRANSLATOR_TB_TRANSLATE_H_
