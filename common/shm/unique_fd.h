// An owned file descriptor: closed when the owner goes away. Shared regions,
// pidfds and received SCM_RIGHTS descriptors are handed around as UniqueFd so
// that every error path closes what it opened.
#ifndef DBT_COMMON_SHM_UNIQUE_FD_H_
#define DBT_COMMON_SHM_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace dbt::shm {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int Release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_UNIQUE_FD_H_
