#include "common/shm/peer_process.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/fd_io.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77  // Linux 6.5 (include/uapi/asm-generic/socket.h)
#endif

namespace dbt::shm {
namespace {

absl::Status Errno(absl::string_view what) {
  int e = errno;
  std::string message = absl::StrCat(what, ": ", strerror(e));
  return e == ESRCH ? absl::NotFoundError(message) : absl::InternalError(message);
}

// The pid a pidfd refers to, from /proc/self/fdinfo ("Pid:\t<pid>").
pid_t PidOfPidfd(int pidfd) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
  FILE* f = fopen(path, "re");
  if (f == nullptr) return -1;
  char line[256];
  pid_t pid = -1;
  while (fgets(line, sizeof(line), f) != nullptr) {
    if (sscanf(line, "Pid:\t%d", &pid) == 1) break;
  }
  fclose(f);
  return pid;
}

}  // namespace

absl::StatusOr<PeerProcess> PeerProcess::FromPid(pid_t pid) {
  if (pid <= 0) return absl::InvalidArgumentError(absl::StrCat("peer pid ", pid));
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return Errno(absl::StrCat("pidfd_open(", pid, ")"));
  return PeerProcess(pid, UniqueFd(MoveFdAboveGuestFds(fd)));
}

absl::StatusOr<PeerProcess> PeerProcess::FromUnixSocket(int socket_fd) {
  int pidfd = -1;
  socklen_t len = sizeof(pidfd);
  if (getsockopt(socket_fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0 && pidfd >= 0) {
    UniqueFd owned(MoveFdAboveGuestFds(pidfd));
    pid_t pid = PidOfPidfd(owned.get());
    // The fdinfo line reads -1 when the peer has already been reaped, 0
    // when it lives in another pid namespace: keep the pidfd either way.
    return PeerProcess(pid, std::move(owned));
  }
  if (errno != ENOPROTOOPT && errno != EINVAL) return Errno("getsockopt(SO_PEERPIDFD)");
  // Older kernels: the pid recorded at connect time. It may already name a
  // different process if the peer died and its pid was reused before this
  // call; callers that can, prefer FromPid on a child they forked.
  ucred cred{};
  len = sizeof(cred);
  if (getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return Errno("getsockopt(SO_PEERCRED)");
  }
  return FromPid(cred.pid);
}

bool PeerProcess::Exited() const {
  // A pidfd polls readable once its process has exited.
  pollfd p{pidfd_.get(), POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, 0);
  } while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
}

}  // namespace dbt::shm
