#include "services/executor/service/session_spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace dbt::executor {
namespace {

constexpr int kChildFds = 5;      // 0, 1, 2, config (3), stats (4)
constexpr int kParkedFdMin = 16;  // above every target, so no dup2 clobbers a source

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

[[noreturn]] void RunChild(const int (&sources)[kChildFds], pid_t process_group, const char* binary,
                           char* const argv[]) {
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

  // Park every source above the targets, then place it: a source may sit at
  // another source's target number.
  int parked[kChildFds];
  for (int i = 0; i < kChildFds; ++i) {
    parked[i] = -1;
    if (sources[i] >= 0 && (parked[i] = fcntl(sources[i], F_DUPFD, kParkedFdMin)) < 0)
      ChildFail("fcntl(F_DUPFD)");
  }
  for (int i = 0; i < kChildFds; ++i) {
    if (parked[i] >= 0 && dup2(parked[i], i) < 0) ChildFail("dup2");
  }
  if (process_group > 0) (void)setpgid(0, process_group);
  if (close_range(kChildFds, ~0u, 0) != 0) ChildFail("close_range");
  execve(binary, argv, environ);
  ChildFail(binary);
}

}  // namespace

absl::StatusOr<pid_t> SpawnSessionProcess(const SessionProcessSpec& spec) {
  if (spec.fds.config < 0 || spec.fds.stats < 0)
    return absl::InvalidArgumentError("session process needs a config fd and a stats fd");
  const int sources[kChildFds] = {spec.fds.stdio[0], spec.fds.stdio[1], spec.fds.stdio[2],
                                  spec.fds.config, spec.fds.stats};
  // main.cc recognizes exactly these two arguments as session mode.
  char arg0[] = "executor";
  char arg1[] = "--session_fd=3";
  char arg2[] = "--stats_fd=4";
  char* const argv[] = {arg0, arg1, arg2, nullptr};
  const std::string binary = spec.binary;

  const pid_t pid = fork();
  if (pid < 0) return absl::ResourceExhaustedError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) RunChild(sources, spec.process_group, binary.c_str(), argv);
  return pid;
}

}  // namespace dbt::executor
