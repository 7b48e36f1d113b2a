// The reference interpreter as an execution engine: slow and simple, nothing
// cached, so nothing to invalidate.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_INTERPRETER_ENGINE_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_INTERPRETER_ENGINE_H_

#include <cstdint>

#include "services/executor/runtime/execution_engine.h"

namespace dbt::executor {

class InterpreterEngine final : public ExecutionEngine {
 public:
  // slice: instructions run between looks at env.exit_request, which bounds
  // how late an asynchronous signal is delivered.
  explicit InterpreterEngine(uint64_t slice = 20000) : slice_(slice) {}
  EngineExit Run(GuestEnv& env) override;
  void InvalidateGuestRange(uint64_t addr, uint64_t len) override {}
  const char* name() const override { return "interpreter"; }

 private:
  const uint64_t slice_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_INTERPRETER_ENGINE_H_
