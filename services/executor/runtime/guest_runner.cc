#include "services/executor/runtime/guest_runner.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/riscv/decoder.h"
#include "common/riscv/interpreter.h"
#include "services/executor/runtime/elf_loader.h"
#include "services/executor/runtime/host_signals.h"
#include "services/executor/runtime/initial_stack.h"
#include "services/executor/runtime/interpreter_engine.h"
#include "services/executor/runtime/signal_delivery.h"
#include "services/executor/syscalls/syscall_table.h"

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

// A fault in guest code becomes the guest's SIGSEGV/SIGBUS.
void RaiseFault(GuestProcess& proc, const GuestFault& fault) {
  GuestSiginfo info = {};
  info.si_signo = fault.signo;
  if (fault.signo == kGuestSigSegv) {
    info.si_code = proc.memory.vmas().Find(fault.addr) != nullptr ? kSegvAccErr : kSegvMapErr;
  } else {
    info.si_code = fault.host_code > 0 ? fault.host_code : kBusAdrErr;
  }
  info.u.fault.addr = fault.addr;
  proc.signals.Force(info);
}

void RaiseTrap(GuestProcess& proc, int sig, int code) {
  GuestSiginfo info = {};
  info.si_signo = sig;
  info.si_code = code;
  info.u.fault.addr = proc.cpu().pc;
  proc.signals.Force(info);
}

// An AMO/LR/SC at cpu.pc had a misaligned address: SIGBUS (BUS_ADRALN) with
// that address, as Linux delivers it (it does not emulate misaligned AMOs).
void RaiseMisaligned(GuestProcess& proc) {
  uint32_t bits = 0;
  proc.memory.CopyFromGuest(&bits, proc.cpu().pc, 4);
  const riscv::DecodedInsn insn = riscv::Decode(bits);
  GuestSiginfo info = {};
  info.si_signo = kGuestSigBus;
  info.si_code = kBusAdrAln;
  info.u.fault.addr = insn.rs1 == 0 ? 0 : proc.cpu().x[insn.rs1];
  proc.signals.Force(info);
}

GuestExit RunLoop(GuestProcess& proc) {
  GuestEnv& env = proc.env;
  while (!proc.exit) {
    // ORDER: clear the request before looking for signals, so one recorded
    // after the look sets it again and is not left waiting.
    __atomic_store_n(&env.exit_request, 0, __ATOMIC_RELEASE);
    DeliverPendingSignals(proc);
    if (proc.exit) break;
    EngineExit exit = EngineExit::kInsnLimit;
    std::optional<GuestFault> fault =
        HostSignals::RunCatchingFaults([&] { exit = proc.engine->Run(env); });
    if (fault) {
      proc.engine->RecoverAfterFault(env, fault->host_pc);
      RaiseFault(proc, *fault);
      continue;
    }
    switch (exit) {
      case EngineExit::kInsnLimit:
        break;
      case EngineExit::kEcall:
        DoSyscall(proc);
        // Linux drops LR reservations on every return to user mode.
        env.cpu.reservation_addr = riscv::kNoReservation;
        break;
      case EngineExit::kEbreak:
        RaiseTrap(proc, kGuestSigTrap, kTrapBrkpt);
        break;
      case EngineExit::kIllegal:
        RaiseTrap(proc, kGuestSigIll, kIllIllOpc);
        break;
      case EngineExit::kFenceI:
        proc.engine->InvalidateGuestRange(0, proc.memory.size());
        break;
      case EngineExit::kMisaligned:
        RaiseMisaligned(proc);
        break;
      case EngineExit::kFetchFault: {
        const uint64_t pc = proc.cpu().pc;
        const uint64_t addr = proc.memory.IsExecutable(pc) ? PageUp(pc + 1) : pc;
        RaiseFault(proc, GuestFault{kGuestSigSegv, 0, addr});
        break;
      }
    }
  }
  return *proc.exit;
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

  StackSpec spec;
  spec.argv = options.argv.empty() ? std::vector<std::string>{options.program} : options.argv;
  spec.envp = options.envp;
  spec.execfn = options.program;
  spec.stack_top = kStackTop;
  spec.stack_size = stack_size;
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
  env->cpu.pc = image->entry;
  env->cpu.x[2] = stack->sp;
  env->cpu.reservation_addr = riscv::kNoReservation;

  GuestProcess proc(memory, *env, /*mirror_signals_to_host=*/true);
  proc.program = options.program;
  char* real = realpath(options.program.c_str(), nullptr);
  proc.exe_path = real != nullptr ? real : options.program;
  free(real);
  proc.auxv = stack->auxv_entries;
  proc.sigreturn_trampoline = *trampoline;
  proc.strace = options.strace ? options.log : nullptr;

  std::unique_ptr<ExecutionEngine> engine =
      options.engine_factory ? options.engine_factory(proc) : std::make_unique<InterpreterEngine>();
  proc.engine = engine.get();
  memory.set_invalidate_hook(
      [&engine](uint64_t addr, uint64_t len) { engine->InvalidateGuestRange(addr, len); });

  HostSignals::Install(&memory, &env->exit_request);
  InitSignalState(proc.signals, options.inherit_signal_state);
  GuestExit exit = RunLoop(proc);
  HostSignals::Uninstall();
  memory.set_invalidate_hook(nullptr);
  if (options.log != nullptr) fflush(options.log);
  return exit;
}

void ExitLikeGuest(const GuestExit& exit) {
  fflush(nullptr);
  if (!exit.signaled) ::exit(exit.status_or_signal);
  const int sig = exit.status_or_signal;
  if (GuestDefaultAction(sig) == DefaultAction::kCoreDump) {
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
