#include "services/executor/runtime/guest_runner.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/riscv/interpreter.h"
#include "services/executor/runtime/elf_loader.h"
#include "services/executor/runtime/guest_threads.h"
#include "services/executor/runtime/host_signals.h"
#include "services/executor/runtime/initial_stack.h"
#include "services/executor/runtime/interpreter_engine.h"
#include "services/executor/runtime/run_loop.h"
#include "services/executor/runtime/sysroot.h"

namespace dbt::executor {
namespace {

constexpr int kMapPrivate = 0x02, kMapAnonymous = 0x20;

absl::Status WithProgram(const std::string& program, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(program, ": ", s.message()));
}

// The page holding `li a7, 139; ecall`, where handlers return to.
absl::StatusOr<uint64_t> MapSigreturnTrampoline(GuestMemory& mem) {
  int64_t page = mem.Mmap(0, kGuestPageSize, PROT_READ | PROT_WRITE, kMapPrivate | kMapAnonymous,
                          -1, 0, "[sigpage]");
  if (page < 0) return absl::ResourceExhaustedError("cannot map the sigreturn trampoline");
  memcpy(mem.Host(page), kSigreturnTrampoline, sizeof(kSigreturnTrampoline));
  mem.Mprotect(page, kGuestPageSize, PROT_READ | PROT_EXEC);
  return static_cast<uint64_t>(page);
}

// What exec passes on: the signal mask, and SIG_IGN dispositions. Or a
// clean start: nothing blocked, every disposition at its default (set
// explicitly, so the host's follow).
void InitSignalState(SignalState& signals, bool inherit) {
  for (int sig = 1; sig <= kGuestNsig; ++sig) {
    if (sig == kGuestSigKill || sig == kGuestSigStop) continue;
    const bool ignore = inherit && HostSignals::InheritedIgnore(sig);
    if (ignore || !inherit) {
      GuestSigaction act = {ignore ? kGuestSigIgn : kGuestSigDfl, 0, 0};
      signals.SetAction(sig, &act, nullptr);
    }
  }
  signals.SetBlocked(inherit ? HostSignals::InheritedMask() : 0);
}

// The dynamic loader a program names (PT_INTERP), loaded at
// kInterpLoadBias. Errors name the path looked for.
absl::StatusOr<LoadedImage> LoadInterpreter(const LoadedImage& program, const std::string& sysroot,
                                            GuestMemory& memory) {
  const std::string path = SysrootPath(sysroot, program.interp);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(
        "cannot find its dynamic loader ", program.interp,
        sysroot.empty()
            ? absl::StrCat(" (no sysroot: give -L DIR or QEMU_LD_PREFIX, e.g. ", kDefaultSysroot,
                           " from Debian's libc6-riscv64-cross)")
            : absl::StrCat(" (looked in ", sysroot, program.interp, " and ", program.interp, ")")));
  }
  absl::StatusOr<LoadedImage> interp = LoadElf(path, memory, memory.mmap_top(), kInterpLoadBias);
  if (!interp.ok()) {
    return absl::Status(interp.status().code(),
                        absl::StrCat("dynamic loader ", path, ": ", interp.status().message()));
  }
  if (!interp->position_independent || !interp->interp.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dynamic loader ", path, ": not a shared object without a loader of its own"));
  }
  return interp;
}

}  // namespace

