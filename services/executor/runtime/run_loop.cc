#include "services/executor/runtime/run_loop.h"

#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/riscv/decoder.h"
#include "common/riscv/interpreter.h"
#include "services/executor/runtime/host_signals.h"
#include "services/executor/runtime/signal_delivery.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

// A fault in guest code becomes the guest's SIGSEGV/SIGBUS.
void RaiseFault(GuestProcess& proc, const GuestFault& fault) {
  GuestSiginfo info = {};
  info.si_signo = fault.signo;
  if (fault.signo == kGuestSigSegv) {
    info.si_code = proc.memory.IsMapped(fault.addr) ? kSegvAccErr : kSegvMapErr;
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

// Another thread ended the process: this one stops where it is.
bool GroupExiting(GuestProcess& proc) {
  if (proc.group == nullptr || !proc.group->exiting()) return false;
  if (!proc.exit) proc.exit = proc.group->group_exit();
  return true;
}

}  // namespace

void RunThread(GuestProcess& proc) {
  GuestEnv& env = proc.env;
  while (!proc.exit) {
    // ORDER: clear the request before looking for signals and for the
    // group's end, so one recorded (or requested) after the look sets it
    // again and is not left waiting.
    __atomic_store_n(&env.exit_request, 0, __ATOMIC_SEQ_CST);
    if (GroupExiting(proc)) break;
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
}

void FinishThread(GuestProcess& proc) {
  ThreadGroup* group = proc.group;
  // exit_group, or a fatal signal: every thread goes.
  if (group != nullptr && proc.exit && !proc.thread_exit) group->RequestExit(*proc.exit, &proc);
  // The fault signals stay open: a fault from here on is dbt's own and
  // must kill with an honest core.
  sigset_t all;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  pthread_sigmask(SIG_SETMASK, &all, nullptr);
  if (proc.signal_record != nullptr) {
    // Signals recorded but not delivered go back to the process when it
    // lives on; when it ends, they end with it.
    const bool process_lives_on = proc.thread_exit && group != nullptr && !group->exiting();
    HostSignals::UnbindThread(process_lives_on);
    proc.signal_record = nullptr;
  }
  proc.engine->DetachThread(proc.env);
  // Linux's mm_release: CLONE_CHILD_CLEARTID / set_tid_address.
  if (proc.clear_child_tid != 0) {
    const int32_t zero = 0;
    if (proc.memory.CopyToGuest(proc.clear_child_tid, &zero, sizeof(zero))) {
      syscall(SYS_futex, proc.memory.Host(proc.clear_child_tid), FUTEX_WAKE, 1, nullptr, nullptr,
              0);
    }
  }
  if (group != nullptr) group->Remove(&proc);
}

}  // namespace dbt::executor
