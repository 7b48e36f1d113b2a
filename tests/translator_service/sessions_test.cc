// Sessions as processes: a killed executor's session goes away while others
// keep translating; sessions in parallel from several threads; the Flush
// RPC; the translator's mappings of a session's buffer; SIGTERM with a
// session attached; where the data socket lives.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/service/client.h"
#include "tests/translator_service/translator_test_client.h"

namespace dbt::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::unique_ptr<TestSession> MustAttach(TranslatorProcess& translator,
                                        const std::string& session_id = "test-session") {
  SessionOptions options;
  options.session_id = session_id;
  auto session = TestSession::Attach(translator.data_socket(), options);
  EXPECT_TRUE(session.ok()) << session.status() << "\n" << translator.Output();
  return session.ok() ? *std::move(session) : nullptr;
}

// Polls Stats until `pred` holds or `timeout` passes; the last stats.
template <typename Pred>
v1::TranslatorStats PollStats(TranslatorProcess& translator, Pred pred, milliseconds timeout) {
  const auto give_up = steady_clock::now() + timeout;
  v1::TranslatorStats last;
  while (true) {
    auto stats = translator.Stats();
    if (stats.ok()) {
      last = *stats;
      if (pred(last)) return last;
    }
    if (steady_clock::now() > give_up) return last;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

// Translates different blocks in a loop on its own Requester and checks
// each against a local TranslateTb, until told to stop.
class TranslatingThread {
 public:
  TranslatingThread(TestSession* session, int seed) : session_(session), seed_(seed) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~TranslatingThread() { Stop(); }
  void Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  int translated() const { return translated_.load(); }
  // Set once, by the thread before it ends: read it after Stop().
  const std::string& error() const { return error_; }
  bool failed() const { return failed_.load(); }

 private:
  void Loop() {
    auto requester = session_->NewRequester();
    for (int i = 0; !stop_.load(); ++i) {
      // A fresh local buffer when the current one could run out.
      if (i % 500 == 0) {
        auto b = codegen::CodeGenBuffer::Create({.size = kTestBufferSize});
        if (!b.ok()) return Fail("local buffer");
        local_ = *std::move(b);
      }
      const uint64_t pc = 0x100000 + 0x1000 * (seed_ * 10000 + i);
      const std::vector<uint8_t> bytes = AddiBlock(1 + (i + seed_) % 20, seed_ * 1000 + i);
      // The 4 MiB session buffer holds far more than these tests ask for,
      // so no flush (which would let another thread's code overwrite TBs
      // still being compared) is ever needed.
      auto remote = session_->Translate(requester, pc, bytes);
      auto expected = TranslateLocally(*local_, pc, bytes);
      if (!remote.ok()) return Fail(absl::StrCat(i, ": ", remote.status().ToString()));
      if (!expected.ok()) return Fail(absl::StrCat(i, ": local ", expected.status().ToString()));
      std::string diff = CompareTranslations(session_->buffer(), *remote, *local_, *expected);
      if (!diff.empty()) return Fail(absl::StrCat(i, ": ", diff));
      translated_.fetch_add(1);
    }
  }
  void Fail(const std::string& why) {
    error_ = why;
    failed_.store(true);
  }

  TestSession* session_;
  int seed_;
  std::unique_ptr<codegen::CodeGenBuffer> local_;
  std::atomic<bool> stop_{false};
  std::atomic<int> translated_{0};
  std::atomic<bool> failed_{false};
  std::string error_;
  std::thread thread_;
};

// Starts the session_client helper; waits until it printed "attached N".
Child StartSessionClient(const TranslatorProcess& translator, const std::string& out,
                         const std::string& session_id, int translations) {
  Child child = Spawn({Runfile("tests/translator_service/session_client"), translator.data_socket(),
                       session_id, std::to_string(translations)},
                      out);
  const auto give_up = steady_clock::now() + std::chrono::seconds(20);
  const std::string want = absl::StrCat("attached ", translations, " ", child.pid);
  while (ReadFile(out).find(want) == std::string::npos && steady_clock::now() < give_up &&
         ProcessAlive(child.pid)) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_NE(ReadFile(out).find(want), std::string::npos) << ReadFile(out);
  return child;
}

TEST(SessionsTest, KilledExecutorsSessionEndsWhileAnotherKeepsTranslating) {
  TranslatorProcess translator;
  ASSERT_TRUE(translator.serving()) << translator.Output();
  auto live = MustAttach(translator, "live");
  ASSERT_NE(live, nullptr);
  TranslatingThread busy(live.get(), 1);

  TempDir dir;
  Child child = StartSessionClient(translator, dir.path() + "/client.out", "doomed", 20);
  v1::TranslatorStats both = PollStats(
      translator, [](const v1::TranslatorStats& s) { return s.sessions() == 2; },
      milliseconds(5000));
  EXPECT_EQ(both.sessions(), 2u);
  EXPECT_EQ(both.sessions_total(), 2u);

  ASSERT_EQ(kill(child.pid, SIGKILL), 0);
  waitpid(child.pid, nullptr, 0);
  const auto killed = steady_clock::now();
  const int before = busy.translated();
  v1::TranslatorStats after = PollStats(
      translator, [](const v1::TranslatorStats& s) { return s.sessions() == 1; },
      milliseconds(5000));
  EXPECT_EQ(after.sessions(), 1u) << translator.Output();
  const auto detach_ms =
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - killed).count();
  EXPECT_LT(detach_ms, 5000);
  // The live session went on translating throughout.
  const auto give_up = steady_clock::now() + std::chrono::seconds(5);
  while (busy.translated() < before + 20 && steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  busy.Stop();
  EXPECT_EQ(busy.error(), "");
  EXPECT_GE(busy.translated(), before + 20);
  EXPECT_EQ(after.sessions_total(), 2u);
  // One line per attach and detach at --v=1, with the session id and pid.
  const std::string log = translator.Output();
  EXPECT_NE(log.find(absl::StrCat("\"doomed\" attached: peer pid ", child.pid)), std::string::npos)
      << log;
  EXPECT_NE(log.find(absl::StrCat("\"doomed\" detached: peer pid ", child.pid)), std::string::npos)
      << log;
}

TEST(SessionsTest, TwoSessionsFromSeveralThreadsEach) {
  TranslatorProcess translator;
  ASSERT_TRUE(translator.serving()) << translator.Output();
  auto a = MustAttach(translator, "a");
  auto b = MustAttach(translator, "b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kThreadsPerSession = 4;
  constexpr int kPerThread = 150;
  std::vector<std::unique_ptr<TranslatingThread>> threads;
  for (int i = 0; i < 2 * kThreadsPerSession; ++i) {
    threads.push_back(std::make_unique<TranslatingThread>(i % 2 ? b.get() : a.get(), i + 1));
  }
  const auto give_up = steady_clock::now() + std::chrono::seconds(60);
  for (auto& t : threads) {
    while (t->translated() < kPerThread && !t->failed() && steady_clock::now() < give_up) {
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  for (auto& t : threads) t->Stop();
  uint64_t total = 0;
  for (auto& t : threads) {
    EXPECT_EQ(t->error(), "");
    EXPECT_GE(t->translated(), kPerThread);
    total += t->translated();
  }
  auto stats = translator.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sessions(), 2u);
  EXPECT_EQ(stats->tbs_translated(), total);
  EXPECT_EQ(stats->requests_rejected(), 0u);
  // For the record (the test log): the translator's own view of a request.
  printf("translate latency over the last %llu requests: p50 %.1f us, p99 %.1f us\n",
         static_cast<unsigned long long>(std::min<uint64_t>(total, 4096)),
         stats->latency_p50_ns() / 1e3, stats->latency_p99_ns() / 1e3);
}

TEST(SessionsTest, FlushRpcMarksSessionsUntilTheyFlush) {
  TranslatorProcess translator;
  ASSERT_TRUE(translator.serving()) << translator.Output();
  auto alpha = MustAttach(translator, "alpha");
  auto beta = MustAttach(translator, "beta");
  ASSERT_NE(alpha, nullptr);
  ASSERT_NE(beta, nullptr);
  auto ra = alpha->NewRequester();
  auto rb = beta->NewRequester();
  const std::vector<uint8_t> block = AddiBlock(5, 5);
  ASSERT_TRUE(alpha->Translate(ra, 0x10000, block).ok());
  ASSERT_TRUE(beta->Translate(rb, 0x10000, block).ok());

  auto flushed = translator.Flush("");
  ASSERT_TRUE(flushed.ok()) << flushed.status();
  EXPECT_EQ(*flushed, 2u);
  for (auto* s : {&alpha, &beta}) {
    auto& r = s == &alpha ? ra : rb;
    auto refused = (*s)->Translate(r, 0x10000, block);
    EXPECT_TRUE(absl::IsResourceExhausted(refused.status())) << refused.status();
    EXPECT_NE(refused.status().message().find("flush requested"), std::string::npos);
    // Still refused until the executor flushes.
    EXPECT_TRUE(absl::IsResourceExhausted((*s)->Translate(r, 0x10000, block).status()));
  }
  ASSERT_TRUE(alpha->Flush(ra).ok());
  auto again = alpha->Translate(ra, 0x10000, block);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->code.code_offset, alpha->buffer().region_start(0));
  // Beta has not flushed yet.
  EXPECT_TRUE(absl::IsResourceExhausted(beta->Translate(rb, 0x10000, block).status()));
  ASSERT_TRUE(beta->Flush(rb).ok());
  ASSERT_TRUE(beta->Translate(rb, 0x10000, block).ok());

  // By session id: only that one.
  flushed = translator.Flush("beta");
  ASSERT_TRUE(flushed.ok());
  EXPECT_EQ(*flushed, 1u);
  EXPECT_TRUE(alpha->Translate(ra, 0x11000, block).ok());
  EXPECT_TRUE(absl::IsResourceExhausted(beta->Translate(rb, 0x11000, block).status()));

  auto unknown = translator.Flush("gamma");
  EXPECT_TRUE(absl::IsNotFound(unknown.status())) << unknown.status();

  auto stats = translator.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->flushes(), 2u);
}

// perms field of each /proc/PID/maps line whose path contains `name`.
std::vector<std::string> MappingPerms(pid_t pid, const std::string& name) {
  std::vector<std::string> perms;
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(name) == std::string::npos) continue;
    std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() >= 2) perms.push_back(fields[1]);
  }
  return perms;
}

