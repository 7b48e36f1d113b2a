// File syscalls: guest fds are host fds, so most pass straight through to
// the host kernel with guest buffers as host pointers.
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/fd_io.h"
#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/open_flags.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

int Fd(uint64_t v) { return static_cast<int>(v); }

// A read-only memfd holding `contents`, positioned at 0: the guest's view
// of a /proc file the runtime synthesizes.
int64_t SyntheticFile(const std::string& name, const std::string& contents) {
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd < 0) return HostError();
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n <= 0) {
      close(fd);
      return -EIO;
    }
    done += n;
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

// /proc/cpuinfo as a riscv64 Linux gives it: one RISC-V hart per host CPU,
// with the ISA dbt implements (RV64GC: AT_HWCAP's letters, and the Zicsr
// and Zifencei that G implies) and Sv39, the address space dbt gives.
std::string RiscvCpuinfo() {
  std::string text;
  const long cpus = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
  for (long i = 0; i < cpus; ++i) {
    absl::StrAppend(&text, "processor\t: ", i, "\nhart\t\t: ", i,
                    "\nisa\t\t: rv64imafdc_zicsr_zifencei\nmmu\t\t: sv39\nuarch\t\t: dbt\n\n");
  }
  return text;
}

// /proc/self/maps and /proc/self/auxv describe the guest, not dbt; so does
// /proc/cpuinfo.
std::optional<int64_t> OpenSyntheticProcFile(GuestProcess& proc, const std::string& path,
                                             uint64_t flags) {
  if (path == "/proc/cpuinfo") {
    if ((flags & kGuestOAccmode) != 0) return -EACCES;
    int64_t fd = SyntheticFile("cpuinfo", RiscvCpuinfo());
    if (fd >= 0 && !(flags & kGuestOCloexec)) fcntl(static_cast<int>(fd), F_SETFD, 0);
    return fd;
  }
  std::string self = absl::StrCat("/proc/", getpid(), "/");
  std::string rest;
  if (path.rfind("/proc/self/", 0) == 0) {
    rest = path.substr(11);
  } else if (path.rfind(self, 0) == 0) {
    rest = path.substr(self.size());
  } else {
    return std::nullopt;
  }
  if (rest != "maps" && rest != "auxv") return std::nullopt;
  if ((flags & kGuestOAccmode) != 0) return -EACCES;
  int64_t fd;
  if (rest == "maps") {
    fd = SyntheticFile("maps", proc.memory.DumpMaps());
  } else {
    std::string bytes;
    for (const auto& [type, value] : proc.auxv) {
      bytes.append(reinterpret_cast<const char*>(&type), 8);
      bytes.append(reinterpret_cast<const char*>(&value), 8);
    }
    bytes.append(16, '\0');  // AT_NULL
    fd = SyntheticFile("auxv", bytes);
  }
  if (fd >= 0 && !(flags & kGuestOCloexec)) fcntl(static_cast<int>(fd), F_SETFD, 0);
  return fd;
}

// Translates a guest iovec array to host iovecs. -errno on failure.
int64_t HostIovecs(GuestProcess& proc, uint64_t iov_addr, uint64_t count, bool for_write_to_guest,
                   std::vector<struct iovec>* out) {
  if (count > IOV_MAX) return -EINVAL;
  struct GuestIovec {
    uint64_t base;
    uint64_t len;
  };
  std::vector<GuestIovec> guest(count);
  if (count != 0 &&
      !proc.memory.CopyFromGuest(guest.data(), iov_addr, count * sizeof(GuestIovec))) {
    return -EFAULT;
  }
  out->resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (static_cast<int64_t>(guest[i].len) < 0) return -EINVAL;
    void* p = for_write_to_guest ? HostOut(proc, guest[i].base, guest[i].len)
                                 : const_cast<void*>(HostIn(proc, guest[i].base, guest[i].len));
    if (p == nullptr) return -EFAULT;
    (*out)[i] = {p, guest[i].len};
  }
  return 0;
}

}  // namespace

