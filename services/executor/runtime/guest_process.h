// Everything the runtime knows about one guest thread (Linux's task): its
// registers, its signal state, its thread-exit bookkeeping, and what it
// shares with the other threads of its process: memory, engine, signal
// dispositions (inside SignalState), the ThreadGroup, and what the syscalls
// need to answer questions about the process. Syscall handlers get the
// calling thread's task. Only its own host thread uses a task, apart from
// what ThreadGroup touches under its lock (env.exit_request, tid, the
// signal record).
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_PROCESS_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_PROCESS_H_

#include <sys/types.h>

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
#include "services/executor/runtime/thread_group.h"

namespace dbt::executor {

struct ThreadSignalRecord;

struct GuestProcess {
  GuestProcess(GuestMemory& mem, GuestEnv& guest_env, bool mirror_signals_to_host)
      : memory(mem), env(guest_env), signals(mirror_signals_to_host) {}
  // A new thread of parent's process running on guest_env: shares what
  // threads share, starts with parent's mask (see SignalState::NewThread)
  // and no thread-exit bookkeeping.
  GuestProcess(const GuestProcess& parent, GuestEnv& guest_env)
      : memory(parent.memory),
        env(guest_env),
        signals(parent.signals, SignalState::NewThread{}),
        engine(parent.engine),
        group(parent.group),
        program(parent.program),
        exe_path(parent.exe_path),
        auxv(parent.auxv),
        image_start(parent.image_start),
        image_end(parent.image_end),
        sigreturn_trampoline(parent.sigreturn_trampoline),
        strace(parent.strace) {}
  riscv::CpuState& cpu() { return env.cpu; }

  GuestMemory& memory;
  GuestEnv& env;
  SignalState signals;
  ExecutionEngine* engine = nullptr;
  ThreadGroup* group = nullptr;                 // Null: a lone thread (unit tests).
  pid_t tid = 0;                                // The host thread's tid, which the guest sees.
  ThreadSignalRecord* signal_record = nullptr;  // HostSignals::BindThread's.

  std::string program;   // The path as given (AT_EXECFN).
  std::string exe_path;  // Its absolute path: readlink("/proc/self/exe").
  // -L / QEMU_LD_PREFIX: absolute paths the guest uses are looked up here
  // first (sysroot.h). Empty: the host's only.
  std::string sysroot;
  // How to run another RISC-V program with this run's settings (`dbt run`
  // and its options); execve of one becomes an exec of this + "-0" ARGV0
  // "--" PROG ARGS. Empty: execve is the host kernel's only (it refuses
  // RISC-V programs with ENOEXEC, as without binfmt_misc).
  std::vector<std::string> reexec_prefix;
  std::vector<std::pair<uint64_t, uint64_t>> auxv;  // For /proc/self/auxv.
  uint64_t image_start = 0;                         // The program's loaded image [start, end).
  uint64_t image_end = 0;
  uint64_t sigreturn_trampoline = 0;  // Guest address of li a7,139; ecall.
  uint64_t clear_child_tid = 0;       // set_tid_address, CLONE_CHILD_CLEARTID.
  uint64_t robust_list_head = 0;      // set_robust_list.
  uint64_t robust_list_len = 0;

  FILE* strace = nullptr;  // Non-null: log syscalls and signals here.
  // Set when this thread has ended: by exit (thread_exit: only this thread
  // ends), by exit_group or a fatal signal (the whole process ends), or
  // because another thread ended the process.
  std::optional<GuestExit> exit;
  bool thread_exit = false;
  // In the child of a fork made by a thread other than the runner: this
  // thread ends the process itself when the group ends.
  bool ends_process = false;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_PROCESS_H_
