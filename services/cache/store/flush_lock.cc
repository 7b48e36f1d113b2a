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

namespace {

bool WaitUnlocked(int fd, absl::Duration limit) {
  const absl::Time give_up = absl::Now() + limit;
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      flock(fd, LOCK_UN);
      return true;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) return true;
    if (absl::Now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

bool FlushLock::WaitForFlushers(absl::Duration limit) {
  if (Open() < 0) return true;  // no lock file: nobody to wait for
  return WaitUnlocked(fd_, limit);
}

bool WaitForFlushersReadOnly(const std::string& path, absl::Duration limit) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return true;
  const bool done = WaitUnlocked(fd, limit);
  close(fd);
  return done;
}

}  // namespace dbt::cache
