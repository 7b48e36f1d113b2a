// dbtctl's session and translator commands against real services: the
// executor of ExecutorFixture (its socket is DIR/executor.sock, the layout of
// `dbt services up --dir DIR`) and, for flush/translator-stats, a translator.
#include <signal.h>
#include <sys/wait.h>

#include <regex>
#include <string>
#include <vector>

#include "common/service/client.h"
#include "gtest/gtest.h"
#include "tests/executor_service/executor_fixture.h"

namespace dbt::testing {
namespace {

using v1::SessionInfo;

int ExitCode(const RunResult& r) {
  return WIFEXITED(r.wait_status) ? WEXITSTATUS(r.wait_status) : -1;
}

size_t Lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

class DbtctlTest : public ExecutorFixture {
 protected:
  RunResult Dbtctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {Runfile("clients/dbtctl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }
};

TEST_F(DbtctlTest, SessionsListsEachSessionWithItsStateAndPid) {
  const std::string running = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, running);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
  const std::string ended = StartGuest(GuestRequest({"exit", "3"}));
  Collect(ended);
  SessionInfo running_info, ended_info;
  ASSERT_TRUE(SessionStats(running, &running_info).ok());
  ASSERT_TRUE(SessionStats(ended, &ended_info).ok());

  RunResult r = Dbtctl({"--connect=" + socket(), "sessions"});
  ASSERT_EQ(ExitCode(r), 0) << r.output;
  EXPECT_EQ(Lines(r.output), 3u) << r.output;
  EXPECT_TRUE(
      std::regex_search(r.output, std::regex(R"(^ID\s+STATE\s+PID\s+PROGRAM\s+TBS\s+WALL\n)")))
      << r.output;
  const std::string program = GuestPath();
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex(running + R"(\s+RUNNING\s+)" + std::to_string(running_info.guest_pid()) +
                           R"(\s+)" + program + R"(\s+\d+\s+\d+\.\d\ds\n)")))
      << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output,
      std::regex(ended + R"(\s+EXITED\s+)" + std::to_string(ended_info.guest_pid()) + R"(\s+)" +
                 program + R"(\s+)" + std::to_string(ended_info.stats().tbs_translated()) +
                 R"(\s+\d+\.\d\ds\n)")))
      << r.output;
  ASSERT_TRUE(Kill(running, SIGKILL).ok());
}

TEST_F(DbtctlTest, SessionsOfAnIdleExecutorIsTheHeaderAlone) {
  RunResult r = Dbtctl({"--dir=" + dir(), "sessions"});
  ASSERT_EQ(ExitCode(r), 0) << r.output;
  EXPECT_EQ(Lines(r.output), 1u) << r.output;
}

TEST_F(DbtctlTest, StatsPrintsEveryGuestStatsField) {
  const std::string id = StartGuest(GuestRequest({"streams"}));
  Collect(id);
  SessionInfo info = WaitUntilEnded(id);

  RunResult r = Dbtctl({"--dir", dir(), "stats", id});
  ASSERT_EQ(ExitCode(r), 0) << r.output;
  EXPECT_NE(r.output.find("session_id:"), std::string::npos) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"((^|\n)state:\s+EXITED\n)"))) << r.output;
  // The fields of GuestStats in proto/common.proto.
  for (const char* field : {"tbs_translated", "guest_insns_translated", "host_bytes_emitted",
                            "chain_links", "tb_lookups", "tb_flushes", "translate_ns", "wall_ns",
                            "cache_hits", "cache_misses", "tb_invalidations"}) {
    EXPECT_TRUE(
        std::regex_search(r.output, std::regex(std::string("(^|\n)") + field + R"(:\s+\d+\n)")))
        << field << " missing in\n"
        << r.output;
  }
  EXPECT_TRUE(
      std::regex_search(r.output, std::regex(R"((^|\n)tbs_translated:\s+)" +
                                             std::to_string(info.stats().tbs_translated()) + "\n")))
      << r.output;
}

TEST_F(DbtctlTest, KillSendsTheSignalAndFailsOnceTheSessionEnded) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));

  RunResult r = Dbtctl({"--dir=" + dir(), "kill", id, "--signal=15"});
  EXPECT_EQ(ExitCode(r), 0) << r.output;
  const StreamedOutput& o = stream.ReadToEnd();
  EXPECT_EQ(o.term_signal, SIGTERM);
  EXPECT_EQ(WaitUntilEnded(id).state(), SessionInfo::KILLED);

  RunResult again = Dbtctl({"--connect=unix:" + socket(), "kill", id});
  EXPECT_EQ(ExitCode(again), 1) << again.output;
  EXPECT_EQ(Lines(again.output), 1u) << again.output;
  EXPECT_EQ(again.output.rfind("dbtctl: ", 0), 0u) << again.output;
}

