// Process lifetime and identity: exit, ids, limits, prctl, clone (threads
// on host threads, fork, vfork as fork) and wait4.
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

// Limits that describe dbt's own address space rather than the guest's:
// setting them would break the runtime (qemu ignores them too).
bool IsHostOnlyLimit(int resource) {
  return resource == RLIMIT_AS || resource == RLIMIT_DATA || resource == RLIMIT_STACK;
}

constexpr uint64_t kCloneVm = 0x100, kCloneFs = 0x200, kCloneFiles = 0x400, kCloneSighand = 0x800,
                   kCloneVfork = 0x4000, kCloneThread = 0x10000, kCloneSysvsem = 0x40000,
                   kCloneSettls = 0x80000, kCloneParentSettid = 0x100000,
                   kCloneChildCleartid = 0x200000, kCloneDetached = 0x400000,
                   kCloneChildSettid = 0x01000000, kCloneIo = 0x80000000, kCsignal = 0xff;

// What a thread shares with its creator, as qemu requires for a thread
// (glibc's pthread_create passes all of these): a host thread shares
// exactly this with the others.
constexpr uint64_t kCloneThreadFlags =
    kCloneVm | kCloneFs | kCloneFiles | kCloneSighand | kCloneThread | kCloneSysvsem;
constexpr uint64_t kCloneThreadOptional =
    kCloneSettls | kCloneParentSettid | kCloneChildCleartid | kCloneChildSettid;
constexpr uint64_t kCloneIgnored = kCloneDetached | kCloneIo;

// clone(CLONE_THREAD): a new guest thread on a new host thread.
int64_t CloneThread(GuestProcess& proc, const SyscallArgs& args) {
  const uint64_t flags = args.a[0];
  if (flags & ~(kCsignal | kCloneThreadFlags | kCloneThreadOptional | kCloneIgnored)) {
    return -EINVAL;
  }
  if (proc.group == nullptr) return -ENOSYS;
  const CloneThreadArgs clone = {flags, args.a[1], args.a[2], args.a[3], args.a[4]};
  if ((flags & kCloneParentSettid) && !proc.memory.CanWrite(clone.parent_tid, 4)) return -EFAULT;
  return proc.group->Spawn(proc, clone);
}

// The engine's and the group's locks, and the memory's mapping lock, held
// across fork() so the child inherits none of them mid-change (another
// guest thread may be in the middle of an mmap or a translation). ORDER:
// mapping lock, engine, group (the global lock order).
class ForkLocks {
 public:
  explicit ForkLocks(GuestProcess& proc) : proc_(proc), mapping_(proc.memory) {
    if (proc_.engine != nullptr) proc_.engine->BeforeFork();
    if (proc_.group != nullptr) proc_.group->BeforeFork();
  }
  void AfterParent() {
    if (proc_.group != nullptr) proc_.group->AfterForkParent();
    if (proc_.engine != nullptr) proc_.engine->AfterForkParent();
  }
  void AfterChild() {
    if (proc_.group != nullptr) proc_.group->AfterForkChild(&proc_);
    if (proc_.engine != nullptr) proc_.engine->OnForkChild(proc_.env);
  }

 private:
  GuestProcess& proc_;
  GuestMemory::MappingLock mapping_;  // Released last, in both processes.
};

}  // namespace

int64_t SysExit(GuestProcess& proc, const SyscallArgs& args) {
  // Only this thread ends; the process ends with its last thread.
  proc.exit = GuestExit{false, static_cast<int>(args.a[0] & 0xff)};
  proc.thread_exit = true;
  return kSyscallNoResult;
}

int64_t SysExitGroup(GuestProcess& proc, const SyscallArgs& args) {
  proc.exit = GuestExit{false, static_cast<int>(args.a[0] & 0xff)};
  return kSyscallNoResult;
}

int64_t SysSetTidAddress(GuestProcess& proc, const SyscallArgs& args) {
  proc.clear_child_tid = args.a[0];
  return gettid();
}

