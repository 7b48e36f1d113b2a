// Checks every FpFn of fpu.h against vectors produced by running the real
// RISC-V instructions under qemu-riscv64 (fpu_vectors_gen.c): result bits and
// accrued flags must both match, in every rounding mode.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "common/riscv/fpu.h"
#include "gtest/gtest.h"

namespace dbt::riscv {
namespace {

struct NamedOp {
  const char* name;
  FpFn fn;
};
#define DBT_NAMED_OP(name) {#name, &name},
constexpr NamedOp kOps[] = {DBT_RISCV_FP_OPS(DBT_NAMED_OP)};
#undef DBT_NAMED_OP

std::string VectorsPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string relative = "common/riscv/fpu_vectors.txt";
  if (srcdir == nullptr) return relative;
  return std::string(srcdir) + "/dbt/" + relative;
}

struct OpStats {
  int vectors = 0;
  int mismatches = 0;
  unsigned rounding_modes = 0;  // Bit per rm seen.
};

TEST(FpuVectorsTest, EveryVectorMatchesQemu) {
  std::map<std::string, FpFn> by_name;
  for (const NamedOp& op : kOps) by_name[op.name] = op.fn;

  std::ifstream in(VectorsPath());
  ASSERT_TRUE(in) << "cannot open " << VectorsPath();
  std::map<std::string, OpStats> stats;
  int reported = 0;
  constexpr int kMaxReported = 30;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    char name[32];
    uint32_t rm;
    uint64_t a, b, c, want, want_flags;
    if (std::sscanf(line.c_str(),
                    "%31s %" SCNu32 " %" SCNx64 " %" SCNx64 " %" SCNx64 " -> %" SCNx64 " %" SCNx64,
                    name, &rm, &a, &b, &c, &want, &want_flags) != 7) {
      ADD_FAILURE() << "line " << line_number << " malformed: " << line;
      continue;
    }
    const auto it = by_name.find(name);
    if (it == by_name.end()) {
      ADD_FAILURE() << "line " << line_number << ": unknown op " << name;
      continue;
    }
    OpStats& op_stats = stats[name];
    ++op_stats.vectors;
    op_stats.rounding_modes |= 1u << rm;
    uint32_t flags = 0;
    const uint64_t got = it->second(a, b, c, rm, &flags);
    if (got != want || flags != want_flags) {
      ++op_stats.mismatches;
      if (reported++ < kMaxReported) {
        char message[256];
        std::snprintf(message, sizeof message,
                      "%s rm=%u a=%016" PRIx64 " b=%016" PRIx64 " c=%016" PRIx64 ": got %016" PRIx64
                      " flags %02x, qemu %016" PRIx64 " flags %02" PRIx64,
                      name, rm, a, b, c, got, flags, want, want_flags);
        ADD_FAILURE() << "line " << line_number << ": " << message;
      }
    }
  }

  int total = 0;
  for (const NamedOp& op : kOps) {
    const OpStats& s = stats[op.name];
    total += s.vectors;
    EXPECT_GE(s.vectors, 1000) << op.name << " has too few vectors";
    EXPECT_EQ(s.rounding_modes, 0x1fu) << op.name << " is not covered in all five modes";
    EXPECT_EQ(s.mismatches, 0) << op.name << ": " << s.mismatches << " of " << s.vectors
                               << " vectors differ";
  }
  std::printf("checked %d vectors over %zu operations\n", total, std::size(kOps));
}

}  // namespace
}  // namespace dbt::riscv
