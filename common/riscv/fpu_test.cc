// Checks every FpFn of fpu.h against vectors produced by running the real
// RISC-V instructions under qemu-riscv64 (fpu_vectors_gen.c): result bits and
// accrued flags must both match, in every rounding mode, with the host-FPU
// fast path off (the exact software path alone) and on (SSE, and SSE+FMA
// where the CPU has FMA3). Vectors of the HostPath section start from a
// preset fflags (NX or not) and expect it OR-ed into the result flags.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/riscv/fpu.h"
#include "common/riscv/fpu_host.h"
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

struct Vector {
  int line_number;
  FpFn fn;
  const char* name;
  uint32_t rm;
  uint64_t a, b, c, preset, want, want_flags;
};

struct OpStats {
  int vectors = 0;
  int preset_nx = 0;  // Vectors that start with NX set.
  int mismatches = 0;
  unsigned rounding_modes = 0;  // Bit per rm seen.
};

std::vector<Vector> ReadVectors() {
  std::map<std::string, const NamedOp*> by_name;
  for (const NamedOp& op : kOps) by_name[op.name] = &op;
  std::vector<Vector> vectors;
  std::ifstream in(VectorsPath());
  EXPECT_TRUE(in) << "cannot open " << VectorsPath();
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    char name[32];
    Vector v{};
    v.line_number = line_number;
    // Either "name rm a b c -> r f" or, with a preset, "name rm a b c p -> r f".
    const bool plain =
        std::sscanf(line.c_str(),
                    "%31s %" SCNu32 " %" SCNx64 " %" SCNx64 " %" SCNx64 " -> %" SCNx64 " %" SCNx64,
                    name, &v.rm, &v.a, &v.b, &v.c, &v.want, &v.want_flags) == 7;
    if (!plain &&
        std::sscanf(line.c_str(),
                    "%31s %" SCNu32 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " -> %" SCNx64
                    " %" SCNx64,
                    name, &v.rm, &v.a, &v.b, &v.c, &v.preset, &v.want, &v.want_flags) != 8) {
      ADD_FAILURE() << "line " << line_number << " malformed: " << line;
      continue;
    }
    const auto it = by_name.find(name);
    if (it == by_name.end() || v.rm > 4 || v.preset > 31) {
      ADD_FAILURE() << "line " << line_number << ": bad op, rm or preset: " << line;
      continue;
    }
    v.fn = it->second->fn;
    v.name = it->second->name;
    vectors.push_back(v);
  }
  return vectors;
}

class FpuVectorsTest : public ::testing::TestWithParam<fpu::HostFpu> {
 protected:
  void TearDown() override { fpu::SetHostFpuForTesting(fpu::ProbeHostFpu()); }
};

TEST_P(FpuVectorsTest, EveryVectorMatchesQemu) {
  const fpu::HostFpu mode = GetParam();
  if (mode == fpu::HostFpu::kSseFma && fpu::ProbeHostFpu() != fpu::HostFpu::kSseFma) {
    GTEST_SKIP() << "no FMA3 on this host";
  }
  fpu::SetHostFpuForTesting(mode);
  static const std::vector<Vector> vectors = ReadVectors();
  std::map<std::string, OpStats> stats;
  int reported = 0;
  constexpr int kMaxReported = 30;
  for (const Vector& v : vectors) {
    OpStats& op_stats = stats[v.name];
    ++op_stats.vectors;
    op_stats.preset_nx += (v.preset & kFflagNX) != 0;
    op_stats.rounding_modes |= 1u << v.rm;
    uint32_t flags = static_cast<uint32_t>(v.preset);
    const uint64_t got = v.fn(v.a, v.b, v.c, v.rm, &flags);
    if (got != v.want || flags != v.want_flags) {
      ++op_stats.mismatches;
      if (reported++ < kMaxReported) {
        char message[256];
        std::snprintf(message, sizeof message,
                      "%s rm=%u a=%016" PRIx64 " b=%016" PRIx64 " c=%016" PRIx64
                      " preset %02" PRIx64 ": got %016" PRIx64 " flags %02x, qemu %016" PRIx64
                      " flags %02" PRIx64,
                      v.name, v.rm, v.a, v.b, v.c, v.preset, got, flags, v.want, v.want_flags);
        ADD_FAILURE() << "line " << v.line_number << ": " << message;
      }
    }
  }

  int total = 0, with_nx = 0;
  for (const NamedOp& op : kOps) {
    const OpStats& s = stats[op.name];
    total += s.vectors;
    with_nx += s.preset_nx;
    EXPECT_GE(s.vectors, 1000) << op.name << " has too few vectors";
    EXPECT_EQ(s.rounding_modes, 0x1fu) << op.name << " is not covered in all five modes";
    EXPECT_EQ(s.mismatches, 0) << op.name << ": " << s.mismatches << " of " << s.vectors
                               << " vectors differ";
  }
  // The HostPath section: every fast-path operation, NX preset and clear.
  for (const char* name : {"FaddD", "FmulD", "FdivD", "FsqrtD", "FmaddD", "FaddS", "FmulS", "FdivS",
                           "FsqrtS", "FnmsubS", "FcvtWD", "FcvtDL", "FcvtSD"}) {
    EXPECT_GE(stats[name].preset_nx, 3000) << name;
  }
  std::printf("host mode %d: checked %d vectors (%d with NX preset) over %zu operations\n",
              static_cast<int>(mode), total, with_nx, std::size(kOps));
}

INSTANTIATE_TEST_SUITE_P(HostModes, FpuVectorsTest,
                         ::testing::Values(fpu::HostFpu::kOff, fpu::HostFpu::kSse,
                                           fpu::HostFpu::kSseFma));

}  // namespace
}  // namespace dbt::riscv
