// Everything the runtime knows about one running guest program: its memory,
// its (single) thread's registers and signal state, and what the syscalls
// need to answer questions about the process.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_PROCESS_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_PROCESS_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/jit_abi.h"
#include "services/executor/runtime/execution_engine.h"
#include "services/executor/runtime/guest_memory.h"
#include "services/executor/runtime/signal_state.h"

namespace dbt::executor {

// How the guest ended: exit_group(status) or killed by a signal.
struct GuestExit {
  bool signaled = false;
  int status_or_signal = 0;  // Exit status (0..255) or guest signal number.
  bool operator==(const GuestExit&) const = default;
};

struct GuestProcess {
  GuestProcess(GuestMemory& mem, GuestEnv& guest_env, bool mirror_signals_to_host)
      : memory(mem), env(guest_env), signals(mirror_signals_to_host) {}
  riscv::CpuState& cpu() { return env.cpu; }

  GuestMemory& memory;
  GuestEnv& env;
  SignalState signals;
  ExecutionEngine* engine = nullptr;

  std::string program;   // The path as given (AT_EXECFN).
  std::string exe_path;  // Its absolute path: readlink("/proc/self/exe").
  std::vector<std::pair<uint64_t, uint64_t>> auxv;  // For /proc/self/auxv.
  uint64_t sigreturn_trampoline = 0;                // Guest address of li a7,139; ecall.
  uint64_t clear_child_tid = 0;                     // set_tid_address.
  uint64_t robust_list_head = 0;                    // set_robust_list.
  uint64_t robust_list_len = 0;

  FILE* strace = nullptr;         // Non-null: log syscalls and signals here.
  std::optional<GuestExit> exit;  // Set when the guest has ended.
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_PROCESS_H_
