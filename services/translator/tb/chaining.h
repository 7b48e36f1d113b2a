// Direct block chaining: point goto_tb slot N of one TB at another TB's
// code, or back at its own exit path. One aligned 4-byte store through the
// buffer's RW view (common/codegen/jump_patch.h), safe while other threads
// run the code. Which slots point where (to unlink them when a TB is
// invalidated) is the executor's bookkeeping.
#ifndef DBT_SERVICES_TRANSLATOR_TB_CHAINING_H_
#define DBT_SERVICES_TRANSLATOR_TB_CHAINING_H_

#include "common/codegen/code_gen_buffer.h"
#include "services/translator/tb/translate.h"

namespace dbt::tb {

// Slot `slot` of from (which must use it) now jumps to to's code start.
void LinkSlot(const codegen::CodeGenBuffer& buffer, const TranslatedTb& from, int slot,
              const TranslatedTb& to);
// Slot `slot` of from jumps to its unlinked path again (exit to dispatcher).
void UnlinkSlot(const codegen::CodeGenBuffer& buffer, const TranslatedTb& from, int slot);
// Offset in the buffer the slot currently jumps to.
size_t SlotTarget(const codegen::CodeGenBuffer& buffer, const TranslatedTb& from, int slot);

}  // namespace dbt::tb

#endif  // DBT_SERVICES_TRANSLATOR_TB_CHAINING_H_
