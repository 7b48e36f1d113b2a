// `dbt run` as a user runs it: the JIT's debug logs, statistics, chaining
// switch, code buffer flush, self-modifying code and errors, each checked
// against the guest's real output (qemu-riscv64 and the interpreter are the
// oracles for what the guest prints).
#include <sys/wait.h>

#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/process_util.h"

namespace dbt {
namespace {

using ::dbt::testing::JsonInt;
using ::dbt::testing::ReadFile;
using ::dbt::testing::Runfile;
using ::dbt::testing::RunProcess;
using ::dbt::testing::RunResult;
using ::dbt::testing::TempDir;

std::string Dbt() { return Runfile("clients/dbt"); }
std::string Guest(const std::string& name) { return Runfile("tests/guest/riscv64/" + name); }

// The shell's view of how a process ended: status, or 128 + signal.
int ShellStatus(const RunResult& r) {
  if (WIFEXITED(r.wait_status)) return WEXITSTATUS(r.wait_status);
  if (WIFSIGNALED(r.wait_status)) return 128 + WTERMSIG(r.wait_status);
  return -1;
}

RunResult RunQemu(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/qemu-riscv64"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, 120000);
}

class DbtRunTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(DbtRunTest, StatsJsonHasEveryCounter) {
  std::string stats = dir_.path() + "/stats.json";
  // --no-cache: every TB is translated in this run (the cache's counters
  // are tested in tests/cache).
  RunResult r =
      RunProcess({Dbt(), "run", "--no-cache", "--stats-json", stats, Guest("printf_O2_bin")});
  ASSERT_EQ(ShellStatus(r), 0) << r.output;
  std::string json = ReadFile(stats);
  for (const char* key :
       {"tbs_translated", "guest_insns_translated", "host_bytes_emitted", "chain_links",
        "tb_lookups", "tb_flushes", "translate_ns", "wall_ns", "tbs_loaded_from_cache",
        "cache_hits", "cache_misses", "cache_rejected", "cache_stored"}) {
    EXPECT_GE(JsonInt(json, key), 0) << key << " missing in\n" << json;
  }
  EXPECT_GT(JsonInt(json, "tbs_translated"), 10);
  EXPECT_GE(JsonInt(json, "guest_insns_translated"), JsonInt(json, "tbs_translated"));
  EXPECT_GT(JsonInt(json, "host_bytes_emitted"), 0);
  EXPECT_GT(JsonInt(json, "chain_links"), 0);
  EXPECT_GT(JsonInt(json, "translate_ns"), 0);
  EXPECT_GE(JsonInt(json, "wall_ns"), JsonInt(json, "translate_ns"));
  EXPECT_EQ(JsonInt(json, "tb_flushes"), 0);
}

TEST_F(DbtRunTest, DebugLogShowsEveryStageAndLeavesOutputAlone) {
  std::string log = dir_.path() + "/dbt.log";
  RunResult plain = RunProcess({Dbt(), "run", Guest("mul_O2_bin")});
  RunResult logged =
      RunProcess({Dbt(), "run", "-d", "in_asm,op,op_opt,out_asm", "-D", log, Guest("mul_O2_bin")});
  ASSERT_EQ(ShellStatus(logged), 0);
  EXPECT_EQ(logged.output, plain.output);
  std::string text = ReadFile(log);
  EXPECT_NE(text.find("IN: \n0x"), std::string::npos);
  EXPECT_NE(text.find("OP:\ntb_start"), std::string::npos);
  EXPECT_NE(text.find("OP after optimization and liveness analysis:"), std::string::npos);
  EXPECT_NE(text.find("OUT: [size="), std::string::npos);
  // The guest's first instruction is the ELF entry point's.
  RunResult readelf = RunProcess({"/usr/bin/riscv64-linux-gnu-readelf", "-h", Guest("mul_O2_bin")});
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(readelf.output, m, std::regex("Entry point address:\\s+0x([0-9a-f]+)")));
  std::string entry = m[1];
  EXPECT_NE(text.find("IN: \n0x" + std::string(16 - entry.size(), '0') + entry + ":"),
            std::string::npos)
      << text.substr(0, 300);
}

TEST_F(DbtRunTest, PageLogShowsTheLoadedImageAndStack) {
  std::string log = dir_.path() + "/page.log";
  RunResult r = RunProcess({Dbt(), "run", "-d", "page", "-D", log, Guest("mul_O2_bin")});
  ASSERT_EQ(ShellStatus(r), 0);
  std::string text = ReadFile(log);
  EXPECT_TRUE(std::regex_search(text, std::regex("guest_base  0x[0-9a-f]+\n")));
  // Linux's /proc/self/maps format: the program's text mapped r-x from
  // offset 0, and the stack.
  EXPECT_TRUE(std::regex_search(text, std::regex("[0-9a-f]+-[0-9a-f]+ r-xp 00000000 .*mul_O2_bin")))
      << text;
  EXPECT_NE(text.find("[stack]"), std::string::npos) << text;
}

TEST_F(DbtRunTest, NoChainRunsUnchainedWithTheSameOutput) {
  std::string s1 = dir_.path() + "/a.json", s2 = dir_.path() + "/b.json";
  RunResult chained = RunProcess({Dbt(), "run", "--stats-json", s1, Guest("sort_O2_bin")});
  RunResult unchained =
      RunProcess({Dbt(), "run", "-d", "nochain", "--stats-json", s2, Guest("sort_O2_bin")});
  ASSERT_EQ(ShellStatus(chained), 0);
  EXPECT_EQ(ShellStatus(unchained), 0);
  EXPECT_EQ(chained.output, unchained.output);
  EXPECT_GT(JsonInt(ReadFile(s1), "chain_links"), 0);
  EXPECT_EQ(JsonInt(ReadFile(s2), "chain_links"), 0);
  // Without chaining every TB transition is a dispatcher lookup.
  EXPECT_GT(JsonInt(ReadFile(s2), "tb_lookups"), JsonInt(ReadFile(s1), "tb_lookups"));
}

TEST_F(DbtRunTest, FullCodeBufferIsFlushedAndTranslationContinues) {
  // One instruction per TB makes C++ start-up alone need more than 1 MiB.
  std::string stats = dir_.path() + "/s.json";
  RunResult small = RunProcess({Dbt(), "run", "--one-insn-per-tb", "--tb-size", "1", "--stats-json",
                                stats, Guest("cxx_O2_bin")});
  RunResult qemu = RunQemu({Guest("cxx_O2_bin")});
  EXPECT_EQ(ShellStatus(small), ShellStatus(qemu));
  EXPECT_EQ(small.output, qemu.output);
  EXPECT_GE(JsonInt(ReadFile(stats), "tb_flushes"), 1);
  EXPECT_EQ(JsonInt(ReadFile(stats), "tbs_translated"),
            JsonInt(ReadFile(stats), "guest_insns_translated"));
}

TEST_F(DbtRunTest, SelfModifyingCodeInvalidatesTranslations) {
  std::string stats = dir_.path() + "/s.json";
  RunResult r = RunProcess({Dbt(), "run", "--stats-json", stats, Guest("smc_O2_bin")});
  RunResult qemu = RunQemu({Guest("smc_O2_bin")});
  EXPECT_EQ(ShellStatus(r), ShellStatus(qemu));
  EXPECT_EQ(r.output, qemu.output);
  EXPECT_GT(JsonInt(ReadFile(stats), "tb_invalidations"), 0);
}

TEST_F(DbtRunTest, InterpreterAgreesWithTheJit) {
  // nx_exec jumps into readable, non-executable memory: both must fault.
  for (const char* prog :
       {"fparith_O2_bin", "div_O2_bin", "rvc_Os_bin", "string_O2_bin", "nx_exec_O2_bin"}) {
    RunResult jit = RunProcess({Dbt(), "run", Guest(prog)});
    RunResult interp = RunProcess({Dbt(), "run", "--interpret", Guest(prog)});
    EXPECT_EQ(ShellStatus(jit), ShellStatus(interp)) << prog;
    EXPECT_EQ(jit.output, interp.output) << prog;
  }
}

TEST_F(DbtRunTest, StraceLogsSyscallsLikeQemu) {
  std::string log = dir_.path() + "/strace.log";
  RunResult r = RunProcess({Dbt(), "run", "-strace", "-D", log, Guest("printf_O2_bin")});
  ASSERT_EQ(ShellStatus(r), 0);
  std::string text = ReadFile(log);
  // "PID write(1,0x...,N) = N" as qemu prints it.
  EXPECT_TRUE(
      std::regex_search(text, std::regex(R"(\n?[0-9]+ write\(1,0x[0-9a-f]+,[0-9]+\) = [0-9]+)")))
      << text.substr(0, 500);
  EXPECT_NE(text.find("exit_group("), std::string::npos);
}

TEST_F(DbtRunTest, BadProgramsAreClearErrors) {
  std::string text_file = dir_.path() + "/not_elf";
  RunProcess({"/bin/sh", "-c", "echo hello > " + text_file});
  RunResult not_elf = RunProcess({Dbt(), "run", text_file});
  EXPECT_EQ(ShellStatus(not_elf), 1);
  EXPECT_NE(not_elf.output.find("dbt: "), std::string::npos) << not_elf.output;

  RunResult x86 = RunProcess({Dbt(), "run", "/bin/true"});
  EXPECT_EQ(ShellStatus(x86), 1);
  EXPECT_NE(x86.output.find("dbt: "), std::string::npos) << x86.output;

  RunResult missing = RunProcess({Dbt(), "run", dir_.path() + "/nope"});
  EXPECT_EQ(ShellStatus(missing), 1);

  RunResult usage = RunProcess({Dbt(), "run", "-d", "bogus", Guest("printf_O2_bin")});
  EXPECT_EQ(ShellStatus(usage), 2);
}

}  // namespace
}  // namespace dbt