int64_t SysOpenat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  if (std::optional<int64_t> fd = OpenSyntheticProcFile(proc, *path, args.a[2])) return *fd;
  std::string host_path = GuestToHostPath(proc, *path);
  // Opening a FIFO blocks.
  return SafeSyscall(SYS_openat, args.a[0], reinterpret_cast<uint64_t>(host_path.c_str()),
                     static_cast<uint64_t>(OpenFlagsToHost(args.a[2])), args.a[3]);
}

// dbt's own fds (common/fd_io.h) are not open, to the guest: closing one
// is EBADF, close_range leaves them, dup onto or from one is EBADF.
int64_t SysClose(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(Fd(args.a[0]))) return -EBADF;
  return HostResult(close(Fd(args.a[0])));
}

int64_t SysCloseRange(GuestProcess& proc, const SyscallArgs& args) {
  const unsigned first = static_cast<unsigned>(args.a[0]);
  const unsigned last = static_cast<unsigned>(args.a[1]);
  const unsigned flags = static_cast<unsigned>(args.a[2]);
  if (first > last) return -EINVAL;
  // The guest's range, minus dbt's fds: the gaps between them.
  unsigned from = first;
  for (int own : OwnFds()) {
    const unsigned o = static_cast<unsigned>(own);
    if (o < from || o > last) continue;
    if (o > from) {
      if (syscall(SYS_close_range, from, o - 1, flags) != 0) return HostError();
    }
    from = o + 1;
    if (from == 0) return 0;  // wrapped: own was ~0u
  }
  if (from > last) return 0;
  return HostResult(syscall(SYS_close_range, from, last, flags));
}

int64_t SysRead(GuestProcess& proc, const SyscallArgs& args) {
  void* buf = HostOut(proc, args.a[1], args.a[2]);
  if (buf == nullptr) return -EFAULT;
  return SafeSyscall(SYS_read, args.a[0], reinterpret_cast<uint64_t>(buf), args.a[2]);
}

int64_t SysWrite(GuestProcess& proc, const SyscallArgs& args) {
  const void* buf = HostIn(proc, args.a[1], args.a[2]);
  if (buf == nullptr) return -EFAULT;
  return SafeSyscall(SYS_write, args.a[0], reinterpret_cast<uint64_t>(buf), args.a[2]);
}

int64_t SysPread64(GuestProcess& proc, const SyscallArgs& args) {
  void* buf = HostOut(proc, args.a[1], args.a[2]);
  if (buf == nullptr) return -EFAULT;
  return SafeSyscall(SYS_pread64, args.a[0], reinterpret_cast<uint64_t>(buf), args.a[2], args.a[3]);
}

int64_t SysPwrite64(GuestProcess& proc, const SyscallArgs& args) {
  const void* buf = HostIn(proc, args.a[1], args.a[2]);
  if (buf == nullptr) return -EFAULT;
  return SafeSyscall(SYS_pwrite64, args.a[0], reinterpret_cast<uint64_t>(buf), args.a[2],
                     args.a[3]);
}

int64_t SysReadv(GuestProcess& proc, const SyscallArgs& args) {
  std::vector<struct iovec> iov;
  if (int64_t e = HostIovecs(proc, args.a[1], args.a[2], true, &iov); e < 0) return e;
  return SafeSyscall(SYS_readv, args.a[0], reinterpret_cast<uint64_t>(iov.data()), iov.size());
}

int64_t SysWritev(GuestProcess& proc, const SyscallArgs& args) {
  std::vector<struct iovec> iov;
  if (int64_t e = HostIovecs(proc, args.a[1], args.a[2], false, &iov); e < 0) return e;
  return SafeSyscall(SYS_writev, args.a[0], reinterpret_cast<uint64_t>(iov.data()), iov.size());
}