int64_t SysSetRobustList(GuestProcess& proc, const SyscallArgs& args) {
  // Per thread. The list matters when a thread dies holding a robust
  // mutex: Linux then marks it FUTEX_OWNER_DIED; that walk is not emulated.
  if (args.a[1] != 24) return -EINVAL;  // sizeof(struct robust_list_head)
  proc.robust_list_head = args.a[0];
  proc.robust_list_len = args.a[1];
  return 0;
}

int64_t SysGetRobustList(GuestProcess& proc, const SyscallArgs& args) {
  const pid_t tid = static_cast<pid_t>(args.a[0]);
  uint64_t head = proc.robust_list_head, len = proc.robust_list_len;
  if (tid != 0 && tid != gettid()) {
    // Another thread of this process (another process's is not ours to see).
    const bool found = proc.group != nullptr && proc.group->WithThread(tid, [&](GuestProcess& t) {
      head = t.robust_list_head;
      len = t.robust_list_len;
    });
    if (!found) return -ESRCH;
  }
  if (!WriteGuest(proc, args.a[1], head)) return -EFAULT;
  if (!WriteGuest(proc, args.a[2], len)) return -EFAULT;
  return 0;
}

int64_t SysRseq(GuestProcess& proc, const SyscallArgs& args) {
  // Restartable sequences are not emulated; glibc copes with ENOSYS.
  return -ENOSYS;
}

int64_t SysGetpid(GuestProcess& proc, const SyscallArgs& args) { return getpid(); }
int64_t SysGetppid(GuestProcess& proc, const SyscallArgs& args) { return getppid(); }
int64_t SysGettid(GuestProcess& proc, const SyscallArgs& args) { return gettid(); }
int64_t SysGetuid(GuestProcess& proc, const SyscallArgs& args) { return getuid(); }
int64_t SysGeteuid(GuestProcess& proc, const SyscallArgs& args) { return geteuid(); }
int64_t SysGetgid(GuestProcess& proc, const SyscallArgs& args) { return getgid(); }
int64_t SysGetegid(GuestProcess& proc, const SyscallArgs& args) { return getegid(); }

int64_t SysSetuid(GuestProcess& proc, const SyscallArgs& args) {
  // The raw syscall: glibc's setuid would try to change every host thread.
  return HostResult(syscall(SYS_setuid, static_cast<uid_t>(args.a[0])));
}

int64_t SysSetgid(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(syscall(SYS_setgid, static_cast<gid_t>(args.a[0])));
}

int64_t SysGetresuid(GuestProcess& proc, const SyscallArgs& args) {
  uid_t r, e, s;
  getresuid(&r, &e, &s);
  uint32_t ids[3] = {r, e, s};
  for (int i = 0; i < 3; ++i) {
    if (!WriteGuest(proc, args.a[i], ids[i])) return -EFAULT;
  }
  return 0;
}

int64_t SysGetresgid(GuestProcess& proc, const SyscallArgs& args) {
  gid_t r, e, s;
  getresgid(&r, &e, &s);
  uint32_t ids[3] = {r, e, s};
  for (int i = 0; i < 3; ++i) {
    if (!WriteGuest(proc, args.a[i], ids[i])) return -EFAULT;
  }
  return 0;
}

int64_t SysGetgroups(GuestProcess& proc, const SyscallArgs& args) {
  const int size = static_cast<int>(args.a[0]);
  if (size < 0) return -EINVAL;
  void* list = size == 0 ? nullptr : HostOut(proc, args.a[1], uint64_t(size) * sizeof(gid_t));
  if (size != 0 && list == nullptr) return -EFAULT;
  return HostResult(getgroups(size, static_cast<gid_t*>(list)));
}

int64_t SysSetpgid(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(setpgid(static_cast<pid_t>(args.a[0]), static_cast<pid_t>(args.a[1])));
}

