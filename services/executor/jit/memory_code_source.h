// The frontend's view of guest code in the one-process mode: reads from the
// guest's memory, refusing pages the guest cannot execute (a fetch fault).
#ifndef DBT_SERVICES_EXECUTOR_JIT_MEMORY_CODE_SOURCE_H_
#define DBT_SERVICES_EXECUTOR_JIT_MEMORY_CODE_SOURCE_H_

#include "services/executor/runtime/guest_memory.h"
#include "services/translator/frontend/riscv/guest_code_source.h"

namespace dbt::executor {

class MemoryCodeSource final : public frontend::riscv::GuestCodeSource {
 public:
  explicit MemoryCodeSource(const GuestMemory& memory) : memory_(memory) {}
  bool Fetch(uint64_t addr, void* out, size_t len) const override;

 private:
  const GuestMemory& memory_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_MEMORY_CODE_SOURCE_H_
