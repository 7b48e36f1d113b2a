#include "services/executor/service/session_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/shm/deadline.h"
#include "services/executor/service/session_spawn.h"
#include "services/executor/session/session_config_io.h"

namespace dbt::executor {
namespace {

constexpr size_t kReadBytes = 64 << 10;  // a pipe's default capacity

std::atomic<uint64_t> finished_sessions{0};

// Debian 12's <sys/pidfd.h> declares these without C linkage (glibc 2.36), so
// they are called through syscall(2).
int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0u)); }
int PidfdSendSignal(int pidfd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0u));
}

int64_t UnixMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

absl::Status Errno(const char* what) {
  return absl::InternalError(absl::StrCat(what, ": ", strerror(errno)));
}

struct Pipe {
  shm::UniqueFd read;
  shm::UniqueFd write;
};

absl::StatusOr<Pipe> MakeOutputPipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Errno("pipe2");
  Pipe p{shm::UniqueFd(fds[0]), shm::UniqueFd(fds[1])};
  // The watcher reads only after poll says so; non-blocking makes a spurious
  // wake-up harmless.
  if (fcntl(p.read.get(), F_SETFL, O_NONBLOCK) != 0) return Errno("fcntl");
  return p;
}

}  // namespace

absl::StatusOr<std::shared_ptr<SessionProcess>> SessionProcess::Start(
    const v1::SessionConfig& config, const std::string& binary, const std::array<int, 3>* stdio,
    const std::vector<PassedFd>& more_fds) {
  const v1::StartGuestRequest& request = config.request();
  absl::StatusOr<std::unique_ptr<StatsPageMapping>> stats = StatsPageMapping::Create();
  if (!stats.ok()) return stats.status();

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return Errno("socketpair");
  shm::UniqueFd config_ours(pair[0]);
  shm::UniqueFd config_theirs(pair[1]);

  SessionProcessSpec spec;
  spec.binary = binary;
  spec.fds.config = config_theirs.get();
  spec.fds.stats = (*stats)->fd();
  shm::UniqueFd dev_null;
  Pipe out, err, in;
  if (stdio != nullptr) {
    for (int i = 0; i < 3; ++i) spec.fds.stdio[i] = (*stdio)[i];
    spec.fds.passed = more_fds;
    spec.process_group = static_cast<pid_t>(request.process_group());
  } else if (request.inherit_stdio()) {
    spec.process_group = static_cast<pid_t>(request.process_group());
    // The executor's own inherited fds (its client's: checked by the
    // service), at the same numbers.
    for (int fd : request.inherit_fds()) spec.fds.passed.push_back({fd, fd});
  } else {
    dev_null.Reset(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!dev_null.valid()) return Errno("open /dev/null");
    spec.fds.stdio[0] = spec.fds.stdio[1] = spec.fds.stdio[2] = dev_null.get();
    if (request.stream_output()) {
      absl::StatusOr<Pipe> o = MakeOutputPipe();
      if (!o.ok()) return o.status();
      absl::StatusOr<Pipe> e = MakeOutputPipe();
      if (!e.ok()) return e.status();
      out = *std::move(o);
      err = *std::move(e);
      spec.fds.stdio[1] = out.write.get();
      spec.fds.stdio[2] = err.write.get();
      if (request.stream_stdin()) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) return Errno("pipe2");
        in.read.Reset(fds[0]);
        in.write.Reset(fds[1]);
        spec.fds.stdio[0] = in.read.get();
      }
    }
  }

  absl::StatusOr<pid_t> pid = SpawnSessionProcess(spec);
  if (!pid.ok()) return pid.status();
  // Only the child holds the write ends now: the pipes reach EOF when it
  // (and whatever it started) is gone.
  config_theirs.Reset();
  out.write.Reset();
  err.write.Reset();
  in.read.Reset();
  dev_null.Reset();

  shm::UniqueFd pidfd(PidfdOpen(*pid));
  if (!pidfd.valid()) {
    absl::Status st = Errno("pidfd_open");
    kill(*pid, SIGKILL);  // not reaped yet, so the pid is still this child
    waitpid(*pid, nullptr, 0);
    return st;
  }

  std::shared_ptr<SessionProcess> session(
      new SessionProcess(config.session_id(), request.program(), *pid, std::move(pidfd),
                         *std::move(stats), std::move(out.read), std::move(err.read)));
  if (in.write.valid()) session->stdin_feed_ = std::make_unique<StdinFeed>(std::move(in.write));
  if (!session->stop_.valid()) {
    // No watcher: end the process here so that nothing is left behind.
    absl::Status st = Errno("eventfd");
    session->Kill(SIGKILL).IgnoreError();
    waitpid(*pid, nullptr, 0);
    session->pidfd_.Reset();
    return st;
  }

  absl::Status sent = WriteSessionConfig(config_ours.get(), config);
  config_ours.Reset();
  if (!sent.ok()) {
    {
      std::lock_guard<std::mutex> lock(session->mu_);
      session->failed_ = true;
    }
    session->Kill(SIGKILL).IgnoreError();
    session->start_error_ = absl::InternalError(
        absl::StrCat("session process did not take its config: ", sent.message()));
  }
  return session;
}

