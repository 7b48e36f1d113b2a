// The BSD socket calls. riscv64 and x86-64 Linux lay out every structure
// these pass the same way (sockaddr_in/in6/un/nl, socklen_t, msghdr,
// mmsghdr, iovec, cmsghdr with SCM_RIGHTS' ints and SCM_CREDENTIALS'
// ucred, timeval and linger for options): arguments go to the host kernel
// as they are, guest addresses translated (and range-checked: EFAULT), the
// pointers inside a msghdr rewritten in a host copy. Calls that may block
// go through SafeSyscall: a signal for the guest interrupts them, and
// kSysRestart in the table restarts them as Linux does. dbt's own fds
// (common/fd_io.h) are not open to the guest: EBADF.
#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <vector>

#include "common/fd_io.h"
#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

// Longest sockaddr and control buffer the kernel takes.
constexpr uint64_t kMaxSockaddr = 128;
constexpr uint64_t kMaxControl = 1 << 20;
constexpr uint64_t kMaxIov = 1024;  // UIO_MAXIOV
constexpr uint64_t kMaxMmsg = 1024;

struct GuestMsghdr {
  uint64_t name;
  uint32_t namelen;
  uint32_t pad0;
  uint64_t iov;
  uint64_t iovlen;
  uint64_t control;
  uint64_t controllen;
  int32_t flags;
  uint32_t pad1;
};
static_assert(sizeof(GuestMsghdr) == sizeof(struct msghdr));

struct GuestIovec {
  uint64_t base;
  uint64_t len;
};

// A sockaddr the guest passes in (addr, len): null stays null.
int64_t SockaddrIn(GuestProcess& proc, uint64_t addr, uint64_t len, const void** out) {
  *out = nullptr;
  if (addr == 0) return 0;
  if (len > kMaxSockaddr) return -EINVAL;
  *out = HostIn(proc, addr, len);
  return *out == nullptr ? -EFAULT : 0;
}

// A (sockaddr, socklen_t*) pair the kernel fills: both checked, null stays
// null (the kernel then fills nothing).
int64_t SockaddrOut(GuestProcess& proc, uint64_t addr, uint64_t len_addr, void** out,
                    socklen_t** len_out) {
  *out = nullptr;
  *len_out = nullptr;
  if (len_addr == 0) return 0;
  // Read through the fault-safe copy (the pointer may be unmapped); the
  // kernel gets the host address and reports EFAULT itself.
  socklen_t value = 0;
  if (!ReadGuest(proc, len_addr, &value)) return -EFAULT;
  if (static_cast<int32_t>(value) < 0) return -EINVAL;
  *len_out = static_cast<socklen_t*>(HostOut(proc, len_addr, sizeof(socklen_t)));
  if (*len_out == nullptr) return -EFAULT;
  if (addr == 0) return 0;
  *out = HostOut(proc, addr, value);
  return *out == nullptr ? -EFAULT : 0;
}

// A host msghdr for the guest's at `addr`, its iovecs in *iov. For
// recvmsg (to_guest) the buffers must be writable.
int64_t HostMsghdr(GuestProcess& proc, uint64_t addr, bool to_guest, struct msghdr* out,
                   std::vector<struct iovec>* iov) {
  GuestMsghdr g;
  if (!ReadGuest(proc, addr, &g)) return -EFAULT;
  *out = {};
  if (g.name != 0 && g.namelen != 0) {
    if (!to_guest && g.namelen > kMaxSockaddr) return -EINVAL;
    out->msg_name = to_guest ? HostOut(proc, g.name, g.namelen)
                             : const_cast<void*>(HostIn(proc, g.name, g.namelen));
    if (out->msg_name == nullptr) return -EFAULT;
    out->msg_namelen = g.namelen;
  }
  if (g.iovlen > kMaxIov) return -EMSGSIZE;
  std::vector<GuestIovec> giov(g.iovlen);
  if (g.iovlen != 0 &&
      !proc.memory.CopyFromGuest(giov.data(), g.iov, g.iovlen * sizeof(GuestIovec))) {
    return -EFAULT;
  }
  iov->resize(g.iovlen);
  for (uint64_t i = 0; i < g.iovlen; ++i) {
    if (static_cast<int64_t>(giov[i].len) < 0) return -EINVAL;
    void* p = giov[i].len == 0 ? nullptr
              : to_guest       ? HostOut(proc, giov[i].base, giov[i].len)
                               : const_cast<void*>(HostIn(proc, giov[i].base, giov[i].len));
    if (p == nullptr && giov[i].len != 0) return -EFAULT;
    (*iov)[i] = {p, giov[i].len};
  }
  out->msg_iov = iov->data();
  out->msg_iovlen = iov->size();
  if (g.control != 0 && g.controllen != 0) {
    if (g.controllen > kMaxControl) return -ENOBUFS;
    out->msg_control = to_guest ? HostOut(proc, g.control, g.controllen)
                                : const_cast<void*>(HostIn(proc, g.control, g.controllen));
    if (out->msg_control == nullptr) return -EFAULT;
    out->msg_controllen = g.controllen;
  }
  out->msg_flags = g.flags;
  return 0;
}

