#include "common/fd_io.h"

#include <sys/stat.h>

#include <map>
#include <mutex>
#include <utility>

namespace dbt {
namespace {

struct OwnFdTable {
  std::mutex mutex;
  std::map<int, std::pair<dev_t, ino_t>> files;  // fd -> what it was when marked
};

OwnFdTable& Table() {
  static OwnFdTable* const table = new OwnFdTable();
  return *table;
}

// The mark of fd still names the same open file (else it is dropped).
bool StillOwnLocked(OwnFdTable& t, int fd) {
  auto it = t.files.find(fd);
  if (it == t.files.end()) return false;
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_dev == it->second.first && st.st_ino == it->second.second) {
    return true;
  }
  t.files.erase(it);
  return false;
}

}  // namespace

void MarkOwnFd(int fd) {
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return;
  OwnFdTable& t = Table();
  std::lock_guard<std::mutex> lock(t.mutex);
  t.files[fd] = {st.st_dev, st.st_ino};
}

bool IsOwnFd(int fd) {
  OwnFdTable& t = Table();
  std::lock_guard<std::mutex> lock(t.mutex);
  return StillOwnLocked(t, fd);
}

std::vector<int> OwnFds() {
  OwnFdTable& t = Table();
  std::lock_guard<std::mutex> lock(t.mutex);
  std::vector<int> fds;
  for (auto it = t.files.begin(); it != t.files.end();) {
    const int fd = it->first;
    ++it;  // StillOwnLocked may erase fd's entry
    if (StillOwnLocked(t, fd)) fds.push_back(fd);
  }
  return fds;
}

}  // namespace dbt
