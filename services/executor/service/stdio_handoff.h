// Handing a client's own stdin/stdout/stderr (and its other open fds) to a
// session of a running executor (`dbt run --connect` on the same host): gRPC
// cannot carry file descriptors, so the client first sends them over this
// unix socket (SOCK_SEQPACKET, SCM_RIGHTS: fds 0, 1, 2, then the others; the
// message text is the greeting, followed for the others by " N,N,..." their
// numbers in the client) and gets back a token; StartGuest.stdio_token then
// names them; the guest gets each at the client's number. The guest writes to the client's
// terminal, pipe or file directly and reads its stdin, as under `dbt run`
// without --connect; nothing is relayed.
//
// Only a client of the service's own user (or root) may hand fds over
// (SO_PEERCRED). A token is 128 random bits, good for one StartGuest, and
// forgotten (fds closed) after 60 s or when the client's connection closes.
#ifndef DBT_SERVICES_EXECUTOR_SERVICE_STDIO_HANDOFF_H_
#define DBT_SERVICES_EXECUTOR_SERVICE_STDIO_HANDOFF_H_

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/shm/unique_fd.h"
#include "services/executor/service/session_spawn.h"

namespace dbt::executor {

inline constexpr char kStdioHandoffGreeting[] = "dbt-stdio-1";

class StdioHandoff {
 public:
  // Listens on `path` (a live socket there is refused, a stale one replaced)
  // and serves hand-offs from a thread of its own.
  static absl::StatusOr<std::unique_ptr<StdioHandoff>> Listen(const std::string& path);
  // Stops the thread, closes every fd held, removes the socket.
  ~StdioHandoff();

  // What a client handed over: its fds 0, 1, 2 and any others it has open
  // (without close-on-exec), each with its number in the client.
  struct Fds {
    std::array<shm::UniqueFd, 3> stdio;
    std::vector<std::pair<int, shm::UniqueFd>> more;
  };
  // The fds handed over with `token` (each once); NotFound otherwise.
  absl::StatusOr<Fds> Take(const std::string& token);

 private:
  struct Entry {
    Fds fds;
    shm::UniqueFd connection;  // closed by the client: the entry goes
    std::chrono::steady_clock::time_point expires;
  };
  StdioHandoff() = default;
  void Serve();
  void Accept();
  void DropExpiredAndClosed();

  std::string path_;
  shm::UniqueFd listener_;
  shm::UniqueFd stop_;  // eventfd
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
};

// Client side: hands this process's fds 0, 1 and 2, and `more` (other open
// fds, at most kMaxPassedFds, each above 2 and below kMaxPassedFdNumber), to
// the executor whose hand-off socket is `path`; returns the token and the
// open connection (keep it open until StartGuest has returned).
struct StdioTicket {
  std::string token;
  shm::UniqueFd connection;
};
absl::StatusOr<StdioTicket> HandOverStdio(const std::string& path,
                                          const std::vector<int>& more = {});

// Where an executor listening on gRPC socket `socket` takes stdio hand-offs.
inline std::string StdioHandoffPath(const std::string& socket) { return socket + ".stdio"; }

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SERVICE_STDIO_HANDOFF_H_
