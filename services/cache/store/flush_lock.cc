#include "services/cache/store/flush_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "absl/time/clock.h"

namespace dbt::cache {

std::string FlushLockPath(const std::string& store_dir) { return store_dir + "/flush.lock"; }

FlushLock::~FlushLock() {
  if (fd_ >= 0) close(fd_);
}

int FlushLock::Open() {
  if (fd_ < 0) fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  return fd_;
}

bool FlushLock::HoldWhileFlushing() {
  if (Open() < 0) return false;
  int r;
  do {
    r = flock(fd_, LOCK_SH);
  } while (r != 0 && errno == EINTR);
  return r == 0;
}

bool FlushLock::WaitForFlushers(absl::Duration limit) {
  if (Open() < 0) return true;  // no lock file: nobody to wait for
  const absl::Time give_up = absl::Now() + limit;
  for (;;) {
    if (flock(fd_, LOCK_EX | LOCK_NB) == 0) {
      flock(fd_, LOCK_UN);
      return true;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) return true;
    if (absl::Now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace dbt::cache
