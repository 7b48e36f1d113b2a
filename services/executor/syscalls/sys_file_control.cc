// fcntl and ioctl. Command numbers and the structures of the commands
// emulated here are the same on riscv64 and x86-64 (asm-generic fcntl.h,
// ioctls.h and termbits.h on both), so arguments pass through after a
// range check; file status flags go through the open-flag table. ioctls not
// listed answer ENOTTY, as qemu does for the ones it does not know: passing
// an unknown one through could hand the host kernel a structure whose
// layout differs.
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fd_io.h"
#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/open_flags.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

// struct flock on 64-bit: short, short, off_t, off_t, pid_t (+ padding).
constexpr uint64_t kFlockSize = 32;
// The kernel's struct termios (not glibc's larger one): 4 tcflag_t, c_line,
// c_cc[19].
constexpr uint64_t kKernelTermiosSize = 36;

struct IoctlArg {
  unsigned long request;
  uint64_t size;  // Bytes the argument points at; 0: the argument is a value.
  bool writes;    // The kernel writes through the pointer.
};

constexpr IoctlArg kIoctls[] = {
    {0x5401, kKernelTermiosSize, true},   // TCGETS
    {0x5402, kKernelTermiosSize, false},  // TCSETS
    {0x5403, kKernelTermiosSize, false},  // TCSETSW
    {0x5404, kKernelTermiosSize, false},  // TCSETSF
    {0x5409, 0, false},                   // TCSBRK
    {0x540A, 0, false},                   // TCXONC
    {0x540B, 0, false},                   // TCFLSH
    {0x540E, 0, false},                   // TIOCSCTTY
    {0x540F, sizeof(pid_t), true},        // TIOCGPGRP
    {0x5410, sizeof(pid_t), false},       // TIOCSPGRP
    {0x5411, sizeof(int), true},          // TIOCOUTQ
    {0x5413, 8, true},                    // TIOCGWINSZ (struct winsize)
    {0x5414, 8, false},                   // TIOCSWINSZ
    {0x541B, sizeof(int), true},          // FIONREAD
    {0x5421, sizeof(int), false},         // FIONBIO
    {0x5422, 0, false},                   // TIOCNOTTY
    {0x5429, sizeof(pid_t), true},        // TIOCGSID
    {0x5450, 0, false},                   // FIONCLEX
    {0x5451, 0, false},                   // FIOCLEX
    {0x5452, sizeof(int), false},         // FIOASYNC
};

}  // namespace

int64_t SysFcntl(GuestProcess& proc, const SyscallArgs& args) {
  const int fd = static_cast<int>(args.a[0]);
  const int cmd = static_cast<int>(args.a[1]);
  const uint64_t arg = args.a[2];
  if (IsOwnFd(fd)) return -EBADF;  // dbt's own: not open, to the guest
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_GETFD:
    case F_SETFD:
    case F_SETOWN:
    case F_GETOWN:
    case F_SETLEASE:
    case F_GETLEASE:
    case F_NOTIFY:
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
    case F_ADD_SEALS:
    case F_GET_SEALS:
      return HostResult(fcntl(fd, cmd, static_cast<long>(arg)));
    case F_GETFL: {
      int r = fcntl(fd, F_GETFL);
      return r < 0 ? HostError() : static_cast<int64_t>(OpenFlagsToGuest(r));
    }
    case F_SETFL:
      return HostResult(fcntl(fd, F_SETFL, OpenFlagsToHost(arg)));
    case F_GETSIG: {
      int r = fcntl(fd, F_GETSIG);
      return r < 0 ? HostError() : HostToGuestSignal(r);
    }
    case F_SETSIG: {
      int host = arg == 0 ? 0 : GuestToHostSignal(static_cast<int>(arg));
      if (arg != 0 && host == 0) return -EINVAL;
      return HostResult(fcntl(fd, F_SETSIG, host));
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
      void* lock = HostOut(proc, arg, kFlockSize);
      if (lock == nullptr) return -EFAULT;
      return SafeSyscall(SYS_fcntl, static_cast<uint64_t>(fd), static_cast<uint64_t>(cmd),
                         reinterpret_cast<uint64_t>(lock));
    }
    case F_GETOWN_EX:
    case F_SETOWN_EX: {
      void* owner = HostOut(proc, arg, 8);  // struct f_owner_ex
      if (owner == nullptr) return -EFAULT;
      return HostResult(fcntl(fd, cmd, owner));
    }
    default:
      return -EINVAL;
  }
}

int64_t SysIoctl(GuestProcess& proc, const SyscallArgs& args) {
  const int fd = static_cast<int>(args.a[0]);
  const unsigned long request = static_cast<unsigned int>(args.a[1]);
  for (const IoctlArg& io : kIoctls) {
    if (io.request != request) continue;
    if (io.size == 0) return SafeSyscall(SYS_ioctl, static_cast<uint64_t>(fd), request, args.a[2]);
    void* p = io.writes ? HostOut(proc, args.a[2], io.size)
                        : const_cast<void*>(HostIn(proc, args.a[2], io.size));
    if (p == nullptr) return -EFAULT;
    return SafeSyscall(SYS_ioctl, static_cast<uint64_t>(fd), request,
                       reinterpret_cast<uint64_t>(p));
  }
  return -ENOTTY;
}

}  // namespace dbt::executor