int64_t SysGetpgid(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(getpgid(static_cast<pid_t>(args.a[0])));
}

int64_t SysGetsid(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(getsid(static_cast<pid_t>(args.a[0])));
}

int64_t SysSetsid(GuestProcess& proc, const SyscallArgs& args) { return HostResult(setsid()); }

int64_t SysPrlimit64(GuestProcess& proc, const SyscallArgs& args) {
  // struct rlimit64 and the resource numbers are the same on both.
  const pid_t pid = static_cast<pid_t>(args.a[0]);
  const int resource = static_cast<int>(args.a[1]);
  bool fault = false;
  const void* new_limit = HostInOrNull(proc, args.a[2], sizeof(struct rlimit), &fault);
  void* old_limit = HostOutOrNull(proc, args.a[3], sizeof(struct rlimit), &fault);
  if (fault) return -EFAULT;
  const bool self = pid == 0 || pid == getpid();
  if (self && new_limit != nullptr && IsHostOnlyLimit(resource)) {
    // Report the old value, pretend the new one was taken.
    return HostResult(syscall(SYS_prlimit64, 0, resource, nullptr, old_limit));
  }
  return HostResult(syscall(SYS_prlimit64, pid, resource, new_limit, old_limit));
}

int64_t SysGetrlimit(GuestProcess& proc, const SyscallArgs& args) {
  SyscallArgs p = {{0, args.a[0], 0, args.a[1], 0, 0}};
  return SysPrlimit64(proc, p);
}

int64_t SysSetrlimit(GuestProcess& proc, const SyscallArgs& args) {
  SyscallArgs p = {{0, args.a[0], args.a[1], 0, 0, 0}};
  return SysPrlimit64(proc, p);
}

int64_t SysGetrusage(GuestProcess& proc, const SyscallArgs& args) {
  // struct rusage: two timevals and 14 longs on both.
  void* usage = HostOut(proc, args.a[1], sizeof(struct rusage));
  if (usage == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_getrusage, static_cast<int>(args.a[0]), usage));
}

int64_t SysPrctl(GuestProcess& proc, const SyscallArgs& args) {
  const int option = static_cast<int>(args.a[0]);
  switch (option) {
    case PR_SET_NAME: {
      char name[16] = {};
      std::optional<std::string> s = proc.memory.ReadString(args.a[1], 1 << 16);
      if (!s) return -EFAULT;
      strncpy(name, s->c_str(), sizeof(name) - 1);
      return HostResult(prctl(PR_SET_NAME, name, 0, 0, 0));
    }
    case PR_GET_NAME: {
      char name[16] = {};
      if (prctl(PR_GET_NAME, name, 0, 0, 0) != 0) return HostError();
      if (!proc.memory.CopyToGuest(args.a[1], name, sizeof(name))) return -EFAULT;
      return 0;
    }
    case PR_SET_PDEATHSIG: {
      int host = args.a[1] == 0 ? 0 : GuestToHostSignal(static_cast<int>(args.a[1]));
      if (args.a[1] != 0 && host == 0) return -EINVAL;
      return HostResult(prctl(PR_SET_PDEATHSIG, host, 0, 0, 0));
    }
    case PR_GET_PDEATHSIG: {
      int host = 0;
      if (prctl(PR_GET_PDEATHSIG, &host, 0, 0, 0) != 0) return HostError();
      int32_t guest = HostToGuestSignal(host);
      return WriteGuest(proc, args.a[1], guest) ? 0 : -EFAULT;
    }
    case PR_GET_CHILD_SUBREAPER: {
      int v = 0;
      if (prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0) != 0) return HostError();
      int32_t g = v;
      return WriteGuest(proc, args.a[1], g) ? 0 : -EFAULT;
    }
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_SET_CHILD_SUBREAPER:
    case PR_GET_TIMERSLACK:
    case PR_SET_TIMERSLACK:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_CAPBSET_READ:
      return HostResult(prctl(option, args.a[1], args.a[2], args.a[3], args.a[4]));
    default:
      // Notably PR_SET_SECCOMP: a filter for riscv64 syscall numbers must
      // never be applied to dbt's own host syscalls.
      return -EINVAL;
  }
}

