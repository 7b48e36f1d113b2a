#include "clients/service_supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/service/client.h"
#include "common/service/unix_socket.h"

namespace dbt {
namespace {

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

std::string SelfDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, n);
  return path.substr(0, path.rfind('/'));
}

// A process exists and is not a zombie.
bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::ifstream stat_file(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(stat_file, line)) return false;
  size_t close_paren = line.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= line.size() ||
         line[close_paren + 2] != 'Z';
}

std::string LogTail(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (all.size() > 2000) all = all.substr(all.size() - 2000);
  return all;
}

}  // namespace

std::string DefaultRuntimeDir() {
  if (const char* dir = getenv("DBT_RUNTIME_DIR"); dir != nullptr && *dir) return dir;
  if (const char* xdg = getenv("XDG_RUNTIME_DIR"); xdg != nullptr && *xdg) {
    return absl::StrCat(xdg, "/dbt");
  }
  return absl::StrCat("/tmp/dbt-", getuid());
}

absl::StatusOr<std::string> FindServiceBinary(const std::string& name) {
  std::vector<std::string> candidates;
  if (const char* dir = getenv("DBT_SERVICES_DIR"); dir != nullptr && *dir) {
    candidates.push_back(absl::StrCat(dir, "/", name));
  }
  std::string self = SelfDir();
  candidates.push_back(absl::StrCat(self, "/../services/", name, "/", name));
  candidates.push_back(absl::StrCat(self, "/dbt-", name));
  for (const std::string& c : candidates) {
    if (IsExecutable(c)) return c;
  }
  return absl::NotFoundError(absl::StrCat(
      "cannot find the ", name, " service binary (looked at ", candidates.front(), " and beside ",
      self, "); build it with bazel build //services/...", " or set DBT_SERVICES_DIR"));
}

std::string TranslatorDataSocket(const std::string& runtime_dir) {
  return absl::StrCat(runtime_dir, "/translator.data");
}

ServicePaths PathsFor(const std::string& runtime_dir, const std::string& name) {
  ServicePaths p;
  p.socket = absl::StrCat(runtime_dir, "/", name, ".sock");
  p.pid_file = absl::StrCat(runtime_dir, "/", name, ".pid");
  p.log_file = absl::StrCat(runtime_dir, "/", name, ".log");
  return p;
}

absl::StatusOr<pid_t> RunningPid(const ServicePaths& paths) {
  std::ifstream in(paths.pid_file);
  std::string text;
  if (!std::getline(in, text)) return absl::NotFoundError("no pid file");
  int pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &pid) || pid <= 0) {
    return absl::DataLossError(absl::StrCat("bad pid file ", paths.pid_file));
  }
  if (!ProcessAlive(pid)) return absl::NotFoundError("not running");
  return pid;
}

