// The executor service binary on a real unix socket, running the RISC-V test
// guest (session_guest.c) in session processes. Expected outputs are what
// session_guest.c writes (checked against qemu-riscv64: same bytes per
// stream, exit 3 for "exit 3", SIGABRT for "abort").
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/executor_service/executor_fixture.h"

namespace dbt::testing {
namespace {

using v1::SessionInfo;

class ExecutorServiceTest : public ExecutorFixture {};

TEST_F(ExecutorServiceTest, StreamsStdoutAndStderrApart) {
  const std::string id = StartGuest(GuestRequest({"streams"}));
  StreamedOutput o = Collect(id);
  EXPECT_TRUE(o.status.ok()) << o.status.error_message();
  EXPECT_EQ(o.out, "out-1\nout-2\n");
  EXPECT_EQ(o.err, "err-1\nerr-2\n");
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.exit_status, 0);
  EXPECT_EQ(o.term_signal, 0);
  EXPECT_EQ(o.chunks_after_exit, 0);
  EXPECT_EQ(o.chunks_without_stream, 0);
}

TEST_F(ExecutorServiceTest, EveryStreamReplaysFromTheStartEvenAfterTheEnd) {
  const std::string id = StartGuest(GuestRequest({"streams"}));
  StreamedOutput first = Collect(id);
  StreamedOutput second = Collect(id);
  EXPECT_EQ(second.out, "out-1\nout-2\n");
  EXPECT_EQ(second.err, "err-1\nerr-2\n");
  EXPECT_TRUE(second.exited);
  EXPECT_EQ(second.chunks, first.chunks);
}

TEST_F(ExecutorServiceTest, SessionIdsAreNumberedFromOne) {
  EXPECT_EQ(StartGuest(GuestRequest({"exit", "0"})), "s1");
  EXPECT_EQ(StartGuest(GuestRequest({"exit", "0"})), "s2");
}

TEST_F(ExecutorServiceTest, ExitStatusPassesThrough) {
  const std::string id = StartGuest(GuestRequest({"exit", "3"}));
  StreamedOutput o = Collect(id);
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.exit_status, 3);
  EXPECT_EQ(o.term_signal, 0);
  SessionInfo info = WaitUntilEnded(id);
  EXPECT_EQ(info.state(), SessionInfo::EXITED);
}

TEST_F(ExecutorServiceTest, DeathBySignalIsReportedAsTheSignal) {
  const std::string id = StartGuest(GuestRequest({"abort"}));
  StreamedOutput o = Collect(id);
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.term_signal, SIGABRT);
  // The guest ended on its own: EXITED, not KILLED.
  EXPECT_EQ(WaitUntilEnded(id).state(), SessionInfo::EXITED);
}

TEST_F(ExecutorServiceTest, GuestStartsWithDefaultDispositions) {
  // The service ignores SIGPIPE; its sessions must not inherit that (qemu and
  // a native run: the write kills the program with SIGPIPE).
  StreamedOutput o = Collect(StartGuest(GuestRequest({"sigpipe"})));
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.term_signal, SIGPIPE) << o.err;
  EXPECT_EQ(o.err, "");
}

// A hex field of /proc/PID/status ("SigIgn", "SigBlk"); ~0 when missing.
uint64_t StatusMask(pid_t pid, const std::string& field) {
  const std::string status = ReadFile("/proc/" + std::to_string(pid) + "/status");
  const size_t at = status.find("\n" + field + ":");
  if (at == std::string::npos) return ~uint64_t{0};
  return std::stoull(status.substr(at + field.size() + 2), nullptr, 16);
}

TEST_F(ExecutorServiceTest, SessionProcessDoesNotInheritTheServicesSignalState) {
  // The service ignores SIGPIPE and blocks SIGTERM/SIGINT in every thread.
  ASSERT_NE(StatusMask(service_pid(), "SigIgn") & (uint64_t{1} << (SIGPIPE - 1)), 0u);
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
  SessionInfo info;
  ASSERT_TRUE(SessionStats(id, &info).ok());
  const pid_t pid = static_cast<pid_t>(info.guest_pid());
  // (The session may ignore signals of its own choosing: only the service's
  // SIGPIPE is checked.)
  const uint64_t ignored = StatusMask(pid, "SigIgn");
  EXPECT_EQ(ignored & (uint64_t{1} << (SIGPIPE - 1)), 0u) << std::hex << ignored;
  const uint64_t blocked = StatusMask(pid, "SigBlk");
  EXPECT_EQ(blocked & (uint64_t{1} << (SIGTERM - 1)), 0u) << std::hex << blocked;
  EXPECT_EQ(blocked & (uint64_t{1} << (SIGINT - 1)), 0u) << std::hex << blocked;
  ASSERT_TRUE(Kill(id, SIGKILL).ok());
}

