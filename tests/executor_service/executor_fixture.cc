#include "tests/executor_service/executor_fixture.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <thread>

#include "common/service/client.h"

namespace dbt::testing {
namespace {

std::string Absolute(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string out = real;
  free(real);
  return out;
}

std::chrono::system_clock::time_point In(std::chrono::milliseconds timeout) {
  return std::chrono::system_clock::now() + timeout;
}

constexpr std::chrono::seconds kRpcTimeout(20);

}  // namespace

std::string GuestPath() {
  return Absolute(Runfile("tests/executor_service/riscv64/session_guest"));
}
std::string ExecutorPath() { return Absolute(Runfile("services/executor/executor")); }

OutputStream::OutputStream(v1::Executor::Stub& stub, const std::string& session_id,
                           std::chrono::milliseconds timeout) {
  context_.set_deadline(In(timeout));
  v1::SessionRequest request;
  request.set_session_id(session_id);
  reader_ = stub.StreamOutput(&context_, request);
}

bool OutputStream::ReadOne() {
  if (done_) return false;
  v1::OutputChunk chunk;
  if (!reader_->Read(&chunk)) {
    done_ = true;
    output_.status = reader_->Finish();
    return false;
  }
  ++output_.chunks;
  if (output_.exited) ++output_.chunks_after_exit;
  if (chunk.exited()) {
    output_.exited = true;
    output_.exit_status = chunk.exit_status();
    output_.term_signal = chunk.term_signal();
  }
  if (chunk.stream() == v1::OutputChunk::STDOUT) {
    output_.out += chunk.data();
  } else if (chunk.stream() == v1::OutputChunk::STDERR) {
    output_.err += chunk.data();
  } else if (!chunk.data().empty()) {
    ++output_.chunks_without_stream;
  }
  return true;
}

bool OutputStream::ReadUntilStdout(const std::string& text) {
  while (output_.out.find(text) == std::string::npos) {
    if (!ReadOne()) return false;
  }
  return true;
}

const StreamedOutput& OutputStream::ReadToEnd() {
  while (ReadOne()) {
  }
  return output_;
}

void ExecutorFixture::SetUp() {
  socket_ = dir_.path() + "/executor.sock";
  service_ = Spawn({ExecutorPath(), "--socket=" + socket_}, dir_.path() + "/executor.out");
  absl::Status st = WaitForServing(socket_, std::chrono::seconds(20));
  ASSERT_TRUE(st.ok()) << st << "\n" << ServiceOutput();
  stub_ = v1::Executor::NewStub(ConnectTo(socket_));
}

int ExecutorFixture::StopService() {
  stopped_ = true;
  // An open channel holds the server's shutdown to its 2 s grace period.
  stub_.reset();
  kill(service_.pid, SIGTERM);
  return WaitFor(service_.pid, 20000);
}

void ExecutorFixture::TearDown() {
  if (stopped_ || service_.pid <= 0) return;
  const int status = StopService();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status << "\n"
                                                             << ServiceOutput();
}

v1::StartGuestRequest ExecutorFixture::GuestRequest(const std::vector<std::string>& args) {
  v1::StartGuestRequest request;
  request.set_program(GuestPath());
  for (const std::string& a : args) request.add_args(a);
  request.set_stream_output(true);
  request.mutable_options()->set_local_translator(true);
  return request;
}

grpc::Status ExecutorFixture::TryStartGuest(const v1::StartGuestRequest& request, std::string* id) {
  grpc::ClientContext context;
  context.set_deadline(In(kRpcTimeout));
  v1::StartGuestResponse response;
  grpc::Status status = stub_->StartGuest(&context, request, &response);
  *id = response.session_id();
  return status;
}

std::string ExecutorFixture::StartGuest(const v1::StartGuestRequest& request) {
  std::string id;
  grpc::Status status = TryStartGuest(request, &id);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(id.empty());
  return id;
}

StreamedOutput ExecutorFixture::Collect(const std::string& id) {
  OutputStream stream(*stub_, id);
  return stream.ReadToEnd();
}

grpc::Status ExecutorFixture::Kill(const std::string& id, int signal) {
  grpc::ClientContext context;
  context.set_deadline(In(kRpcTimeout));
  v1::KillRequest request;
  request.set_session_id(id);
  request.set_signal(signal);
  v1::KillResponse response;
  return stub_->Kill(&context, request, &response);
}

grpc::Status ExecutorFixture::SessionStats(const std::string& id, v1::SessionInfo* info) {
  grpc::ClientContext context;
  context.set_deadline(In(kRpcTimeout));
  v1::SessionRequest request;
  request.set_session_id(id);
  return stub_->SessionStats(&context, request, info);
}

std::vector<v1::SessionInfo> ExecutorFixture::ListSessions() {
  grpc::ClientContext context;
  context.set_deadline(In(kRpcTimeout));
  v1::ListSessionsResponse response;
  grpc::Status status = stub_->ListSessions(&context, v1::ListSessionsRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.sessions().begin(), response.sessions().end()};
}

v1::SessionInfo ExecutorFixture::WaitUntilEnded(const std::string& id) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  v1::SessionInfo info;
  while (std::chrono::steady_clock::now() < give_up) {
    grpc::Status status = SessionStats(id, &info);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok() || info.state() != v1::SessionInfo::RUNNING) return info;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "session " << id << " still running after 60 s";
  return info;
}

}  // namespace dbt::testing