absl::StatusOr<pid_t> SpawnService(const ServiceSpawn& spec) {
  std::vector<std::string> args = spec.argv;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = -1;
  if (!spec.log_file.empty()) {
    log_fd = open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot open ", spec.log_file, ": ", strerror(errno)));
    }
  }
  int pid_pipe[2] = {-1, -1};
  if (spec.not_our_child && pipe2(pid_pipe, O_CLOEXEC) != 0) {
    if (log_fd >= 0) close(log_fd);
    return absl::ResourceExhaustedError(absl::StrCat("pipe: ", strerror(errno)));
  }
  // No atfork handlers: the child makes only syscalls until exec (we may
  // have threads: the run's supervisor restarts a translator, and a guest
  // thread starts one at its first missing TB). The intermediate of
  // not_our_child is a clone child (exit signal 0), which a guest's wait(-1)
  // in another thread does not reap before we do. Every signal is blocked
  // across the clone, so none reaches dbt's handlers (the guest's) in a
  // child that is not the guest; the child resets them before unblocking.
  sigset_t all, old_mask;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old_mask);
  const pid_t pid =
      spec.not_our_child
          ? static_cast<pid_t>(syscall(SYS_clone, 0UL, nullptr, nullptr, nullptr, 0UL))
          : _Fork();
  if (pid != 0) pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (pid < 0) {
    const int err = errno;
    if (log_fd >= 0) close(log_fd);
    if (pid_pipe[0] >= 0) close(pid_pipe[0]), close(pid_pipe[1]);
    return absl::ResourceExhaustedError(absl::StrCat("fork: ", strerror(err)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    if (spec.own_session) {
      setsid();
    } else {
      setpgid(0, 0);
    }
    if (spec.not_our_child) {
      const pid_t service = static_cast<pid_t>(
          syscall(SYS_clone, static_cast<unsigned long>(SIGCHLD), nullptr, nullptr, nullptr, 0UL));
      if (service != 0) {
        (void)!write(pid_pipe[1], &service, sizeof service);
        _exit(service < 0 ? 1 : 0);
      }
    }
    if (log_fd >= 0) {
      int null_fd = open("/dev/null", O_RDONLY);
      dup2(null_fd, 0);
      dup2(log_fd, 1);
      dup2(log_fd, 2);
    }
    if (spec.pass_fd >= 0) {
      if (spec.pass_fd == 3) {
        fcntl(3, F_SETFD, 0);  // dup2 onto itself would keep close-on-exec
      } else {
        dup2(spec.pass_fd, 3);  // clears close-on-exec
      }
    }
    close_range(spec.pass_fd >= 0 ? 4 : 3, ~0u, 0);
    // Handlers back to their defaults before anything can be delivered
    // (exec would reset them, but not before a pending signal ran one).
    for (int sig = 1; sig < NSIG; ++sig) {
      struct sigaction current;
      if (sigaction(sig, nullptr, &current) == 0 && current.sa_handler != SIG_IGN &&
          current.sa_handler != SIG_DFL) {
        signal(sig, SIG_DFL);
      }
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    dprintf(2, "dbt: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  if (log_fd >= 0) close(log_fd);
  if (!spec.not_our_child) return pid;
  close(pid_pipe[1]);
  pid_t service = -1;
  ssize_t n;
  do {
    n = read(pid_pipe[0], &service, sizeof service);
  } while (n < 0 && errno == EINTR);
  close(pid_pipe[0]);
  while (waitpid(pid, nullptr, __WCLONE) < 0 && errno == EINTR) {
  }
  if (n != sizeof service || service <= 0) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot start ", spec.argv[0]));
  }
  return service;
}

absl::StatusOr<pid_t> StartService(const std::string& runtime_dir, const std::string& name,
                                   std::chrono::milliseconds timeout, int verbosity,
                                   const std::vector<std::string>& extra_args) {
  absl::StatusOr<std::string> binary = FindServiceBinary(name);
  if (!binary.ok()) return binary.status();
  if (mkdir(runtime_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", runtime_dir, ": ", strerror(errno)));
  }
  ServicePaths paths = PathsFor(runtime_dir, name);
  ServiceSpawn spec;
  spec.argv = {*binary, "--socket=" + paths.socket, absl::StrCat("--v=", verbosity)};
  spec.argv.insert(spec.argv.end(), extra_args.begin(), extra_args.end());
  spec.log_file = paths.log_file;
  // A session of its own: the user's terminal signals (^C) reach only the
  // command that owns it.
  spec.own_session = true;
  absl::StatusOr<pid_t> spawned = SpawnService(spec);
  if (!spawned.ok()) return spawned.status();
  const pid_t pid = *spawned;
  // First wait for the socket to accept connections, failing fast if the
  // service exits (e.g. its socket path is taken); then ask its health.
  auto give_up = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  bool exited = false;
  while (!UnixSocketIsLive(paths.socket) && std::chrono::steady_clock::now() < give_up) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  absl::Status serving =
      exited ? absl::UnavailableError("it exited")
             : WaitForServing(paths.socket, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                give_up - std::chrono::steady_clock::now()));
  if (!serving.ok()) {
    if (!exited && waitpid(pid, &status, WNOHANG) != pid) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    return absl::UnavailableError(absl::StrCat("the ", name, " service did not start (",
                                               serving.message(), "); its log says:\n",
                                               LogTail(paths.log_file)));
  }
  std::ofstream(paths.pid_file) << pid << "\n";
  return pid;
}

absl::Status StopService(const ServicePaths& paths, std::chrono::milliseconds grace) {
  absl::StatusOr<pid_t> pid = RunningPid(paths);
  if (pid.ok()) {
    kill(*pid, SIGTERM);
    auto give_up = std::chrono::steady_clock::now() + grace;
    while (ProcessAlive(*pid) && std::chrono::steady_clock::now() < give_up) {
      // Reap it if it is our child; otherwise init does.
      waitpid(*pid, nullptr, WNOHANG);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (ProcessAlive(*pid)) {
      kill(*pid, SIGKILL);
      waitpid(*pid, nullptr, 0);
    }
  }
  unlink(paths.pid_file.c_str());
  // A service that exited cleanly removed its socket; one that was killed
  // did not.
  unlink(paths.socket.c_str());
  return absl::OkStatus();
}

}  // namespace dbt