// What recvmsg wrote back into the msghdr itself.
void MsghdrBack(GuestProcess& proc, uint64_t addr, const struct msghdr& m) {
  GuestMsghdr g;
  if (!ReadGuest(proc, addr, &g)) return;
  g.namelen = m.msg_namelen;
  g.controllen = m.msg_controllen;
  g.flags = m.msg_flags;
  WriteGuest(proc, addr, g);
}

int64_t Mmsg(GuestProcess& proc, const SyscallArgs& args, bool receive) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  const uint64_t vec = args.a[1];
  const uint64_t n = std::min<uint64_t>(args.a[2], kMaxMmsg);
  struct GuestMmsghdr {
    GuestMsghdr hdr;
    uint32_t len;
    uint32_t pad;
  };
  std::vector<struct mmsghdr> host(n);
  std::vector<std::vector<struct iovec>> iovs(n);
  for (uint64_t i = 0; i < n; ++i) {
    if (int64_t e =
            HostMsghdr(proc, vec + i * sizeof(GuestMmsghdr), receive, &host[i].msg_hdr, &iovs[i]);
        e < 0) {
      return e;
    }
    host[i].msg_len = 0;
  }
  bool fault = false;
  void* timeout =
      receive ? HostOutOrNull(proc, args.a[4], sizeof(struct timespec), &fault) : nullptr;
  if (fault) return -EFAULT;
  const int64_t r =
      receive ? SafeSyscall(SYS_recvmmsg, args.a[0], reinterpret_cast<uint64_t>(host.data()), n,
                            args.a[3], reinterpret_cast<uint64_t>(timeout))
              : SafeSyscall(SYS_sendmmsg, args.a[0], reinterpret_cast<uint64_t>(host.data()), n,
                            args.a[3]);
  for (int64_t i = 0; i < r; ++i) {
    const uint64_t at = vec + static_cast<uint64_t>(i) * sizeof(GuestMmsghdr);
    if (receive) MsghdrBack(proc, at, host[i].msg_hdr);
    WriteGuest(proc, at + offsetof(GuestMmsghdr, len), static_cast<uint32_t>(host[i].msg_len));
  }
  return r;
}

}  // namespace

int64_t SysSocket(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(syscall(SYS_socket, args.a[0], args.a[1], args.a[2]));
}

int64_t SysSocketpair(GuestProcess& proc, const SyscallArgs& args) {
  int fds[2];
  if (!proc.memory.CanWrite(args.a[3], sizeof(fds))) return -EFAULT;
  if (syscall(SYS_socketpair, args.a[0], args.a[1], args.a[2], fds) != 0) return HostError();
  WriteGuest(proc, args.a[3], fds);
  return 0;
}

int64_t SysBind(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  const void* addr;
  if (int64_t e = SockaddrIn(proc, args.a[1], args.a[2], &addr); e < 0) return e;
  return HostResult(syscall(SYS_bind, args.a[0], addr, args.a[2]));
}

int64_t SysListen(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  return HostResult(syscall(SYS_listen, args.a[0], args.a[1]));
}

int64_t SysAccept4(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  void* addr;
  socklen_t* len;
  if (int64_t e = SockaddrOut(proc, args.a[1], args.a[2], &addr, &len); e < 0) return e;
  return SafeSyscall(SYS_accept4, args.a[0], reinterpret_cast<uint64_t>(addr),
                     reinterpret_cast<uint64_t>(len), args.a[3]);
}

int64_t SysAccept(GuestProcess& proc, const SyscallArgs& args) {
  SyscallArgs with_flags = args;
  with_flags.a[3] = 0;
  return SysAccept4(proc, with_flags);
}

