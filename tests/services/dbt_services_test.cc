// `dbt services up`, `status`, `down` as a user runs them: real processes,
// real sockets; nothing may be left behind.
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Whether process pid has an fd open on the inode of our fd `fd`.
bool HoldsOurFd(int pid, int fd) {
  struct stat ours;
  if (fstat(fd, &ours) != 0) return false;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return false;
  bool found = false;
  while (dirent* e = readdir(d)) {
    struct stat theirs;
    if (e->d_name[0] != '.' && stat((dir + "/" + e->d_name).c_str(), &theirs) == 0 &&
        theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) {
      found = true;
    }
  }
  closedir(d);
  return found;
}

// Long-running services must not keep their starter's pipes and files open
// (a reader waiting for EOF on a pipe handed to `dbt services up` would wait
// for as long as they run).
TEST(DbtServicesTest, ServicesHoldNoneOfTheirStartersFds) {
  TempDir dir;
  std::string dbt = Runfile("clients/dbt");
  std::string dir_flag = "--dir=" + dir.path();
  int p[2];
  ASSERT_EQ(pipe(p), 0);  // inheritable: dbt, and what it starts, get both ends
  RunResult up = RunProcess({dbt, "services", "up", dir_flag});
  ASSERT_EQ(ExitCode(up), 0) << up.output;
  for (const char* name : kNames) {
    const int pid = std::stoi(ReadFile(dir.path() + "/" + name + ".pid"));
    EXPECT_FALSE(HoldsOurFd(pid, p[1])) << name << " holds the starter's pipe";
  }
  close(p[1]);
  // So the read end sees EOF at once although the services still run.
  char c;
  EXPECT_EQ(read(p[0], &c, 1), 0);
  close(p[0]);
  RunResult down = RunProcess({dbt, "services", "down", dir_flag});
  EXPECT_EQ(ExitCode(down), 0) << down.output;
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
