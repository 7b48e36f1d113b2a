// `dbt run -jitdump`: the file perf inject --jit reads, parsed record by
// record (linux tools/perf/Documentation/jitdump-specification.txt) and
// checked against what the run says it translated (--stats-json) and the
// guest ELF's entry point. perf itself is not needed: the format is the
// contract (checked by hand with perf 6.1: see docs/ARCHITECTURE.md).
#include <dirent.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstring>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
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

std::string Guest(const std::string& name) { return Runfile("tests/guest/riscv64/" + name); }

template <typename T>
T Get(const std::string& data, size_t offset) {
  T v{};
  if (offset + sizeof v <= data.size()) memcpy(&v, data.data() + offset, sizeof v);
  return v;
}

struct CodeLoad {
  uint32_t pid = 0;
  uint64_t code_addr = 0, code_size = 0, code_index = 0;
  std::string name;
};

struct Dump {
  uint32_t pid = 0;
  std::vector<CodeLoad> loads;
  bool closed = false;
  std::string error;  // non-empty: malformed
};

Dump Parse(const std::string& data) {
  Dump d;
  if (data.size() < 40) return {.error = "shorter than the header"};
  if (Get<uint32_t>(data, 0) != 0x4A695444) return {.error = "bad magic"};
  if (Get<uint32_t>(data, 4) != 1) return {.error = "bad version"};
  if (Get<uint32_t>(data, 8) != 40) return {.error = "bad header size"};
  if (Get<uint32_t>(data, 12) != 62) return {.error = "elf_mach is not EM_X86_64"};
  d.pid = Get<uint32_t>(data, 20);
  size_t at = 40;
  while (at < data.size()) {
    const uint32_t id = Get<uint32_t>(data, at), size = Get<uint32_t>(data, at + 4);
    if (size < 16 || at + size > data.size())
      return {.error = absl::StrFormat("record at %d overruns", at)};
    if (d.closed) return {.error = "a record after JIT_CODE_CLOSE"};
    if (id == 3) {
      d.closed = true;
    } else if (id == 0) {
      CodeLoad c;
      c.pid = Get<uint32_t>(data, at + 16);
      c.code_addr = Get<uint64_t>(data, at + 32);
      c.code_size = Get<uint64_t>(data, at + 40);
      c.code_index = Get<uint64_t>(data, at + 48);
      if (Get<uint64_t>(data, at + 24) != c.code_addr) return {.error = "vma != code_addr"};
      const size_t name_at = at + 56;
      const size_t nul = data.find('\0', name_at);
      if (nul == std::string::npos || nul >= at + size) return {.error = "unterminated name"};
      c.name = data.substr(name_at, nul - name_at);
      if (nul + 1 + c.code_size != at + size) return {.error = "code bytes != code_size"};
      d.loads.push_back(c);
    } else {
      return {.error = absl::StrFormat("unexpected record id %d", id)};
    }
    at += size;
  }
  return d;
}

std::vector<std::string> DumpFiles(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return files;
  while (dirent* e = readdir(d)) {
    if (std::regex_match(e->d_name, std::regex("jit-[0-9]+\\.dump"))) files.push_back(e->d_name);
  }
  closedir(d);
  return files;
}

TEST(JitDumpTest, EveryTranslatedTbIsRecordedWithItsCode) {
  TempDir dir;
  const std::string stats = dir.path() + "/stats.json";
  const std::string program = Guest("printf_O2_bin");
  RunResult plain = RunProcess({Runfile("clients/dbt"), "run", program});
  RunResult r = RunProcess({"/usr/bin/env", "TMPDIR=" + dir.path(), Runfile("clients/dbt"), "run",
                            "-jitdump", "--stats-json", stats, program});
  ASSERT_TRUE(WIFEXITED(r.wait_status) && WEXITSTATUS(r.wait_status) == 0) << r.output;
  EXPECT_EQ(r.output, plain.output);  // the dump does not touch the guest

  const std::vector<std::string> files = DumpFiles(dir.path());
  ASSERT_EQ(files.size(), 1u);
  const Dump d = Parse(ReadFile(dir.path() + "/" + files[0]));
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(files[0], absl::StrFormat("jit-%d.dump", d.pid));
  EXPECT_TRUE(d.closed);
  // One record per TB put in the registry: translated, preloaded from the
  // cache or found in it on a miss.
  const std::string json = ReadFile(stats);
  ASSERT_EQ(static_cast<long long>(d.loads.size()), JsonInt(json, "tbs_translated") +
                                                        JsonInt(json, "tbs_loaded_from_cache") +
                                                        JsonInt(json, "cache_hits"));
  std::set<uint64_t> addrs;
  std::set<std::string> names;
  for (size_t i = 0; i < d.loads.size(); ++i) {
    const CodeLoad& c = d.loads[i];
    EXPECT_EQ(c.pid, d.pid);
    EXPECT_EQ(c.code_index, i);
    EXPECT_GT(c.code_size, 0u);
    EXPECT_EQ(c.code_addr % 16, 0u) << "TBs are 16-byte aligned";
    EXPECT_TRUE(std::regex_match(c.name, std::regex("guest:0x[0-9a-f]+"))) << c.name;
    addrs.insert(c.code_addr);
    names.insert(c.name);
  }
  EXPECT_EQ(addrs.size(), d.loads.size()) << "no flush here: every TB has its own code";
  // The ELF entry point's TB is among them (first when translated; a
  // preload puts the program's TBs in its index order, which concurrent
  // runs of the same program may interleave).
  const std::string elf = ReadFile(program);
  ASSERT_GE(elf.size(), 32u);
  EXPECT_EQ(names.count(absl::StrFormat("guest:0x%x", Get<uint64_t>(elf, 24))), 1u);
}

TEST(JitDumpTest, AForkedChildWritesItsOwnFile) {
  TempDir dir;
  RunResult r = RunProcess({"/usr/bin/env", "TMPDIR=" + dir.path(), Runfile("clients/dbt"), "run",
                            "-jitdump", Guest("fork_O2_bin")});
  ASSERT_TRUE(WIFEXITED(r.wait_status) && WEXITSTATUS(r.wait_status) == 0) << r.output;
  const std::vector<std::string> files = DumpFiles(dir.path());
  ASSERT_GE(files.size(), 2u) << r.output;
  std::set<uint32_t> pids;
  for (const std::string& f : files) {
    const Dump d = Parse(ReadFile(dir.path() + "/" + f));
    EXPECT_EQ(d.error, "") << f;
    EXPECT_EQ(f, absl::StrFormat("jit-%d.dump", d.pid));
    EXPECT_FALSE(d.loads.empty()) << f;
    for (const CodeLoad& c : d.loads) EXPECT_EQ(c.pid, d.pid) << f;
    pids.insert(d.pid);
  }
  EXPECT_EQ(pids.size(), files.size());
}

TEST(JitDumpTest, AnUnwritableDirectoryIsAClearError) {
  // --one-process: private services would already need TMPDIR themselves.
  RunResult r = RunProcess({"/usr/bin/env", "TMPDIR=/nonexistent/dir", Runfile("clients/dbt"),
                            "run", "--one-process", "-jitdump", Guest("printf_O2_bin")});
  EXPECT_FALSE(WIFEXITED(r.wait_status) && WEXITSTATUS(r.wait_status) == 0);
  EXPECT_NE(r.output.find("-jitdump: cannot create /nonexistent/dir/jit-"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace dbt
