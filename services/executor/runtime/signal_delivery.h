// Delivering signals to the guest the way riscv64 Linux does
// (arch/riscv/kernel/signal.c): an rt_sigframe (siginfo, then ucontext with
// the interrupted registers) on the guest stack or the alternate stack, the
// handler entered with a0 = signal, a1 = &siginfo, a2 = &ucontext, ra = the
// sigreturn trampoline; rt_sigreturn puts everything back.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_SIGNAL_DELIVERY_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_SIGNAL_DELIVERY_H_

#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

// Delivers every deliverable pending signal, nesting frames as Linux does
// when several are pending. A default action that ends the process sets
// proc.exit and returns.
void DeliverPendingSignals(GuestProcess& proc);

// Sets up the handler frame for one signal. Returns false (after forcing a
// SIGSEGV, as Linux does) when the frame cannot be written.
bool SetupSignalFrame(GuestProcess& proc, const GuestSiginfo& info, const GuestSigaction& act);

// rt_sigreturn: restores registers, mask and alternate stack from the frame
// at sp. Returns false (after forcing a SIGSEGV) when it is unreadable.
bool RestoreSignalFrame(GuestProcess& proc);

// Logs "--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=0x...} ---" when
// strace is on.
void StraceSignal(GuestProcess& proc, const GuestSiginfo& info);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_SIGNAL_DELIVERY_H_