TEST_F(DbtctlTest, KillWithoutASignalSendsSigkill) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
  RunResult r = Dbtctl({"--dir=" + dir(), "kill", id});
  EXPECT_EQ(ExitCode(r), 0) << r.output;
  EXPECT_EQ(stream.ReadToEnd().term_signal, SIGKILL);
}

TEST_F(DbtctlTest, UnknownSessionIsAOneLineError) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"stats", "s42"}, {"kill", "s42"}}) {
    std::vector<std::string> full = {"--dir=" + dir()};
    full.insert(full.end(), args.begin(), args.end());
    RunResult r = Dbtctl(full);
    EXPECT_EQ(ExitCode(r), 1) << r.output;
    EXPECT_EQ(Lines(r.output), 1u) << r.output;
    EXPECT_NE(r.output.find("s42"), std::string::npos) << r.output;
  }
}

TEST_F(DbtctlTest, UsageErrorsExit2) {
  const std::string connect = "--connect=" + socket();
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {connect},                                 // no command
           {connect, "frobnicate"},                   // unknown command
           {connect, "kill"},                         // kill needs a session
           {connect, "stats", "s1", "s2"},            // one session only
           {connect, "sessions", "--signal=9"},       // --signal is kill's
           {connect, "kill", "s1", "--signal=zero"},  // not a number
           {connect, "kill", "s1", "--signal=65"},    // out of range
           {connect, "--dir=" + dir(), "sessions"},   // both addresses
           {"sessions"},                              // no address
           {"--dir=" + dir(), "status"},              // status needs --connect
           {connect, "--bogus", "sessions"},          // unknown flag
       }) {
    RunResult r = Dbtctl(args);
    EXPECT_EQ(ExitCode(r), 2) << args.back() << ": " << r.output;
  }
}

TEST_F(DbtctlTest, MissingServiceSocketIsAOneLineError) {
  for (const char* command : {"sessions", "translator-stats", "flush"}) {
    RunResult r = Dbtctl({"--dir=" + dir() + "/elsewhere", command});
    EXPECT_EQ(ExitCode(r), 1) << command << ": " << r.output;
    EXPECT_EQ(Lines(r.output), 1u) << r.output;
    EXPECT_NE(r.output.find("no such socket"), std::string::npos) << r.output;
  }
}

TEST_F(DbtctlTest, TranslatorStatsAndFlushTalkToTheTranslator) {
  const std::string socket = dir() + "/translator.sock";
  Child translator = Spawn({Runfile("services/translator/translator"), "--socket=" + socket,
                            "--data_socket=" + dir() + "/translator.data"},
                           dir() + "/translator.out");
  absl::Status serving = WaitForServing(socket, std::chrono::seconds(20));
  ASSERT_TRUE(serving.ok()) << serving << ReadFile(translator.output_file);

  RunResult stats = Dbtctl({"--dir=" + dir(), "translator-stats"});
  EXPECT_EQ(ExitCode(stats), 0) << stats.output;
  // The fields of TranslatorStats in proto/translator.proto; nothing attached yet.
  for (const char* field :
       {"requests", "tbs_translated", "host_bytes_emitted", "latency_p50_ns", "latency_p99_ns",
        "sessions", "requests_rejected", "sessions_total", "flushes"}) {
    EXPECT_TRUE(
        std::regex_search(stats.output, std::regex(std::string("(^|\n)") + field + R"(:\s+0\n)")))
        << field << " missing in\n"
        << stats.output;
  }
  EXPECT_NE(stats.output.find(dir() + "/translator.data"), std::string::npos) << stats.output;

  RunResult flush = Dbtctl({"--connect=" + socket, "flush"});
  EXPECT_EQ(ExitCode(flush), 0) << flush.output;
  EXPECT_TRUE(std::regex_search(flush.output, std::regex(R"(^sessions_flushed:\s+0\n$)")))
      << flush.output;

  kill(translator.pid, SIGTERM);
  WaitFor(translator.pid, 20000);
}

}  // namespace
}  // namespace dbt::testing
