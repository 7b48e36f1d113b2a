// Signal syscalls. Signals a guest thread sends itself are queued inside
// the runtime and delivered before its next instruction; signals for other
// threads of the process and for other processes go through the host
// kernel (a guest thread is a host thread), except the guest-only signals
// (no host twin), which are posted to the target thread's record.
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "services/executor/runtime/host_signals.h"
#include "services/executor/runtime/signal_delivery.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

bool ValidSignalOrZero(int64_t sig) { return sig >= 0 && sig <= kGuestNsig; }

GuestSiginfo SentInfo(int sig, int code) {
  GuestSiginfo info = {};
  info.si_signo = sig;
  info.si_code = code;
  info.u.kill.pid = getpid();
  info.u.kill.uid = getuid();
  return info;
}

// Sends to a host process or thread: sig 0 probes, other guest signals are
// translated.
int HostSignalFor(int64_t sig) { return sig == 0 ? 0 : GuestToHostSignal(static_cast<int>(sig)); }

}  // namespace

int64_t SysRtSigaction(GuestProcess& proc, const SyscallArgs& args) {
  if (args.a[3] != sizeof(GuestSigset)) return -EINVAL;
  const int sig = static_cast<int>(args.a[0]);
  GuestSigaction act, old;
  if (args.a[1] != 0 && !ReadGuest(proc, args.a[1], &act)) return -EFAULT;
  int64_t r = proc.signals.SetAction(sig, args.a[1] != 0 ? &act : nullptr, &old);
  if (r < 0) return r;
  if (args.a[2] != 0 && !WriteGuest(proc, args.a[2], old)) return -EFAULT;
  return 0;
}

int64_t SysRtSigprocmask(GuestProcess& proc, const SyscallArgs& args) {
  if (args.a[3] != sizeof(GuestSigset)) return -EINVAL;
  GuestSigset set, old;
  if (args.a[1] != 0 && !ReadGuest(proc, args.a[1], &set)) return -EFAULT;
  int64_t r =
      proc.signals.SigProcMask(static_cast<int>(args.a[0]), args.a[1] != 0 ? &set : nullptr, &old);
  if (r < 0) return r;
  if (args.a[2] != 0 && !WriteGuest(proc, args.a[2], old)) return -EFAULT;
  return 0;
}

int64_t SysRtSigpending(GuestProcess& proc, const SyscallArgs& args) {
  if (args.a[1] > sizeof(GuestSigset)) return -EINVAL;
  GuestSigset pending = proc.signals.Pending() & proc.signals.blocked();
  return proc.memory.CopyToGuest(args.a[0], &pending, args.a[1]) ? 0 : -EFAULT;
}

int64_t SysRtSigsuspend(GuestProcess& proc, const SyscallArgs& args) {
  if (args.a[1] != sizeof(GuestSigset)) return -EINVAL;
  GuestSigset mask;
  if (!ReadGuest(proc, args.a[0], &mask)) return -EFAULT;
  mask &= ~kUnblockable;
  proc.signals.SuspendWithMask(mask);
  // Returns only once a signal is deliverable; the frame of its handler
  // saves the mask from before the call. (Or when the process ends.)
  while (!proc.signals.PeekDeliverable() && !HostSignals::StopRequested()) {
    HostSignals::WaitForSignal(mask);
  }
  return -EINTR;
}

int64_t SysRtSigtimedwait(GuestProcess& proc, const SyscallArgs& args) {
  if (args.a[3] != sizeof(GuestSigset)) return -EINVAL;
  GuestSigset set;
  if (!ReadGuest(proc, args.a[0], &set)) return -EFAULT;
  set &= ~kUnblockable;
  struct timespec timeout;
  if (args.a[2] != 0 && !ReadGuest(proc, args.a[2], &timeout)) return -EFAULT;
  if (args.a[1] != 0 && !proc.memory.CanWrite(args.a[1], sizeof(GuestSiginfo))) return -EFAULT;
  GuestSiginfo info;
  int64_t sig;
  if (std::optional<GuestSiginfo> pending = proc.signals.TakePendingIn(set)) {
    info = *pending;
    sig = info.si_signo;
  } else {
    sig = HostSignals::TimedWait(set, args.a[2] != 0 ? &timeout : nullptr, &info);
    if (sig < 0) return sig;
  }
  if (args.a[1] != 0) WriteGuest(proc, args.a[1], info);
  return sig;
}

