#include "services/executor/session/parent_watch.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace dbt::executor {

bool EndWithParent() {
  const pid_t parent = getppid();
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, parent, 0));
  if (pidfd < 0) return false;
  // The parent may have died between getppid and pidfd_open (the pid could
  // even be reused): then we were reparented already.
  if (getppid() != parent) {
    close(pidfd);
    return false;
  }
  std::thread([pidfd, parent] {
    // Signals are for the guest's threads, not this one.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    pollfd p = {pidfd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0) {
    }
    fprintf(stderr, "dbt: the executor service (pid %d) is gone; ending this session\n",
            static_cast<int>(parent));
    fflush(stderr);
    kill(getpid(), SIGKILL);
  }).detach();
  return true;
}

}  // namespace dbt::executor
