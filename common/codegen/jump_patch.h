// Patching of a TB's direct-jump slot (goto_tb): a `jmp rel32` whose 4-byte
// field is 4-byte aligned, so retargeting it is one atomic aligned store
// through the RW view, safe while other threads execute the jump. The
// unlinked target is the instruction right after the jmp (rel32 = 0).
// This is the one place where jump fields are written; the executor's
// link/unlink bookkeeping (which slots point at which TB) calls it.
#ifndef DBT_COMMON_CODEGEN_JUMP_PATCH_H_
#define DBT_COMMON_CODEGEN_JUMP_PATCH_H_

#include <cstddef>
#include <cstdint>

#include "common/codegen/code_gen_buffer.h"

namespace dbt::codegen {

// Points the jmp whose rel32 field is at field_offset to target_offset
// (offsets inside buffer).
void PatchJump(const CodeGenBuffer& buffer, size_t field_offset, size_t target_offset);

// Reads back where the jmp at field_offset goes (offset inside buffer).
size_t JumpTarget(const CodeGenBuffer& buffer, size_t field_offset);

}  // namespace dbt::codegen

#endif  // DBT_COMMON_CODEGEN_JUMP_PATCH_H_
