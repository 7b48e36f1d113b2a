// Each service binary, run as a real process on a real unix socket: health,
// Control.Status, RPC logging, clean shutdown, and clear start-up failures.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "common/service/client.h"
#include "common/version.h"
#include "gtest/gtest.h"
#include "tests/services/process_util.h"

namespace dbt {
namespace {

using ::dbt::testing::Child;
using ::dbt::testing::PathExists;
using ::dbt::testing::ReadFile;
using ::dbt::testing::Runfile;
using ::dbt::testing::Spawn;
using ::dbt::testing::TempDir;
using ::dbt::testing::WaitFor;
using std::chrono::seconds;

struct ServiceCase {
  std::string name;       // binary and Status().service()
  std::string grpc_name;  // the service's own API, registered with health
};

class ServiceProcessTest : public ::testing::TestWithParam<ServiceCase> {
 protected:
  std::string Binary() const { return Runfile("services/" + GetParam().name + "/" + GetParam().name); }

  // Starts the service on dir/NAME.sock and waits until it serves.
  Child StartServing(const std::string& socket, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {Binary(), "--socket=" + socket};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Child child = Spawn(argv, socket + ".out");
    absl::Status st = WaitForServing(socket, std::chrono::milliseconds(10000));
    EXPECT_TRUE(st.ok()) << st << "\n" << ReadFile(child.output_file);
    return child;
  }

  TempDir dir_;
};

TEST_P(ServiceProcessTest, AnswersHealthAndStatusThenStopsOnSigterm) {
  std::string socket = dir_.path() + "/s.sock";
  Child child = StartServing(socket);
  auto channel = ConnectTo(socket);

  absl::StatusOr<bool> whole = CheckHealth(*channel, "", seconds(5));
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_TRUE(*whole);
  absl::StatusOr<bool> api = CheckHealth(*channel, GetParam().grpc_name, seconds(5));
  ASSERT_TRUE(api.ok()) << api.status();
  EXPECT_TRUE(*api);
  absl::StatusOr<bool> unknown = CheckHealth(*channel, "no.such.Service", seconds(5));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<v1::ServiceStatus> status = QueryStatus(*channel, seconds(5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->service(), GetParam().name);
  EXPECT_EQ(status->pid(), child.pid);
  EXPECT_EQ(status->version(), kDbtVersion);
  EXPECT_EQ(status->listen_address(), "unix:" + socket);
  EXPECT_GE(status->uptime_ms(), 0);
  EXPECT_LT(status->uptime_ms(), 60000);

  ASSERT_EQ(kill(child.pid, SIGTERM), 0);
  int wait_status = WaitFor(child.pid, 10000);
  ASSERT_TRUE(WIFEXITED(wait_status)) << "wait status " << wait_status;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
  EXPECT_FALSE(PathExists(socket)) << "socket left behind";
}

TEST_P(ServiceProcessTest, SigintAlsoStopsCleanly) {
  std::string socket = dir_.path() + "/i.sock";
  Child child = StartServing(socket);
  ASSERT_EQ(kill(child.pid, SIGINT), 0);
  int wait_status = WaitFor(child.pid, 10000);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
  EXPECT_FALSE(PathExists(socket));
}

TEST_P(ServiceProcessTest, LogsOneLinePerRpcAtVerbosityOne) {
  std::string socket = dir_.path() + "/v.sock";
  Child child = StartServing(socket, {"--v=1"});
  auto channel = ConnectTo(socket);
  ASSERT_TRUE(QueryStatus(*channel, seconds(5)).ok());
  ASSERT_TRUE(QueryStatus(*channel, seconds(5)).ok());
  kill(child.pid, SIGTERM);
  WaitFor(child.pid, 10000);
  std::string log = ReadFile(child.output_file);
  size_t count = 0;
  for (size_t pos = 0; (pos = log.find("rpc /dbt.v1.Control/Status OK", pos)) != std::string::npos;
       ++pos) {
    ++count;
  }
  EXPECT_EQ(count, 2u) << log;
}

TEST_P(ServiceProcessTest, TakenSocketPathIsAClearError) {
  std::string socket = dir_.path() + "/taken.sock";
  Child first = StartServing(socket);
  Child second = Spawn({Binary(), "--socket=" + socket}, dir_.path() + "/second.out");
  int wait_status = WaitFor(second.pid, 10000);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_NE(WEXITSTATUS(wait_status), 0);
  EXPECT_NE(ReadFile(second.output_file).find("already in use"), std::string::npos)
      << ReadFile(second.output_file);
  // The first one is untouched.
  absl::StatusOr<v1::ServiceStatus> status = QueryStatus(*ConnectTo(socket), seconds(5));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->pid(), first.pid);
  kill(first.pid, SIGTERM);
  WaitFor(first.pid, 10000);
}

TEST_P(ServiceProcessTest, UnwritableDirectoryIsAClearError) {
  Child child = Spawn({Binary(), "--socket=/proc/dbt-test.sock"}, dir_.path() + "/out");
  int wait_status = WaitFor(child.pid, 10000);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_NE(WEXITSTATUS(wait_status), 0);
  EXPECT_NE(ReadFile(child.output_file).find("cannot create a socket in /proc"), std::string::npos)
      << ReadFile(child.output_file);
}

TEST_P(ServiceProcessTest, MissingDirectoryIsAClearError) {
  Child child = Spawn({Binary(), "--socket=" + dir_.path() + "/none/x.sock"}, dir_.path() + "/out");
  int wait_status = WaitFor(child.pid, 10000);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_NE(WEXITSTATUS(wait_status), 0);
  EXPECT_NE(ReadFile(child.output_file).find("not usable"), std::string::npos)
      << ReadFile(child.output_file);
}

TEST_P(ServiceProcessTest, NoAddressIsAUsageError) {
  Child child = Spawn({Binary()}, dir_.path() + "/out");
  int wait_status = WaitFor(child.pid, 10000);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), 2);
  EXPECT_NE(ReadFile(child.output_file).find("--socket"), std::string::npos);
}

// Picks a loopback port that is free right now.
int FreeTcpPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_P(ServiceProcessTest, ServesTcpWhenAsked) {
  std::string socket = dir_.path() + "/t.sock";
  std::string tcp = "127.0.0.1:" + std::to_string(FreeTcpPort());
  Child child = StartServing(socket, {"--listen=" + tcp});
  absl::StatusOr<v1::ServiceStatus> status = QueryStatus(*ConnectTo(tcp), seconds(5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->pid(), child.pid);
  kill(child.pid, SIGTERM);
  int wait_status = WaitFor(child.pid, 10000);
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
}

INSTANTIATE_TEST_SUITE_P(AllServices, ServiceProcessTest,
                         ::testing::Values(ServiceCase{"translator", "dbt.v1.Translator"},
                                           ServiceCase{"executor", "dbt.v1.Executor"},
                                           ServiceCase{"cache", "dbt.v1.Cache"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dbt