TEST(SessionsTest, TranslatorMapsTheBufferReadWriteNeverExecutable) {
  TranslatorProcess translator;
  ASSERT_TRUE(translator.serving()) << translator.Output();
  TempDir dir;
  Child child = StartSessionClient(translator, dir.path() + "/client.out", "mapped", 5);

  const std::vector<std::string> buffer =
      MappingPerms(translator.pid(), "memfd:dbt-code-gen-buffer");
  ASSERT_FALSE(buffer.empty()) << ReadFile("/proc/" + std::to_string(translator.pid()) + "/maps");
  bool rw = false;
  for (const std::string& p : buffer) {
    EXPECT_EQ(p.find('x'), std::string::npos) << p;
    if (p == "rw-s") rw = true;
    EXPECT_TRUE(p == "rw-s" || p == "---s") << p;  // the view, or its guard pages
  }
  EXPECT_TRUE(rw);
  const std::vector<std::string> channel = MappingPerms(translator.pid(), "memfd:dbt-shm:mapped");
  ASSERT_EQ(channel.size(), 1u);
  EXPECT_EQ(channel[0], "rw-s");

  // Once the session is gone, nothing of it stays mapped.
  kill(child.pid, SIGKILL);
  waitpid(child.pid, nullptr, 0);
  v1::TranslatorStats s = PollStats(
      translator, [](const v1::TranslatorStats& s) { return s.sessions() == 0; },
      milliseconds(5000));
  EXPECT_EQ(s.sessions(), 0u);
  EXPECT_TRUE(MappingPerms(translator.pid(), "memfd:dbt-code-gen-buffer").empty());
  EXPECT_TRUE(MappingPerms(translator.pid(), "memfd:dbt-shm:").empty());
}