TEST_F(ExecutorServiceTest, KillEndsALongRunningGuest) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n")) << stream.output().status.error_message();
  SessionInfo running;
  ASSERT_TRUE(SessionStats(id, &running).ok());
  EXPECT_EQ(running.state(), SessionInfo::RUNNING);
  EXPECT_TRUE(ProcessAlive(static_cast<pid_t>(running.guest_pid())));

  grpc::Status killed = Kill(id, 0);  // 0: SIGKILL
  ASSERT_TRUE(killed.ok()) << killed.error_message();
  const StreamedOutput& o = stream.ReadToEnd();
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.term_signal, SIGKILL);
  EXPECT_EQ(o.out, "sleeping\n");
  SessionInfo info = WaitUntilEnded(id);
  EXPECT_EQ(info.state(), SessionInfo::KILLED);
  EXPECT_FALSE(ProcessAlive(static_cast<pid_t>(info.guest_pid())));

  grpc::Status again = Kill(id, 0);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << again.error_message();
}

TEST_F(ExecutorServiceTest, KillSendsTheSignalAsked) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
  ASSERT_TRUE(Kill(id, SIGTERM).ok());
  const StreamedOutput& o = stream.ReadToEnd();
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.term_signal, SIGTERM);
  EXPECT_EQ(WaitUntilEnded(id).state(), SessionInfo::KILLED);
}

TEST_F(ExecutorServiceTest, JitSessionCountsItsTranslations) {
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  const std::string id = StartGuest(GuestRequest({"streams"}));
  Collect(id);
  const int64_t after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  SessionInfo info = WaitUntilEnded(id);
  EXPECT_EQ(info.session_id(), id);
  EXPECT_EQ(info.program(), GuestPath());
  EXPECT_GT(info.guest_pid(), 0);
  EXPECT_NE(info.guest_pid(), service_pid());
  EXPECT_GE(info.started_unix_ms(), before_ms);
  EXPECT_LE(info.started_unix_ms(), after_ms);
  EXPECT_GT(info.stats().tbs_translated(), 0u);
  EXPECT_GT(info.stats().guest_insns_translated(), 0u);
  // Every TB holds at least one instruction.
  EXPECT_GE(info.stats().guest_insns_translated(), info.stats().tbs_translated());
  EXPECT_GT(info.stats().host_bytes_emitted(), 0u);
  EXPECT_GT(info.stats().wall_ns(), 0u);

  std::vector<SessionInfo> all = ListSessions();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].session_id(), id);
  EXPECT_EQ(all[0].state(), SessionInfo::EXITED);
  EXPECT_EQ(all[0].stats().tbs_translated(), info.stats().tbs_translated());
}

TEST_F(ExecutorServiceTest, InterpretedSessionTranslatesNothing) {
  v1::StartGuestRequest request = GuestRequest({"streams"});
  request.mutable_options()->set_interpret(true);
  request.mutable_options()->set_local_translator(false);
  const std::string id = StartGuest(request);
  StreamedOutput o = Collect(id);
  EXPECT_EQ(o.out, "out-1\nout-2\n");
  SessionInfo info = WaitUntilEnded(id);
  EXPECT_EQ(info.stats().tbs_translated(), 0u);
  EXPECT_GT(info.stats().wall_ns(), 0u);
}

TEST_F(ExecutorServiceTest, RunningSessionReportsItsWallTimeSoFar) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  SessionInfo info;
  ASSERT_TRUE(SessionStats(id, &info).ok());
  EXPECT_EQ(info.state(), SessionInfo::RUNNING);
  EXPECT_GE(info.stats().wall_ns(), 50'000'000u);
  EXPECT_LT(info.stats().wall_ns(), 60'000'000'000u);
  ASSERT_TRUE(Kill(id, 0).ok());
}

TEST_F(ExecutorServiceTest, ArgsEnvAndCwdReachTheGuest) {
  TempDir cwd;
  v1::StartGuestRequest request = GuestRequest({"show", "two words", ""});
  request.set_argv0("guest-name");
  request.add_env("DBT_TEST_VAR=some value");
  request.add_env("OTHER=1");
  request.set_cwd(cwd.path());
  StreamedOutput o = Collect(StartGuest(request));
  EXPECT_EQ(o.out,
            "argv[0]=guest-name\n"
            "argv[1]=show\n"
            "argv[2]=two words\n"
            "argv[3]=\n"
            "DBT_TEST_VAR=some value\n"
            "cwd=" +
                cwd.path() + "\n");
  EXPECT_EQ(o.exit_status, 0);
}

