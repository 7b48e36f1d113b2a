#include "services/executor/runtime/host_signals.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>

#include "services/executor/runtime/fault_free_scope.h"

extern "C" {
long dbt_safe_syscall(const volatile uint64_t* recorded, long nr, long a1, long a2, long a3,
                      long a4, long a5, long a6);
extern char dbt_safe_syscall_start[];
extern char dbt_safe_syscall_end[];
}

namespace dbt::executor {
namespace {}  // namespace

// What host handlers record for one guest thread. ORDER: `recorded` and
// `stop` are the first two words: dbt_safe_syscall checks both.
struct ThreadSignalRecord {
  std::atomic<uint64_t> recorded{0};  // SigBit of each recorded guest signal
  std::atomic<uint64_t> stop{0};      // Non-zero once Stop() was called
  std::atomic<uint32_t*> exit_request{nullptr};
  GuestSiginfo info[kGuestNsig];
};
static_assert(offsetof(ThreadSignalRecord, stop) == 8);
static_assert(sizeof(std::atomic<uint64_t>) == sizeof(uint64_t));

namespace {

// State shared with the handlers. Plain globals and thread-locals: the
// handlers may only use what is async-signal-safe, and there is one guest
// per process. The thread-locals are constant-initialized, and a guest
// thread touches its record (BindThread) before any handler can run on it.
GuestMemory* g_memory = nullptr;
thread_local ThreadSignalRecord t_record;
thread_local bool t_bound = false;
// Signals that land on a host thread that is not a guest thread; drained
// by whichever guest thread looks next.
ThreadSignalRecord g_unbound_record;

ThreadSignalRecord* CurrentRecord() { return t_bound ? &t_record : &g_unbound_record; }

// The runtime's own SIGBUS (rt_tgsigqueueinfo, SI_QUEUE, from this process,
// with one of these addresses as si_value) interrupts a guest thread's
// blocking syscall: Stop and Post. The guest cannot send it: rt_sigqueueinfo
// and rt_tgsigqueueinfo are not emulated.
const char kStopCookie = 0;
const char kInterruptCookie = 0;

bool IsRuntimeInterrupt(const siginfo_t* si) {
  return si->si_code == SI_QUEUE && si->si_pid == getpid() &&
         (si->si_value.sival_ptr == &kStopCookie || si->si_value.sival_ptr == &kInterruptCookie);
}

void SendRuntimeInterrupt(pid_t tid, const char* cookie) {
  siginfo_t si;
  memset(&si, 0, sizeof(si));
  si.si_signo = SIGBUS;
  si.si_code = SI_QUEUE;
  si.si_pid = getpid();
  si.si_uid = getuid();
  si.si_value.sival_ptr = const_cast<char*>(cookie);
  syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, SIGBUS, &si);
}

// Host dispositions as they were before we changed them, to restore.
struct sigaction g_saved_action[NSIG];
bool g_saved[NSIG];
sigset_t g_saved_mask;
bool g_installed = false;

thread_local sigjmp_buf* t_fault_jmp = nullptr;
thread_local GuestFault t_fault;

void SaveOnce(int host_sig) {
  if (host_sig <= 0 || host_sig >= NSIG || g_saved[host_sig]) return;
  sigaction(host_sig, nullptr, &g_saved_action[host_sig]);
  g_saved[host_sig] = true;
}

// A signal that interrupts dbt_safe_syscall between its check and its
// syscall instruction sends it back to the check.
void RewindIfInSafeSyscall(void* uc_void) {
  ucontext_t* uc = static_cast<ucontext_t*>(uc_void);
  uintptr_t pc = uc->uc_mcontext.gregs[REG_RIP];
  if (pc >= reinterpret_cast<uintptr_t>(dbt_safe_syscall_start) &&
      pc < reinterpret_cast<uintptr_t>(dbt_safe_syscall_end)) {
    uc->uc_mcontext.gregs[REG_RIP] = reinterpret_cast<uintptr_t>(dbt_safe_syscall_start);
  }
}

void RecordInto(ThreadSignalRecord* r, const GuestSiginfo& info) {
  const int g = info.si_signo;
  r->info[g - 1] = info;
  r->recorded.fetch_or(SigBit(g), std::memory_order_release);
  if (uint32_t* exit_request = r->exit_request.load(std::memory_order_acquire)) {
    __atomic_store_n(exit_request, 1, __ATOMIC_SEQ_CST);
  }
}

void Record(int host_sig, const siginfo_t* si) {
  int g = HostToGuestSignal(host_sig);
  if (g == 0) return;
  static_assert(sizeof(siginfo_t) == sizeof(GuestSiginfo));
  // x86-64 and riscv64 share the 64-bit generic siginfo layout; only the
  // number needs translating.
  GuestSiginfo info;
  memcpy(&info, si, sizeof(GuestSiginfo));
  info.si_signo = g;
  RecordInto(CurrentRecord(), info);
}

void RecordHandler(int host_sig, siginfo_t* si, void* uc) {
  int saved_errno = errno;
  Record(host_sig, si);
  RewindIfInSafeSyscall(uc);
  errno = saved_errno;
}

void FaultHandler(int host_sig, siginfo_t* si, void* context) {
  int saved_errno = errno;
  if (host_sig == SIGBUS && IsRuntimeInterrupt(si)) {
    // Stop/Post: the syscall it interrupts returns EINTR, or one about to
    // start is not entered.
    RewindIfInSafeSyscall(context);
    errno = saved_errno;
    return;
  }
  if (si->si_code <= 0) {  // Sent by a process (kill, tgkill, sigqueue).
    Record(host_sig, si);
    errno = saved_errno;
    return;
  }
  // Inside a FaultFreeScope the fault is dbt's (it holds a runtime lock):
  // neither handled nor unwound, see fault_free_scope.h.
  if (g_memory != nullptr && !FaultFreeScope::Active()) {
    uint64_t guest =
        reinterpret_cast<uint64_t>(si->si_addr) - reinterpret_cast<uint64_t>(g_memory->base());
    // A store to a code page: drop its translations, then retry the store.
    // Generated code makes such stores, and so does the runtime (a signal
    // frame written to a page another thread has just translated code
    // from). HandleCodeWriteFault takes the mapping lock; this thread does
    // not hold it (not in a FaultFreeScope), and the lock's holders never
    // wait for a thread in generated code, so it is granted.
    if (host_sig == SIGSEGV && guest < g_memory->size() && g_memory->HandleWriteFault(guest)) {
      errno = saved_errno;
      return;
    }
  }
  if (t_fault_jmp != nullptr && g_memory != nullptr && !FaultFreeScope::Active()) {
    uint64_t guest =
        reinterpret_cast<uint64_t>(si->si_addr) - reinterpret_cast<uint64_t>(g_memory->base());
    t_fault.signo = host_sig == SIGBUS ? kGuestSigBus : kGuestSigSegv;
    t_fault.host_code = si->si_code;
    // SI_KERNEL faults (non-canonical addresses) carry no address.
    t_fault.addr = si->si_code == SI_KERNEL ? 0 : guest;
    t_fault.host_pc =
        static_cast<uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
    siglongjmp(*t_fault_jmp, 1);
  }
  // A fault in dbt itself: return into the faulting instruction with the
  // default action, so the process dies with an honest core.
  signal(host_sig, SIG_DFL);
  errno = saved_errno;
}

void InstallFaultHandler(int host_sig) {
  SaveOnce(host_sig);
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = FaultHandler;
  // SA_NODEFER: the handler leaves with siglongjmp without restoring a mask,
  // so the signal must not have been added to it.
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(host_sig, &sa, nullptr);
}

sigset_t HostSetOf(GuestSigset guest_set) {
  sigset_t set;
  sigemptyset(&set);
  for (int g = 1; g <= kGuestNsig; ++g) {
    if (!(guest_set & SigBit(g))) continue;
    int host = GuestToHostSignal(g);
    if (host == 0 || host == SIGSEGV || host == SIGBUS) continue;
    sigaddset(&set, host);
  }
  return set;
}

}  // namespace

