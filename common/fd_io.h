// Writing a whole buffer to an fd: retried on EINTR and short writes; and
// keeping dbt's own fds out of the numbers a guest gives itself.
#ifndef DBT_COMMON_FD_IO_H_
#define DBT_COMMON_FD_IO_H_

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

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

// Moves `fd` to the lowest free number >= kFirstOwnFd, close-on-exec, and
// closes the old one. Returns the new fd, or `fd` itself where that fails
// (a lower RLIMIT_NOFILE): only the numbering is lost then.
inline int MoveFdAboveGuestFds(int fd) {
  if (fd < 0 || fd >= kFirstOwnFd) return fd;
  const int high = fcntl(fd, F_DUPFD_CLOEXEC, kFirstOwnFd);
  if (high < 0) return fd;
  close(fd);
  return high;
}

}  // namespace dbt

#endif  // DBT_COMMON_FD_IO_H_
