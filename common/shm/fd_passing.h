// Passing file descriptors between processes over a connected unix socket
// (SCM_RIGHTS): how a SharedRegion's memfd reaches the other side.
//
// One message = the descriptors plus a small byte string (e.g. which region
// the fds are): on the wire [uint32 length][bytes], with the descriptors
// attached. Use SOCK_SEQPACKET (message boundaries kept); on SOCK_STREAM only
// one message may be in flight at a time.
#ifndef DBT_COMMON_SHM_FD_PASSING_H_
#define DBT_COMMON_SHM_FD_PASSING_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/shm/unique_fd.h"

namespace dbt::shm {

inline constexpr size_t kMaxFdsPerMessage = 253;  // the kernel's SCM_MAX_FD
inline constexpr size_t kMaxFdMessageData = 4096;

// Sends 1..kMaxFdsPerMessage descriptors (the caller keeps its copies) and
// `data` (up to kMaxFdMessageData bytes). Unavailable when the peer has
// closed the socket (never SIGPIPE).
absl::Status SendFds(int socket, absl::Span<const int> fds, std::string_view data = {});

struct ReceivedFds {
  std::vector<UniqueFd> fds;  // close-on-exec, owned
  std::string data;
};

// Receives one SendFds message carrying at most `max_fds` descriptors.
// Errors (no descriptor is left open on any of them):
//   Unavailable: the peer closed the socket;
//   DeadlineExceeded: nothing arrived within `timeout`;
//   ResourceExhausted: more than `max_fds` descriptors were attached;
//   DataLoss: the message is not a SendFds message (no descriptors, or its
//     length field disagrees with the bytes received).
absl::StatusOr<ReceivedFds> RecvFds(int socket, size_t max_fds,
                                    absl::Duration timeout = absl::InfiniteDuration());

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_FD_PASSING_H_
