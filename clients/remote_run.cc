#include "clients/remote_run.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/fd_io.h"
#include "common/service/client.h"
#include "proto/executor.grpc.pb.h"

namespace dbt {
namespace {

// Forwards signals sent to dbt to the guest while it runs (a CI timeout, a
// closed terminal, and ^C when the terminal cannot reach the guest itself).
class SignalForwarder {
 public:
  // The signals in `set` must be blocked in every thread (RunRemote does it
  // before gRPC starts any).
  SignalForwarder(v1::Executor::Stub& stub, const std::string& session_id, const sigset_t& set)
      : stub_(stub), session_id_(session_id) {
    signals_ = signalfd(-1, &set, SFD_CLOEXEC);
    stop_ = eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { Loop(); });
  }
  ~SignalForwarder() {
    const uint64_t one = 1;
    (void)!write(stop_, &one, sizeof one);
    thread_.join();
    close(signals_);
    close(stop_);
  }

 private:
  void Loop() {
    pollfd p[2] = {{signals_, POLLIN, 0}, {stop_, POLLIN, 0}};
    while (true) {
      if (poll(p, 2, -1) < 0) continue;
      if (p[1].revents != 0) return;
      signalfd_siginfo info;
      if (read(signals_, &info, sizeof info) != sizeof info) continue;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      v1::KillRequest request;
      request.set_session_id(session_id_);
      request.set_signal(static_cast<int>(info.ssi_signo));
      v1::KillResponse response;
      (void)stub_.Kill(&context, request, &response);
    }
  }

  v1::Executor::Stub& stub_;
  const std::string session_id_;
  int signals_ = -1;
  int stop_ = -1;
  std::thread thread_;
};

// Sends dbt's stdin to a streamed guest's (WriteStdin) until EOF or until
// the guest has ended. Reads only when input is there, so a guest that ends
// without reading its stdin does not wait for it.
class StdinForwarder {
 public:
  StdinForwarder(v1::Executor::Stub& stub, const std::string& session_id)
      : stub_(stub), session_id_(session_id) {
    stop_ = eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { Loop(); });
  }
  ~StdinForwarder() {
    const uint64_t one = 1;
    (void)!write(stop_, &one, sizeof one);
    context_.TryCancel();  // a Write blocked on a full guest pipe returns
    thread_.join();
    close(stop_);
  }

 private:
  void Loop() {
    v1::WriteStdinResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::StdinChunk>> writer =
        stub_.WriteStdin(&context_, &response);
    v1::StdinChunk chunk;
    chunk.set_session_id(session_id_);
    std::string buffer(64 << 10, '\0');
    while (true) {
      pollfd p[2] = {{0, POLLIN, 0}, {stop_, POLLIN, 0}};
      if (poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (p[1].revents != 0) return;  // the guest ended: stdin no longer matters
      ssize_t n = read(0, buffer.data(), buffer.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;  // EOF (or no usable stdin): the guest sees EOF
      chunk.set_data(buffer.data(), static_cast<size_t>(n));
      if (!writer->Write(chunk)) return;  // the session no longer takes input
      chunk.clear_session_id();
    }
    chunk.clear_data();
    chunk.set_eof(true);
    writer->Write(chunk);
    writer->WritesDone();
    (void)writer->Finish();
  }

  v1::Executor::Stub& stub_;
  const std::string session_id_;
  grpc::ClientContext context_;
  int stop_ = -1;
  std::thread thread_;
};

}  // namespace

absl::StatusOr<RemoteRunResult> RunRemote(const std::string& address,
                                          const v1::StartGuestRequest& request) {
  // Before gRPC starts threads: they inherit the mask, so the forwarded
  // signals wait for the forwarder.
  sigset_t forwarded;
  sigemptyset(&forwarded);
  sigaddset(&forwarded, SIGTERM);
  sigaddset(&forwarded, SIGHUP);
  sigaddset(&forwarded, SIGINT);
  sigaddset(&forwarded, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &forwarded, nullptr);

  auto channel = ConnectTo(address);
  auto stub = v1::Executor::NewStub(channel);
  RemoteRunResult result;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    context.set_wait_for_ready(true);
    v1::StartGuestResponse response;
    grpc::Status s = stub->StartGuest(&context, request, &response);
    if (!s.ok()) {
      return absl::UnavailableError(
          absl::StrCat("executor at ", address, ": StartGuest: ", s.error_message()));
    }
    result.session_id = response.session_id();
  }

  bool ended = false;
  {
    SignalForwarder forwarder(*stub, result.session_id, forwarded);
    std::optional<StdinForwarder> stdin_forwarder;
    if (request.stream_stdin()) stdin_forwarder.emplace(*stub, result.session_id);
    grpc::ClientContext context;
    v1::SessionRequest session;
    session.set_session_id(result.session_id);
    std::unique_ptr<grpc::ClientReader<v1::OutputChunk>> reader =
        stub->StreamOutput(&context, session);
    v1::OutputChunk chunk;
    while (reader->Read(&chunk)) {
      if (!chunk.data().empty()) {
        // A reader that went away is the guest's to notice (its own writes).
        (void)WriteAll(chunk.stream() == v1::OutputChunk::STDERR ? 2 : 1, chunk.data().data(),
                       chunk.data().size());
      }
      if (chunk.exited()) {
        ended = true;
        result.exit.signaled = chunk.term_signal() != 0;
        result.exit.status_or_signal =
            result.exit.signaled ? chunk.term_signal() : chunk.exit_status();
      }
    }
    grpc::Status s = reader->Finish();
    if (!ended) {
      return absl::UnavailableError(absl::StrCat("lost the executor at ", address,
                                                 " while the guest ran: ", s.error_message()));
    }
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SessionRequest session;
    session.set_session_id(result.session_id);
    v1::SessionInfo info;
    if (stub->SessionStats(&context, session, &info).ok()) result.stats = info.stats();
  }
  return result;
}

}  // namespace dbt