TEST(SessionsTest, ClosingTheConnectionEndsTheSession) {
  TranslatorProcess translator;
  ASSERT_TRUE(translator.serving()) << translator.Output();
  auto session = MustAttach(translator, "closer");
  ASSERT_NE(session, nullptr);
  auto r = session->NewRequester();
  ASSERT_TRUE(session->Translate(r, 0x10000, AddiBlock(2, 2)).ok());
  EXPECT_EQ(translator.Stats()->sessions(), 1u);
  session->CloseConnection();
  v1::TranslatorStats s = PollStats(
      translator, [](const v1::TranslatorStats& s) { return s.sessions() == 0; },
      milliseconds(5000));
  EXPECT_EQ(s.sessions(), 0u);
  EXPECT_TRUE(MappingPerms(translator.pid(), "memfd:dbt-code-gen-buffer").empty());
}

TEST(SessionsTest, SigtermWithASessionAttachedExitsZeroAndRemovesBothSockets) {
  TranslatorProcess translator;
  ASSERT_TRUE(translator.serving()) << translator.Output();
  auto session = MustAttach(translator, "term");
  ASSERT_NE(session, nullptr);
  auto r = session->NewRequester();
  ASSERT_TRUE(session->Translate(r, 0x10000, AddiBlock(2, 2)).ok());
  ASSERT_TRUE(PathExists(translator.socket()));
  ASSERT_TRUE(PathExists(translator.data_socket()));

  const auto start = steady_clock::now();
  const int status = translator.Terminate();
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(8));
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status << "\n" << translator.Output();
  EXPECT_EQ(WEXITSTATUS(status), 0) << translator.Output();
  EXPECT_FALSE(PathExists(translator.socket()));
  EXPECT_FALSE(PathExists(translator.data_socket()));
  // The executor side sees the translator gone rather than waiting forever.
  auto after = session->Translate(r, 0x10000, AddiBlock(2, 2));
  EXPECT_TRUE(absl::IsUnavailable(after.status())) << after.status();
  EXPECT_NE(translator.Output().find("\"term\" detached"), std::string::npos)
      << translator.Output();
}