int64_t SysPreadv(GuestProcess& proc, const SyscallArgs& args) {
  std::vector<struct iovec> iov;
  if (int64_t e = HostIovecs(proc, args.a[1], args.a[2], true, &iov); e < 0) return e;
  // The raw syscall takes the offset as (low, high); high is 0 on 64-bit.
  return SafeSyscall(SYS_preadv, args.a[0], reinterpret_cast<uint64_t>(iov.data()), iov.size(),
                     args.a[3], 0);
}

int64_t SysPwritev(GuestProcess& proc, const SyscallArgs& args) {
  std::vector<struct iovec> iov;
  if (int64_t e = HostIovecs(proc, args.a[1], args.a[2], false, &iov); e < 0) return e;
  return SafeSyscall(SYS_pwritev, args.a[0], reinterpret_cast<uint64_t>(iov.data()), iov.size(),
                     args.a[3], 0);
}

int64_t SysSendfile(GuestProcess& proc, const SyscallArgs& args) {
  bool fault = false;
  void* offset = HostOutOrNull(proc, args.a[2], sizeof(off_t), &fault);
  if (fault) return -EFAULT;
  return SafeSyscall(SYS_sendfile, args.a[0], args.a[1], reinterpret_cast<uint64_t>(offset),
                     args.a[3]);
}

int64_t SysLseek(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(lseek(Fd(args.a[0]), static_cast<off_t>(args.a[1]), Fd(args.a[2])));
}

// Whether dir_fd lists this process's fds (/proc/self/fd, /proc/PID/fd).
bool ListsOwnFds(int dir_fd) {
  char target[64];
  const ssize_t n =
      readlink(absl::StrCat("/proc/self/fd/", dir_fd).c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  target[n] = '\0';
  return absl::StrCat("/proc/", getpid(), "/fd") == target;
}

int64_t SysGetdents64(GuestProcess& proc, const SyscallArgs& args) {
  // struct linux_dirent64 has one layout on every architecture.
  void* buf = HostOut(proc, args.a[1], args.a[2]);
  if (buf == nullptr) return -EFAULT;
  const int fd = Fd(args.a[0]);
  if (!ListsOwnFds(fd)) return HostResult(syscall(SYS_getdents64, fd, buf, args.a[2]));
  // /proc/self/fd: dbt's own fds are left out (a batch that held only
  // those is read past: 0 would mean the end).
  const std::vector<int> own = OwnFds();
  char* p = static_cast<char*>(buf);
  for (;;) {
    const long n = syscall(SYS_getdents64, fd, buf, args.a[2]);
    if (n <= 0) return n < 0 ? HostError() : 0;
    long kept = 0;
    for (long at = 0; at < n;) {
      struct Dirent {
        uint64_t ino;
        int64_t off;
        uint16_t reclen;
        uint8_t type;
        char name[1];
      };
      auto* d = reinterpret_cast<Dirent*>(p + at);
      const uint16_t len = d->reclen;
      int number = -1;
      bool hide =
          absl::SimpleAtoi(d->name, &number) && std::binary_search(own.begin(), own.end(), number);
      if (!hide) {
        if (kept != at) memmove(p + kept, p + at, len);
        kept += len;
      }
      at += len;
    }
    if (kept > 0) return kept;
  }
}

int64_t SysDup(GuestProcess& proc, const SyscallArgs& args) {
  if (IsOwnFd(Fd(args.a[0]))) return -EBADF;
  return HostResult(dup(Fd(args.a[0])));
}

int64_t SysDup3(GuestProcess& proc, const SyscallArgs& args) {
  // Onto one of dbt's fds: the guest cannot have it (EBADF rather than
  // cutting dbt's link; Linux would replace the file there).
  if (IsOwnFd(Fd(args.a[0])) || IsOwnFd(Fd(args.a[1]))) return -EBADF;
  return HostResult(syscall(SYS_dup3, Fd(args.a[0]), Fd(args.a[1]), OpenFlagsToHost(args.a[2])));
}

int64_t SysPipe2(GuestProcess& proc, const SyscallArgs& args) {
  int fds[2];
  if (!proc.memory.CanWrite(args.a[0], sizeof(fds))) return -EFAULT;
  if (pipe2(fds, OpenFlagsToHost(args.a[1])) != 0) return HostError();
  WriteGuest(proc, args.a[0], fds);
  return 0;
}

int64_t SysUnlinkat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  return HostResult(unlinkat(Fd(args.a[0]), path->c_str(), static_cast<int>(args.a[2])));
}

