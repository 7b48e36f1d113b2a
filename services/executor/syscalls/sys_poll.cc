// Waiting on fds: ppoll, pselect6 and epoll. struct pollfd, fd_set and
// timespec have one layout; struct epoll_event does not (x86-64 packs it to
// 12 bytes, riscv64 aligns its 64-bit data to 16), so epoll translates.
// A signal mask argument is applied like sigsuspend's: the frame of a
// handler run for the wait saves the mask from before it.
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

struct GuestEpollEvent {
  uint32_t events;
  uint32_t pad;
  uint64_t data;
};
static_assert(sizeof(GuestEpollEvent) == 16);

// Applies an optional guest sigmask for the duration of a wait. -errno when
// the mask argument is bad, else 0.
int64_t BeginMaskedWait(GuestProcess& proc, uint64_t mask_addr, uint64_t mask_size, bool* masked) {
  *masked = false;
  if (mask_addr == 0) return 0;
  if (mask_size != sizeof(GuestSigset)) return -EINVAL;
  GuestSigset mask;
  if (!ReadGuest(proc, mask_addr, &mask)) return -EFAULT;
  proc.signals.SuspendWithMask(mask);
  *masked = true;
  return 0;
}

int64_t EndMaskedWait(GuestProcess& proc, bool masked, int64_t result) {
  // Interrupted: the mask is restored once the handler's frame has saved it.
  if (masked && result != -EINTR) proc.signals.RestoreSavedMask();
  return result;
}

}  // namespace

int64_t SysPpoll(GuestProcess& proc, const SyscallArgs& args) {
  const uint64_t nfds = args.a[1];
  if (nfds > 1 << 20) return -EINVAL;
  void* fds = HostOut(proc, args.a[0], nfds * sizeof(struct pollfd));
  if (fds == nullptr) return -EFAULT;
  bool fault = false;
  void* timeout = HostOutOrNull(proc, args.a[2], sizeof(struct timespec), &fault);
  if (fault) return -EFAULT;
  bool masked;
  if (int64_t e = BeginMaskedWait(proc, args.a[3], args.a[4], &masked); e < 0) return e;
  int64_t r = SafeSyscall(SYS_ppoll, reinterpret_cast<uint64_t>(fds), nfds,
                          reinterpret_cast<uint64_t>(timeout), 0, 8);
  return EndMaskedWait(proc, masked, r);
}

int64_t SysPselect6(GuestProcess& proc, const SyscallArgs& args) {
  const int nfds = static_cast<int>(args.a[0]);
  if (nfds < 0) return -EINVAL;
  const uint64_t set_bytes = (static_cast<uint64_t>(nfds) + 63) / 64 * 8;
  bool fault = false;
  void* sets[3];
  for (int i = 0; i < 3; ++i) sets[i] = HostOutOrNull(proc, args.a[1 + i], set_bytes, &fault);
  void* timeout = HostOutOrNull(proc, args.a[4], sizeof(struct timespec), &fault);
  if (fault) return -EFAULT;
  // The sixth argument points at {const sigset_t* ss; size_t ss_len}.
  uint64_t mask_addr = 0, mask_size = 0;
  if (args.a[5] != 0) {
    uint64_t pair[2];
    if (!ReadGuest(proc, args.a[5], &pair)) return -EFAULT;
    mask_addr = pair[0];
    mask_size = pair[1];
  }
  bool masked;
  if (int64_t e = BeginMaskedWait(proc, mask_addr, mask_size, &masked); e < 0) return e;
  int64_t r =
      SafeSyscall(SYS_pselect6, static_cast<uint64_t>(nfds), reinterpret_cast<uint64_t>(sets[0]),
                  reinterpret_cast<uint64_t>(sets[1]), reinterpret_cast<uint64_t>(sets[2]),
                  reinterpret_cast<uint64_t>(timeout), 0);
  return EndMaskedWait(proc, masked, r);
}

int64_t SysEpollCreate1(GuestProcess& proc, const SyscallArgs& args) {
  // EPOLL_CLOEXEC is O_CLOEXEC on both.
  return HostResult(epoll_create1(static_cast<int>(args.a[0])));
}

int64_t SysEpollCtl(GuestProcess& proc, const SyscallArgs& args) {
  struct epoll_event host_event = {};
  struct epoll_event* event = nullptr;
  if (args.a[3] != 0 && static_cast<int>(args.a[1]) != EPOLL_CTL_DEL) {
    GuestEpollEvent guest;
    if (!ReadGuest(proc, args.a[3], &guest)) return -EFAULT;
    host_event.events = guest.events;
    host_event.data.u64 = guest.data;
    event = &host_event;
  }
  return HostResult(epoll_ctl(static_cast<int>(args.a[0]), static_cast<int>(args.a[1]),
                              static_cast<int>(args.a[2]), event));
}

int64_t SysEpollPwait(GuestProcess& proc, const SyscallArgs& args) {
  const int max_events = static_cast<int>(args.a[2]);
  if (max_events <= 0 || max_events > (1 << 20)) return -EINVAL;
  if (!proc.memory.CanWrite(args.a[1], uint64_t{sizeof(GuestEpollEvent)} * max_events)) {
    return -EFAULT;
  }
  bool masked;
  if (int64_t e = BeginMaskedWait(proc, args.a[4], args.a[5], &masked); e < 0) return e;
  std::vector<struct epoll_event> events(max_events);
  int64_t r = SafeSyscall(SYS_epoll_wait, args.a[0], reinterpret_cast<uint64_t>(events.data()),
                          static_cast<uint64_t>(max_events), args.a[3]);
  for (int64_t i = 0; i < r; ++i) {
    GuestEpollEvent g = {events[i].events, 0, events[i].data.u64};
    WriteGuest(proc, args.a[1] + i * sizeof(g), g);
  }
  return EndMaskedWait(proc, masked, r);
}

}  // namespace dbt::executor
