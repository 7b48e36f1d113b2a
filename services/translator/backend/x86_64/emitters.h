// One emitter per IR op, declared from the op table; each family lives in
// its own emit_*.cc. EmitterFor() is the backend dispatch.
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_EMITTERS_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_EMITTERS_H_

#include "services/translator/backend/x86_64/emit_context.h"
#include "services/translator/ir/opcode.h"

namespace dbt::backend::x86_64 {

#define DBT_IR_OP(name, n_out, n_in, n_const, flags) void Emit##name(EmitContext& ctx);
#include "services/translator/ir/opcodes.inc"
#undef DBT_IR_OP

EmitFn EmitterFor(ir::Opcode opc);

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_EMITTERS_H_
