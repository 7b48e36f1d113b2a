// Golden IR tests: each case of testdata/golden.txt is translated and its
// printed IR compared with the hand-written expectation (format described
// at the top of that file).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/translator/frontend/riscv/testing/lockstep.h"
#include "services/translator/frontend/riscv/translate.h"
#include "services/translator/ir/printer.h"
#include "services/translator/ir/verifier.h"

namespace dbt::frontend::riscv {
namespace {

struct GoldenCase {
  std::string name;
  uint64_t pc = 0;
  std::vector<uint32_t> code;
  int max_insns = kDefaultMaxInsns;
  std::string expect;
};

std::vector<GoldenCase> LoadCases() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string path = absl::StrCat(
      srcdir ? srcdir : ".", "/dbt/services/translator/frontend/riscv/testdata/golden.txt");
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<GoldenCase> cases;
  std::string line;
  bool in_expect = false;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "=== ")) {
      cases.push_back({std::string(absl::StripPrefix(line, "=== "))});
      in_expect = false;
      continue;
    }
    if (cases.empty() || absl::StartsWith(line, "#")) continue;
    GoldenCase& c = cases.back();
    absl::string_view rest = line;
    if (in_expect) {
      if (!line.empty()) absl::StrAppend(&c.expect, line, "\n");
    } else if (absl::ConsumePrefix(&rest, "pc: ")) {
      EXPECT_TRUE(absl::SimpleHexAtoi(rest, &c.pc)) << line;
    } else if (absl::ConsumePrefix(&rest, "code: ")) {
      for (absl::string_view word : absl::StrSplit(rest, ' ', absl::SkipEmpty())) {
        uint32_t w;
        EXPECT_TRUE(absl::SimpleHexAtoi(word, &w)) << word;
        c.code.push_back(w);
      }
    } else if (absl::ConsumePrefix(&rest, "max_insns: ")) {
      EXPECT_TRUE(absl::SimpleAtoi(rest, &c.max_insns)) << line;
    } else if (line == "expect:") {
      in_expect = true;
    }
  }
  return cases;
}

// tmpN / ebbN / locN renumbered in order of first appearance.
std::string NormalizeTemps(const std::string& text) {
  std::map<std::string, std::string> renamed;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (std::string_view prefix : {"tmp", "ebb", "loc"}) {
      if (text.compare(i, prefix.size(), prefix) != 0) continue;
      if (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])))) continue;
      size_t j = i + prefix.size();
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j == i + prefix.size()) continue;
      const std::string name = text.substr(i, j - i);
      auto [it, inserted] = renamed.try_emplace(name, "");
      if (inserted) it->second = absl::StrCat(std::string(prefix), renamed.size() - 1);
      out += it->second;
      i = j;
      matched = true;
      break;
    }
    if (!matched) out += text[i++];
  }
  return out;
}

TEST(GoldenTest, Cases) {
  const std::vector<GoldenCase> cases = LoadCases();
  ASSERT_GE(cases.size(), 10u);
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> bytes = testing::CodeBytes(c.code);
    BufferCodeSource source(c.pc, bytes);
    TranslateOptions options;
    options.max_insns = c.max_insns;
    TranslateResult result = TranslateBlock(source, c.pc, options);
    ASSERT_TRUE(result.tb.has_value());
    EXPECT_TRUE(ir::Verify(result.tb->block).ok()) << ir::Verify(result.tb->block);
    EXPECT_EQ(NormalizeTemps(ir::PrintBlock(result.tb->block)), c.expect);
  }
}

TEST(GoldenTest, NormalizeTemps) {
  EXPECT_EQ(NormalizeTemps("add tmp7, x1, tmp3\nmov tmp3, tmp7\nld ebb9, loc2\n"),
            "add tmp0, x1, tmp1\nmov tmp1, tmp0\nld ebb2, loc3\n");
}

}  // namespace
}  // namespace dbt::frontend::riscv