int64_t SysSigaltstack(GuestProcess& proc, const SyscallArgs& args) {
  GuestStack ss, old;
  if (args.a[0] != 0 && !ReadGuest(proc, args.a[0], &ss)) return -EFAULT;
  int64_t r = proc.signals.SigAltStack(args.a[0] != 0 ? &ss : nullptr, &old, proc.cpu().x[2]);
  if (r < 0) return r;
  if (args.a[1] != 0 && !WriteGuest(proc, args.a[1], old)) return -EFAULT;
  return 0;
}

int64_t SysKill(GuestProcess& proc, const SyscallArgs& args) {
  const pid_t pid = static_cast<pid_t>(args.a[0]);
  const int64_t sig = static_cast<int32_t>(args.a[1]);
  if (!ValidSignalOrZero(sig)) return -EINVAL;
  int host = HostSignalFor(sig);
  if (pid == getpid()) {
    if (sig == 0) return 0;
    // Linux may hand a process-directed signal to any thread that does not
    // block it; this one if it does not. When it does and there are other
    // threads, the host kernel picks one (or keeps it pending until one
    // unblocks it).
    const bool caller_blocks = (proc.signals.blocked() & SigBit(static_cast<int>(sig))) != 0;
    if (!caller_blocks || host == 0 || proc.group == nullptr || proc.group->size() <= 1) {
      proc.signals.Queue(SentInfo(static_cast<int>(sig), kSiUser));
      return 0;
    }
    return HostResult(kill(pid, host));
  }
  if (sig != 0 && host == 0) return -EINVAL;
  return HostResult(kill(pid, host));
}

// A guest-only signal (no host twin) for another thread of this process:
// posted to its record. -ESRCH when tid is not one of ours.
int64_t PostToThread(GuestProcess& proc, pid_t tid, int sig) {
  if (proc.group == nullptr) return -ESRCH;
  const GuestSiginfo info = SentInfo(sig, kSiTkill);
  const bool found = proc.group->WithThread(tid, [&](GuestProcess& t) {
    if (t.signal_record != nullptr) HostSignals::Post(t.tid, t.signal_record, info);
  });
  return found ? 0 : -ESRCH;
}

int64_t SysTkill(GuestProcess& proc, const SyscallArgs& args) {
  const pid_t tid = static_cast<pid_t>(args.a[0]);
  const int64_t sig = static_cast<int32_t>(args.a[1]);
  if (tid <= 0 || !ValidSignalOrZero(sig)) return -EINVAL;
  if (tid == gettid()) {
    if (sig != 0) proc.signals.Queue(SentInfo(static_cast<int>(sig), kSiTkill));
    return 0;
  }
  int host = HostSignalFor(sig);
  if (sig != 0 && host == 0) return PostToThread(proc, tid, static_cast<int>(sig));
  return HostResult(syscall(SYS_tkill, tid, host));
}

int64_t SysTgkill(GuestProcess& proc, const SyscallArgs& args) {
  const pid_t tgid = static_cast<pid_t>(args.a[0]);
  const pid_t tid = static_cast<pid_t>(args.a[1]);
  const int64_t sig = static_cast<int32_t>(args.a[2]);
  if (tgid <= 0 || tid <= 0 || !ValidSignalOrZero(sig)) return -EINVAL;
  if (tgid == getpid() && tid == gettid()) {
    // raise() and abort() land here.
    if (sig != 0) proc.signals.Queue(SentInfo(static_cast<int>(sig), kSiTkill));
    return 0;
  }
  int host = HostSignalFor(sig);
  if (sig != 0 && host == 0) {
    return tgid == getpid() ? PostToThread(proc, tid, static_cast<int>(sig)) : -EINVAL;
  }
  return HostResult(syscall(SYS_tgkill, tgid, tid, host));
}

int64_t SysRtSigreturn(GuestProcess& proc, const SyscallArgs& args) {
  // On failure a SIGSEGV has been forced; pc stays on the ecall.
  RestoreSignalFrame(proc);
  return kSyscallNoResult;
}

}  // namespace dbt::executor
