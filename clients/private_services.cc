#include "clients/private_services.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/service_supervisor.h"
#include "common/service/client.h"
#include "common/service/unix_socket.h"

namespace dbt {
namespace {

constexpr std::chrono::milliseconds kStartTimeout{10000};
constexpr std::chrono::milliseconds kStopGrace{3000};

// A service of this run: a process group of its own (the terminal's ^C
// reaches dbt and the guest, not it), stopped if dbt dies. stdio_log: as
// ServiceSpawn::log_file. Only the executor keeps dbt's other fds (for the
// guest: StartGuest.inherit_fds).
absl::StatusOr<pid_t> Spawn(std::vector<std::string> argv, const std::string& stdio_log,
                            bool keep_inherited_fds) {
  ServiceSpawn spec;
  spec.keep_inherited_fds = keep_inherited_fds;
  spec.argv = std::move(argv);
  spec.log_file = stdio_log;
  spec.own_session = false;
  // SIGTERM, not SIGKILL: the executor then ends its sessions (guests).
  spec.die_with_parent = true;
  return SpawnService(spec);
}

std::string DescribeWait(int status) {
  if (WIFSIGNALED(status)) return absl::StrCat("killed by signal ", WTERMSIG(status));
  return absl::StrCat("exited with status ", WEXITSTATUS(status));
}

// Waits until a service's gRPC socket accepts connections, failing fast if
// the service exits. No health RPC: gRPC listens only once the server is
// built and started, and the translator opens its data socket before that;
// the first real RPC waits for readiness anyway (wait_for_ready).
absl::Status AwaitServing(pid_t pid, const std::string& socket, const std::string& name) {
  const auto give_up = std::chrono::steady_clock::now() + kStartTimeout;
  while (!UnixSocketIsLive(socket)) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return absl::UnavailableError(
          absl::StrCat("the ", name, " service ", DescribeWait(status), " at start"));
    }
    if (std::chrono::steady_clock::now() > give_up) {
      return absl::DeadlineExceededError(absl::StrCat("the ", name, " service did not start"));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return absl::OkStatus();
}

void StopChild(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + kStopGrace;
  while (std::chrono::steady_clock::now() < give_up) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrivateServices>> PrivateServices::Start(const PrivateCache& cache) {
  std::unique_ptr<PrivateServices> s(new PrivateServices());
  s->cache_ = cache;
  const char* tmp = getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp && *tmp && strlen(tmp) < 60 ? tmp : "/tmp", "/dbt-run-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", pattern, ": ", strerror(errno)));
  }
  s->dir_ = pattern;
  if (cache.enabled) {
    // First: the translator loads the first program's entries from it at
    // once (and waits for its socket if it is not up yet).
    absl::StatusOr<pid_t> c = s->StartCache();
    if (!c.ok()) return c.status();
    s->cache_pid_ = *c;
  }
  absl::StatusOr<pid_t> translator = s->StartTranslator();
  if (!translator.ok()) return translator.status();
  s->translator_pid_ = *translator;
  absl::StatusOr<pid_t> executor = s->StartExecutor();
  if (!executor.ok()) return executor.status();
  s->executor_pid_ = *executor;
  if (absl::Status st =
          AwaitServing(*translator, PathsFor(s->dir_, "translator").socket, "translator");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = AwaitServing(*executor, s->executor_socket(), "executor"); !st.ok()) {
    return st;
  }
  s->stop_event_ = eventfd(0, EFD_CLOEXEC);
  if (s->stop_event_ < 0) return absl::InternalError(absl::StrCat("eventfd: ", strerror(errno)));
  s->supervisor_ = std::thread([p = s.get()] { p->Supervise(); });
  return s;
}

void PrivateServices::BeginShutdown() {
  stopping_.store(true);
  if (stop_event_ >= 0) {
    const uint64_t one = 1;
    (void)!write(stop_event_, &one, sizeof one);
  }
}

PrivateServices::~PrivateServices() {
  BeginShutdown();
  if (supervisor_.joinable()) supervisor_.join();
  if (stop_event_ >= 0) close(stop_event_);
  // Both at once (each takes a few milliseconds to shut gRPC down); the
  // session has ended, so the translator has no one to serve.
  const pid_t executor = executor_pid_;
  const pid_t translator = translator_pid();
  if (executor > 0) kill(executor, SIGTERM);
  if (translator > 0) kill(translator, SIGTERM);
  StopChild(executor);
  StopChild(translator);
  if (cache_pid_ > 0) {
    kill(cache_pid_, SIGTERM);
    StopChild(cache_pid_);
  }
  for (const char* name : {"translator.sock", "translator.data", "translator.log", "executor.sock",
                           "cache.sock", "cache.log"}) {
    unlink(absl::StrCat(dir_, "/", name).c_str());
  }
  if (!dir_.empty()) rmdir(dir_.c_str());
}

