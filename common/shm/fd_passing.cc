#include "common/shm/fd_passing.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/shm/deadline.h"

namespace dbt::shm {
namespace {

absl::Status Errno(absl::string_view what) {
  int e = errno;
  std::string message = absl::StrCat(what, ": ", strerror(e));
  if (e == EPIPE || e == ECONNRESET || e == ENOTCONN) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

// Waits until `socket` is readable (or hung up) or the deadline passes.
absl::Status WaitReadable(int socket, Deadline deadline) {
  for (;;) {
    int timeout_ms = -1;
    if (!deadline.is_never()) {
      int64_t left = deadline.ns() - MonotonicNowNs();
      if (left <= 0) return absl::DeadlineExceededError("RecvFds: no message before the deadline");
      timeout_ms = static_cast<int>(std::min<int64_t>((left + 999'999) / 1'000'000, INT32_MAX));
    }
    pollfd p{socket, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r > 0) return absl::OkStatus();
    if (r < 0 && errno != EINTR) return Errno("poll");
  }
}

}  // namespace

absl::Status SendFds(int socket, absl::Span<const int> fds, std::string_view data) {
  if (fds.empty() || fds.size() > kMaxFdsPerMessage) {
    return absl::InvalidArgumentError(
        absl::StrCat("SendFds: ", fds.size(), " descriptors, expected 1..", kMaxFdsPerMessage));
  }
  if (data.size() > kMaxFdMessageData) {
    return absl::InvalidArgumentError(
        absl::StrCat("SendFds: ", data.size(), " data bytes, at most ", kMaxFdMessageData));
  }
  uint32_t length = static_cast<uint32_t>(data.size());
  iovec iov[2] = {{&length, sizeof(length)}, {const_cast<char*>(data.data()), data.size()}};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()), 0);
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = data.empty() ? 1 : 2;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
  memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  ssize_t sent;
  do {
    sent = sendmsg(socket, &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return Errno("SendFds: sendmsg");
  if (static_cast<size_t>(sent) != sizeof(length) + data.size()) {
    return absl::InternalError(
        absl::StrCat("SendFds: sent ", sent, " of ", sizeof(length) + data.size(), " bytes"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ReceivedFds> RecvFds(int socket, size_t max_fds, absl::Duration timeout) {
  if (max_fds == 0 || max_fds > kMaxFdsPerMessage) {
    return absl::InvalidArgumentError(
        absl::StrCat("RecvFds: max_fds ", max_fds, ", expected 1..", kMaxFdsPerMessage));
  }
  if (absl::Status s = WaitReadable(socket, Deadline::After(timeout)); !s.ok()) return s;

  // One byte more than the largest message, to notice a longer one.
  std::vector<char> buffer(sizeof(uint32_t) + kMaxFdMessageData + 1);
  iovec iov{buffer.data(), buffer.size()};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * max_fds), 0);
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t got;
  do {
    got = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return Errno("RecvFds: recvmsg");

  // Take ownership of every descriptor first, so each error path closes them.
  ReceivedFds received;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; ++i) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      received.fds.emplace_back(fd);
    }
  }
  if (got == 0 && received.fds.empty()) {
    return absl::UnavailableError("RecvFds: the peer closed the socket");
  }
  if (msg.msg_flags & MSG_CTRUNC) {
    return absl::ResourceExhaustedError(
        absl::StrCat("RecvFds: the message carried more than ", max_fds, " descriptors"));
  }
  if (received.fds.empty()) {
    return absl::DataLossError("RecvFds: message without file descriptors");
  }
  uint32_t length = 0;
  if (static_cast<size_t>(got) < sizeof(length) || (msg.msg_flags & MSG_TRUNC)) {
    return absl::DataLossError(absl::StrCat("RecvFds: malformed message of ", got, " bytes"));
  }
  memcpy(&length, buffer.data(), sizeof(length));
  if (length > kMaxFdMessageData || static_cast<size_t>(got) != sizeof(length) + length) {
    return absl::DataLossError(absl::StrCat("RecvFds: message says ", length, " data bytes, ",
                                            got - sizeof(length), " arrived"));
  }
  received.data.assign(buffer.data() + sizeof(length), length);
  return received;
}

}  // namespace dbt::shm
