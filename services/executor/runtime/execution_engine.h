// What runs guest code: the run loop asks an engine to execute from
// env.cpu.pc until something needs the runtime. One engine per guest
// process, shared by its threads, each with its own GuestEnv; the reference
// interpreter is one, the JIT another.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_EXECUTION_ENGINE_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_EXECUTION_ENGINE_H_

#include <cstdint>

#include "common/jit_abi.h"

namespace dbt::executor {

// Why an engine returned. The values and meanings are riscv::InterpExit's
// (common/riscv/interpreter.h), so an engine can pass the interpreter's
// through unchanged:
enum class EngineExit : uint8_t {
  kInsnLimit,   // Time slice over or env.exit_request seen; cpu.pc is the next instruction.
  kEcall,       // cpu.pc points AT the ecall; the runtime performs it, then pc += 4.
  kEbreak,      // cpu.pc at the ebreak / c.ebreak.
  kIllegal,     // cpu.pc at the illegal instruction.
  kFenceI,      // fence.i executed; cpu.pc is the next instruction.
  kMisaligned,  // cpu.pc at an AMO/LR/SC with a misaligned address (SIGBUS).
  // Engine-only (no interpreter twin): the instruction at cpu.pc cannot be
  // fetched: its page, or the page of its second half, is unmapped or not
  // executable. The runtime raises SIGSEGV for the first such address.
  kFetchFault,
};

class ExecutionEngine {
 public:
  virtual ~ExecutionEngine() = default;
  // Runs guest code from env.cpu.pc until something needs the runtime, or
  // env.exit_request is set (then returns kInsnLimit soon after). A guest
  // memory fault is a host SIGSEGV/SIGBUS the runtime catches around this
  // call; cpu.pc must then be the faulting instruction's address, with none
  // of that instruction's effects applied. Called by several threads at
  // once, each with its own env (attached first).
  virtual EngineExit Run(GuestEnv& env) = 0;
  // A thread's env joins / leaves the engine: before its first Run (from
  // any thread, once the env's cpu state is set), and after its last (from
  // the thread itself; the env is freed afterwards). The env that was the
  // process's first is attached by the engine's creation.
  virtual void AttachThread(GuestEnv& env) {}
  virtual void DetachThread(GuestEnv& env) {}
  // Guest code in [addr, addr + len) may have changed or gone (munmap,
  // mprotect, fence.i, a store to a code page): drop translations of it.
  virtual void InvalidateGuestRange(uint64_t addr, uint64_t len) = 0;
  // After a guest memory fault abandoned Run: host_pc is the host
  // instruction that faulted. An engine whose cpu.pc may lag behind (the
  // JIT syncs pc only at block exits) sets cpu.pc to the faulting guest
  // instruction here.
  virtual void RecoverAfterFault(GuestEnv& env, uintptr_t host_pc) {}
  // fork(): BeforeFork takes the engine's locks (after the memory's
  // mapping lock), so the child does not inherit one mid-change;
  // AfterForkParent releases them. In the child, OnForkChild releases them,
  // forgets every thread but the forking one (env), and makes state shared
  // with the parent through MAP_SHARED memory (the JIT's code buffer) the
  // child's own before the child runs guest code again.
  virtual void BeforeFork() {}
  virtual void AfterForkParent() {}
  virtual void OnForkChild(GuestEnv& env) {}
  virtual const char* name() const = 0;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_EXECUTION_ENGINE_H_
