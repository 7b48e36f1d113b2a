// The dbt.v1.Executor gRPC API (proto/executor.proto): each StartGuest runs
// the guest in a session process of its own (this binary again, as
// `executor --session_fd=3 --stats_fd=4`, services/executor/session), which
// the service watches, streams the output of, kills and reports on.
#ifndef DBT_SERVICES_EXECUTOR_EXECUTOR_SERVICE_H_
#define DBT_SERVICES_EXECUTOR_EXECUTOR_SERVICE_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "proto/executor.grpc.pb.h"
#include "services/executor/service/session_table.h"
#include "services/executor/service/stdio_handoff.h"

namespace dbt {

struct ExecutorSettings {
  // Copied into every SessionConfig.
  std::string translator_data_socket;
  uint32_t translator_reconnect_ms = 10000;
  // The binary that runs sessions; it must dispatch on --session_fd/--stats_fd.
  std::string session_binary = "/proc/self/exe";
  // Where clients hand their stdio over (StartGuest.stdio_token); null: no
  // hand-offs. Not owned.
  executor::StdioHandoff* stdio_handoff = nullptr;
  // The fds this executor was started with (InheritableFds at startup): the
  // only ones StartGuest.inherit_fds may pass on to a guest.
  std::vector<int> inheritable_fds;
};

class ExecutorService final : public v1::Executor::Service {
 public:
  explicit ExecutorService(ExecutorSettings settings) : settings_(std::move(settings)) {}
  // Shutdown() if not done yet.
  ~ExecutorService() override;

  // Refuses new sessions, SIGKILLs every running one and waits until each is
  // reaped, so that no session outlives the service. Streams still open see
  // their sessions end (term_signal 9). Idempotent.
  void Shutdown();

  grpc::Status StartGuest(grpc::ServerContext* context, const v1::StartGuestRequest* request,
                          v1::StartGuestResponse* response) override;
  grpc::Status StreamOutput(grpc::ServerContext* context, const v1::SessionRequest* request,
                            grpc::ServerWriter<v1::OutputChunk>* writer) override;
  grpc::Status WriteStdin(grpc::ServerContext* context,
                          grpc::ServerReader<v1::StdinChunk>* reader,
                          v1::WriteStdinResponse* response) override;
  grpc::Status Kill(grpc::ServerContext* context, const v1::KillRequest* request,
                    v1::KillResponse* response) override;
  grpc::Status ListSessions(grpc::ServerContext* context, const v1::ListSessionsRequest* request,
                            v1::ListSessionsResponse* response) override;
  grpc::Status SessionStats(grpc::ServerContext* context, const v1::SessionRequest* request,
                            v1::SessionInfo* response) override;

 private:
  const ExecutorSettings settings_;
  // Held across a start, so that Shutdown sees every session started.
  std::mutex start_mu_;
  bool shutting_down_ = false;
  executor::SessionTable sessions_;
};

}  // namespace dbt

#endif  // DBT_SERVICES_EXECUTOR_EXECUTOR_SERVICE_H_
