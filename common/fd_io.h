// Writing a whole buffer to an fd: retried on EINTR and short writes; and
// keeping dbt's own fds out of the numbers a guest gives itself.
#ifndef DBT_COMMON_FD_IO_H_
#define DBT_COMMON_FD_IO_H_

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <vector>

namespace dbt {

// False (errno set; 0 for a write that wrote nothing) when not all of it
// could be written.
inline bool WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = 0;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Where dbt's own long-lived fds go (code buffer, ring region, translator
// socket, pidfds) in a process that runs a guest: a guest's open() gets 3,
// 4, ... as natively and under qemu-riscv64 (tests/guest compare fd
// numbers). Below the usual 1024 soft limit.
inline constexpr int kFirstOwnFd = 512;

// dbt's own fds, as the guest must not see them: MoveFdAboveGuestFds marks
// each; the guest's close, dup and fcntl answer EBADF for them, its
// close_range skips them and its /proc/self/fd listing leaves them out
// (services/executor/syscalls). A mark holds while the number is the same
// open file (device and inode as when marked): a number dbt closed and the
// guest got again is the guest's.
void MarkOwnFd(int fd);
bool IsOwnFd(int fd);
// The marked fds that are still dbt's, ascending.
std::vector<int> OwnFds();

// Moves `fd` to the lowest free number >= kFirstOwnFd, close-on-exec, and
// closes the old one; marks it as dbt's. Returns the new fd, or `fd` itself
// where that fails (a lower RLIMIT_NOFILE): only the numbering is lost then.
inline int MoveFdAboveGuestFds(int fd) {
  if (fd < 0) return fd;
  if (fd < kFirstOwnFd) {
    const int high = fcntl(fd, F_DUPFD_CLOEXEC, kFirstOwnFd);
    if (high >= 0) {
      close(fd);
      fd = high;
    }
  }
  MarkOwnFd(fd);
  return fd;
}

}  // namespace dbt

#endif  // DBT_COMMON_FD_IO_H_
