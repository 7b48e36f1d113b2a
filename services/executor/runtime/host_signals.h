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
// Dispositions are per process, so there is one guest per host process. A
// guest thread is a host thread: a signal the kernel delivers to a host
// thread is recorded for that guest thread (each has its own record, bound
// by BindThread), and the guest thread's mask is its host thread's mask, so
// the kernel picks the thread of a process-directed signal as Linux would.
// Guest signals 1..31 are host signals 1..31; guest 32+k is host SIGRTMIN+k
// (glibc keeps 32 and 33 for itself), so guest 63 and 64 have no host twin
// and exist only inside the runtime.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_HOST_SIGNALS_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_HOST_SIGNALS_H_

#include <sys/types.h>

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

// The signals host handlers recorded for one guest thread (opaque; lives in
// the host thread's thread-local storage).
struct ThreadSignalRecord;

class HostSignals {
 public:
  // Installs the fault handlers and binds the calling thread (BindThread;
  // its record is returned). `memory` resolves fault addresses and code
  // page write faults.
  static ThreadSignalRecord* Install(GuestMemory* memory, uint32_t* exit_request);
  // Restores every host disposition changed since Install, and the mask,
  // and unbinds the calling thread.
  static void Uninstall();

  // Makes the calling host thread a guest thread: signals delivered to it
  // are recorded for it, and *exit_request (its GuestEnv::exit_request) is
  // set when one is. Returns its record, for other threads to Post/Stop.
  static ThreadSignalRecord* BindThread(uint32_t* exit_request);
  // The thread stops being a guest thread (it is ending). Its host mask
  // should block every signal already (the kernel then picks another
  // thread). With resend (the process lives on), process-directed signals
  // it had recorded but not delivered are sent to the process again;
  // thread-directed ones are dropped, as Linux drops the pending signals of
  // an exiting thread.
  static void UnbindThread(bool resend);
  // Asks the guest thread of `record` (host thread tid) to stop for good
  // (exit_group, a fatal signal): its exit_request is set, and a blocking
  // syscall it is in, or about to enter through SafeSyscall, returns. The
  // run loop then sees why.
  static void Stop(pid_t tid, ThreadSignalRecord* record);
  // True once Stop was called for the calling thread.
  static bool StopRequested();
  // Records `info` for another guest thread of this process, interrupting a
  // blocking syscall of it (for guest signals with no host twin; the others
  // are sent with the host tgkill).
  static void Post(pid_t tid, ThreadSignalRecord* record, const GuestSiginfo& info);

  // What exec hands a new program: the blocked mask, and which signals are
  // ignored (SIG_IGN survives exec; handlers do not).
  static GuestSigset InheritedMask();
  static bool InheritedIgnore(int guest_sig);

  static void MirrorDisposition(int guest_sig, const GuestSigaction& action);
  static void MirrorMask(GuestSigset blocked);

  // Moves the signals host handlers recorded for the calling thread since
  // the last call (and those recorded on host threads that are not guest
  // threads) into infos[sig - 1] and returns their set.
  static GuestSigset Drain(GuestSiginfo* infos);
  // True when a recorded signal waits for the calling thread's Drain.
  static bool HasRecorded();

  // rt_sigsuspend's wait: sleeps with the host mask made from `guest_mask`
  // until a host handler has recorded a signal (or Stop). Returns at once if
  // one was recorded already (the check and the sleep are atomic).
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