int64_t SysClone(GuestProcess& proc, const SyscallArgs& args) {
  // riscv64: clone(flags, newsp, parent_tid, tls, child_tid).
  uint64_t flags = args.a[0];
  const uint64_t newsp = args.a[1], parent_tid = args.a[2], tls = args.a[3], child_tid = args.a[4];
  if ((flags & kCloneThreadFlags) == kCloneThreadFlags) return CloneThread(proc, args);
  // vfork (and posix_spawn's CLONE_VM|CLONE_VFORK) as a plain fork, as qemu
  // does: the child gets a copy of the memory instead of a loan of it, which
  // a child that only execs or exits cannot tell apart.
  if (flags & kCloneVfork) flags &= ~(kCloneVfork | kCloneVm);
  // Other sharing (a thread without its fds, memory without a thread) has no
  // host-thread equivalent.
  if (flags & (kCloneVm | kCloneThread | kCloneSighand | kCloneFiles | kCloneFs | kCloneSysvsem)) {
    return -EINVAL;
  }
  const uint64_t known =
      kCsignal | kCloneSettls | kCloneParentSettid | kCloneChildCleartid | kCloneChildSettid;
  if (flags & ~known) return -EINVAL;
  const int exit_signal = static_cast<int>(flags & kCsignal);
  const int host_exit_signal = exit_signal == 0 ? 0 : GuestToHostSignal(exit_signal);
  if (exit_signal != 0 && host_exit_signal == 0) return -EINVAL;
  if ((flags & kCloneParentSettid) && !proc.memory.CanWrite(parent_tid, 4)) return -EFAULT;
  fflush(nullptr);
  pid_t pid;
  {
    ForkLocks locks(proc);
    pid = host_exit_signal == SIGCHLD
              ? fork()
              : static_cast<pid_t>(syscall(SYS_clone, host_exit_signal, 0, 0, 0, 0));
    const int fork_errno = errno;
    if (pid == 0) {
      locks.AfterChild();
    } else {
      locks.AfterParent();
    }
    errno = fork_errno;
  }
  if (pid < 0) return HostError();
  if (pid == 0) {
    // The child: the same guest, in a copy of this whole process, with this
    // thread as its only thread.
    proc.tid = gettid();
    const int32_t tid = proc.tid;
    if (flags & kCloneChildSettid) WriteGuest(proc, child_tid, tid);
    if (flags & kCloneChildCleartid) proc.clear_child_tid = child_tid;
    if (flags & kCloneSettls) proc.cpu().x[4] = tls;
    if (newsp != 0) proc.cpu().x[2] = newsp;
    return 0;
  }
  if (flags & kCloneParentSettid) WriteGuest(proc, parent_tid, static_cast<int32_t>(pid));
  return pid;
}

int64_t SysWait4(GuestProcess& proc, const SyscallArgs& args) {
  bool fault = false;
  void* status = HostOutOrNull(proc, args.a[1], sizeof(int), &fault);
  void* usage = HostOutOrNull(proc, args.a[3], sizeof(struct rusage), &fault);
  if (fault) return -EFAULT;
  // Without __WALL: dbt run's translator and cache service are children of
  // this process (clone children, exit signal 0), which only __WALL or
  // __WCLONE would reap. A guest's own clone children (an exit signal other
  // than SIGCHLD) are still found with __WCLONE.
  const uint64_t options = args.a[2] & ~static_cast<uint64_t>(__WALL);
  // Exit statuses encode signal numbers; 1..31 are the same on both sides.
  return SafeSyscall(SYS_wait4, args.a[0], reinterpret_cast<uint64_t>(status), options,
                     reinterpret_cast<uint64_t>(usage));
}

}  // namespace dbt::executor
