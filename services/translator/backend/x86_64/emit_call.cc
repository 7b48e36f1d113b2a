// Helper calls and the ops whose whole work is register allocation.
#include <cstddef>

#include "common/jit_abi.h"
#include "services/translator/backend/x86_64/emitters.h"

namespace dbt::backend::x86_64 {

// Arguments are already in rdi, rsi, ... (RegAlloc::BeginCall); helpers
// are reached through env so the code holds no host address.
void EmitCall(EmitContext& ctx) {
  auto& as = ctx.as;
  int32_t slot = static_cast<int32_t>(offsetof(GuestEnv, helpers) + 8 * ctx.op.carg(0));
  as.call(as.qword[as.rbp + slot]);
}

// Done entirely by RegAlloc::Mov / RegAlloc::Movi.
void EmitMov(EmitContext&) {}
void EmitMovi(EmitContext&) {}

}  // namespace dbt::backend::x86_64
