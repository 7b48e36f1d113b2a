#include "clients/service_supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
  int log_fd = open(paths.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot open ", paths.log_file, ": ", strerror(errno)));
  }
  std::string socket_flag = "--socket=" + paths.socket;
  std::string v_flag = absl::StrCat("--v=", verbosity);
  std::vector<char*> argv = {binary->data(), socket_flag.data(), v_flag.data()};
  std::vector<std::string> extra = extra_args;
  for (std::string& a : extra) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::ResourceExhaustedError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (pid == 0) {
    // Child: a session of its own so the user's terminal signals (^C) reach
    // only the command that owns it; stdin from /dev/null.
    setsid();
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(binary->c_str(), argv.data());
    dprintf(2, "exec %s: %s\n", binary->c_str(), strerror(errno));
    _exit(127);
  }
  close(log_fd);
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
