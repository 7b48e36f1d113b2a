#include "services/executor/service/stdio_handoff.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/service/unix_socket.h"
#include "common/shm/fd_passing.h"

namespace dbt::executor {
namespace {

constexpr auto kTokenLifetime = std::chrono::seconds(60);
constexpr absl::Duration kReceiveTimeout = absl::Seconds(5);

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", strerror(errno)));
}

// The greeting, then optionally " N,N,...": the client's numbers of the fds
// after 0, 1, 2 (each above 2, below kMaxPassedFdNumber, no repeats).
std::optional<std::vector<int>> ParseGreeting(const std::string& data) {
  const std::string greeting = kStdioHandoffGreeting;
  if (data.rfind(greeting, 0) != 0) return std::nullopt;
  std::vector<int> numbers;
  if (data.size() == greeting.size()) return numbers;
  if (data[greeting.size()] != ' ') return std::nullopt;
  for (absl::string_view part : absl::StrSplit(data.substr(greeting.size() + 1), ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n <= 2 || n >= kMaxPassedFdNumber ||
        std::find(numbers.begin(), numbers.end(), n) != numbers.end()) {
      return std::nullopt;
    }
    numbers.push_back(n);
  }
  return numbers;
}

bool FillAddress(const std::string& path, sockaddr_un* addr) {
  *addr = {};
  addr->sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr->sun_path)) return false;
  memcpy(addr->sun_path, path.c_str(), path.size() + 1);
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StdioHandoff>> StdioHandoff::Listen(const std::string& path) {
  if (absl::Status s = PrepareUnixSocketPath(path); !s.ok()) return s;
  std::unique_ptr<StdioHandoff> h(new StdioHandoff());
  h->path_ = path;
  sockaddr_un addr;
  if (!FillAddress(path, &addr)) return absl::InvalidArgumentError("socket path too long");
  h->listener_.Reset(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!h->listener_.valid()) return Errno("socket");
  if (bind(h->listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Errno(absl::StrCat("bind ", path));
  }
  if (listen(h->listener_.get(), 16) != 0) return Errno("listen");
  h->stop_.Reset(eventfd(0, EFD_CLOEXEC));
  if (!h->stop_.valid()) return Errno("eventfd");
  h->thread_ = std::thread([p = h.get()] { p->Serve(); });
  return h;
}

StdioHandoff::~StdioHandoff() {
  const uint64_t one = 1;
  (void)!write(stop_.get(), &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  unlink(path_.c_str());
}

void StdioHandoff::Serve() {
  while (true) {
    std::vector<pollfd> fds = {{listener_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [token, entry] : entries_) fds.push_back({entry.connection.get(), POLLIN, 0});
    }
    // Wake once a second to drop expired tokens.
    if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) Accept();
    DropExpiredAndClosed();
  }
}

void StdioHandoff::Accept() {
  shm::UniqueFd conn(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn.valid()) return;
  ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(conn.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
      (cred.uid != getuid() && cred.uid != 0)) {
    return;  // someone else's fds are not ours to run a guest with
  }
  absl::StatusOr<shm::ReceivedFds> received =
      shm::RecvFds(conn.get(), 3 + kMaxPassedFds, kReceiveTimeout);
  if (!received.ok() || received->fds.size() < 3) return;
  std::optional<std::vector<int>> numbers = ParseGreeting(received->data);
  if (!numbers || numbers->size() != received->fds.size() - 3) return;
  uint8_t random[16];
  if (getrandom(random, sizeof random, 0) != sizeof random) return;
  const std::string token =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(random), sizeof random));
  // The entry is in place before the client can read the token: a client may
  // call StartGuest (and so Take) the moment it has it.
  const int conn_fd = conn.get();
  {
    Entry entry;
    for (int i = 0; i < 3; ++i) entry.fds.stdio[i] = std::move(received->fds[i]);
    for (size_t i = 0; i < numbers->size(); ++i) {
      entry.fds.more.emplace_back((*numbers)[i], std::move(received->fds[3 + i]));
    }
    entry.connection = std::move(conn);
    entry.expires = std::chrono::steady_clock::now() + kTokenLifetime;
    std::lock_guard<std::mutex> lock(mu_);
    entries_[token] = std::move(entry);
  }
  if (send(conn_fd, token.data(), token.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(token.size())) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(token);
  }
}

void StdioHandoff::DropExpiredAndClosed() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    pollfd p = {it->second.connection.get(), POLLIN, 0};
    // Readable on a connection that only waits means EOF: the client left.
    const bool closed = poll(&p, 1, 0) > 0;
    if (closed || now >= it->second.expires) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

absl::StatusOr<StdioHandoff::Fds> StdioHandoff::Take(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) {
    return absl::NotFoundError("unknown or expired stdio token (hand the fds over again)");
  }
  Fds fds = std::move(it->second.fds);
  entries_.erase(it);
  return fds;
}

absl::StatusOr<StdioTicket> HandOverStdio(const std::string& path, const std::vector<int>& more) {
  if (more.size() > kMaxPassedFds) return absl::InvalidArgumentError("too many fds to hand over");
  sockaddr_un addr;
  if (!FillAddress(path, &addr)) return absl::InvalidArgumentError("socket path too long");
  StdioTicket ticket;
  ticket.connection.Reset(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!ticket.connection.valid()) return Errno("socket");
  if (connect(ticket.connection.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return absl::UnavailableError(absl::StrCat("connect ", path, ": ", strerror(errno)));
  }
  std::vector<int> fds = {0, 1, 2};
  fds.insert(fds.end(), more.begin(), more.end());
  std::string greeting = kStdioHandoffGreeting;
  if (!more.empty()) absl::StrAppend(&greeting, " ", absl::StrJoin(more, ","));
  if (absl::Status s = shm::SendFds(ticket.connection.get(), fds, greeting); !s.ok()) return s;
  pollfd p = {ticket.connection.get(), POLLIN, 0};
  if (poll(&p, 1, 5000) <= 0) return absl::UnavailableError("the executor took no stdio");
  char buf[64];
  const ssize_t n = recv(ticket.connection.get(), buf, sizeof buf, 0);
  if (n != 32) return absl::UnavailableError("the executor refused the stdio hand-off");
  ticket.token.assign(buf, static_cast<size_t>(n));
  return ticket;
}

}  // namespace dbt::executor