int64_t SafeSyscall(long nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                    uint64_t a6) {
  static_assert(sizeof(std::atomic<uint64_t>) == sizeof(uint64_t));
  return dbt_safe_syscall(reinterpret_cast<const volatile uint64_t*>(&CurrentRecord()->recorded),
                          nr, static_cast<long>(a1), static_cast<long>(a2), static_cast<long>(a3),
                          static_cast<long>(a4), static_cast<long>(a5), static_cast<long>(a6));
}

int GuestToHostSignal(int guest_sig) {
  if (guest_sig >= 1 && guest_sig < kGuestSigRtmin) return guest_sig;
  if (guest_sig >= kGuestSigRtmin && guest_sig <= kGuestNsig) {
    int host = SIGRTMIN + (guest_sig - kGuestSigRtmin);
    return host <= SIGRTMAX ? host : 0;
  }
  return 0;
}

int HostToGuestSignal(int host_sig) {
  if (host_sig >= 1 && host_sig < 32) return host_sig;
  if (host_sig >= SIGRTMIN && host_sig <= SIGRTMAX) {
    int guest = kGuestSigRtmin + (host_sig - SIGRTMIN);
    return guest <= kGuestNsig ? guest : 0;
  }
  return 0;
}

ThreadSignalRecord* HostSignals::Install(GuestMemory* memory, uint32_t* exit_request) {
  g_memory = memory;
  g_unbound_record.recorded.store(0);
  ThreadSignalRecord* record = BindThread(exit_request);
  if (!g_installed) {
    sigprocmask(SIG_SETMASK, nullptr, &g_saved_mask);
    g_installed = true;
  }
  InstallFaultHandler(SIGSEGV);
  InstallFaultHandler(SIGBUS);
  return record;
}

