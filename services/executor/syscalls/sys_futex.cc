// futex: the guest word is a host word (guest_base + uaddr) and guest
// threads are host threads of this process, so the host futex implements
// it exactly, private flag included: WAIT compares and sleeps (EAGAIN on a
// mismatch), WAKE wakes the host threads of the guest's waiters, REQUEUE,
// CMP_REQUEUE and WAKE_OP work on both words, timeouts (same timespec
// layout) and signal interruptions behave as the kernel's own.
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {

int64_t SysFutex(GuestProcess& proc, const SyscallArgs& args) {
  const uint64_t uaddr = args.a[0];
  const int op = static_cast<int>(args.a[1]);
  const int cmd = op & FUTEX_CMD_MASK;
  if (uaddr % 4 != 0) return -EINVAL;
  void* word = HostOut(proc, uaddr, 4);
  if (word == nullptr) return -EFAULT;
  bool fault = false;
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const void* timeout = HostInOrNull(proc, args.a[3], sizeof(struct timespec), &fault);
      if (fault) return -EFAULT;
      return SafeSyscall(SYS_futex, reinterpret_cast<uint64_t>(word), args.a[1],
                         static_cast<uint32_t>(args.a[2]), reinterpret_cast<uint64_t>(timeout), 0,
                         static_cast<uint32_t>(args.a[5]));
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
      return HostResult(syscall(SYS_futex, word, op, static_cast<uint32_t>(args.a[2]), nullptr,
                                nullptr, static_cast<uint32_t>(args.a[5])));
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP: {
      // val2 (a3) is a count here, not a pointer; uaddr2 is a guest word.
      if (args.a[4] % 4 != 0) return -EINVAL;
      void* word2 = HostOut(proc, args.a[4], 4);
      if (word2 == nullptr) return -EFAULT;
      return HostResult(syscall(SYS_futex, word, op, static_cast<uint32_t>(args.a[2]), args.a[3],
                                word2, static_cast<uint32_t>(args.a[5])));
    }
    default:
      // PI futexes (the owner tid in the word is a host tid too, so they
      // could pass through) are not emulated yet.
      return -ENOSYS;
  }
}

}  // namespace dbt::executor
