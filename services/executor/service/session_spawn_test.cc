// SpawnSessionProcess with a probe in place of the session binary: the fds
// land at 0..4 whatever numbers they had in the parent (passed fds at their
// own numbers, the config above them), nothing else is inherited, the argv is the session-mode one, and the service's signal
// state (ignored SIGPIPE, blocked SIGTERM/SIGINT) does not reach the child.
#include "services/executor/service/session_spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

std::string ProbePath() {
  const char* srcdir = getenv("TEST_SRCDIR");
  return std::string(srcdir ? srcdir : ".") + "/dbt/services/executor/service/spawn_probe";
}

// A close-on-exec memfd holding `text`.
int FileWith(const std::string& text) {
  const int fd = memfd_create("probe", MFD_CLOEXEC);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  return fd;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SessionSpawnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/probe.out";
    setenv("PROBE_OUT", out_.c_str(), 1);
  }

  // Runs the probe and returns its report.
  std::string Run(const SessionProcessSpec& spec) {
    absl::StatusOr<pid_t> pid = SpawnSessionProcess(spec);
    EXPECT_TRUE(pid.ok()) << pid.status();
    if (!pid.ok()) return "";
    int status = 0;
    EXPECT_EQ(waitpid(*pid, &status, 0), *pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
    return ReadAll(out_);
  }

  std::string out_;
};

TEST_F(SessionSpawnTest, PlacesTheFdsAndPassesTheSessionArguments) {
  SessionProcessSpec spec;
  spec.binary = ProbePath();
  const int in = FileWith("in"), out = FileWith("out"), err = FileWith("err");
  spec.fds.stdio[0] = in;
  spec.fds.stdio[1] = out;
  spec.fds.stdio[2] = err;
  spec.fds.config = FileWith("config");
  spec.fds.stats = FileWith("stats");
  const std::string report = Run(spec);
  EXPECT_EQ(report.substr(0, report.find("ignored=")),
            "argv=executor --session_fd=3 --stats_fd=4\n"
            "fd0=in\nfd1=out\nfd2=err\nfd3=config\nfd4=stats\n"
            "above4=\n");
  for (int fd : {in, out, err, spec.fds.config, spec.fds.stats}) close(fd);
}

TEST_F(SessionSpawnTest, PassedFdsKeepTheirNumbersAndTheConfigGoesAbove) {
  // Two fds the guest gets at their own numbers, 5 and 9 (made there from
  // memfds), and nothing between them.
  const int five_src = FileWith("five"), nine_src = FileWith("nine");
  const int saved5 = fcntl(5, F_DUPFD_CLOEXEC, 100), saved9 = fcntl(9, F_DUPFD_CLOEXEC, 100);
  ASSERT_EQ(dup3(five_src, 5, O_CLOEXEC), 5);
  ASSERT_EQ(dup3(nine_src, 9, O_CLOEXEC), 9);
  SessionProcessSpec spec;
  spec.binary = ProbePath();
  const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  spec.fds.stdio[0] = spec.fds.stdio[1] = spec.fds.stdio[2] = null;
  spec.fds.passed = {{9, 9}, {5, 5}};
  spec.fds.config = FileWith("config");
  spec.fds.stats = FileWith("stats");
  EXPECT_EQ(ConfigFdNumber(spec.fds.passed), 10);
  const std::string report = Run(spec);
  EXPECT_NE(report.find("argv=executor --session_fd=10 --stats_fd=11\n"), std::string::npos)
      << report;
  EXPECT_NE(report.find("fd3=(closed)\nfd4=(closed)\nabove4= 5 9 10 11\n"
                        "fd5=five\nfd9=nine\nfd10=config\nfd11=stats\n"),
            std::string::npos)
      << report;
  for (int fd : {five_src, nine_src, null, spec.fds.config, spec.fds.stats}) close(fd);
  for (auto [saved, fd] : {std::pair{saved5, 5}, std::pair{saved9, 9}}) {
    if (saved >= 0) {
      dup2(saved, fd);
      close(saved);
    } else {
      close(fd);
    }
  }
}

TEST_F(SessionSpawnTest, RefusesFdsThatCannotBePassed) {
  SessionProcessSpec spec;
  spec.fds.config = 0;
  spec.fds.stats = 0;
  spec.fds.passed = {{5, 2}};
  EXPECT_TRUE(absl::IsInvalidArgument(SpawnSessionProcess(spec).status()));
  spec.fds.passed = {{5, kMaxPassedFdNumber}};
  EXPECT_TRUE(absl::IsInvalidArgument(SpawnSessionProcess(spec).status()));
  spec.fds.passed = {{5, 7}, {6, 7}};
  EXPECT_TRUE(absl::IsInvalidArgument(SpawnSessionProcess(spec).status()));
  spec.fds.passed.assign(kMaxPassedFds + 1, PassedFd{5, 5});
  EXPECT_TRUE(absl::IsInvalidArgument(SpawnSessionProcess(spec).status()));
}

