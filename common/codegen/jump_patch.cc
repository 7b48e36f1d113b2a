#include "common/codegen/jump_patch.h"

#include <cassert>

namespace dbt::codegen {

void PatchJump(const CodeGenBuffer& buffer, size_t field_offset, size_t target_offset) {
  assert(field_offset % 4 == 0 && buffer.rw() != nullptr);
  int64_t rel = static_cast<int64_t>(target_offset) - static_cast<int64_t>(field_offset + 4);
  assert(rel == static_cast<int32_t>(rel));
  auto* field = reinterpret_cast<uint32_t*>(buffer.rw_at(field_offset));
  __atomic_store_n(field, static_cast<uint32_t>(static_cast<int32_t>(rel)), __ATOMIC_RELEASE);
}

size_t JumpTarget(const CodeGenBuffer& buffer, size_t field_offset) {
  auto* field = reinterpret_cast<const uint32_t*>(buffer.rx_at(field_offset));
  int32_t rel = static_cast<int32_t>(__atomic_load_n(field, __ATOMIC_ACQUIRE));
  return static_cast<size_t>(static_cast<int64_t>(field_offset + 4) + rel);
}

}  // namespace dbt::codegen