int64_t SysMkdirat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  return HostResult(mkdirat(Fd(args.a[0]), path->c_str(), static_cast<mode_t>(args.a[2])));
}

int64_t SysMknodat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  return HostResult(mknodat(Fd(args.a[0]), path->c_str(), static_cast<mode_t>(args.a[2]),
                            static_cast<dev_t>(args.a[3])));
}

int64_t SysSymlinkat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> target = ReadGuestPath(proc, args.a[0], &err);
  if (!target) return err;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[2], &err);
  if (!path) return err;
  return HostResult(symlinkat(target->c_str(), Fd(args.a[1]), path->c_str()));
}

int64_t SysLinkat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> from = ReadGuestPath(proc, args.a[1], &err);
  if (!from) return err;
  std::optional<std::string> to = ReadGuestPath(proc, args.a[3], &err);
  if (!to) return err;
  return HostResult(linkat(Fd(args.a[0]), from->c_str(), Fd(args.a[2]), to->c_str(),
                           static_cast<int>(args.a[4])));
}

int64_t SysRenameat2(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> from = ReadGuestPath(proc, args.a[1], &err);
  if (!from) return err;
  std::optional<std::string> to = ReadGuestPath(proc, args.a[3], &err);
  if (!to) return err;
  return HostResult(syscall(SYS_renameat2, Fd(args.a[0]), from->c_str(), Fd(args.a[2]), to->c_str(),
                            static_cast<unsigned>(args.a[4])));
}

int64_t SysRenameat(GuestProcess& proc, const SyscallArgs& args) {
  SyscallArgs with_flags = args;
  with_flags.a[4] = 0;
  return SysRenameat2(proc, with_flags);
}

int64_t SysFaccessat2(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  std::string host_path = GuestToHostPath(proc, *path);
  return HostResult(syscall(SYS_faccessat2, Fd(args.a[0]), host_path.c_str(),
                            static_cast<int>(args.a[2]), static_cast<int>(args.a[3])));
}

int64_t SysFaccessat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  std::string host_path = GuestToHostPath(proc, *path);
  return HostResult(
      syscall(SYS_faccessat, Fd(args.a[0]), host_path.c_str(), static_cast<int>(args.a[2])));
}

int64_t SysReadlinkat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  if (static_cast<int64_t>(args.a[3]) <= 0) return -EINVAL;
  void* buf = HostOut(proc, args.a[2], args.a[3]);
  if (buf == nullptr) return -EFAULT;
  if (GuestToHostPath(proc, *path) != *path) {
    // /proc/self/exe: the guest program's absolute path, truncated like
    // readlink(2) does (no NUL).
    if (!proc.memory.CanWrite(args.a[2], 1)) return -EFAULT;
    size_t n = std::min<size_t>(proc.exe_path.size(), args.a[3]);
    if (!proc.memory.CopyToGuest(args.a[2], proc.exe_path.data(), n)) return -EFAULT;
    return static_cast<int64_t>(n);
  }
  return HostResult(readlinkat(Fd(args.a[0]), path->c_str(), static_cast<char*>(buf), args.a[3]));
}

int64_t SysGetcwd(GuestProcess& proc, const SyscallArgs& args) {
  void* buf = HostOut(proc, args.a[0], args.a[1]);
  if (buf == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_getcwd, buf, args.a[1]));
}

int64_t SysChdir(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[0], &err);
  if (!path) return err;
  return HostResult(chdir(path->c_str()));
}

int64_t SysFchdir(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(fchdir(Fd(args.a[0])));
}

