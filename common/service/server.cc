#include "common/service/server.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include <grpcpp/ext/health_check_service_server_builder_option.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/service/control_service.h"
#include "common/service/rpc_log_interceptor.h"
#include "common/service/unix_socket.h"

ABSL_FLAG(std::string, socket, "", "Unix socket path to listen on.");
ABSL_FLAG(std::string, listen, "",
          "TCP address to listen on (host:port), in addition to --socket.");
ABSL_FLAG(int, v, 0, "Log verbosity: 1 logs one line per RPC.");
ABSL_FLAG(int, exit_with_pid, 0,
          "Stop (as on SIGTERM) when the process with this pid ends (dbt run's private "
          "services: they are not its children, so PR_SET_PDEATHSIG cannot do it).");

namespace dbt {

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

namespace {

// SIGTERM to ourselves once `pid` has ended: RunServer's waiter takes it.
void ExitWithProcess(pid_t pid) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    kill(getpid(), SIGTERM);  // gone already
    return;
  }
  std::thread([pidfd] {
    pollfd p = {pidfd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0) {
    }
    kill(getpid(), SIGTERM);
  }).detach();
}

}  // namespace

bool ApplyCommonServiceFlags(const std::string& service_name, ServerConfig* config) {
  if (const int pid = absl::GetFlag(FLAGS_exit_with_pid); pid > 0) ExitWithProcess(pid);
  config->service_name = service_name;
  config->unix_socket = absl::GetFlag(FLAGS_socket);
  config->tcp_address = absl::GetFlag(FLAGS_listen);
  SetLogVerbosity(absl::GetFlag(FLAGS_v));
  SetLogTag(service_name);
  if (config->unix_socket.empty() && config->tcp_address.empty()) {
    fprintf(stderr, "dbt-%s: give --socket=PATH and/or --listen=HOST:PORT\n", service_name.c_str());
    return false;
  }
  return true;
}

int RunServer(const ServerConfig& config) {
  const std::string& name = config.service_name;
  if (!config.unix_socket.empty()) {
    if (absl::Status st = PrepareUnixSocketPath(config.unix_socket); !st.ok()) {
      fprintf(stderr, "dbt-%s: %s\n", name.c_str(), std::string(st.message()).c_str());
      return 1;
    }
  }

  grpc::EnableDefaultHealthCheckService(true);
  std::string primary_address =
      config.unix_socket.empty() ? config.tcp_address : "unix:" + config.unix_socket;
  ControlService control(name, primary_address);

  grpc::ServerBuilder builder;
  // Bulk messages (a batch of cache entries) may exceed gRPC's 4 MiB default.
  builder.SetMaxReceiveMessageSize(kMaxServiceMessageBytes);
  int tcp_port = 0;
  if (!config.unix_socket.empty()) {
    builder.AddListeningPort("unix:" + config.unix_socket, grpc::InsecureServerCredentials());
  }
  if (!config.tcp_address.empty()) {
    builder.AddListeningPort(config.tcp_address, grpc::InsecureServerCredentials(), &tcp_port);
  }
  builder.RegisterService(&control);
  for (const auto& [service_full_name, service] : config.services) {
    builder.RegisterService(service);
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeRpcLogInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    fprintf(stderr, "dbt-%s: cannot listen on %s%s%s\n", name.c_str(),
            config.unix_socket.empty() ? "" : ("unix:" + config.unix_socket).c_str(),
            (!config.unix_socket.empty() && !config.tcp_address.empty()) ? " and " : "",
            config.tcp_address.c_str());
    return 1;
  }
  if (!config.tcp_address.empty() && tcp_port == 0) {
    fprintf(stderr, "dbt-%s: cannot listen on %s\n", name.c_str(), config.tcp_address.c_str());
    server->Shutdown();
    if (!config.unix_socket.empty()) unlink(config.unix_socket.c_str());
    return 1;
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus("dbt.v1.Control", true);
  for (const auto& [service_full_name, service] : config.services) {
    health->SetServingStatus(service_full_name, true);
  }
  DBT_LOG(0) << "serving " << primary_address
             << (config.tcp_address.empty() || config.unix_socket.empty()
                     ? ""
                     : absl::StrCat(" and ", config.tcp_address))
             << " pid " << getpid();

  // SIGTERM/SIGINT are blocked in every thread (BlockTerminationSignals), so
  // sigwait here is the only receiver.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  DBT_LOG(0) << "received " << strsignal(sig) << ", shutting down";

  if (config.on_stop) config.on_stop();
  health->Shutdown();
  // In-flight RPCs get a short grace period; streams are then cancelled.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  if (!config.unix_socket.empty()) unlink(config.unix_socket.c_str());
  DBT_LOG(0) << "stopped";
  // Deliberately not destroyed: the process is about to exit, and the last
  // gRPC object's destructor runs grpc_shutdown, which after client streams
  // could wait ~10 s for an internal poller thread to time out (seen as a
  // 3 s stall of every `dbt run` that waited for its private cache service).
  (void)server.release();
  return 0;
}

}  // namespace dbt
