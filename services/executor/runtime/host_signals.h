// The host side of guest signals.
//
// Guest signal dispositions are mirrored onto the host process: a guest
// handler installs a host handler that records the signal (delivered to the
// guest when the run loop next regains control), SIG_IGN and SIG_DFL become
// the host's SIG_IGN and SIG_DFL (so an external SIGINT with the default
// disposition ends the process exactly as it would end the real program),
// and the guest's blocked mask becomes the host thread's mask (so blocked
// signals stay pending in the host kernel, and a blocking host syscall is
// interrupted exactly when the guest's would be). SIGSEGV and SIGBUS always
// have host handlers: they catch guest memory faults (and write faults on
// code pages) while guest code runs.
//
// Dispositions are per process, so there is one guest per host process.
// Guest signals 1..31 are host signals 1..31; guest 32+k is host SIGRTMIN+k
// (glibc keeps 32 and 33 for itself), so guest 63 and 64 have no host twin
// and exist only inside the runtime.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_HOST_SIGNALS_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_HOST_SIGNALS_H_

#include <cstdint>
#include <functional>
#include <optional>

struct timespec;

#include "services/executor/runtime/guest_memory.h"
#include "services/executor/runtime/guest_signal_abi.h"

namespace dbt::executor {

int GuestToHostSignal(int guest_sig);  // 0 when there is none.
int HostToGuestSignal(int host_sig);   // 0 when there is none.

// A guest memory fault caught while guest code ran.
struct GuestFault {
  int signo;      // Guest SIGSEGV or SIGBUS.
  int host_code;  // The host's si_code (SEGV_* is recomputed from the VMAs).
  uint64_t addr;  // Guest address: host si_addr - guest_base.
  // Host instruction that faulted: inside generated code, the engine maps
  // it back to the guest instruction (ExecutionEngine::RecoverAfterFault).
  uintptr_t host_pc = 0;
};

// A host syscall for the guest that may block: returns -errno on failure,
// and kSyscallNotEntered without entering the kernel when a signal for the
// guest was recorded but not yet drained, even if it arrived an instant
// before the syscall instruction (see safe_syscall_x86_64.S).
inline constexpr int64_t kSyscallNotEntered = -513;  // Linux's ERESTARTNOINTR.
int64_t SafeSyscall(long nr, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0,
                    uint64_t a5 = 0, uint64_t a6 = 0);

class HostSignals {
 public:
  // Installs the fault handlers. `memory` resolves fault addresses and code
  // page write faults; *exit_request is set (GuestEnv::exit_request) when an
  // asynchronous signal is recorded.
  static void Install(GuestMemory* memory, uint32_t* exit_request);
  // Restores every host disposition changed since Install, and the mask.
  static void Uninstall();

  // What exec hands a new program: the blocked mask, and which signals are
  // ignored (SIG_IGN survives exec; handlers do not).
  static GuestSigset InheritedMask();
  static bool InheritedIgnore(int guest_sig);

  static void MirrorDisposition(int guest_sig, const GuestSigaction& action);
  static void MirrorMask(GuestSigset blocked);

  // Moves the signals host handlers recorded since the last call into
  // infos[sig - 1] and returns their set.
  static GuestSigset Drain(GuestSiginfo* infos);
  // True when a recorded signal waits for Drain.
  static bool HasRecorded();

  // rt_sigsuspend's wait: sleeps with the host mask made from `guest_mask`
  // until a host handler has recorded a signal. Returns at once if one was
  // recorded already (the check and the sleep are atomic).
  static void WaitForSignal(GuestSigset guest_mask);
  // rt_sigtimedwait's wait on the host for a signal of `guest_set`; fills
  // *info and returns the guest signal, or -errno (EAGAIN on timeout,
  // EINTR when a handled signal came instead).
  static int64_t TimedWait(GuestSigset guest_set, const struct timespec* timeout,
                           GuestSiginfo* info);

  // Runs fn; a guest memory fault inside it (SIGSEGV/SIGBUS with a
  // kernel si_code) abandons fn and is returned. fn must hold nothing that
  // needs unwinding (it is left with siglongjmp).
  static std::optional<GuestFault> RunCatchingFaults(const std::function<void()>& fn);

  // Ends the process by the guest's signal: core dumps off, the host
  // disposition back to default, the signal unblocked and raised.
  [[noreturn]] static void DieBySignal(int guest_sig);
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_HOST_SIGNALS_H_
