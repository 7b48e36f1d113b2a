// Clocks, sleeps and interval timers. timespec, timeval, itimerval and tms
// have the same 64-bit layouts on both sides, and clock ids are shared.
#include <errno.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {

int64_t SysClockGettime(GuestProcess& proc, const SyscallArgs& args) {
  void* ts = HostOut(proc, args.a[1], sizeof(struct timespec));
  if (ts == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_clock_gettime, static_cast<clockid_t>(args.a[0]), ts));
}

int64_t SysClockGetres(GuestProcess& proc, const SyscallArgs& args) {
  bool fault = false;
  void* ts = HostOutOrNull(proc, args.a[1], sizeof(struct timespec), &fault);
  if (fault) return -EFAULT;
  return HostResult(syscall(SYS_clock_getres, static_cast<clockid_t>(args.a[0]), ts));
}

int64_t SysGettimeofday(GuestProcess& proc, const SyscallArgs& args) {
  bool fault = false;
  void* tv = HostOutOrNull(proc, args.a[0], sizeof(struct timeval), &fault);
  void* tz = HostOutOrNull(proc, args.a[1], sizeof(struct timezone), &fault);
  if (fault) return -EFAULT;
  return HostResult(syscall(SYS_gettimeofday, tv, tz));
}

int64_t SysNanosleep(GuestProcess& proc, const SyscallArgs& args) {
  const void* req = HostIn(proc, args.a[0], sizeof(struct timespec));
  bool fault = false;
  void* rem = HostOutOrNull(proc, args.a[1], sizeof(struct timespec), &fault);
  if (req == nullptr || fault) return -EFAULT;
  return SafeSyscall(SYS_nanosleep, reinterpret_cast<uint64_t>(req),
                     reinterpret_cast<uint64_t>(rem));
}

int64_t SysClockNanosleep(GuestProcess& proc, const SyscallArgs& args) {
  const void* req = HostIn(proc, args.a[2], sizeof(struct timespec));
  bool fault = false;
  void* rem = HostOutOrNull(proc, args.a[3], sizeof(struct timespec), &fault);
  if (req == nullptr || fault) return -EFAULT;
  return SafeSyscall(SYS_clock_nanosleep, args.a[0], args.a[1], reinterpret_cast<uint64_t>(req),
                     reinterpret_cast<uint64_t>(rem));
}

int64_t SysGetitimer(GuestProcess& proc, const SyscallArgs& args) {
  void* value = HostOut(proc, args.a[1], sizeof(struct itimerval));
  if (value == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_getitimer, static_cast<int>(args.a[0]), value));
}

int64_t SysSetitimer(GuestProcess& proc, const SyscallArgs& args) {
  // SIGALRM and friends then reach the guest through the host handler the
  // guest's sigaction installed (or end the process, by default).
  bool fault = false;
  const void* value = HostInOrNull(proc, args.a[1], sizeof(struct itimerval), &fault);
  void* old = HostOutOrNull(proc, args.a[2], sizeof(struct itimerval), &fault);
  if (fault) return -EFAULT;
  return HostResult(syscall(SYS_setitimer, static_cast<int>(args.a[0]), value, old));
}

int64_t SysTimes(GuestProcess& proc, const SyscallArgs& args) {
  bool fault = false;
  void* buf = HostOutOrNull(proc, args.a[0], sizeof(struct tms), &fault);
  if (fault) return -EFAULT;
  return HostResult(syscall(SYS_times, buf));
}

}  // namespace dbt::executor
