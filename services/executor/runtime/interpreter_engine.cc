#include "services/executor/runtime/interpreter_engine.h"

#include "common/riscv/interpreter.h"

namespace dbt::executor {

using riscv::InterpExit;
static_assert(static_cast<int>(EngineExit::kInsnLimit) == static_cast<int>(InterpExit::kInsnLimit));
static_assert(static_cast<int>(EngineExit::kEcall) == static_cast<int>(InterpExit::kEcall));
static_assert(static_cast<int>(EngineExit::kEbreak) == static_cast<int>(InterpExit::kEbreak));
static_assert(static_cast<int>(EngineExit::kIllegal) == static_cast<int>(InterpExit::kIllegal));
static_assert(static_cast<int>(EngineExit::kFenceI) == static_cast<int>(InterpExit::kFenceI));
static_assert(static_cast<int>(EngineExit::kMisaligned) ==
              static_cast<int>(InterpExit::kMisaligned));

EngineExit InterpreterEngine::Run(GuestEnv& env) {
  // The interpreter leaves cpu.pc on an instruction whose access faults and
  // applies none of its effects, which is what the fault path needs.
  uint8_t* base = reinterpret_cast<uint8_t*>(env.guest_base);
  while (true) {
    uint64_t executed = 0;
    InterpExit exit = riscv::Interpret(env.cpu, base, slice_, &executed);
    if (exit != InterpExit::kInsnLimit) return static_cast<EngineExit>(exit);
    if (__atomic_load_n(&env.exit_request, __ATOMIC_ACQUIRE) != 0) return EngineExit::kInsnLimit;
  }
}

}  // namespace dbt::executor