absl::StatusOr<GuestExit> RunGuest(const RunOptions& options) {
  absl::StatusOr<std::unique_ptr<GuestMemory>> memory_or = GuestMemory::Create();
  if (!memory_or.ok()) return memory_or.status();
  GuestMemory& memory = **memory_or;

  const uint64_t stack_size = ChooseStackSize();
  // Like Linux's mmap_base: room for the stack to have grown to its limit,
  // at least 128 MiB, plus a guard gap.
  memory.set_mmap_top(PageDown(kStackTop - std::max(stack_size, kMinStackGap) - (1 << 20)));

  absl::StatusOr<LoadedImage> image = LoadElf(options.program, memory, memory.mmap_top());
  if (!image.ok()) return WithProgram(options.program, image.status());
  memory.InitBrk(image->brk_start);
  // A dynamically linked program starts in its loader, found under the
  // sysroot (then the host), at a fixed base; the loader finds the program
  // through AT_PHDR/AT_ENTRY and its libraries through the sysroot too.
  uint64_t start_pc = image->entry;
  uint64_t interp_base = 0;
  if (!image->interp.empty()) {
    absl::StatusOr<LoadedImage> interp = LoadInterpreter(*image, options.sysroot, memory);
    if (!interp.ok()) return WithProgram(options.program, interp.status());
    start_pc = interp->entry;
    interp_base = interp->load_bias;
  }

  StackSpec spec;
  spec.argv = options.argv.empty() ? std::vector<std::string>{options.program} : options.argv;
  spec.envp = options.envp;
  spec.execfn = options.program;
  spec.stack_top = kStackTop;
  spec.stack_size = stack_size;
  spec.interp_base = interp_base;
  if (getrandom(spec.random.data(), spec.random.size(), 0) != 16) {
    return absl::InternalError("getrandom failed");
  }
  absl::StatusOr<InitialStack> stack = BuildInitialStack(memory, *image, spec);
  if (!stack.ok()) return WithProgram(options.program, stack.status());

  absl::StatusOr<uint64_t> trampoline = MapSigreturnTrampoline(memory);
  if (!trampoline.ok()) return trampoline.status();

  // GuestEnv is large (the jump cache) and 64-byte aligned: on the heap.
  auto env = std::make_unique<GuestEnv>();
  env->guest_base = reinterpret_cast<uint64_t>(memory.base());
  env->cpu.pc = start_pc;
  env->cpu.x[2] = stack->sp;
  env->cpu.reservation_addr = riscv::kNoReservation;

  // The process's first thread (the leader) runs on this thread, the
  // runner: it waits for the group to end before anything is torn down.
  ThreadGroup group;
  group.set_spawn(CloneGuestThread);
  GuestProcess proc(memory, *env, /*mirror_signals_to_host=*/true);
  proc.group = &group;
  proc.tid = gettid();
  proc.program = options.program;
  char* real = realpath(options.program.c_str(), nullptr);
  proc.exe_path = real != nullptr ? real : options.program;
  free(real);
  proc.sysroot = options.sysroot;
  proc.reexec_prefix = options.reexec_prefix;
  proc.auxv = stack->auxv_entries;
  proc.image_start = image->start;
  proc.image_end = image->end;
  proc.sigreturn_trampoline = *trampoline;
  proc.strace = options.strace ? options.log : nullptr;

  std::unique_ptr<ExecutionEngine> engine = options.engine_factory
                                                ? options.engine_factory(proc)
                                                : std::make_unique<InterpreterEngine>(&proc.memory);
  proc.engine = engine.get();
  memory.set_invalidate_hook(
      [&engine](uint64_t addr, uint64_t len) { engine->InvalidateGuestRange(addr, len); });

  proc.signal_record = HostSignals::Install(&memory, &env->exit_request);
  InitSignalState(proc.signals, options.inherit_signal_state);
  group.Add(&proc);
  RunThread(proc);
  FinishThread(proc);
  const GuestExit exit = group.WaitForEnd();
  HostSignals::Uninstall();
  memory.set_invalidate_hook(nullptr);
  if (options.log != nullptr) fflush(options.log);
  return exit;
}

void ExitLikeGuest(const GuestExit& exit, bool report_core_dump) {
  fflush(nullptr);
  if (!exit.signaled) ::exit(exit.status_or_signal);
  const int sig = exit.status_or_signal;
  if (report_core_dump && GuestDefaultAction(sig) == DefaultAction::kCoreDump) {
    int host = GuestToHostSignal(sig);
    fprintf(stderr, "dbt: uncaught target signal %d (%s) - core dumped\n", sig,
            strsignal(host != 0 ? host : sig));
    fflush(stderr);
  }
  HostSignals::DieBySignal(sig);
}

void RunGuestAndExit(const RunOptions& options) {
  absl::StatusOr<GuestExit> exit = RunGuest(options);
  if (!exit.ok()) {
    fprintf(stderr, "dbt: %s\n", std::string(exit.status().message()).c_str());
    fflush(nullptr);
    ::exit(1);
  }
  ExitLikeGuest(*exit);
}

}  // namespace dbt::executor