TEST(DataSocketTest, ExplicitPathIsUsedAndReported) {
  TempDir dir;
  const std::string path = dir.path() + "/custom.data";
  TranslatorProcess translator({"--data_socket=" + path});
  ASSERT_TRUE(translator.serving()) << translator.Output();
  EXPECT_EQ(translator.data_socket(), path);
  EXPECT_FALSE(PathExists(translator.socket() + ".data"));
  auto session = MustAttach(translator);
  ASSERT_NE(session, nullptr);
  auto stats = translator.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->data_socket(), path);
  EXPECT_EQ(stats->sessions(), 1u);
  ASSERT_EQ(WEXITSTATUS(translator.Terminate()), 0);
  EXPECT_FALSE(PathExists(path));
}

TEST(DataSocketTest, ALiveDataSocketIsRefusedAndAStaleOneReplaced) {
  TranslatorProcess first;
  ASSERT_TRUE(first.serving()) << first.Output();
  TempDir dir;
  Child second =
      Spawn({Runfile("services/translator/translator"), "--socket=" + dir.path() + "/second.sock",
             "--data_socket=" + first.data_socket()},
            dir.path() + "/second.out");
  const int status = WaitFor(second.pid, 10000);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(ReadFile(dir.path() + "/second.out").find("already in use"), std::string::npos)
      << ReadFile(dir.path() + "/second.out");
  EXPECT_FALSE(PathExists(dir.path() + "/second.sock"));
  // The first one is untouched.
  EXPECT_NE(MustAttach(first), nullptr);

  // A stale socket: bound by a process that is gone (SIGKILL leaves both
  // files behind); a new translator replaces them.
  const std::string stale = dir.path() + "/stale.sock";
  Child dead = Spawn({Runfile("services/translator/translator"), "--socket=" + stale},
                     dir.path() + "/dead.out");
  const auto give_up = steady_clock::now() + std::chrono::seconds(10);
  while (!PathExists(stale) && steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  kill(dead.pid, SIGKILL);
  waitpid(dead.pid, nullptr, 0);
  ASSERT_TRUE(PathExists(stale + ".data"));
  Child fresh = Spawn({Runfile("services/translator/translator"), "--socket=" + stale},
                      dir.path() + "/fresh.out");
  auto serving = WaitForServing(stale, milliseconds(10000));
  EXPECT_TRUE(serving.ok()) << ReadFile(dir.path() + "/fresh.out");
  auto session = TestSession::Attach(stale + ".data");
  EXPECT_TRUE(session.ok()) << session.status();
  kill(fresh.pid, SIGTERM);
  const int fresh_status = WaitFor(fresh.pid, 10000);
  EXPECT_TRUE(WIFEXITED(fresh_status) && WEXITSTATUS(fresh_status) == 0);
}

}  // namespace
}  // namespace dbt::testing
