// `dbt services up`, `status`, `down` as a user runs them: real processes,
// real sockets; nothing may be left behind.
#include <sys/wait.h>

#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/process_util.h"

namespace dbt {
namespace {

using ::dbt::testing::PathExists;
using ::dbt::testing::ProcessAlive;
using ::dbt::testing::ReadFile;
using ::dbt::testing::RunProcess;
using ::dbt::testing::RunResult;
using ::dbt::testing::Runfile;
using ::dbt::testing::TempDir;

const char* kNames[] = {"translator", "executor", "cache"};

int ExitCode(const RunResult& r) { return WIFEXITED(r.wait_status) ? WEXITSTATUS(r.wait_status) : -1; }

TEST(DbtServicesTest, UpStatusDownLeavesNothingBehind) {
  TempDir dir;
  std::string dbt = Runfile("clients/dbt");
  std::string dir_flag = "--dir=" + dir.path();

  RunResult up = RunProcess({dbt, "services", "up", dir_flag});
  ASSERT_EQ(ExitCode(up), 0) << up.output;

  std::vector<int> pids;
  for (const char* name : kNames) {
    std::string pid_text = ReadFile(dir.path() + "/" + name + ".pid");
    ASSERT_FALSE(pid_text.empty()) << name;
    int pid = std::stoi(pid_text);
    EXPECT_TRUE(ProcessAlive(pid)) << name;
    EXPECT_TRUE(PathExists(dir.path() + "/" + name + ".sock")) << name;
    pids.push_back(pid);
  }

  RunResult status = RunProcess({dbt, "services", "status", dir_flag});
  EXPECT_EQ(ExitCode(status), 0) << status.output;
  for (size_t i = 0; i < 3; ++i) {
    std::regex line(std::string(kNames[i]) + R"(\s+SERVING\s+)" + std::to_string(pids[i]) +
                    R"(\s+[0-9.]+s\s+\S+\s+unix:)");
    EXPECT_TRUE(std::regex_search(status.output, line)) << status.output;
  }

  // A second `up` finds them running and starts nothing new.
  RunResult again = RunProcess({dbt, "services", "up", dir_flag});
  EXPECT_EQ(ExitCode(again), 0);
  EXPECT_NE(again.output.find("already running"), std::string::npos) << again.output;

  RunResult down = RunProcess({dbt, "services", "down", dir_flag});
  EXPECT_EQ(ExitCode(down), 0) << down.output;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(ProcessAlive(pids[i])) << kNames[i] << " still running";
    EXPECT_FALSE(PathExists(dir.path() + "/" + kNames[i] + ".sock")) << kNames[i];
    EXPECT_FALSE(PathExists(dir.path() + "/" + kNames[i] + ".pid")) << kNames[i];
  }

  // With everything down, status reports it and fails.
  RunResult after = RunProcess({dbt, "services", "status", dir_flag});
  EXPECT_EQ(ExitCode(after), 1);
  EXPECT_NE(after.output.find("DOWN"), std::string::npos) << after.output;
}

TEST(DbtServicesTest, DbtctlReportsAServiceStatus) {
  TempDir dir;
  std::string dbt = Runfile("clients/dbt");
  std::string dir_flag = "--dir=" + dir.path();
  ASSERT_EQ(ExitCode(RunProcess({dbt, "services", "up", dir_flag})), 0);
  int pid = std::stoi(ReadFile(dir.path() + "/cache.pid"));
  RunResult ctl =
      RunProcess({Runfile("clients/dbtctl"), "--connect=unix:" + dir.path() + "/cache.sock", "status"});
  EXPECT_EQ(ExitCode(ctl), 0) << ctl.output;
  EXPECT_NE(ctl.output.find("service:        cache"), std::string::npos) << ctl.output;
  EXPECT_NE(ctl.output.find("pid:            " + std::to_string(pid)), std::string::npos);
  EXPECT_EQ(ExitCode(RunProcess({dbt, "services", "down", dir_flag})), 0);

  // Once it is down, dbtctl says so and fails.
  RunResult gone =
      RunProcess({Runfile("clients/dbtctl"), "--connect=" + dir.path() + "/cache.sock", "status"});
  EXPECT_NE(ExitCode(gone), 0);
}

TEST(DbtServicesTest, UnknownActionIsAUsageError) {
  RunResult r = RunProcess({Runfile("clients/dbt"), "services", "sideways"});
  EXPECT_EQ(ExitCode(r), 2);
  EXPECT_NE(r.output.find("usage"), std::string::npos);
}

}  // namespace
}  // namespace dbt
