// System information and scheduling.
#include <errno.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>

#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {

int64_t SysUname(GuestProcess& proc, const SyscallArgs& args) {
  // struct utsname: six 65-byte strings on both.
  struct utsname u;
  if (uname(&u) != 0) return HostError();
  memset(u.machine, 0, sizeof(u.machine));
  strcpy(u.machine, "riscv64");
  return WriteGuest(proc, args.a[0], u) ? 0 : -EFAULT;
}

int64_t SysSysinfo(GuestProcess& proc, const SyscallArgs& args) {
  // struct sysinfo: the same 112 bytes on 64-bit generic and x86-64.
  void* info = HostOut(proc, args.a[0], sizeof(struct sysinfo));
  if (info == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_sysinfo, info));
}

int64_t SysGetrandom(GuestProcess& proc, const SyscallArgs& args) {
  void* buf = HostOut(proc, args.a[0], args.a[1]);
  if (buf == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_getrandom, buf, args.a[1], static_cast<unsigned>(args.a[2])));
}

int64_t SysSchedGetaffinity(GuestProcess& proc, const SyscallArgs& args) {
  void* mask = HostOut(proc, args.a[2], args.a[1]);
  if (mask == nullptr) return -EFAULT;
  // The raw syscall returns the number of bytes written.
  return HostResult(syscall(SYS_sched_getaffinity, static_cast<pid_t>(args.a[0]), args.a[1], mask));
}

int64_t SysSchedSetaffinity(GuestProcess& proc, const SyscallArgs& args) {
  const void* mask = HostIn(proc, args.a[2], args.a[1]);
  if (mask == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_sched_setaffinity, static_cast<pid_t>(args.a[0]), args.a[1], mask));
}

int64_t SysSchedYield(GuestProcess& proc, const SyscallArgs& args) {
  sched_yield();
  return 0;
}

int64_t SysGetcpu(GuestProcess& proc, const SyscallArgs& args) {
  bool fault = false;
  void* cpu = HostOutOrNull(proc, args.a[0], sizeof(unsigned), &fault);
  void* node = HostOutOrNull(proc, args.a[1], sizeof(unsigned), &fault);
  if (fault) return -EFAULT;
  return HostResult(syscall(SYS_getcpu, cpu, node, nullptr));
}

}  // namespace dbt::executor
