// Whole guest programs through RunGuest, each in a forked child (RunGuest
// takes over the process's signal state and ExitLikeGuest ends it), checked
// against qemu-riscv64 running the same binary with the same arguments and
// environment (as under `env -i A=1 B=2`). Where qemu-riscv64 7.2 departs
// from Linux, the oracle is the program's native x86-64 twin instead.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/executor/runtime/guest_runner.h"

namespace dbt::executor {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kEnv = {"A=1", "B=2"};

std::string Testdata(const std::string& name) {
  return "services/executor/runtime/testdata/" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string TempDir() {
  std::string tmpl =
      std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/e2eXXXXXX";
  return mkdtemp(tmpl.data());
}

struct Outcome {
  std::string out;
  std::string err;
  bool signaled = false;
  int code = 0;  // Exit status, or the signal.
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << (o.signaled ? "signal " : "exit ") << o.code << "\n--- stdout\n"
            << o.out << "--- stderr\n"
            << o.err;
}

// Forks; the child sends stdout/stderr to files and runs `body`.
template <typename Body>
Outcome RunInChild(Body body) {
  std::string dir = TempDir();
  std::string out = dir + "/out", err = dir + "/err";
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    close(in);
    close(o);
    close(e);
    body();
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome r;
  r.out = ReadAll(out);
  r.err = ReadAll(err);
  r.signaled = WIFSIGNALED(status);
  r.code = r.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
  return r;
}

Outcome RunDbt(const std::string& program, const std::vector<std::string>& args,
               const std::string& strace_log = "", std::function<void(RunOptions&)> setup = {}) {
  return RunInChild([&] {
    RunOptions options;
    if (setup) setup(options);
    options.program = program;
    options.argv = {program};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.envp = kEnv;
    if (!strace_log.empty()) {
      options.strace = true;
      options.log = fopen(strace_log.c_str(), "w");
    }
    RunGuestAndExit(options);
  });
}

Outcome Exec(const std::vector<std::string>& argv) {
  return RunInChild([&] {
    std::vector<char*> a, e;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (const auto& s : kEnv) e.push_back(const_cast<char*>(s.c_str()));
    e.push_back(nullptr);
    execve(a[0], a.data(), e.data());
  });
}

Outcome RunQemu(const std::string& program, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/qemu-riscv64", program};
  argv.insert(argv.end(), args.begin(), args.end());
  return Exec(argv);
}

void ExpectSameAsQemu(const std::string& name, const std::vector<std::string>& args = {}) {
  Outcome dbt = RunDbt(Testdata(name), args);
  Outcome qemu = RunQemu(Testdata(name), args);
  EXPECT_EQ(dbt.out, qemu.out) << "dbt: " << dbt << "\nqemu: " << qemu;
  EXPECT_EQ(dbt.signaled, qemu.signaled) << dbt;
  EXPECT_EQ(dbt.code, qemu.code) << dbt;
}

TEST(GuestE2eTest, Hello) {
  Outcome dbt = RunDbt(Testdata("hello"), {});
  EXPECT_EQ(dbt.out, "hello, world\n");
  EXPECT_EQ(dbt.err, "");
  ExpectSameAsQemu("hello");
}

TEST(GuestE2eTest, StaticPie) { ExpectSameAsQemu("pie_exit"); }

// A PIE linked against Debian's riscv64 glibc: its loader and libc come
// from the sysroot; the loader sits at kInterpLoadBias (AT_BASE).
TEST(GuestE2eTest, DynamicallyLinkedWithTheCrossSysroot) {
  const std::string sysroot = "/usr/riscv64-linux-gnu";
  Outcome dbt =
      RunDbt(Testdata("hello_dynamic"), {}, "", [&](RunOptions& o) { o.sysroot = sysroot; });
  EXPECT_EQ(dbt.out, "hello, world\n") << dbt;
  EXPECT_EQ(dbt.code, 0) << dbt;
  Outcome qemu = Exec({"/usr/bin/qemu-riscv64", "-L", sysroot, Testdata("hello_dynamic")});
  EXPECT_EQ(dbt.out, qemu.out);
  EXPECT_EQ(dbt.code, qemu.code);
}

TEST(GuestE2eTest, InitialStackArgvEnvpAuxv) {
  ExpectSameAsQemu("stack_dump", {"x", "second arg", ""});
  Outcome dbt = RunDbt(Testdata("stack_dump"), {"x"});
  EXPECT_THAT(dbt.out, HasSubstr("env=A=1\nenv=B=2\n"));
  EXPECT_THAT(dbt.out, HasSubstr("auxv 16 0x112d\n"));  // AT_HWCAP: IMAFDC.
  EXPECT_THAT(dbt.out, HasSubstr("pt_load_count=2\n"));
}

TEST(GuestE2eTest, AbortDiesBySigabrt) {
  Outcome dbt = RunDbt(Testdata("abort"), {});
  EXPECT_TRUE(dbt.signaled) << dbt;
  EXPECT_EQ(dbt.code, SIGABRT);
  EXPECT_EQ(dbt.out, "before abort\n");
  EXPECT_EQ(dbt.err, "dbt: uncaught target signal 6 (Aborted) - core dumped\n");
  ExpectSameAsQemu("abort");
}

TEST(GuestE2eTest, AbortIs134ForAShell) {
  // run_guest is RunGuestAndExit behind a main().
  Outcome sh = Exec(
      {"/bin/sh", "-c", "services/executor/runtime/run_guest " + Testdata("abort") + "; echo $?"});
  EXPECT_EQ(sh.out, "before abort\n134\n") << sh;
}

TEST(GuestE2eTest, SegfaultDiesBySigsegv) {
  Outcome dbt = RunDbt(Testdata("segv"), {});
  EXPECT_TRUE(dbt.signaled) << dbt;
  EXPECT_EQ(dbt.code, SIGSEGV);
  EXPECT_EQ(dbt.err, "dbt: uncaught target signal 11 (Segmentation fault) - core dumped\n");
  ExpectSameAsQemu("segv");
}

TEST(GuestE2eTest, SigsegvHandlers) {
  ExpectSameAsQemu("sigsegv_handler");
  Outcome dbt = RunDbt(Testdata("sigsegv_handler"), {});
  // SEGV_MAPERR at the address stored to, from a pc in the program's text.
  EXPECT_THAT(dbt.out, HasSubstr("caught signal 11 code 1 addr 0x123 pc_in_text 1\n"));
  // SEGV_ACCERR for the read-only page; the retried store succeeded.
  EXPECT_THAT(dbt.out, HasSubstr("caught signal 11 code 2 offset 100\n"));
  EXPECT_THAT(dbt.out, HasSubstr("retried store: 7, offset 200\n"));
}

TEST(GuestE2eTest, RaiseWithSiginfoHandler) {
  ExpectSameAsQemu("raise_siginfo");
  Outcome dbt = RunDbt(Testdata("raise_siginfo"), {});
  EXPECT_THAT(dbt.out, HasSubstr("raise=0 signo=10 code=-6 pid_ok=1\n"));  // SI_TKILL
}

TEST(GuestE2eTest, UcontextThroughSigreturn) {
  ExpectSameAsQemu("ucontext");
  Outcome dbt = RunDbt(Testdata("ucontext"), {});
  // What the handler saw is what the asm set: s2, fs0 = 1.5, fcsr = RMM;
  // the pc after the ecall; a0 = tgkill's result. What it wrote came back.
  EXPECT_EQ(dbt.out,
            "handler saw s2=0x1234 f8=0x3ff8000000000000 fcsr=0x80 pc_ok=1 a0=0\n"
            "ucontext aligned 1 below interrupted sp 1\n"
            "after sigreturn s2=0x5678 f8=0x4004000000000000 fcsr=0x21\n");
}

TEST(GuestE2eTest, MisalignedAmoIsSigbus) {
  ExpectSameAsQemu("amo_misaligned");
  Outcome dbt = RunDbt(Testdata("amo_misaligned"), {});
  EXPECT_EQ(dbt.out, "signal 7 code 1 offset 2\n");  // SIGBUS, BUS_ADRALN.
}

TEST(GuestE2eTest, SignalsMisc) {
  Outcome dbt = RunDbt(Testdata("signals_misc"), {});
  EXPECT_TRUE(dbt.signaled);
  EXPECT_EQ(dbt.code, SIGTERM);
  EXPECT_EQ(dbt.err, "");  // SIGTERM's default action dumps no core: no message.
  ExpectSameAsQemu("signals_misc");
}

TEST(GuestE2eTest, FileIoInATempDir) {
  std::string dbt_dir = TempDir(), qemu_dir = TempDir();
  Outcome dbt = RunDbt(Testdata("file_io"), {dbt_dir});
  Outcome qemu = RunQemu(Testdata("file_io"), {qemu_dir});
  EXPECT_EQ(dbt.out, qemu.out);
  EXPECT_EQ(dbt.code, 0) << dbt;
  EXPECT_THAT(dbt.out, HasSubstr("readdir: . .. f0 f1 f2 f3 f4\n"));
  EXPECT_THAT(dbt.out, HasSubstr("fstat: 0 size 19 mode 640 nlink 1 regular 1 blksize>0 1\n"));
}

TEST(GuestE2eTest, MemoryOps) { ExpectSameAsQemu("memory_ops"); }

TEST(GuestE2eTest, ProcessMisc) { ExpectSameAsQemu("process_misc"); }

TEST(GuestE2eTest, LinuxSemanticsAgainstNativeTwin) {
  Outcome dbt = RunDbt(Testdata("linux_semantics"), {});
  Outcome native = Exec({Testdata("linux_semantics_native")});
  EXPECT_EQ(dbt.out, native.out) << dbt << "\nnative: " << native;
  EXPECT_EQ(dbt.code, native.code);
}

// Asynchronous signals never make a syscall that does not block fail with
// EINTR (they are delivered before the ecall instead), and do interrupt one
// that blocks.
TEST(GuestE2eTest, TimerStormAgainstNativeTwin) {
  Outcome dbt = RunDbt(Testdata("timer_storm"), {});
  Outcome native = Exec({Testdata("timer_storm_native")});
  EXPECT_EQ(dbt.out, native.out) << dbt << "\nnative: " << native;
  EXPECT_EQ(dbt.out,
            "non-blocking calls: eintr 0 other errors 0, timer ran: 1\n"
            "blocking read: -1 EINTR\n");
}

// Like exec: the guest starts with the caller's mask and SIG_IGN
// dispositions, unless the caller asks for a clean start.
TEST(GuestE2eTest, SignalStateInheritedOrNot) {
  auto blocked_and_ignored = [](RunOptions& options) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
  };
  Outcome inherited = RunDbt(Testdata("signal_state"), {}, "", blocked_and_ignored);
  EXPECT_EQ(inherited.out, "SIGTERM blocked 1\nSIGPIPE ignored 1\n");
  Outcome clean = RunDbt(Testdata("signal_state"), {}, "", [&](RunOptions& options) {
    blocked_and_ignored(options);
    options.inherit_signal_state = false;
  });
  EXPECT_EQ(clean.out, "SIGTERM blocked 0\nSIGPIPE ignored 0\n");
}

TEST(GuestE2eTest, StraceLines) {
  std::string log = TempDir() + "/strace.log";
  Outcome dbt = RunDbt(Testdata("hello"), {}, log);
  EXPECT_EQ(dbt.out, "hello, world\n");
  std::string text = ReadAll(log);
  const std::string pid = "[0-9]+ ";
  EXPECT_TRUE(std::regex_search(text, std::regex(pid + "brk\\(NULL\\) = 0x[0-9a-f]{16}\n")))
      << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(pid + "write\\(1,0x[0-9a-f]+,13\\) = 13\n")))
      << text;
  EXPECT_TRUE(std::regex_search(
      text, std::regex(pid + "readlinkat\\(AT_FDCWD,\"/proc/self/exe\",0x[0-9a-f]{16},4096\\) = ")))
      << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(pid + "exit_group\\(0\\)\n$"))) << text;
}