TEST_F(ExecutorServiceTest, Argv0DefaultsToTheProgramAndEnvToNothing) {
  StreamedOutput o = Collect(StartGuest(GuestRequest({"show"})));
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  // The service was started in the test's directory; the guest inherits it.
  EXPECT_EQ(o.out, "argv[0]=" + GuestPath() +
                       "\nargv[1]=show\nDBT_TEST_VAR=(unset)\ncwd=" + std::string(cwd) + "\n");
}

TEST_F(ExecutorServiceTest, BadProgramPathEndsTheSessionWithADbtMessage) {
  v1::StartGuestRequest request = GuestRequest({});
  request.set_program(dir() + "/no-such-program");
  const std::string id = StartGuest(request);
  StreamedOutput o = Collect(id);
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.exit_status, 1);
  EXPECT_EQ(o.term_signal, 0);
  EXPECT_EQ(o.err.rfind("dbt:", 0), 0u) << o.err;
  EXPECT_NE(o.err.find("no-such-program"), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(WaitUntilEnded(id).state(), SessionInfo::EXITED);
}

TEST_F(ExecutorServiceTest, BadCwdEndsTheSessionWithADbtMessage) {
  v1::StartGuestRequest request = GuestRequest({"show"});
  request.set_cwd(dir() + "/no-such-dir");
  StreamedOutput o = Collect(StartGuest(request));
  EXPECT_EQ(o.exit_status, 1);
  EXPECT_EQ(o.err.rfind("dbt:", 0), 0u) << o.err;
  EXPECT_EQ(o.out, "");
}

TEST_F(ExecutorServiceTest, SessionProcessHoldsNoOtherCopiesOfItsFds) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
  SessionInfo info;
  ASSERT_TRUE(SessionStats(id, &info).ok());
  const std::string fd_dir = "/proc/" + std::to_string(info.guest_pid()) + "/fd/";
  auto link = [&](const std::string& fd) {
    char target[256] = {};
    return readlink((fd_dir + fd).c_str(), target, sizeof(target) - 1) > 0 ? std::string(target)
                                                                           : std::string();
  };
  const std::string out = link("1"), err = link("2");
  EXPECT_EQ(out.rfind("pipe:", 0), 0u) << out;
  EXPECT_EQ(err.rfind("pipe:", 0), 0u) << err;
  EXPECT_NE(out, err);
  EXPECT_EQ(link("0"), "/dev/null");
  // The session's own fds above 2 (code buffer, stats page, ...) are its
  // business; what the service handed over must appear once, at 0..4, and
  // nothing of the service's (its gRPC sockets) at all. With local_translator
  // the session has no socket of its own.
  DIR* d = opendir(fd_dir.c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = readdir(d)) {
    const std::string fd = e->d_name;
    if (fd == "." || fd == ".." || fd == "0" || fd == "1" || fd == "2") continue;
    const std::string target = link(fd);
    EXPECT_NE(target, out) << "fd " << fd << " is another copy of stdout";
    EXPECT_NE(target, err) << "fd " << fd << " is another copy of stderr";
    EXPECT_EQ(target.rfind("socket:", 0), std::string::npos) << "fd " << fd << " is " << target;
  }
  closedir(d);
  ASSERT_TRUE(Kill(id, SIGKILL).ok());
}

TEST_F(ExecutorServiceTest, TwoSessionsRunAtOnce) {
  const std::string a = StartGuest(GuestRequest({"sleep"}));
  const std::string b = StartGuest(GuestRequest({"sleep"}));
  ASSERT_NE(a, b);
  OutputStream stream_a(*stub_, a);
  OutputStream stream_b(*stub_, b);
  ASSERT_TRUE(stream_a.ReadUntilStdout("sleeping\n"));
  ASSERT_TRUE(stream_b.ReadUntilStdout("sleeping\n"));
  std::vector<SessionInfo> all = ListSessions();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].session_id(), a);
  EXPECT_EQ(all[1].session_id(), b);
  EXPECT_EQ(all[0].state(), SessionInfo::RUNNING);
  EXPECT_EQ(all[1].state(), SessionInfo::RUNNING);
  EXPECT_NE(all[0].guest_pid(), all[1].guest_pid());

  // Ending one leaves the other running.
  ASSERT_TRUE(Kill(a, SIGKILL).ok());
  EXPECT_EQ(stream_a.ReadToEnd().term_signal, SIGKILL);
  SessionInfo info_b;
  ASSERT_TRUE(SessionStats(b, &info_b).ok());
  EXPECT_EQ(info_b.state(), SessionInfo::RUNNING);
  ASSERT_TRUE(Kill(b, SIGKILL).ok());
  EXPECT_EQ(stream_b.ReadToEnd().term_signal, SIGKILL);
}

