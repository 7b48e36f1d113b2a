#include "common/service/client.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/service/unix_socket.h"
#include "proto/common.grpc.pb.h"
#include "proto/grpc/health/v1/health.grpc.pb.h"

namespace dbt {
namespace {

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

std::chrono::system_clock::time_point DeadlineIn(std::chrono::milliseconds timeout) {
  return std::chrono::system_clock::now() + timeout;
}

}  // namespace

std::string ToGrpcTarget(const std::string& address) {
  if (absl::StartsWith(address, "/")) return "unix:" + address;
  return address;
}

std::shared_ptr<grpc::Channel> ConnectTo(const std::string& address) {
  // Local services come and go within milliseconds; gRPC's default reconnect
  // backoff (1 s, growing) would make every start-up wait look like seconds.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(ToGrpcTarget(address), grpc::InsecureChannelCredentials(),
                                   args);
}

absl::StatusOr<bool> CheckHealth(grpc::Channel& channel, const std::string& service,
                                 std::chrono::milliseconds timeout) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

absl::StatusOr<v1::ServiceStatus> QueryStatus(grpc::Channel& channel,
                                              std::chrono::milliseconds timeout) {
  auto stub =
      v1::Control::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(timeout));
  v1::ServiceStatus response;
  grpc::Status status = stub->Status(&context, v1::StatusRequest(), &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::Status WaitForServing(const std::string& address, std::chrono::milliseconds timeout) {
  auto give_up = std::chrono::steady_clock::now() + timeout;
  // A channel created before its unix socket exists sits in reconnect
  // backoff for seconds; wait for the socket to accept connections first.
  std::string target = ToGrpcTarget(address);
  if (absl::StartsWith(target, "unix:")) {
    std::string path = target.substr(5);
    while (!UnixSocketIsLive(path) && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  auto channel = ConnectTo(address);
  absl::Status last = absl::DeadlineExceededError("no answer");
  while (std::chrono::steady_clock::now() < give_up) {
    absl::StatusOr<bool> serving = CheckHealth(*channel, "", std::chrono::milliseconds(500));
    if (serving.ok() && *serving) return absl::OkStatus();
    last = serving.ok() ? absl::UnavailableError("NOT_SERVING") : serving.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(address, " did not become healthy: ", last.message()));
}

}  // namespace dbt
