// A test fixture that runs the executor service binary on a unix socket in a
// short /tmp directory, with helpers to start the test guest
// (session_guest.c) and read a session's output stream.
#ifndef DBT_TESTS_EXECUTOR_SERVICE_EXECUTOR_FIXTURE_H_
#define DBT_TESTS_EXECUTOR_SERVICE_EXECUTOR_FIXTURE_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"
#include "proto/executor.grpc.pb.h"
#include "tests/services/process_util.h"

namespace dbt::testing {

// Absolute paths of the binaries under test.
std::string GuestPath();     // tests/executor_service/riscv64/session_guest
std::string ExecutorPath();  // services/executor/executor

// Everything one StreamOutput call delivered.
struct StreamedOutput {
  std::string out;  // STDOUT chunks, concatenated
  std::string err;  // STDERR chunks, concatenated
  int chunks = 0;
  bool exited = false;  // the last chunk said so
  int exit_status = -1;
  int term_signal = -1;
  int chunks_after_exit = 0;      // must stay 0
  int chunks_without_stream = 0;  // data chunks with no stream: must stay 0
  grpc::Status status;            // of the finished call
};

// One open StreamOutput call, read incrementally.
class OutputStream {
 public:
  OutputStream(v1::Executor::Stub& stub, const std::string& session_id,
               std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Reads until `text` is part of stdout; false at the end of the stream.
  bool ReadUntilStdout(const std::string& text);
  // Reads to the end and finishes the call.
  const StreamedOutput& ReadToEnd();
  const StreamedOutput& output() const { return output_; }
  void Cancel() { context_.TryCancel(); }

 private:
  bool ReadOne();
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::OutputChunk>> reader_;
  StreamedOutput output_;
  bool done_ = false;
};

class ExecutorFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  // SIGTERM, then the service must exit 0.
  void TearDown() override;

  // The test guest with `args` (args[0] is the mode), translated in the
  // session process, output streamed.
  static v1::StartGuestRequest GuestRequest(const std::vector<std::string>& args);
  // StartGuest that must succeed; "" (and a test failure) otherwise.
  std::string StartGuest(const v1::StartGuestRequest& request);
  grpc::Status TryStartGuest(const v1::StartGuestRequest& request, std::string* id);
  StreamedOutput Collect(const std::string& id);
  grpc::Status Kill(const std::string& id, int signal);
  grpc::Status SessionStats(const std::string& id, v1::SessionInfo* info);
  std::vector<v1::SessionInfo> ListSessions();
  // Polls SessionStats until the session is no longer RUNNING.
  v1::SessionInfo WaitUntilEnded(const std::string& id);

  const std::string& socket() const { return socket_; }
  const std::string& dir() const { return dir_.path(); }
  pid_t service_pid() const { return service_.pid; }
  // What the service printed (its stdout and stderr).
  std::string ServiceOutput() const { return ReadFile(service_.output_file); }
  // Sends SIGTERM and waits; returns the wait status.
  int StopService();

  TempDir dir_;
  std::string socket_;
  Child service_;
  bool stopped_ = false;
  std::unique_ptr<v1::Executor::Stub> stub_;
};

}  // namespace dbt::testing

#endif  // DBT_TESTS_EXECUTOR_SERVICE_EXECUTOR_FIXTURE_H_