TEST_F(SessionSpawnTest, SourcesAtEachOthersTargetNumbersLandRight) {
  // The config at fd 4 and the stats page at fd 3: moving one first must not
  // clobber the other. The test's own 3 and 4 are set aside meanwhile.
  const int saved3 = fcntl(3, F_DUPFD_CLOEXEC, 100);
  const int saved4 = fcntl(4, F_DUPFD_CLOEXEC, 100);
  // Made above 4 first: a free 3 or 4 would otherwise be handed out here.
  const int config_low = FileWith("config"), stats_low = FileWith("stats");
  const int config = fcntl(config_low, F_DUPFD_CLOEXEC, 100);
  const int stats = fcntl(stats_low, F_DUPFD_CLOEXEC, 100);
  close(config_low);
  close(stats_low);
  ASSERT_EQ(dup2(config, 4), 4);
  ASSERT_EQ(dup2(stats, 3), 3);
  SessionProcessSpec spec;
  spec.binary = ProbePath();
  const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  spec.fds.stdio[0] = spec.fds.stdio[1] = spec.fds.stdio[2] = null;
  spec.fds.config = 4;
  spec.fds.stats = 3;
  const std::string report = Run(spec);
  EXPECT_NE(report.find("fd3=config\nfd4=stats\n"), std::string::npos) << report;
  for (int fd : {config, stats, null}) close(fd);
  if (saved3 >= 0)
    dup2(saved3, 3), close(saved3);
  else
    close(3);
  if (saved4 >= 0)
    dup2(saved4, 4), close(saved4);
  else
    close(4);
}

TEST_F(SessionSpawnTest, InheritsNoOtherFdAndNoSignalState) {
  // What a service has: an inheritable fd, SIGPIPE ignored, SIGTERM/SIGINT
  // blocked in the thread that forks.
  const int leaky = open("/dev/null", O_RDONLY);  // no O_CLOEXEC
  ASSERT_GE(leaky, 0);
  struct sigaction ignore = {}, old_pipe = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe);
  sigset_t term, old_mask;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigaddset(&term, SIGINT);
  pthread_sigmask(SIG_BLOCK, &term, &old_mask);

  SessionProcessSpec spec;
  spec.binary = ProbePath();
  const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  spec.fds.stdio[0] = spec.fds.stdio[1] = spec.fds.stdio[2] = null;
  spec.fds.config = FileWith("config");
  spec.fds.stats = FileWith("stats");
  const std::string report = Run(spec);

  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &old_pipe, nullptr);
  EXPECT_NE(report.find("above4=\n"), std::string::npos) << report;
  EXPECT_NE(report.find("ignored=0\n"), std::string::npos) << report;
  EXPECT_NE(report.find("blocked=0\n"), std::string::npos) << report;
  for (int fd : {leaky, null, spec.fds.config, spec.fds.stats}) close(fd);
}

TEST_F(SessionSpawnTest, InheritedStdioStaysAndAFailedExecSaysWhy) {
  SessionProcessSpec spec;
  spec.binary = "/nonexistent/session-binary";
  spec.fds.config = FileWith("config");
  spec.fds.stats = FileWith("stats");
  // stdio -1: the child keeps ours; its complaint goes to our stderr, here a
  // file.
  const std::string err_path = out_ + ".err";
  const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int saved2 = fcntl(2, F_DUPFD_CLOEXEC, 100);
  dup2(err, 2);
  absl::StatusOr<pid_t> pid = SpawnSessionProcess(spec);
  dup2(saved2, 2);
  close(saved2);
  ASSERT_TRUE(pid.ok()) << pid.status();
  int status = 0;
  ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 127) << status;
  EXPECT_EQ(ReadAll(err_path), "dbt: session process: /nonexistent/session-binary: ENOENT\n");
  for (int fd : {err, spec.fds.config, spec.fds.stats}) close(fd);
}

TEST_F(SessionSpawnTest, RefusesASpecWithoutConfigOrStats) {
  SessionProcessSpec spec;
  spec.binary = ProbePath();
  EXPECT_EQ(SpawnSessionProcess(spec).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dbt::executor