int64_t SysTruncate(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[0], &err);
  if (!path) return err;
  return HostResult(truncate(path->c_str(), static_cast<off_t>(args.a[1])));
}

int64_t SysFtruncate(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(ftruncate(Fd(args.a[0]), static_cast<off_t>(args.a[1])));
}

int64_t SysFallocate(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(syscall(SYS_fallocate, Fd(args.a[0]), static_cast<int>(args.a[1]),
                            static_cast<off_t>(args.a[2]), static_cast<off_t>(args.a[3])));
}

int64_t SysSync(GuestProcess& proc, const SyscallArgs& args) {
  sync();
  return 0;
}

int64_t SysFsync(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(fsync(Fd(args.a[0])));
}

int64_t SysFdatasync(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(fdatasync(Fd(args.a[0])));
}

int64_t SysUmask(GuestProcess& proc, const SyscallArgs& args) {
  return umask(static_cast<mode_t>(args.a[0]));
}

int64_t SysFchmod(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(fchmod(Fd(args.a[0]), static_cast<mode_t>(args.a[1])));
}

int64_t SysFchmodat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  return HostResult(
      syscall(SYS_fchmodat, Fd(args.a[0]), path->c_str(), static_cast<mode_t>(args.a[2])));
}

int64_t SysFchown(GuestProcess& proc, const SyscallArgs& args) {
  return HostResult(
      fchown(Fd(args.a[0]), static_cast<uid_t>(args.a[1]), static_cast<gid_t>(args.a[2])));
}

int64_t SysFchownat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  return HostResult(fchownat(Fd(args.a[0]), path->c_str(), static_cast<uid_t>(args.a[2]),
                             static_cast<gid_t>(args.a[3]), static_cast<int>(args.a[4])));
}

int64_t SysFlock(GuestProcess& proc, const SyscallArgs& args) {
  return SafeSyscall(SYS_flock, args.a[0], args.a[1]);
}

int64_t SysUtimensat(GuestProcess& proc, const SyscallArgs& args) {
  // utimensat(fd, NULL, times, 0) is futimens: the path is optional.
  std::optional<std::string> path;
  if (args.a[1] != 0) {
    int64_t err = 0;
    path = ReadGuestPath(proc, args.a[1], &err);
    if (!path) return err;
  }
  bool fault = false;
  const void* times = HostInOrNull(proc, args.a[2], 2 * sizeof(struct timespec), &fault);
  if (fault) return -EFAULT;
  return HostResult(syscall(SYS_utimensat, Fd(args.a[0]), path ? path->c_str() : nullptr, times,
                            static_cast<int>(args.a[3])));
}

int64_t SysEventfd2(GuestProcess& proc, const SyscallArgs& args) {
  // EFD_CLOEXEC and EFD_NONBLOCK are O_CLOEXEC and O_NONBLOCK.
  return HostResult(
      syscall(SYS_eventfd2, static_cast<unsigned>(args.a[0]), OpenFlagsToHost(args.a[1])));
}

int64_t SysMemfdCreate(GuestProcess& proc, const SyscallArgs& args) {
  // MFD_* flags have one set of values.
  std::optional<std::string> name = proc.memory.ReadString(args.a[0], 249);
  if (!name) return -EFAULT;
  return HostResult(syscall(SYS_memfd_create, name->c_str(), static_cast<unsigned>(args.a[1])));
}

int64_t SysStatfs(GuestProcess& proc, const SyscallArgs& args) {
  // struct statfs: the same 64-bit generic layout on riscv64 and x86-64.
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[0], &err);
  if (!path) return err;
  void* buf = HostOut(proc, args.a[1], 120);
  if (buf == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_statfs, path->c_str(), buf));
}

int64_t SysFstatfs(GuestProcess& proc, const SyscallArgs& args) {
  void* buf = HostOut(proc, args.a[1], 120);
  if (buf == nullptr) return -EFAULT;
  return HostResult(syscall(SYS_fstatfs, Fd(args.a[0]), buf));
}

}  // namespace dbt::executor
