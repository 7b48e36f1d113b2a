// Host code for one IR block: the forward pass over its ops that runs the
// register allocator and each op's emitter. The block must have been
// through the liveness pass (opt/liveness.h): the allocator trusts its
// DEAD/SYNC marks.
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_CODEGEN_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_CODEGEN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "services/translator/backend/x86_64/emit_context.h"
#include "services/translator/ir/block.h"

namespace dbt::backend::x86_64 {

struct HostCode {
  size_t size = 0;                    // bytes written at rw
  std::array<GotoTbSlot, 2> slots{};  // offsets from the code start
  std::vector<PcMapEntry> pc_map;     // ascending host offsets
  int spill_slots = 0;
};

// Writes the TB's code at rw (the RW view of its final location, 16-byte
// aligned; the code is position-independent). Errors:
//   ResourceExhausted  the code does not fit in capacity bytes
//   OutOfRange         more spill slots needed than the frame has
//   Internal           a backend bug (unsatisfiable constraints, emitter error)
absl::StatusOr<HostCode> GenerateHostCode(const ir::Block& block, uint8_t* rw, size_t capacity);

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_CODEGEN_H_