int64_t SysConnect(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  const void* addr;
  if (int64_t e = SockaddrIn(proc, args.a[1], args.a[2], &addr); e < 0) return e;
  return SafeSyscall(SYS_connect, args.a[0], reinterpret_cast<uint64_t>(addr), args.a[2]);
}

int64_t SysGetsockname(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  void* addr;
  socklen_t* len;
  if (int64_t e = SockaddrOut(proc, args.a[1], args.a[2], &addr, &len); e < 0) return e;
  if (len == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_getsockname, args.a[0], addr, len));
}

int64_t SysGetpeername(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  void* addr;
  socklen_t* len;
  if (int64_t e = SockaddrOut(proc, args.a[1], args.a[2], &addr, &len); e < 0) return e;
  if (len == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_getpeername, args.a[0], addr, len));
}

int64_t SysSendto(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  const void* buf = args.a[2] == 0 ? nullptr : HostIn(proc, args.a[1], args.a[2]);
  if (buf == nullptr && args.a[2] != 0) return -EFAULT;
  const void* addr;
  if (int64_t e = SockaddrIn(proc, args.a[4], args.a[5], &addr); e < 0) return e;
  return SafeSyscall(SYS_sendto, args.a[0], reinterpret_cast<uint64_t>(buf), args.a[2], args.a[3],
                     reinterpret_cast<uint64_t>(addr), addr == nullptr ? 0 : args.a[5]);
}

int64_t SysRecvfrom(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  void* buf = args.a[2] == 0 ? nullptr : HostOut(proc, args.a[1], args.a[2]);
  if (buf == nullptr && args.a[2] != 0) return -EFAULT;
  void* addr;
  socklen_t* len;
  if (int64_t e = SockaddrOut(proc, args.a[4], args.a[5], &addr, &len); e < 0) return e;
  return SafeSyscall(SYS_recvfrom, args.a[0], reinterpret_cast<uint64_t>(buf), args.a[2], args.a[3],
                     reinterpret_cast<uint64_t>(addr), reinterpret_cast<uint64_t>(len));
}

int64_t SysSetsockopt(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  const uint64_t len = args.a[4];
  if (static_cast<int32_t>(len) < 0) return -EINVAL;
  const void* value = nullptr;
  if (args.a[3] != 0 && len != 0) {
    value = HostIn(proc, args.a[3], len);
    if (value == nullptr) return -EFAULT;
  }
  return HostResult(syscall(SYS_setsockopt, args.a[0], args.a[1], args.a[2], value, len));
}

int64_t SysGetsockopt(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  socklen_t n = 0;
  if (!ReadGuest(proc, args.a[4], &n)) return -EFAULT;
  if (static_cast<int32_t>(n) < 0) return -EINVAL;
  auto* len = static_cast<socklen_t*>(HostOut(proc, args.a[4], sizeof(socklen_t)));
  if (len == nullptr) return -EFAULT;
  void* value = nullptr;
  if (args.a[3] != 0 && n != 0) {
    value = HostOut(proc, args.a[3], n);
    if (value == nullptr) return -EFAULT;
  }
  return HostResult(syscall(SYS_getsockopt, args.a[0], args.a[1], args.a[2], value, len));
}

int64_t SysShutdown(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  return HostResult(syscall(SYS_shutdown, args.a[0], args.a[1]));
}

int64_t SysSendmsg(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  struct msghdr m;
  std::vector<struct iovec> iov;
  if (int64_t e = HostMsghdr(proc, args.a[1], false, &m, &iov); e < 0) return e;
  return SafeSyscall(SYS_sendmsg, args.a[0], reinterpret_cast<uint64_t>(&m), args.a[2]);
}

int64_t SysRecvmsg(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(static_cast<int>(args.a[0]))) return -EBADF;
  struct msghdr m;
  std::vector<struct iovec> iov;
  if (int64_t e = HostMsghdr(proc, args.a[1], true, &m, &iov); e < 0) return e;
  const int64_t r = SafeSyscall(SYS_recvmsg, args.a[0], reinterpret_cast<uint64_t>(&m), args.a[2]);
  if (r >= 0) MsghdrBack(proc, args.a[1], m);
  return r;
}

int64_t SysSendmmsg(GuestProcess& proc, const SyscallArgs& args) { return Mmsg(proc, args, false); }

int64_t SysRecvmmsg(GuestProcess& proc, const SyscallArgs& args) { return Mmsg(proc, args, true); }

}  // namespace dbt::executor