TEST_F(ExecutorServiceTest, ConcurrentStreamsOfOneSessionSeeTheSameOutput) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream first(*stub_, id);
  ASSERT_TRUE(first.ReadUntilStdout("sleeping\n"));
  OutputStream second(*stub_, id);  // opened late: replays
  OutputStream third(*stub_, id);
  ASSERT_TRUE(second.ReadUntilStdout("sleeping\n"));
  ASSERT_TRUE(Kill(id, SIGKILL).ok());
  for (OutputStream* s : {&first, &second, &third}) {
    const StreamedOutput& o = s->ReadToEnd();
    EXPECT_EQ(o.out, "sleeping\n");
    EXPECT_EQ(o.err, "");
    EXPECT_TRUE(o.exited);
    EXPECT_EQ(o.term_signal, SIGKILL);
  }
}

TEST_F(ExecutorServiceTest, ClientCancellingAStreamLeavesTheSessionAlone) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  {
    OutputStream stream(*stub_, id);
    ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
    stream.Cancel();
    const StreamedOutput& o = stream.ReadToEnd();
    EXPECT_EQ(o.status.error_code(), grpc::StatusCode::CANCELLED);
    EXPECT_FALSE(o.exited);
  }
  SessionInfo info;
  ASSERT_TRUE(SessionStats(id, &info).ok());
  EXPECT_EQ(info.state(), SessionInfo::RUNNING);
  ASSERT_TRUE(Kill(id, SIGKILL).ok());
  EXPECT_EQ(Collect(id).out, "sleeping\n");
}

TEST_F(ExecutorServiceTest, WithoutStreamOutputOnlyTheEndIsStreamed) {
  v1::StartGuestRequest request = GuestRequest({"streams"});
  request.set_stream_output(false);
  StreamedOutput o = Collect(StartGuest(request));
  EXPECT_EQ(o.chunks, 1);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "");
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.exit_status, 0);
}

TEST_F(ExecutorServiceTest, KeepsTheLast16MiBOfOutput) {
  // 20 MiB of "%07x\n" lines; nobody streams until the guest has ended.
  constexpr int kLines = (20 << 20) / 8;
  const std::string id = StartGuest(GuestRequest({"count", std::to_string(kLines)}));
  EXPECT_NE(WaitUntilEnded(id).state(), SessionInfo::RUNNING);
  StreamedOutput o = Collect(id);
  ASSERT_TRUE(o.exited);
  EXPECT_EQ(o.exit_status, 0);
  // Whole pipe reads (at most 64 KiB each) are dropped, oldest first.
  EXPECT_LE(o.out.size(), size_t{16} << 20);
  EXPECT_GT(o.out.size(), (size_t{16} << 20) - (64 << 10));
  std::string expected_tail;
  const size_t lines_kept = (o.out.size() + 7) / 8;
  char line[16];
  for (size_t i = kLines - lines_kept; i < static_cast<size_t>(kLines); ++i) {
    snprintf(line, sizeof(line), "%07zx\n", i);
    expected_tail += line;
  }
  ASSERT_GE(expected_tail.size(), o.out.size());
  EXPECT_TRUE(expected_tail.compare(expected_tail.size() - o.out.size(), o.out.size(), o.out) == 0)
      << "the stream is not the end of the output";
}

TEST_F(ExecutorServiceTest, InheritStdioGivesTheGuestTheServicesFdsAndProcessGroup) {
  // A process group in this session for the guest to join.
  const pid_t group_leader = fork();
  if (group_leader == 0) {
    setpgid(0, 0);
    pause();
    _exit(0);
  }
  ASSERT_GT(group_leader, 0);
  setpgid(group_leader, group_leader);  // either side may run first
  v1::StartGuestRequest request = GuestRequest({"pgrp"});
  request.set_stream_output(false);
  request.set_inherit_stdio(true);
  request.set_process_group(group_leader);
  StreamedOutput o = Collect(StartGuest(request));
  kill(group_leader, SIGKILL);
  waitpid(group_leader, nullptr, 0);
  EXPECT_EQ(o.exit_status, 0);
  EXPECT_EQ(o.out, "");  // not streamed: written to the service's stdout
  EXPECT_NE(ServiceOutput().find("pgrp=" + std::to_string(group_leader) + "\n"), std::string::npos)
      << ServiceOutput();

  // A group that cannot be joined (its leader is gone) is no reason to fail:
  // the guest stays in the service's group, which is this test's.
  StreamedOutput again = Collect(StartGuest(request));
  EXPECT_EQ(again.exit_status, 0);
  EXPECT_NE(ServiceOutput().find("pgrp=" + std::to_string(getpgrp()) + "\n"), std::string::npos)
      << ServiceOutput();
}

