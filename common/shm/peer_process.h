// The process on the other side of a shared region, watched through a pidfd:
// unlike kill(pid, 0), a pidfd keeps naming the same process after it exits,
// so a recycled pid can never make a dead peer look alive.
//
// A waiter that must not hang on a dead peer passes it in WaitOptions
// (wait.h): the wait then ends with Unavailable soon after the peer exits.
#ifndef DBT_COMMON_SHM_PEER_PROCESS_H_
#define DBT_COMMON_SHM_PEER_PROCESS_H_

#include <sys/types.h>

#include "absl/status/statusor.h"
#include "common/shm/unique_fd.h"

namespace dbt::shm {

class PeerProcess {
 public:
  // Watches process `pid` (e.g. a child just forked, or a pid learned from a
  // trusted source). NotFound when no such process exists.
  static absl::StatusOr<PeerProcess> FromPid(pid_t pid);
  // Watches the process at the other end of a connected unix socket, as the
  // kernel recorded it at connect() time (SO_PEERPIDFD, else SO_PEERCRED +
  // pidfd_open). Not something the peer can lie about. For a socketpair()
  // the record names the process that created the pair (on both ends), so
  // after fork() use FromPid on the pid fork returned instead.
  static absl::StatusOr<PeerProcess> FromUnixSocket(int socket_fd);

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  // True once the process has exited (zombie or reaped). Never blocks.
  bool Exited() const;

 private:
  PeerProcess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  pid_t pid_;
  UniqueFd pidfd_;
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_PEER_PROCESS_H_
