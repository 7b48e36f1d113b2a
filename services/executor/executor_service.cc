#include "services/executor/executor_service.h"

#include <algorithm>

#include <signal.h>

#include <chrono>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/service/grpc_status.h"
#include "services/executor/service/session_spawn.h"

namespace dbt {
namespace {

using executor::OutputBuffer;
using executor::SessionProcess;

// How often a waiting stream checks whether its client went away.
constexpr std::chrono::milliseconds kCancelPoll(100);

grpc::Status UnknownSession(const std::string& id) {
  return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no session '", id, "'"));
}

}  // namespace

ExecutorService::~ExecutorService() { Shutdown(); }

void ExecutorService::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(start_mu_);
    shutting_down_ = true;
  }
  std::vector<std::shared_ptr<SessionProcess>> all = sessions_.All();
  for (const auto& session : all) session->Kill(SIGKILL).IgnoreError();
  for (const auto& session : all) {
    session->WaitEnded();
    session->StopWatching();
  }
}

grpc::Status ExecutorService::StartGuest(grpc::ServerContext* context,
                                         const v1::StartGuestRequest* request,
                                         v1::StartGuestResponse* response) {
  if (request->program().empty())
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no program");
  if (request->inherit_stdio() + request->stream_output() + !request->stdio_token().empty() > 1) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "inherit_stdio, stream_output and stdio_token exclude each other");
  }
  if (request->stream_stdin() && !request->stream_output()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "stream_stdin needs stream_output");
  }
  if (request->inherit_fds_size() > 0) {
    if (!request->inherit_stdio()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "inherit_fds needs inherit_stdio");
    }
    if (static_cast<size_t>(request->inherit_fds_size()) > executor::kMaxPassedFds) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("more than ", executor::kMaxPassedFds, " inherit_fds"));
    }
    for (int fd : request->inherit_fds()) {
      // Never one of the service's own fds (sockets, sessions' pipes).
      if (std::find(settings_.inheritable_fds.begin(), settings_.inheritable_fds.end(), fd) ==
          settings_.inheritable_fds.end()) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            absl::StrCat("fd ", fd, " was not inherited by this executor"));
      }
    }
  }
  executor::StdioHandoff::Fds handed_over;
  std::array<int, 3> stdio_fds = {-1, -1, -1};
  std::vector<executor::PassedFd> more_fds;
  if (!request->stdio_token().empty()) {
    if (settings_.stdio_handoff == nullptr) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "this executor takes no stdio hand-offs (no stdio socket)");
    }
    absl::StatusOr<executor::StdioHandoff::Fds> fds =
        settings_.stdio_handoff->Take(request->stdio_token());
    if (!fds.ok()) return ToGrpc(fds.status());
    handed_over = *std::move(fds);
    for (int i = 0; i < 3; ++i) stdio_fds[i] = handed_over.stdio[i].get();
    for (const auto& [number, fd] : handed_over.more) more_fds.push_back({fd.get(), number});
  }
  std::lock_guard<std::mutex> lock(start_mu_);
  if (shutting_down_)
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the executor is shutting down");
  v1::SessionConfig config;
  config.set_session_id(sessions_.NewId());
  *config.mutable_request() = *request;
  config.set_translator_data_socket(settings_.translator_data_socket);
  config.set_translator_reconnect_ms(settings_.translator_reconnect_ms);
  absl::StatusOr<std::shared_ptr<SessionProcess>> session = SessionProcess::Start(
      config, settings_.session_binary, request->stdio_token().empty() ? nullptr : &stdio_fds,
      more_fds);
  if (!session.ok()) return ToGrpc(session.status());
  sessions_.Add(*session);
  if (!(*session)->start_error().ok()) return ToGrpc((*session)->start_error());
  response->set_session_id(config.session_id());
  return grpc::Status::OK;
}

grpc::Status ExecutorService::StreamOutput(grpc::ServerContext* context,
                                           const v1::SessionRequest* request,
                                           grpc::ServerWriter<v1::OutputChunk>* writer) {
  std::shared_ptr<SessionProcess> session = sessions_.Find(request->session_id());
  if (session == nullptr) return UnknownSession(request->session_id());
  OutputBuffer::Cursor cursor = 0;
  while (!context->IsCancelled()) {
    OutputBuffer::Batch batch = session->output().Next(&cursor, kCancelPoll);
    for (const OutputBuffer::Chunk& chunk : batch.chunks) {
      v1::OutputChunk message;
      message.set_stream(chunk.stream);
      message.set_data(*chunk.data);
      if (!writer->Write(message))
        return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
    }
    if (batch.finished) {
      v1::OutputChunk last;
      last.set_exited(true);
      last.set_exit_status(batch.exit.exit_status);
      last.set_term_signal(batch.exit.term_signal);
      writer->Write(last);
      return grpc::Status::OK;
    }
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
}

grpc::Status ExecutorService::WriteStdin(grpc::ServerContext* context,
                                         grpc::ServerReader<v1::StdinChunk>* reader,
                                         v1::WriteStdinResponse* response) {
  v1::StdinChunk chunk;
  if (!reader->Read(&chunk)) return grpc::Status::OK;  // nothing sent
  std::shared_ptr<SessionProcess> session = sessions_.Find(chunk.session_id());
  if (session == nullptr) return UnknownSession(chunk.session_id());
  executor::StdinFeed* feed = session->stdin_feed();
  if (feed == nullptr) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("session ", chunk.session_id(),
                                     " was not started with stream_stdin"));
  }
  auto give_up = [&] { return context->IsCancelled() || session->ended(); };
  uint64_t written = 0;
  do {
    if (absl::Status s = feed->Write(chunk.data(), give_up); !s.ok()) {
      response->set_bytes_written(written);
      return ToGrpc(s);
    }
    written += chunk.data().size();
    if (chunk.eof()) break;
  } while (reader->Read(&chunk));
  // eof, or the client ended its stream: no more input.
  feed->Close();
  response->set_bytes_written(written);
  return grpc::Status::OK;
}

grpc::Status ExecutorService::Kill(grpc::ServerContext* context, const v1::KillRequest* request,
                                   v1::KillResponse* response) {
  if (request->signal() < 0 || request->signal() >= NSIG) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("no signal ", request->signal()));
  }
  std::shared_ptr<SessionProcess> session = sessions_.Find(request->session_id());
  if (session == nullptr) return UnknownSession(request->session_id());
  return ToGrpc(session->Kill(request->signal() == 0 ? SIGKILL : request->signal()));
}

grpc::Status ExecutorService::ListSessions(grpc::ServerContext* context,
                                           const v1::ListSessionsRequest* request,
                                           v1::ListSessionsResponse* response) {
  for (const auto& session : sessions_.All()) *response->add_sessions() = session->Info();
  return grpc::Status::OK;
}

grpc::Status ExecutorService::SessionStats(grpc::ServerContext* context,
                                           const v1::SessionRequest* request,
                                           v1::SessionInfo* response) {
  std::shared_ptr<SessionProcess> session = sessions_.Find(request->session_id());
  if (session == nullptr) return UnknownSession(request->session_id());
  *response = session->Info();
  return grpc::Status::OK;
}

}  // namespace dbt