TEST_F(ExecutorServiceTest, ForgetsAllButTheLast256EndedSessions) {
  const std::string running = StartGuest(GuestRequest({"sleep"}));  // s1: never forgotten
  std::vector<std::string> ended;
  for (int i = 0; i < 258; ++i) {
    v1::StartGuestRequest request = GuestRequest({"exit", "0"});
    request.set_stream_output(false);
    request.mutable_options()->set_interpret(true);
    ended.push_back(StartGuest(request));
    ASSERT_TRUE(Collect(ended.back()).exited);  // ends before the next starts
  }
  std::vector<SessionInfo> all = ListSessions();
  ASSERT_EQ(all.size(), 257u);
  EXPECT_EQ(all[0].session_id(), running);
  EXPECT_EQ(all[0].state(), SessionInfo::RUNNING);
  // The two that ended first are gone; the 256 that ended last remain, in
  // start order.
  SessionInfo info;
  EXPECT_EQ(SessionStats(ended[0], &info).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(SessionStats(ended[1], &info).error_code(), grpc::StatusCode::NOT_FOUND);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_EQ(all[i].session_id(), ended[i + 1]);
  ASSERT_TRUE(Kill(running, SIGKILL).ok());
}

TEST_F(ExecutorServiceTest, RejectsBadRequests) {
  std::string id;
  v1::StartGuestRequest empty = GuestRequest({});
  empty.set_program("");
  EXPECT_EQ(TryStartGuest(empty, &id).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::StartGuestRequest both = GuestRequest({"exit", "0"});
  both.set_inherit_stdio(true);  // and stream_output: one or the other
  EXPECT_EQ(TryStartGuest(both, &id).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // inherit_fds: only with inherit_stdio, and only fds the executor was
  // started with (it has opened its own since: sockets, eventfds...).
  v1::StartGuestRequest fds = GuestRequest({"exit", "0"});
  fds.set_stream_output(false);
  fds.set_inherit_stdio(true);
  fds.add_inherit_fds(900);
  grpc::Status refused = TryStartGuest(fds, &id);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("was not inherited by this executor"), std::string::npos)
      << refused.error_message();
  fds.set_inherit_stdio(false);
  EXPECT_EQ(TryStartGuest(fds, &id).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Kill("s99", 0).error_code(), grpc::StatusCode::NOT_FOUND);
  SessionInfo info;
  EXPECT_EQ(SessionStats("s99", &info).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(SessionStats("", &info).error_code(), grpc::StatusCode::NOT_FOUND);
  StreamedOutput o = Collect("nope");
  EXPECT_EQ(o.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(o.chunks, 0);
  EXPECT_TRUE(ListSessions().empty());

  const std::string live = StartGuest(GuestRequest({"exit", "0"}));
  EXPECT_EQ(Kill(live, 65).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Kill(live, -1).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Collect(live);
}

TEST_F(ExecutorServiceTest, SigtermKillsRunningSessionsBeforeTheServiceExits) {
  const std::string id = StartGuest(GuestRequest({"sleep"}));
  OutputStream stream(*stub_, id);
  ASSERT_TRUE(stream.ReadUntilStdout("sleeping\n"));
  SessionInfo info;
  ASSERT_TRUE(SessionStats(id, &info).ok());
  const pid_t guest = static_cast<pid_t>(info.guest_pid());
  ASSERT_TRUE(ProcessAlive(guest));

  const int status = StopService();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
  // Reaped by the service, not orphaned: the pid is gone, not a zombie.
  EXPECT_NE(kill(guest, 0), 0) << "session process " << guest << " outlived the service";
  // The open stream saw the session end before the server went away.
  const StreamedOutput& o = stream.ReadToEnd();
  EXPECT_TRUE(o.exited) << o.status.error_message();
  EXPECT_EQ(o.term_signal, SIGKILL);
}

}  // namespace
}  // namespace dbt::testing
