// Writing a whole buffer to an fd: retried on EINTR and short writes.
#ifndef DBT_COMMON_FD_IO_H_
#define DBT_COMMON_FD_IO_H_

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

}  // namespace dbt

#endif  // DBT_COMMON_FD_IO_H_
