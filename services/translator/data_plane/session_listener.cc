#include "services/translator/data_plane/session_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log.h"
#include "common/service/unix_socket.h"
#include "services/translator/data_plane/session_attach.h"

namespace dbt::translator {
namespace {

absl::Status Errno(absl::string_view what, absl::string_view path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", strerror(errno)));
}

// How often the accept thread wakes without a connection to join finished
// session threads.
constexpr int kReapIntervalMs = 1000;

// True when something accepts SOCK_SEQPACKET connections at `path`.
// (UnixSocketIsLive tries SOCK_STREAM, which a SEQPACKET listener refuses
// with EPROTOTYPE: to it, a running translator's data socket looks stale.)
bool SeqpacketSocketIsLive(const std::string& path) {
  if (path.size() > kMaxUnixSocketPath) return false;
  shm::UniqueFd fd(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, path.data(), path.size());
  return connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

}  // namespace

SessionListener::SessionListener(std::string socket_path, ProgramRegistry* programs)
    : socket_path_(std::move(socket_path)), programs_(programs) {}

SessionListener::~SessionListener() { Stop(); }

absl::Status SessionListener::Start() {
  if (started_) return absl::FailedPreconditionError("data socket already started");
  if (SeqpacketSocketIsLive(socket_path_)) {
    return absl::AlreadyExistsError(
        absl::StrCat("socket ", socket_path_, " is already in use by another process"));
  }
  // Checks the directory, refuses a non-socket, removes a stale socket.
  if (absl::Status s = PrepareUnixSocketPath(socket_path_); !s.ok()) return s;
  shm::UniqueFd fd(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Errno("socket() for", socket_path_);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());  // length checked above
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Errno("bind", socket_path_);
  }
  struct stat st;
  if (stat(socket_path_.c_str(), &st) == 0) {
    socket_dev_ = st.st_dev;
    socket_ino_ = st.st_ino;
  }
  if (listen(fd.get(), 64) != 0) {
    absl::Status s = Errno("listen", socket_path_);
    unlink(socket_path_.c_str());
    return s;
  }
  shm::UniqueFd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) {
    absl::Status s = Errno("eventfd for", socket_path_);
    unlink(socket_path_.c_str());
    return s;
  }
  listen_fd_ = std::move(fd);
  wake_fd_ = std::move(wake);
  started_ = true;
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  DBT_LOG(1) << "data socket " << socket_path_ << " accepting sessions";
  return absl::OkStatus();
}

void SessionListener::AcceptLoop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_.get(), POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
    int r = poll(fds, 2, kReapIntervalMs);
    if (r < 0 && errno != EINTR) {
      DBT_LOG(0) << "data socket: poll: " << strerror(errno);
      return;
    }
    if (r > 0 && (fds[1].revents & POLLIN)) return;
    if (r > 0 && (fds[0].revents & POLLIN)) {
      shm::UniqueFd conn(accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (conn.valid()) {
        StartSession(std::move(conn));
      } else if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
        // EMFILE and friends: back off instead of spinning on a pending
        // connection we cannot take yet.
        DBT_LOG(0) << "data socket: accept: " << strerror(errno);
        usleep(10000);
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ReapFinished();
  }
}

void SessionListener::StartSession(shm::UniqueFd conn) {
  std::lock_guard<std::mutex> lock(mutex_);
  ReapFinished();
  if (sessions_.size() >= kMaxSessions) {
    SendHelloReply(conn.get(), absl::ResourceExhaustedError(absl::StrCat(
                                   "the translator serves ", kMaxSessions, " sessions at most")))
        .IgnoreError();
    return;
  }
  Entry& entry = sessions_.emplace_back();
  entry.session =
      std::make_unique<TranslatorSession>(std::move(conn), next_serial_++, &stats_, programs_);
  TranslatorSession* session = entry.session.get();
  entry.thread = std::thread([session] { session->Run(); });
}

void SessionListener::ReapFinished() {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->session->finished()) {
      it->thread.join();
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

uint32_t SessionListener::RequestFlush(std::string_view session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint32_t marked = 0;
  for (Entry& entry : sessions_) {
    if (entry.session->RequestFlush(session_id)) ++marked;
  }
  return marked;
}

void SessionListener::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  // ORDER: stop accepting first, so no session starts after the interrupts.
  const uint64_t one = 1;
  if (write(wake_fd_.get(), &one, sizeof one) != sizeof one) {
    DBT_LOG(0) << "data socket: cannot wake the accept thread: " << strerror(errno);
  }
  accept_thread_.join();
  std::list<Entry> sessions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Entry& entry : sessions_) entry.session->Interrupt();
    sessions.swap(sessions_);
  }
  for (Entry& entry : sessions) entry.thread.join();
  listen_fd_.Reset();
  // Remove the socket file only if it is still ours (a successor may have
  // replaced a socket it found stale).
  struct stat st;
  if (stat(socket_path_.c_str(), &st) == 0 && st.st_dev == socket_dev_ &&
      st.st_ino == socket_ino_) {
    unlink(socket_path_.c_str());
  }
  DBT_LOG(1) << "data socket " << socket_path_ << " closed";
}

}  // namespace dbt::translator