void HostSignals::Uninstall() {
  if (!g_installed) return;
  for (int s = 1; s < NSIG; ++s) {
    if (g_saved[s]) {
      sigaction(s, &g_saved_action[s], nullptr);
      g_saved[s] = false;
    }
  }
  sigprocmask(SIG_SETMASK, &g_saved_mask, nullptr);
  g_installed = false;
  g_memory = nullptr;
  t_record.exit_request.store(nullptr);
  t_record.recorded.store(0);
  t_bound = false;
}

ThreadSignalRecord* HostSignals::BindThread(uint32_t* exit_request) {
  t_record.recorded.store(0);
  t_record.stop.store(0);
  t_record.exit_request.store(exit_request);
  t_bound = true;
  return &t_record;
}

void HostSignals::UnbindThread(bool resend) {
  t_record.exit_request.store(nullptr);
  t_bound = false;
  const GuestSigset left = t_record.recorded.exchange(0, std::memory_order_acquire);
  if (!resend) return;
  for (int g = 1; g <= kGuestNsig; ++g) {
    if (!(left & SigBit(g))) continue;
    const int host = GuestToHostSignal(g);
    // Sent to this thread (tkill/tgkill): it dies with the thread.
    if (host == 0 || t_record.info[g - 1].si_code == SI_TKILL) continue;
    siginfo_t si;
    memcpy(&si, &t_record.info[g - 1], sizeof(si));
    si.si_signo = host;
    // The kernel lets only the group leader queue a non-negative si_code
    // to its own process; other threads send a plain kill.
    if (syscall(SYS_rt_sigqueueinfo, getpid(), host, &si) != 0) kill(getpid(), host);
  }
}

void HostSignals::Stop(pid_t tid, ThreadSignalRecord* record) {
  record->stop.store(1, std::memory_order_seq_cst);
  if (uint32_t* exit_request = record->exit_request.load(std::memory_order_acquire)) {
    __atomic_store_n(exit_request, 1, __ATOMIC_SEQ_CST);
  }
  SendRuntimeInterrupt(tid, &kStopCookie);
}

bool HostSignals::StopRequested() {
  return t_bound && t_record.stop.load(std::memory_order_acquire) != 0;
}

void HostSignals::Post(pid_t tid, ThreadSignalRecord* record, const GuestSiginfo& info) {
  RecordInto(record, info);
  SendRuntimeInterrupt(tid, &kInterruptCookie);
}

GuestSigset HostSignals::InheritedMask() {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  GuestSigset guest = 0;
  for (int g = 1; g <= kGuestNsig; ++g) {
    int host = GuestToHostSignal(g);
    if (host != 0 && sigismember(&mask, host) == 1) guest |= SigBit(g);
  }
  return guest & ~kUnblockable;
}

bool HostSignals::InheritedIgnore(int guest_sig) {
  int host = GuestToHostSignal(guest_sig);
  if (host == 0 || host == SIGKILL || host == SIGSTOP) return false;
  struct sigaction sa;
  if (sigaction(host, nullptr, &sa) != 0) return false;
  return !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN;
}

