// Throughput of the FpFn helpers, in ns per call (best of several runs), on
// random operands in [-100, 100]. Not a test: run it by hand to see what an
// FP instruction costs the interpreter or a helper call from translated code:
//   bazel build //common/riscv:fpu_bench && bazel-bin/common/riscv/fpu_bench
//
// Each operation is timed in rm=RNE with the exact software path alone
// (host FPU off) and with the host fast path of fpu_host.h, once with NX
// already set in fflags before every call and once with fflags cleared
// before every call (so the fast path must decide NX itself), and in rm=RMM,
// which always takes the exact path. The last column counts the operand
// sets (of 4096) whose result or fflags differ between the two paths in RNE
// with fflags clear: it must be 0. FmvDX, which returns its operand, shows
// the cost of the call and the loop alone.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu.h"
#include "common/riscv/fpu_host.h"

namespace dbt::riscv {
namespace {

using fpu::HostFpu;

enum class Operands { kDouble, kSingle, kPositiveDouble, kPositiveSingle, kInteger, kSmallInteger };

uint64_t RandomOperand(std::mt19937_64& rng, Operands kind) {
  std::uniform_real_distribution<double> dist(-100, 100);
  double d = dist(rng);
  if (kind == Operands::kPositiveDouble || kind == Operands::kPositiveSingle) d = d < 0 ? -d : d;
  if (kind == Operands::kInteger) return static_cast<uint64_t>(static_cast<int64_t>(d * 1e16));
  if (kind == Operands::kSmallInteger) return static_cast<uint64_t>(static_cast<int64_t>(d * 1e6));
  if (kind == Operands::kSingle || kind == Operands::kPositiveSingle) {
    const float f = static_cast<float>(d);
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return NanBox32(bits);
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

struct Inputs {
  std::vector<uint64_t> a, b, c;
};
Inputs MakeInputs(Operands kind) {
  std::mt19937_64 rng(1);
  constexpr int kN = 4096;
  Inputs in;
  for (int i = 0; i < kN; ++i) {
    in.a.push_back(RandomOperand(rng, kind));
    in.b.push_back(RandomOperand(rng, kind));
    in.c.push_back(RandomOperand(rng, kind));
  }
  return in;
}

// ns per call; flags_before is stored into fflags before every call.
double Time(FpFn fn, const Inputs& in, uint32_t rm, uint32_t flags_before) {
  constexpr int kReps = 100, kTrials = 7;
  const size_t n = in.a.size();
  uint64_t sink = 0;
  double best = 1e30;
  for (int trial = 0; trial < kTrials; ++trial) {
    const auto start = std::chrono::steady_clock::now();
    for (int rep = 0; rep < kReps; ++rep) {
      for (size_t i = 0; i < n; ++i) {
        uint32_t flags = flags_before;
        sink += fn(in.a[i], in.b[i], in.c[i], rm, &flags) + flags;
      }
    }
    const auto end = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(end - start).count() /
                              (static_cast<double>(n) * kReps));
  }
  // Keeps the calls alive.
  if (sink == 0x5a5a5a5a5a5a5a5aull) std::printf("!");
  return best;
}

void Bench(const char* name, FpFn fn, Operands kind) {
  const Inputs in = MakeInputs(kind);
  const HostFpu probed = fpu::host_fpu;
  fpu::SetHostFpuForTesting(HostFpu::kOff);
  const double exact = Time(fn, in, kRmRNE, 0);
  const double rmm = Time(fn, in, kRmRMM, 0);
  fpu::SetHostFpuForTesting(probed);
  const double host_nx = Time(fn, in, kRmRNE, kFflagNX);
  const double host_clear = Time(fn, in, kRmRNE, 0);
  int differ = 0;
  for (size_t i = 0; i < in.a.size(); ++i) {
    uint32_t host_flags = 0, exact_flags = 0;
    const uint64_t host_result = fn(in.a[i], in.b[i], in.c[i], kRmRNE, &host_flags);
    fpu::SetHostFpuForTesting(HostFpu::kOff);
    const uint64_t exact_result = fn(in.a[i], in.b[i], in.c[i], kRmRNE, &exact_flags);
    fpu::SetHostFpuForTesting(probed);
    differ += host_result != exact_result || host_flags != exact_flags;
  }
  std::printf("%-8s %8.2f %10.2f %10.2f %9.2f %8d\n", name, exact, host_nx, host_clear, rmm,
              differ);
}

void Main() {
  static const char* const kModeNames[] = {"off", "sse", "sse+fma"};
  std::printf("host FPU: %s\n", kModeNames[static_cast<int>(fpu::host_fpu)]);
  std::printf("%-8s %8s %10s %10s %9s %8s\n", "op", "exact", "host/NX", "host/clr", "RMM",
              "differ");
  Bench("FmvDX", FmvDX, Operands::kDouble);
  Bench("FaddD", FaddD, Operands::kDouble);
  Bench("FsubD", FsubD, Operands::kDouble);
  Bench("FmulD", FmulD, Operands::kDouble);
  Bench("FdivD", FdivD, Operands::kDouble);
  Bench("FsqrtD", FsqrtD, Operands::kPositiveDouble);
  Bench("FmaddD", FmaddD, Operands::kDouble);
  Bench("FnmsubD", FnmsubD, Operands::kDouble);
  Bench("FaddS", FaddS, Operands::kSingle);
  Bench("FsubS", FsubS, Operands::kSingle);
  Bench("FmulS", FmulS, Operands::kSingle);
  Bench("FdivS", FdivS, Operands::kSingle);
  Bench("FsqrtS", FsqrtS, Operands::kPositiveSingle);
  Bench("FmaddS", FmaddS, Operands::kSingle);
  Bench("FnmsubS", FnmsubS, Operands::kSingle);
  Bench("FcvtWD", FcvtWD, Operands::kDouble);
  Bench("FcvtLD", FcvtLD, Operands::kDouble);
  Bench("FcvtWS", FcvtWS, Operands::kSingle);
  Bench("FcvtDW", FcvtDW, Operands::kSmallInteger);
  Bench("FcvtDL", FcvtDL, Operands::kInteger);
  Bench("FcvtSW", FcvtSW, Operands::kSmallInteger);
  Bench("FcvtSD", FcvtSD, Operands::kDouble);
  Bench("FcvtDS", FcvtDS, Operands::kSingle);
  Bench("FltD", FltD, Operands::kDouble);
  Bench("FeqD", FeqD, Operands::kDouble);
  Bench("FminD", FminD, Operands::kDouble);
}

}  // namespace
}  // namespace dbt::riscv

int main() { dbt::riscv::Main(); }