TEST(GuestE2eTest, LoadErrors) {
  auto r = RunGuest({.program = "/nonexistent/prog"});
  EXPECT_EQ(r.status().message(), "/nonexistent/prog: No such file or directory");
  // A dynamically linked program whose loader is nowhere: the error names
  // the paths looked for.
  r = RunGuest({.program = Testdata("hello_dynamic"), .sysroot = "/nonexistent/sysroot"});
  EXPECT_EQ(r.status().message(),
            Testdata("hello_dynamic") +
                ": cannot find its dynamic loader /lib/ld-linux-riscv64-lp64d.so.1 (looked in "
                "/nonexistent/sysroot/lib/ld-linux-riscv64-lp64d.so.1 and "
                "/lib/ld-linux-riscv64-lp64d.so.1)");
  r = RunGuest({.program = Testdata("hello_dynamic")});
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("cannot find its dynamic loader /lib/ld-linux-riscv64-lp64d.so.1 (no "
                        "sysroot: give -L DIR or QEMU_LD_PREFIX"));
  r = RunGuest({.program = "/bin/true"});
  EXPECT_EQ(r.status().message(), "/bin/true: not a RISC-V program (e_machine 62, expected 243)");
  // What `dbt run` prints, with exit status 1.
  Outcome o = Exec({"services/executor/runtime/run_guest", "/bin/true"});
  EXPECT_EQ(o.code, 1);
  EXPECT_FALSE(o.signaled);
  EXPECT_EQ(o.err, "dbt: /bin/true: not a RISC-V program (e_machine 62, expected 243)\n");
}

}  // namespace
}  // namespace dbt::executor