void HostSignals::MirrorDisposition(int guest_sig, const GuestSigaction& action) {
  int host = GuestToHostSignal(guest_sig);
  // The fault signals keep our handler; it records user-sent ones.
  if (host == 0 || host == SIGSEGV || host == SIGBUS || host == SIGKILL || host == SIGSTOP) return;
  SaveOnce(host);
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sigemptyset(&sa.sa_mask);
  if (action.handler == kGuestSigDfl) {
    sa.sa_handler = SIG_DFL;
  } else if (action.handler == kGuestSigIgn) {
    sa.sa_handler = SIG_IGN;
  } else {
    sa.sa_sigaction = RecordHandler;
    // No SA_RESTART: a host syscall must return EINTR so the runtime can run
    // the guest handler and then restart the guest's syscall (or not) by the
    // guest's SA_RESTART.
    sa.sa_flags = SA_SIGINFO;
  }
  if (host == SIGCHLD) {
    sa.sa_flags |= action.flags & (kGuestSaNoCldStop | kGuestSaNoCldWait);
  }
  sigaction(host, &sa, nullptr);
}

void HostSignals::MirrorMask(GuestSigset blocked) {
  sigset_t set = HostSetOf(blocked);
  pthread_sigmask(SIG_SETMASK, &set, nullptr);
}

void HostSignals::WaitForSignal(GuestSigset guest_mask) {
  sigset_t all, old;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  if (!HasRecorded() && !StopRequested()) {
    sigset_t wait_mask = HostSetOf(guest_mask);
    sigsuspend(&wait_mask);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

int64_t HostSignals::TimedWait(GuestSigset guest_set, const struct timespec* timeout,
                               GuestSiginfo* info) {
  sigset_t set = HostSetOf(guest_set);
  siginfo_t si;
  // The kernel's sigset is 8 bytes: the first word of glibc's sigset_t.
  int64_t r = SafeSyscall(SYS_rt_sigtimedwait, reinterpret_cast<uint64_t>(&set),
                          reinterpret_cast<uint64_t>(&si), reinterpret_cast<uint64_t>(timeout), 8);
  if (r < 0) return r;
  int g = HostToGuestSignal(static_cast<int>(r));
  memcpy(info, &si, sizeof(*info));
  info->si_signo = g;
  return g;
}

GuestSigset HostSignals::Drain(GuestSiginfo* infos) {
  GuestSigset got = 0;
  for (ThreadSignalRecord* r : {&g_unbound_record, CurrentRecord()}) {
    const GuestSigset some = r->recorded.exchange(0, std::memory_order_acquire);
    for (int g = 1; g <= kGuestNsig; ++g) {
      if (some & SigBit(g)) infos[g - 1] = r->info[g - 1];
    }
    got |= some;
  }
  return got;
}

bool HostSignals::HasRecorded() {
  return CurrentRecord()->recorded.load(std::memory_order_acquire) != 0 ||
         g_unbound_record.recorded.load(std::memory_order_acquire) != 0;
}

std::optional<GuestFault> HostSignals::RunCatchingFaults(const std::function<void()>& fn) {
  sigjmp_buf jmp;
  // savemask 0: the fault handler runs with SA_NODEFER and an empty sa_mask,
  // so the mask is unchanged when it jumps back here.
  if (sigsetjmp(jmp, 0) != 0) {
    t_fault_jmp = nullptr;
    return t_fault;
  }
  t_fault_jmp = &jmp;
  fn();
  t_fault_jmp = nullptr;
  return std::nullopt;
}

void HostSignals::DieBySignal(int guest_sig) {
  int host = GuestToHostSignal(guest_sig);
  // A guest-only real-time signal: no host signal to die by; SIGKILL is the
  // closest honest ending.
  if (host == 0) host = SIGKILL;
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_DFL;
  sigfillset(&sa.sa_mask);
  sigaction(host, &sa, nullptr);
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, host);
  sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
  kill(getpid(), host);
  // Delivery is normally immediate; wait for it otherwise.
  sigset_t all_but;
  sigfillset(&all_but);
  sigdelset(&all_but, host);
  sigsuspend(&all_but);
  _exit(128 + guest_sig);
}

}  // namespace dbt::executor
