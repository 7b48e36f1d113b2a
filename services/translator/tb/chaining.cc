#include "services/translator/tb/chaining.h"

#include <cassert>

#include "common/codegen/jump_patch.h"

namespace dbt::tb {

void LinkSlot(const codegen::CodeGenBuffer& buffer, const TranslatedTb& from, int slot,
              const TranslatedTb& to) {
  assert(from.slots[slot].used);
  codegen::PatchJump(buffer, from.code_offset + from.slots[slot].jump_field, to.code_offset);
}

void UnlinkSlot(const codegen::CodeGenBuffer& buffer, const TranslatedTb& from, int slot) {
  assert(from.slots[slot].used);
  codegen::PatchJump(buffer, from.code_offset + from.slots[slot].jump_field,
                     from.code_offset + from.slots[slot].unlinked_target);
}

size_t SlotTarget(const codegen::CodeGenBuffer& buffer, const TranslatedTb& from, int slot) {
  return codegen::JumpTarget(buffer, from.code_offset + from.slots[slot].jump_field);
}

}  // namespace dbt::tb
