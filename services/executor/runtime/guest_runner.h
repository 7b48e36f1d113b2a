// The entry point of `dbt run`: load a static riscv64 Linux program, run it
// to the end, and report how it ended.
//
//   RunOptions options;
//   options.program = "./hello";
//   options.argv = {"./hello", "world"};
//   options.envp = {"HOME=/root"};
//   absl::StatusOr<GuestExit> exit = RunGuest(options);
//   if (!exit.ok()) { fprintf(stderr, "dbt: %s\n", ...message()); return 1; }
//   ExitLikeGuest(*exit);
//
// The guest's fds are this process's fds: its stdout is our fd 1, written
// directly, so output is never buffered, lost or reordered by the runtime.
// Signal dispositions are per process, so a process runs one guest at a
// time. Its first thread runs in the thread that calls RunGuest; threads it
// creates (clone with CLONE_THREAD) run on host threads of their own, and
// RunGuest returns once all of them have ended.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_RUNNER_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_RUNNER_H_

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/executor/runtime/execution_engine.h"
#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

struct RunOptions {
  std::string program;            // Path of the guest ELF.
  std::vector<std::string> argv;  // argv[0] included; empty means {program}.
  std::vector<std::string> envp;  // "NAME=value".
  bool strace = false;            // Log every syscall, qemu's -strace format.
  // Where the dynamic loader and libraries of a dynamically linked program
  // are (-L, QEMU_LD_PREFIX): absolute paths the guest uses are looked up
  // here first (sysroot.h). Empty: the host's paths only.
  std::string sysroot;
  // GuestProcess::reexec_prefix: how an exec'd RISC-V program runs.
  std::vector<std::string> reexec_prefix;
  // As exec does, the guest starts with this thread's signal mask and with
  // the signals this process ignores ignored. A caller that changed them for
  // itself (a server blocking SIGTERM for sigwait, a gRPC client ignoring
  // SIGPIPE) sets this to false: the guest then starts with nothing blocked
  // and every disposition at its default.
  bool inherit_signal_state = true;
  FILE* log = stderr;  // Where strace lines go.
  // Makes the engine that runs guest code; null means the interpreter. It
  // is called once the process exists (the JIT needs its memory for code
  // page tracking).
  std::function<std::unique_ptr<ExecutionEngine>(GuestProcess&)> engine_factory;
};

// Runs the program to its end. An error (the message is "PROG: reason",
// e.g. "./a.out: not an ELF file") means it could not be started; the
// caller prints "dbt: <message>" and exits with status 1.
absl::StatusOr<GuestExit> RunGuest(const RunOptions& options);

// Ends this process the way the guest ended: exit(status), or, for a
// signal, qemu's "dbt: uncaught target signal 11 (Segmentation fault) -
// core dumped" line on stderr for signals whose default action dumps core
// (unless report_core_dump is false: a client relaying a session that
// already printed it), then death by that signal (core dumps disabled
// first).
[[noreturn]] void ExitLikeGuest(const GuestExit& exit, bool report_core_dump = true);

// RunGuest, then the error report or ExitLikeGuest: what `dbt run` does.
[[noreturn]] void RunGuestAndExit(const RunOptions& options);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_RUNNER_H_