std::string PrivateServices::executor_socket() const { return PathsFor(dir_, "executor").socket; }

std::string PrivateServices::translator_data_socket() const { return TranslatorDataSocket(dir_); }

pid_t PrivateServices::translator_pid() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return translator_pid_;
}

absl::StatusOr<pid_t> PrivateServices::StartTranslator() {
  absl::StatusOr<std::string> binary = FindServiceBinary("translator");
  if (!binary.ok()) return binary.status();
  std::vector<std::string> argv = {*binary, "--socket=" + PathsFor(dir_, "translator").socket,
                                   "--data_socket=" + translator_data_socket(), "--v=-1"};
  if (cache_.enabled) argv.push_back("--cache_service=unix:" + PathsFor(dir_, "cache").socket);
  return Spawn(argv, absl::StrCat(dir_, "/translator.log"), /*keep_inherited_fds=*/false);
}

absl::StatusOr<pid_t> PrivateServices::StartCache() {
  absl::StatusOr<std::string> binary = FindServiceBinary("cache");
  if (!binary.ok()) return binary.status();
  std::vector<std::string> argv = {*binary, "--socket=" + PathsFor(dir_, "cache").socket, "--v=-1"};
  if (!cache_.url.empty()) argv.push_back("--cache=" + cache_.url);
  if (!cache_.max_size.empty()) argv.push_back("--cache_max_size=" + cache_.max_size);
  if (!cache_.key_file.empty()) argv.push_back("--cache_key_file=" + cache_.key_file);
  if (cache_.unauthenticated) argv.push_back("--cache_unauthenticated");
  return Spawn(argv, absl::StrCat(dir_, "/cache.log"), /*keep_inherited_fds=*/false);
}

absl::StatusOr<pid_t> PrivateServices::StartExecutor() {
  absl::StatusOr<std::string> binary = FindServiceBinary("executor");
  if (!binary.ok()) return binary.status();
  return Spawn({*binary, "--socket=" + executor_socket(),
                "--translator_data=" + translator_data_socket(), "--v=-1"},
               "", /*keep_inherited_fds=*/true);
}

void PrivateServices::Supervise() {
  // A translator that keeps dying (say, on one guest block) is not
  // restarted forever: the session then fails with a clear error.
  constexpr int kMaxRestarts = 5;
  for (int restarts = 0; !stopping_.load(); ++restarts) {
    const pid_t pid = translator_pid();
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) return;
    pollfd p[2] = {{pidfd, POLLIN, 0}, {stop_event_, POLLIN, 0}};
    while (!stopping_.load() && poll(p, 2, -1) <= 0) {
    }
    close(pidfd);
    if (stopping_.load()) return;
    int status = 0;
    waitpid(pid, &status, 0);
    if (restarts == kMaxRestarts) {
      fprintf(stderr, "dbt: the translator (pid %d) %s; it died %d times, not restarting it\n",
              static_cast<int>(pid), DescribeWait(status).c_str(), restarts + 1);
      return;
    }
    fprintf(stderr, "dbt: the translator (pid %d) %s; starting a new one\n", static_cast<int>(pid),
            DescribeWait(status).c_str());
    // A killed translator left its sockets behind; the new one must not be
    // mistaken for ready because the old file is there.
    unlink(PathsFor(dir_, "translator").socket.c_str());
    unlink(translator_data_socket().c_str());
    absl::StatusOr<pid_t> fresh = StartTranslator();
    if (!fresh.ok()) {
      fprintf(stderr, "dbt: cannot restart the translator: %s\n",
              std::string(fresh.status().message()).c_str());
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      translator_pid_ = *fresh;
    }
    if (absl::Status st = AwaitServing(*fresh, PathsFor(dir_, "translator").socket, "translator");
        !st.ok()) {
      fprintf(stderr, "dbt: the new translator did not start: %s\n",
              std::string(st.message()).c_str());
      return;
    }
  }
}

}  // namespace dbt
