#include "services/executor/service/stdin_feed.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dbt::executor {

StdinFeed::StdinFeed(shm::UniqueFd write_end) : fd_(std::move(write_end)) {
  if (fd_.valid()) (void)fcntl(fd_.get(), F_SETFL, O_NONBLOCK);
}

absl::Status StdinFeed::Write(absl::string_view data, const std::function<bool()>& give_up) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!data.empty()) {
    if (!fd_.valid()) return absl::FailedPreconditionError("the guest's stdin is closed");
    const ssize_t n = write(fd_.get(), data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (give_up()) return absl::CancelledError("stopped writing the guest's stdin");
      pollfd p = {fd_.get(), POLLOUT, 0};
      (void)poll(&p, 1, 100);
      continue;
    }
    if (n < 0 && errno == EPIPE) {
      fd_.Reset();
      return absl::FailedPreconditionError("the guest no longer reads its stdin");
    }
    return absl::InternalError(absl::StrCat("write to the guest's stdin: ", strerror(errno)));
  }
  return absl::OkStatus();
}

void StdinFeed::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  fd_.Reset();
}

}  // namespace dbt::executor
