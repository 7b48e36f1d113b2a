#include "clients/private_services.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/service_supervisor.h"
#include "common/fd_io.h"
#include "common/service/client.h"
#include "common/service/unix_socket.h"

namespace dbt {
namespace {

constexpr std::chrono::milliseconds kStartTimeout{10000};
constexpr std::chrono::milliseconds kStopGrace{3000};

// Has the process of this pidfd ended (within timeout_ms)?
bool Ended(int pidfd, int timeout_ms) {
  pollfd p = {pidfd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

// A service of this run: a process group of its own (the terminal's ^C
// reaches dbt and the guest, not it), not our child (invisible to the
// guest's wait(-1) and SIGCHLD), stopped when dbt ends (--exit_with_pid).
// stdio_log: as ServiceSpawn::log_file.
absl::StatusOr<PrivateServices::Process> Spawn(std::vector<std::string> argv,
                                               const std::string& stdio_log) {
  int ack[2];
  if (pipe2(ack, O_CLOEXEC) != 0) {
    return absl::ResourceExhaustedError(absl::StrCat("pipe: ", strerror(errno)));
  }
  argv.push_back("--flush_ack_fd=3");
  argv.push_back(absl::StrCat("--exit_with_pid=", getpid()));
  ServiceSpawn spec;
  spec.argv = std::move(argv);
  spec.log_file = stdio_log;
  spec.own_session = false;
  spec.not_our_child = true;
  spec.pass_fd = ack[1];
  absl::StatusOr<pid_t> pid = SpawnService(spec);
  close(ack[1]);
  if (!pid.ok()) {
    close(ack[0]);
    return pid.status();
  }
  PrivateServices::Process p;
  p.pid = *pid;
  p.ack_fd = MoveFdAboveGuestFds(ack[0]);
  p.pidfd = static_cast<int>(syscall(SYS_pidfd_open, *pid, 0));
  if (p.pidfd < 0) {
    close(p.ack_fd);
    return absl::UnavailableError(
        absl::StrCat(spec.argv[0], " (pid ", *pid, ") ended at once: ", strerror(errno)));
  }
  p.pidfd = MoveFdAboveGuestFds(p.pidfd);
  return p;
}

// Waits until a service's gRPC socket accepts connections, failing fast if
// the service exits. No health RPC: gRPC listens only once the server is
// built and started; the first real RPC waits for readiness anyway.
absl::Status AwaitServing(const PrivateServices::Process& p, const std::string& socket,
                          const std::string& name) {
  const auto give_up = std::chrono::steady_clock::now() + kStartTimeout;
  while (!UnixSocketIsLive(socket)) {
    if (Ended(p.pidfd, 0)) {
      return absl::UnavailableError(absl::StrCat("the ", name, " service ended at start"));
    }
    if (std::chrono::steady_clock::now() > give_up) {
      return absl::DeadlineExceededError(absl::StrCat("the ", name, " service did not start"));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return absl::OkStatus();
}

// SIGTERM; done once the service acknowledged it (it goes on storing what
// it holds, under the flush lock, while we exit) or ended; SIGKILL after
// kStopGrace. Closes the fds.
void Stop(PrivateServices::Process& p) {
  if (p.pidfd < 0) return;
  syscall(SYS_pidfd_send_signal, p.pidfd, SIGTERM, nullptr, 0);
  pollfd fds[2] = {{p.pidfd, POLLIN, 0}, {p.ack_fd, POLLIN, 0}};
  int r;
  do {
    r = poll(fds, p.ack_fd >= 0 ? 2 : 1, static_cast<int>(kStopGrace.count()));
  } while (r < 0 && errno == EINTR);
  if (r <= 0) {
    syscall(SYS_pidfd_send_signal, p.pidfd, SIGKILL, nullptr, 0);
    Ended(p.pidfd, -1);
  }
  close(p.pidfd);
  p.pidfd = -1;
  if (p.ack_fd >= 0) close(p.ack_fd);
  p.ack_fd = -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrivateServices>> PrivateServices::Start(const PrivateCache& cache,
                                                                        bool start_now) {
  std::unique_ptr<PrivateServices> s(new PrivateServices());
  s->cache_ = cache;
  const char* tmp = getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp && *tmp && strlen(tmp) < 60 ? tmp : "/tmp", "/dbt-run-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", pattern, ": ", strerror(errno)));
  }
  s->dir_ = pattern;
  if (start_now) {
    if (absl::Status st = s->EnsureTranslator(); !st.ok()) return st;
  }
  return s;
}

absl::Status PrivateServices::EnsureTranslator() {
  std::lock_guard<std::mutex> once(start_mutex_);
  if (start_attempted_) return start_status_;
  start_attempted_ = true;
  start_status_ = [&]() -> absl::Status {
    absl::StatusOr<Process> translator = StartTranslator();
    if (!translator.ok()) return translator.status();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      translator_ = *translator;
    }
    stop_event_ = eventfd(0, EFD_CLOEXEC);
    if (stop_event_ < 0) return absl::InternalError(absl::StrCat("eventfd: ", strerror(errno)));
    stop_event_ = MoveFdAboveGuestFds(stop_event_);
    // Created with every signal blocked, so that it keeps them blocked: a
    // signal sent to the process is for one of the guest's threads.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    supervisor_ = std::thread([this] { Supervise(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return absl::OkStatus();
  }();
  return start_status_;
}

void PrivateServices::BeginShutdown() {
  stopping_.store(true);
  if (stop_event_ >= 0) {
    const uint64_t one = 1;
    (void)!write(stop_event_, &one, sizeof one);
  }
}

PrivateServices::~PrivateServices() {
  {
    // A guest thread may be starting it right now.
    std::lock_guard<std::mutex> once(start_mutex_);
    if (!start_attempted_) {
      start_attempted_ = true;
      start_status_ = absl::CancelledError("the run is over");
    }
  }
  BeginShutdown();
  if (supervisor_.joinable()) supervisor_.join();
  if (stop_event_ >= 0) close(stop_event_);
  // The session has ended: the translator has no one to serve. It stores
  // what it still holds as it stops.
  Stop(translator_);
  for (const char* name : {"translator.sock", "translator.data", "translator.log"}) {
    unlink(absl::StrCat(dir_, "/", name).c_str());
  }
  if (!dir_.empty()) rmdir(dir_.c_str());
}

std::string PrivateServices::translator_data_socket() const { return TranslatorDataSocket(dir_); }

absl::StatusOr<PrivateServices::Process> PrivateServices::StartTranslator() {
  absl::StatusOr<std::string> binary = FindServiceBinary("translator");
  if (!binary.ok()) return binary.status();
  std::vector<std::string> argv = {*binary, "--socket=" + PathsFor(dir_, "translator").socket,
                                   "--data_socket=" + translator_data_socket(), "--v=-1"};
  if (cache_.enabled) {
    // The translator hosts the cache (one process fewer to start); it is
    // the only writer of entries and never runs guest code.
    argv.push_back("--cache_embedded");
    if (!cache_.url.empty()) argv.push_back("--cache=" + cache_.url);
    if (!cache_.max_size.empty()) argv.push_back("--cache_max_size=" + cache_.max_size);
    if (!cache_.key_file.empty()) argv.push_back("--cache_key_file=" + cache_.key_file);
    if (cache_.unauthenticated) argv.push_back("--cache_unauthenticated");
    if (!cache_.preload_program.empty()) {
      argv.push_back("--preload_program=" + cache_.preload_program);
      argv.push_back(absl::StrCat("--preload_tb_flags=", cache_.preload_tb_flags));
    }
  }
  return Spawn(argv, absl::StrCat(dir_, "/translator.log"));
}

void PrivateServices::Supervise() {
  // A translator that keeps dying (say, on one guest block) is not
  // restarted forever: the session then fails with a clear error.
  constexpr int kMaxRestarts = 5;
  for (int restarts = 0; !stopping_.load(); ++restarts) {
    Process current;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current = translator_;
    }
    pollfd p[2] = {{current.pidfd, POLLIN, 0}, {stop_event_, POLLIN, 0}};
    while (!stopping_.load() && poll(p, 2, -1) <= 0) {
    }
    if (stopping_.load()) return;
    // Not our child: no exit status to tell.
    if (restarts == kMaxRestarts) {
      fprintf(stderr, "dbt: the translator (pid %d) ended; it died %d times, not restarting it\n",
              static_cast<int>(current.pid), restarts + 1);
      return;
    }
    fprintf(stderr, "dbt: the translator (pid %d) ended; starting a new one\n",
            static_cast<int>(current.pid));
    // A killed translator left its sockets behind; the new one must not be
    // mistaken for ready because the old file is there.
    unlink(PathsFor(dir_, "translator").socket.c_str());
    unlink(translator_data_socket().c_str());
    absl::StatusOr<Process> fresh = StartTranslator();
    if (!fresh.ok()) {
      fprintf(stderr, "dbt: cannot restart the translator: %s\n",
              std::string(fresh.status().message()).c_str());
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      close(translator_.pidfd);
      if (translator_.ack_fd >= 0) close(translator_.ack_fd);
      translator_ = *fresh;
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
