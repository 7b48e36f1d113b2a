// Throughput of the FpFn helpers, in ns per call (best of several runs), on
// random operands in [-100, 100]. Not a test: run it by hand to see what an
// FP instruction costs the interpreter or a helper call from translated code:
//   bazel run -c opt //common/riscv:fpu_bench
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu.h"

namespace dbt::riscv {
namespace {

enum class Operands { kDouble, kSingle, kPositiveDouble, kInteger };

uint64_t RandomOperand(std::mt19937_64& rng, Operands kind) {
  std::uniform_real_distribution<double> dist(-100, 100);
  double d = dist(rng);
  if (kind == Operands::kPositiveDouble) d = d < 0 ? -d : d;
  if (kind == Operands::kInteger) return static_cast<uint64_t>(static_cast<int64_t>(d * 1e6));
  if (kind == Operands::kSingle) {
    const float f = static_cast<float>(d);
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return NanBox32(bits);
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

void Bench(const char* name, FpFn fn, Operands kind, uint32_t rm) {
  std::mt19937_64 rng(1);
  constexpr int kN = 4096, kReps = 100, kTrials = 7;
  std::vector<uint64_t> a(kN), b(kN), c(kN);
  for (int i = 0; i < kN; ++i) {
    a[i] = RandomOperand(rng, kind);
    b[i] = RandomOperand(rng, kind);
    c[i] = RandomOperand(rng, kind);
  }
  uint64_t sink = 0;
  uint32_t flags = 0;
  double best = 1e30;
  for (int trial = 0; trial < kTrials; ++trial) {
    const auto start = std::chrono::steady_clock::now();
    for (int rep = 0; rep < kReps; ++rep) {
      for (int i = 0; i < kN; ++i) sink += fn(a[i], b[i], c[i], rm, &flags);
    }
    const auto end = std::chrono::steady_clock::now();
    best = std::min(
        best, std::chrono::duration<double, std::nano>(end - start).count() / (double{kN} * kReps));
  }
  std::printf("%-8s rm=%u %6.2f ns  (checksum %llx)\n", name, rm, best,
              static_cast<unsigned long long>((sink ^ flags) & 0xff));
}

void Main() {
  for (const uint32_t rm : {kRmRNE, kRmRMM}) {
    Bench("FaddD", FaddD, Operands::kDouble, rm);
    Bench("FmulD", FmulD, Operands::kDouble, rm);
    Bench("FdivD", FdivD, Operands::kDouble, rm);
    Bench("FsqrtD", FsqrtD, Operands::kPositiveDouble, rm);
    Bench("FmaddD", FmaddD, Operands::kDouble, rm);
    Bench("FaddS", FaddS, Operands::kSingle, rm);
    Bench("FmulS", FmulS, Operands::kSingle, rm);
    Bench("FdivS", FdivS, Operands::kSingle, rm);
    Bench("FsqrtS", FsqrtS, Operands::kSingle, rm);
    Bench("FmaddS", FmaddS, Operands::kSingle, rm);
    Bench("FcvtWD", FcvtWD, Operands::kDouble, rm);
    Bench("FcvtDL", FcvtDL, Operands::kInteger, rm);
    Bench("FcvtSD", FcvtSD, Operands::kDouble, rm);
    Bench("FltD", FltD, Operands::kDouble, rm);
    Bench("FminD", FminD, Operands::kDouble, rm);
  }
}

}  // namespace
}  // namespace dbt::riscv

int main() { dbt::riscv::Main(); }