SessionProcess::SessionProcess(std::string id, std::string program, pid_t pid, shm::UniqueFd pidfd,
                               std::unique_ptr<StatsPageMapping> stats, shm::UniqueFd out,
                               shm::UniqueFd err)
    : id_(std::move(id)),
      program_(std::move(program)),
      pid_(pid),
      started_unix_ms_(UnixMs()),
      started_mono_ns_(shm::MonotonicNowNs()),
      pidfd_(std::move(pidfd)),
      stats_(std::move(stats)),
      out_(std::move(out)),
      err_(std::move(err)),
      stop_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (stop_.valid()) watcher_ = std::thread([this] { Watch(); });
}

SessionProcess::~SessionProcess() {
  if (!watcher_.joinable()) return;
  if (!ended()) {
    Kill(SIGKILL).IgnoreError();
    WaitEnded();
  }
  StopWatching();
}

absl::Status SessionProcess::Kill(int sig) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ended_) return absl::FailedPreconditionError(absl::StrCat("session ", id_, " has ended"));
  // Through the pidfd: a process reaped meanwhile answers ESRCH, never
  // another process that got its pid.
  if (PidfdSendSignal(pidfd_.get(), sig) != 0) {
    if (errno == ESRCH)
      return absl::FailedPreconditionError(absl::StrCat("session ", id_, " has ended"));
    if (errno == EINVAL) return absl::InvalidArgumentError(absl::StrCat("bad signal ", sig));
    return Errno("pidfd_send_signal");
  }
  killed_ = true;
  return absl::OkStatus();
}

bool SessionProcess::ended() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ended_;
}

bool SessionProcess::finished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_;
}

void SessionProcess::WaitEnded() {
  std::unique_lock<std::mutex> lock(mu_);
  end_changed_.wait(lock, [this] { return ended_; });
}

void SessionProcess::StopWatching() {
  const uint64_t one = 1;
  (void)!write(stop_.get(), &one, sizeof(one));
  if (watcher_.joinable()) watcher_.join();
}

v1::SessionInfo SessionProcess::Info() const {
  v1::SessionInfo info;
  info.set_session_id(id_);
  info.set_program(program_);
  info.set_guest_pid(pid_);
  info.set_started_unix_ms(started_unix_ms_);
  *info.mutable_stats() = stats_->Snapshot();
  std::lock_guard<std::mutex> lock(mu_);
  if (!ended_) {
    info.set_state(v1::SessionInfo::RUNNING);
  } else if (failed_) {
    info.set_state(v1::SessionInfo::FAILED);
  } else {
    info.set_state(killed_ ? v1::SessionInfo::KILLED : v1::SessionInfo::EXITED);
  }
  if (info.stats().wall_ns() == 0) {
    const uint64_t until = ended_ ? ended_mono_ns_ : shm::MonotonicNowNs();
    info.mutable_stats()->set_wall_ns(until - started_mono_ns_);
  }
  return info;
}

void SessionProcess::RecordEnd(const siginfo_t& info) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
    ended_mono_ns_ = shm::MonotonicNowNs();
    if (info.si_code == CLD_EXITED) {
      exit_.exit_status = info.si_status;
    } else {
      exit_.term_signal = info.si_status;  // CLD_KILLED or CLD_DUMPED
    }
  }
  end_changed_.notify_all();
}

void SessionProcess::Watch() {
  enum { kPid, kOut, kErr, kStop, kCount };
  pollfd fds[kCount] = {};
  fds[kPid] = {pidfd_.get(), POLLIN, 0};
  fds[kOut] = {out_.get(), POLLIN, 0};
  fds[kErr] = {err_.get(), POLLIN, 0};
  fds[kStop] = {stop_.get(), POLLIN, 0};
  const v1::OutputChunk::Stream streams[kCount] = {v1::OutputChunk::STREAM_UNSPECIFIED,
                                                   v1::OutputChunk::STDOUT, v1::OutputChunk::STDERR,
                                                   v1::OutputChunk::STREAM_UNSPECIFIED};
  shm::UniqueFd* pipes[kCount] = {nullptr, &out_, &err_, nullptr};
  bool reaped = false;
  bool stop = false;
  std::string buffer(kReadBytes, '\0');
  // poll skips negative fds: each source leaves the set once done.
  while (!(reaped && (stop || (fds[kOut].fd < 0 && fds[kErr].fd < 0)))) {
    if (poll(fds, kCount, -1) < 0) {
      if (errno == EINTR) continue;
      break;  // cannot happen with valid fds; finish rather than spin
    }
    if (fds[kPid].revents != 0) {
      siginfo_t info = {};
      if (waitid(static_cast<idtype_t>(P_PIDFD), pidfd_.get(), &info, WEXITED | WNOHANG) == 0 &&
          info.si_pid != 0) {
        RecordEnd(info);
        reaped = true;
        fds[kPid].fd = -1;
      }
    }
    for (int i : {kOut, kErr}) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        output_.Append(streams[i], buffer.substr(0, static_cast<size_t>(n)));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        fds[i].fd = -1;
        pipes[i]->Reset();
      }
    }
    if (fds[kStop].revents != 0) {
      stop = true;
      fds[kStop].fd = -1;
    }
  }
  if (!reaped) {
    // Only a failing poll gets here; the end must still be recorded.
    siginfo_t info = {};
    waitid(static_cast<idtype_t>(P_PIDFD), pidfd_.get(), &info, WEXITED);
    RecordEnd(info);
  }
  SessionExit exit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    exit = exit_;
  }
  // ORDER: counted as finished before any stream hears of the end, so a
  // client that saw the last chunk finds the session table already
  // trimmed (ListSessions right after).
  finish_order_.store(++finished_sessions);
  output_.Finish(exit);
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
  }
}

}  // namespace dbt::executor
