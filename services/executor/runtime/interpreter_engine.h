// The reference interpreter as an execution engine: slow and simple, nothing
// cached, so nothing to invalidate.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_INTERPRETER_ENGINE_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_INTERPRETER_ENGINE_H_

#include <cstdint>

#include "services/executor/runtime/execution_engine.h"
#include "services/executor/runtime/guest_memory.h"

namespace dbt::executor {

class InterpreterEngine final : public ExecutionEngine {
 public:
  // slice: instructions run between looks at env.exit_request, which bounds
  // how late an asynchronous signal is delivered. memory: when set, every
  // instruction fetch must be from an executable page, as on hardware and
  // under the JIT: a fetch from a readable but non-executable page ends Run
  // with kFetchFault (cpu.pc at the instruction) instead of executing data.
  // Without it (lock-step tests on bare memory) fetches are unchecked.
  explicit InterpreterEngine(const GuestMemory* memory = nullptr, uint64_t slice = 20000)
      : memory_(memory), slice_(slice) {}
  EngineExit Run(GuestEnv& env) override;
  void InvalidateGuestRange(uint64_t addr, uint64_t len) override {}
  const char* name() const override { return "interpreter"; }

 private:
  // Whether the instruction at pc may be fetched (its first parcel's page,
  // and the next page for a 4-byte instruction that crosses into it).
  bool Executable(uint64_t pc, const uint8_t* base) const;

  const GuestMemory* const memory_;
  const uint64_t slice_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_INTERPRETER_ENGINE_H_
