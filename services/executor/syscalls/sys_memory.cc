// Memory syscalls: all of the work is GuestMemory's.
#include <errno.h>
#include <sys/mman.h>

#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {

int64_t SysBrk(GuestProcess& proc, const SyscallArgs& args) {
  return static_cast<int64_t>(proc.memory.Brk(args.a[0]));
}

int64_t SysMmap(GuestProcess& proc, const SyscallArgs& args) {
  return proc.memory.Mmap(args.a[0], args.a[1], static_cast<int>(args.a[2]),
                          static_cast<int>(args.a[3]), static_cast<int>(args.a[4]), args.a[5]);
}

int64_t SysMunmap(GuestProcess& proc, const SyscallArgs& args) {
  return proc.memory.Munmap(args.a[0], args.a[1]);
}

int64_t SysMprotect(GuestProcess& proc, const SyscallArgs& args) {
  return proc.memory.Mprotect(args.a[0], args.a[1], static_cast<int>(args.a[2]));
}

int64_t SysMremap(GuestProcess& proc, const SyscallArgs& args) {
  return proc.memory.Mremap(args.a[0], args.a[1], args.a[2], static_cast<int>(args.a[3]),
                            args.a[4]);
}

int64_t SysMadvise(GuestProcess& proc, const SyscallArgs& args) {
  return proc.memory.Madvise(args.a[0], args.a[1], static_cast<int>(args.a[2]));
}

int64_t SysMsync(GuestProcess& proc, const SyscallArgs& args) {
  const uint64_t addr = args.a[0];
  if (!PageAligned(addr)) return -EINVAL;
  const uint64_t len = PageUp(args.a[1]);
  if (!proc.memory.InRange(addr, len)) return -ENOMEM;
  if (!proc.memory.IsFullyMapped(addr, addr + len)) return -ENOMEM;
  return HostResult(msync(proc.memory.Host(addr), len, static_cast<int>(args.a[2])));
}

}  // namespace dbt::executor
