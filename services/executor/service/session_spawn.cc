#include "services/executor/service/session_spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace dbt::executor {
namespace {

// A fd to place in the child: source (parent fd, or -1: keep) -> target.
struct Placement {
  int source;
  int target;
};

// Between fork and exec only async-signal-safe calls: everything the child
// needs is prepared before the fork, and errors are written with write(2).
[[noreturn]] void ChildFail(const char* what) {
  // strerror may translate (locks, allocation); the errno name is a table entry.
  const char* msg = strerrorname_np(errno);
  if (msg == nullptr) msg = "unknown error";
  const char prefix[] = "dbt: session process: ";
  (void)!write(2, prefix, sizeof(prefix) - 1);
  (void)!write(2, what, strlen(what));
  (void)!write(2, ": ", 2);
  (void)!write(2, msg, strlen(msg));
  (void)!write(2, "\n", 1);
  _exit(127);
}

[[noreturn]] void RunChild(const std::vector<Placement>& fds, int parked_min, int last_target,
                           pid_t process_group, const char* binary, char* const argv[]) {
  // Dispositions first, then the mask: no handler of the service runs here.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  // Park every source above every target, then place it: a source may sit at
  // another source's target number. (fds is sized before the fork: no
  // allocation here; parked[] is a fixed array.)
  int parked[kMaxPassedFds + 5];
  for (size_t i = 0; i < fds.size(); ++i) {
    parked[i] = -1;
    if (fds[i].source >= 0 && (parked[i] = fcntl(fds[i].source, F_DUPFD, parked_min)) < 0)
      ChildFail("fcntl(F_DUPFD)");
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    if (parked[i] >= 0 && dup2(parked[i], fds[i].target) < 0) ChildFail("dup2");
  }
  if (process_group > 0) (void)setpgid(0, process_group);
  // Close everything else: the gaps between targets, then all above.
  for (int fd = 3; fd < last_target; ++fd) {
    bool keep = false;
    for (const Placement& p : fds) keep = keep || p.target == fd;
    if (!keep) close(fd);
  }
  if (close_range(last_target + 1, ~0u, 0) != 0) ChildFail("close_range");
  execve(binary, argv, environ);
  ChildFail(binary);
}

}  // namespace

int ConfigFdNumber(const std::vector<PassedFd>& passed) {
  int highest = 2;
  for (const PassedFd& p : passed) highest = std::max(highest, p.target);
  return highest + 1;
}

absl::StatusOr<pid_t> SpawnSessionProcess(const SessionProcessSpec& spec) {
  if (spec.fds.config < 0 || spec.fds.stats < 0)
    return absl::InvalidArgumentError("session process needs a config fd and a stats fd");
  if (spec.fds.passed.size() > kMaxPassedFds)
    return absl::InvalidArgumentError(absl::StrCat("more than ", kMaxPassedFds, " fds to pass on"));
  std::vector<Placement> fds;
  for (int i = 0; i < 3; ++i) fds.push_back({spec.fds.stdio[i], i});
  for (const PassedFd& p : spec.fds.passed) {
    if (p.source < 0 || p.target <= 2 || p.target >= kMaxPassedFdNumber)
      return absl::InvalidArgumentError(absl::StrCat("cannot pass fd ", p.target, " on to a guest"));
    for (const Placement& placed : fds) {
      if (placed.target == p.target)
        return absl::InvalidArgumentError(absl::StrCat("fd ", p.target, " passed twice"));
    }
    fds.push_back({p.source, p.target});
  }
  const int config_fd = ConfigFdNumber(spec.fds.passed);
  fds.push_back({spec.fds.config, config_fd});
  fds.push_back({spec.fds.stats, config_fd + 1});
  // main.cc recognizes exactly these two arguments as session mode.
  char arg0[] = "executor";
  std::string arg1 = absl::StrCat("--session_fd=", config_fd);
  std::string arg2 = absl::StrCat("--stats_fd=", config_fd + 1);
  char* const argv[] = {arg0, arg1.data(), arg2.data(), nullptr};
  const std::string binary = spec.binary;

  const pid_t pid = fork();
  if (pid < 0) return absl::ResourceExhaustedError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) {
    RunChild(fds, /*parked_min=*/config_fd + 2, /*last_target=*/config_fd + 1,
             spec.process_group, binary.c_str(), argv);
  }
  return pid;
}

}  // namespace dbt::executor
