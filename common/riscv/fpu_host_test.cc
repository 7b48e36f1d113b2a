// The host-FPU fast path (fpu_host.h) against the exact software path: every
// fpu.h function, called with the host FPU off (exact path only, the path
// the qemu vectors of fpu_test check) and with it on (kSse, and kSseFma
// where the CPU has FMA3), must return the same bits and leave the same
// fflags, for millions of random operands in all five rounding modes and with
// every fflags preset. The operands concentrate where the fast path decides
// something: exact and inexact results, the thresholds it tests (smallest
// normal, 2^-968, overflow), zeros, integer bounds, and the values it must
// refuse (NaN, inf, subnormal, improperly boxed singles). Fixed seeds.
#include <immintrin.h>

#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu.h"
#include "common/riscv/fpu_format.h"
#include "common/riscv/fpu_host.h"
#include "gtest/gtest.h"

namespace dbt::riscv {
namespace {

using fpu::F32;
using fpu::F64;
using fpu::HostFpu;

// ---- Operand generators --------------------------------------------------

class Operands {
 public:
  explicit Operands(uint64_t seed) : rng_(seed) {}

  uint64_t Bits() { return rng_(); }
  uint64_t Below(uint64_t n) { return rng_() % n; }
  bool Coin() { return (rng_() & 1) != 0; }

  // A double: mostly normal values spread over the classes the fast path
  // treats differently, sometimes a value computed from `other` so that the
  // pair is interesting for addition (cancellation, ties, exponent gaps).
  uint64_t Double(uint64_t other) {
    const uint64_t sign = rng_() & 0x8000000000000000ull;
    uint64_t frac = rng_() & 0x000fffffffffffffull;
    uint64_t exp;
    switch (Below(14)) {
      case 0:
        return rng_();
      case 1:
        return kSpecialD[Below(std::size(kSpecialD))];
      case 2:  // Sparse significand: exact sums, products, quotients, roots.
        frac = 0;
        for (int i = static_cast<int>(Below(3)); i >= 0; --i) frac |= 1ull << (52 - Below(8));
        exp = 1023 + Below(9) - 4;
        break;
      case 3:  // Small integers: exact arithmetic.
        return std::bit_cast<uint64_t>(static_cast<double>(static_cast<int64_t>(Below(41)) - 20));
      case 4:  // Anywhere in the exponent range.
        exp = Below(2048);
        break;
      case 5:  // Near the smallest normal (products and quotients land there).
        exp = 1 + Below(40);
        break;
      case 6:  // Near 2^-968 and 2^-484 (the residual thresholds and their roots).
        exp = (Coin() ? 1023 - 968 : 1023 - 484) + Below(9) - 4;
        break;
      case 7:  // Near overflow.
        exp = 2046 - Below(20);
        break;
      case 8:
      case 9: {  // Related to `other`: same or nearby exponent, or ~p apart.
        const uint64_t other_exp = (other >> 52) & 0x7ff;
        const int64_t shift = static_cast<int64_t>(Below(62)) - 4;
        exp = std::clamp<int64_t>(static_cast<int64_t>(other_exp) - shift, 1, 2046);
        if (Coin()) frac = (other & 0x000fffffffffffffull) ^ (1ull << Below(52));
        if (Coin()) frac = (other & 0x000fffffffffffffull) + Below(3) - 1;
        frac &= 0x000fffffffffffffull;
        break;
      }
      default:  // Ordinary values.
        exp = 1023 + Below(61) - 30;
        break;
    }
    return sign | exp << 52 | frac;
  }

  // A binary32 value (raw 32 bits), same classes.
  uint32_t Single(uint32_t other) {
    const uint32_t sign = static_cast<uint32_t>(rng_()) & 0x80000000u;
    uint32_t frac = static_cast<uint32_t>(rng_()) & 0x007fffffu;
    uint32_t exp;
    switch (Below(14)) {
      case 0:
        return static_cast<uint32_t>(rng_());
      case 1:
        return kSpecialS[Below(std::size(kSpecialS))];
      case 2:
        frac = 0;
        for (int i = static_cast<int>(Below(3)); i >= 0; --i) frac |= 1u << (23 - Below(8));
        exp = 127 + static_cast<uint32_t>(Below(9)) - 4;
        break;
      case 3:
        return std::bit_cast<uint32_t>(static_cast<float>(static_cast<int>(Below(41)) - 20));
      case 4:
        exp = static_cast<uint32_t>(Below(256));
        break;
      case 5:
        exp = 1 + static_cast<uint32_t>(Below(30));
        break;
      case 6:  // Products of these are near the smallest normal.
        exp = 127 - 63 + static_cast<uint32_t>(Below(9)) - 4;
        break;
      case 7:
        exp = 254 - static_cast<uint32_t>(Below(16));
        break;
      case 8:
      case 9: {
        const int other_exp = static_cast<int>((other >> 23) & 0xff);
        const int shift = static_cast<int>(Below(33)) - 4;
        exp = static_cast<uint32_t>(std::clamp(other_exp - shift, 1, 254));
        if (Coin()) frac = (other & 0x007fffffu) ^ (1u << Below(23));
        if (Coin()) frac = (other & 0x007fffffu) + static_cast<uint32_t>(Below(3)) - 1;
        frac &= 0x007fffffu;
        break;
      }
      default:
        exp = 127 + static_cast<uint32_t>(Below(41)) - 20;
        break;
    }
    return sign | exp << 23 | frac;
  }
  // A single as a register: NaN-boxed, rarely not.
  uint64_t BoxedSingle(uint32_t other) {
    const uint32_t value = Single(other);
    if (Below(64) == 0) return (rng_() & 0xfffffffe00000000ull) | value;
    return NanBox32(value);
  }

  // An integer register for fcvt.{s,d}.{w,wu,l,lu}: widths around the
  // binary32 and binary64 precisions, ties, bounds.
  uint64_t Integer() {
    switch (Below(5)) {
      case 0:
        return rng_();
      case 1:
        return rng_() >> Below(64);
      case 2: {  // 24..27 or 53..56 significant bits at a random position.
        const int bits = 24 + static_cast<int>(Below(4)) + (Coin() ? 29 : 0);
        uint64_t x = (rng_() | 1ull << 63) >> (64 - bits);
        x <<= Below(static_cast<uint64_t>(64 - bits + 1));
        return Coin() ? ~x + 1 : x;
      }
      case 3:
        return static_cast<uint64_t>(static_cast<int64_t>(Below(2001)) - 1000);
      default: {
        static constexpr uint64_t kBounds[] = {
            0x7fffffff,         0x80000000,         0xffffffff, 0x7fffffffffffffff,
            0x8000000000000000, 0xffffffffffffffff, 1ull << 53, 1ull << 24};
        return kBounds[Below(std::size(kBounds))] + Below(5) - 2;
      }
    }
  }

  // A double or single near the integer bounds and halves, for fcvt to int.
  double NearInteger() {
    static constexpr double kBoundsD[] = {0x1p31, 0x1p32, 0x1p63, 0x1p64, 0x1p53, 0x1p24, 0.5, 1};
    const double bound = kBoundsD[Below(std::size(kBoundsD))];
    static constexpr double kOffsets[] = {0, 0.5, -0.5, 1, -1, 0.25, -0.75, 1.5, -1.5};
    double d = bound + kOffsets[Below(std::size(kOffsets))];
    if (Coin()) d = std::nextafter(d, Coin() ? 0.0 : 1e300);
    return Coin() ? -d : d;
  }

 private:
  static constexpr uint64_t kSpecialD[] = {
      0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x800fffffffffffff,
      0x0010000000000000, 0x8010000000000000, 0x0010000000000001, 0x3ff0000000000000,
      0xbff0000000000000, 0x7fefffffffffffff, 0xffefffffffffffff, 0x7ff0000000000000,
      0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001, 0xfff8000000012345,
      0x0370000000000000, 0x0380000000000000, 0x1ff0000000000000, 0x2000000000000000};
  static constexpr uint32_t kSpecialS[] = {
      0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x80800000,
      0x00800001, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
      0xff800000, 0x7fc00000, 0x7f800001, 0xffc12345, 0x1f800000, 0x20000000};
  std::mt19937_64 rng_;
};

// ---- The operations and their operand kinds ---------------------------------

enum class Kind { kDouble, kSingle, kInteger, kDoubleNearInteger, kSingleNearInteger };

// Operations whose operands get a special relation sometimes.
enum class Shape { kPlain, kFused, kDivision };

struct Op {
  const char* name;
  FpFn fn;
  Kind a, b, c;
  int samples;  // Random operand triples, each in one mode with one preset.
  Shape shape = Shape::kPlain;
};

constexpr Kind D = Kind::kDouble, S = Kind::kSingle, I = Kind::kInteger;
constexpr Kind DI = Kind::kDoubleNearInteger, SI = Kind::kSingleNearInteger;
constexpr int kHot = 600000, kCold = 60000;

// The operations with a fast path get kHot samples; the rest kCold, to
// check that nothing else changed with the host mode.
const Op kOps[] = {
    {"FaddD", FaddD, D, D, D, kHot},
    {"FsubD", FsubD, D, D, D, kHot},
    {"FmulD", FmulD, D, D, D, kHot},
    {"FdivD", FdivD, D, D, D, kHot, Shape::kDivision},
    {"FsqrtD", FsqrtD, D, D, D, kHot},
    {"FmaddD", FmaddD, D, D, D, kHot, Shape::kFused},
    {"FmsubD", FmsubD, D, D, D, kHot, Shape::kFused},
    {"FnmsubD", FnmsubD, D, D, D, kHot, Shape::kFused},
    {"FnmaddD", FnmaddD, D, D, D, kHot, Shape::kFused},
    {"FaddS", FaddS, S, S, S, kHot},
    {"FsubS", FsubS, S, S, S, kHot},
    {"FmulS", FmulS, S, S, S, kHot},
    {"FdivS", FdivS, S, S, S, kHot, Shape::kDivision},
    {"FsqrtS", FsqrtS, S, S, S, kHot},
    {"FmaddS", FmaddS, S, S, S, kHot, Shape::kFused},
    {"FmsubS", FmsubS, S, S, S, kHot, Shape::kFused},
    {"FnmsubS", FnmsubS, S, S, S, kHot, Shape::kFused},
    {"FnmaddS", FnmaddS, S, S, S, kHot, Shape::kFused},
    {"FcvtWD", FcvtWD, DI, D, D, kHot},
    {"FcvtLD", FcvtLD, DI, D, D, kHot},
    {"FcvtWS", FcvtWS, SI, S, S, kHot},
    {"FcvtLS", FcvtLS, SI, S, S, kHot},
    {"FcvtDW", FcvtDW, I, I, I, kHot},
    {"FcvtDWu", FcvtDWu, I, I, I, kHot},
    {"FcvtDL", FcvtDL, I, I, I, kHot},
    {"FcvtDLu", FcvtDLu, I, I, I, kHot},
    {"FcvtSW", FcvtSW, I, I, I, kHot},
    {"FcvtSWu", FcvtSWu, I, I, I, kHot},
    {"FcvtSL", FcvtSL, I, I, I, kHot},
    {"FcvtSLu", FcvtSLu, I, I, I, kHot},
    {"FcvtSD", FcvtSD, D, D, D, kHot},
    {"FcvtDS", FcvtDS, S, S, S, kHot},
    {"FminS", FminS, S, S, S, kCold},
    {"FmaxS", FmaxS, S, S, S, kCold},
    {"FsgnjS", FsgnjS, S, S, S, kCold},
    {"FsgnjnS", FsgnjnS, S, S, S, kCold},
    {"FsgnjxS", FsgnjxS, S, S, S, kCold},
    {"FeqS", FeqS, S, S, S, kCold},
    {"FltS", FltS, S, S, S, kCold},
    {"FleS", FleS, S, S, S, kCold},
    {"FclassS", FclassS, S, S, S, kCold},
    {"FcvtWuS", FcvtWuS, SI, S, S, kCold},
    {"FcvtLuS", FcvtLuS, SI, S, S, kCold},
    {"FmvXW", FmvXW, S, S, S, kCold},
    {"FmvWX", FmvWX, I, I, I, kCold},
    {"FminD", FminD, D, D, D, kCold},
    {"FmaxD", FmaxD, D, D, D, kCold},
    {"FsgnjD", FsgnjD, D, D, D, kCold},
    {"FsgnjnD", FsgnjnD, D, D, D, kCold},
    {"FsgnjxD", FsgnjxD, D, D, D, kCold},
    {"FeqD", FeqD, D, D, D, kCold},
    {"FltD", FltD, D, D, D, kCold},
    {"FleD", FleD, D, D, D, kCold},
    {"FclassD", FclassD, D, D, D, kCold},
    {"FcvtWuD", FcvtWuD, DI, D, D, kCold},
    {"FcvtLuD", FcvtLuD, DI, D, D, kCold},
    {"FmvXD", FmvXD, D, D, D, kCold},
    {"FmvDX", FmvDX, I, I, I, kCold},
};

uint64_t Generate(Operands& gen, Kind kind, uint64_t other) {
  switch (kind) {
    case Kind::kDouble:
      return gen.Double(other);
    case Kind::kSingle:
      return gen.BoxedSingle(static_cast<uint32_t>(other));
    case Kind::kInteger:
      return gen.Integer();
    case Kind::kDoubleNearInteger:
      return gen.Coin() ? gen.Double(other) : std::bit_cast<uint64_t>(gen.NearInteger());
    case Kind::kSingleNearInteger:
      return gen.Coin() ? gen.BoxedSingle(static_cast<uint32_t>(other))
                        : NanBox32(std::bit_cast<uint32_t>(static_cast<float>(gen.NearInteger())));
  }
  return 0;
}

// For the fused forms: an addend that nearly cancels the product (c close
// to -(a*b) or a*b, computed on the host in RNE), where the single rounding
// and the zero cases matter.
uint64_t CancellingAddend(Operands& gen, Kind kind, uint64_t a, uint64_t b) {
  if (kind == Kind::kDouble) {
    const double p = std::bit_cast<double>(a) * std::bit_cast<double>(b);
    return (std::bit_cast<uint64_t>(p) + gen.Below(5) - 2) ^ (gen.Coin() ? 0x8000000000000000 : 0);
  }
  const float p = std::bit_cast<float>(static_cast<uint32_t>(a)) *
                  std::bit_cast<float>(static_cast<uint32_t>(b));
  const uint32_t bits = (std::bit_cast<uint32_t>(p) + static_cast<uint32_t>(gen.Below(5)) - 2) ^
                        (gen.Coin() ? 0x80000000u : 0);
  return NanBox32(bits);
}

// A dividend a = q * b (on the host) for a quotient near a threshold or an
// exact one, so fdiv lands on the decisions of HostDiv.
uint64_t DividendFor(Operands& gen, Kind kind, uint64_t b) {
  if (kind == Kind::kDouble) {
    static constexpr double kTargets[] = {0x1p-1022, 0x1p-968, 0x1.fffffffffffffp1023, 3, 0.75};
    const double q = kTargets[gen.Below(std::size(kTargets))] * (1 + gen.Below(9) * 0x1p-52);
    return std::bit_cast<uint64_t>(q * std::bit_cast<double>(b)) + gen.Below(3) - 1;
  }
  static constexpr float kTargets[] = {0x1p-126f, 0x1.fffffep127f, 3, 0.75};
  const float q = kTargets[gen.Below(std::size(kTargets))] * (1 + gen.Below(9) * 0x1p-23f);
  return NanBox32(std::bit_cast<uint32_t>(q * std::bit_cast<float>(static_cast<uint32_t>(b))) +
                  static_cast<uint32_t>(gen.Below(3)) - 1);
}

struct Outcome {
  uint64_t value;
  uint32_t flags;
};
Outcome RunIn(const Op& op, HostFpu mode, uint64_t a, uint64_t b, uint64_t c, uint32_t rm,
              uint32_t preset) {
  fpu::SetHostFpuForTesting(mode);
  uint32_t flags = preset;
  const uint64_t value = op.fn(a, b, c, rm, &flags);
  return {value, flags};
}

class FpuHostTest : public ::testing::Test {
 protected:
  void TearDown() override { fpu::SetHostFpuForTesting(fpu::ProbeHostFpu()); }
};

std::vector<HostFpu> HostModes() {
  std::vector<HostFpu> modes = {HostFpu::kSse};
  if (fpu::ProbeHostFpu() == HostFpu::kSseFma) {
    modes.push_back(HostFpu::kSseFma);
  } else {
    std::printf("note: no FMA3 on this host; kSseFma not tested\n");
  }
  return modes;
}

TEST_F(FpuHostTest, ProbeFindsTheDefaultEnvironment) {
  // Test processes start with the C default MXCSR, so the probe must enable
  // the fast path (the other tests would otherwise check nothing).
  EXPECT_NE(fpu::ProbeHostFpu(), HostFpu::kOff);
  EXPECT_NE(fpu::host_fpu, HostFpu::kOff);
}

TEST_F(FpuHostTest, ProbeRefusesANonDefaultMxcsrAndLeavesItAlone) {
  const unsigned saved = _mm_getcsr();
  // Each non-default control setting: RTZ rounding, FTZ, DAZ, an unmasked
  // precision exception.
  for (const unsigned change : {0x6000u, 0x8000u, 0x0040u, 0x1000u}) {
    _mm_setcsr(saved ^ change);
    const HostFpu probed = fpu::ProbeHostFpu();
    const unsigned after = _mm_getcsr();
    _mm_setcsr(saved);
    EXPECT_EQ(probed, HostFpu::kOff) << std::hex << change;
    EXPECT_EQ(after, saved ^ change) << "the probe wrote MXCSR";
  }
}

TEST_F(FpuHostTest, EnvironmentVariableTurnsTheFastPathOff) {
  ASSERT_EQ(setenv("DBT_FPU_HOST", "0", 1), 0);
  EXPECT_EQ(fpu::ProbeHostFpu(), HostFpu::kOff);
  ASSERT_EQ(setenv("DBT_FPU_HOST", "1", 1), 0);
  EXPECT_NE(fpu::ProbeHostFpu(), HostFpu::kOff);
  unsetenv("DBT_FPU_HOST");
}

TEST_F(FpuHostTest, EveryOperationMatchesTheExactPath) {
  const std::vector<HostFpu> modes = HostModes();
  const unsigned mxcsr_control = _mm_getcsr() & 0xffc0;
  uint64_t total = 0;
  for (const Op& op : kOps) {
    Operands gen(std::hash<std::string>{}(op.name));
    int mismatches = 0;
    for (int i = 0; i < op.samples; ++i) {
      const uint64_t a = Generate(gen, op.a, 0);
      const uint64_t b = Generate(gen, op.b, a);
      uint64_t c = Generate(gen, op.c, gen.Coin() ? a : b);
      if (op.shape == Shape::kFused && gen.Below(3) == 0) c = CancellingAddend(gen, op.a, a, b);
      uint64_t dividend = a;
      if (op.shape == Shape::kDivision && gen.Below(3) == 0) dividend = DividendFor(gen, op.a, b);
      // RNE (the only mode the fast path takes for arithmetic) half the time.
      const uint32_t rm = gen.Coin() ? kRmRNE : static_cast<uint32_t>(gen.Below(5));
      const uint32_t preset = static_cast<uint32_t>(gen.Below(32));
      const Outcome exact = RunIn(op, HostFpu::kOff, dividend, b, c, rm, preset);
      for (const HostFpu mode : modes) {
        const Outcome host = RunIn(op, mode, dividend, b, c, rm, preset);
        if (host.value != exact.value || host.flags != exact.flags) {
          if (++mismatches <= 10) {
            ADD_FAILURE() << op.name << " mode " << static_cast<int>(mode) << " rm " << rm
                          << " preset " << preset << std::hex << " a " << dividend << " b " << b
                          << " c " << c << ": host " << host.value << " flags " << host.flags
                          << ", exact " << exact.value << " flags " << exact.flags;
          }
        }
      }
      ++total;
    }
    EXPECT_EQ(mismatches, 0) << op.name;
  }
  EXPECT_EQ(_mm_getcsr() & 0xffc0, mxcsr_control) << "MXCSR control bits changed";
  std::printf("compared %" PRIu64 " operand sets in %zu host modes\n", total, modes.size());
}

// fmadd.d where the NX decision of MulAddIsInexact meets its guards, each
// worked out by hand; every host mode must agree with these values.
TEST_F(FpuHostTest, FusedMultiplyAddNxAtTheGuards) {
  struct Case {
    uint64_t a, b, c, want;
    uint32_t want_flags;
  };
  const Case cases[] = {
      // 2^1000 * 2^24 - 2^1023: the product 2^1024 overflows on its own, the
      // sum 2^1023 is exact.
      {0x7e70000000000000, 0x4170000000000000, 0xffe0000000000000, 0x7fe0000000000000, 0},
      // 2^1000(1 + 2^-52) * 2^24(1 + 2^-52) - 2^1023 = 2^1023(1 + 2^-50 +
      // 2^-103): the 2^-103 is under half an ulp (2^-53), so 2^1023(1 +
      // 2^-50), inexact.
      {0x7e70000000000001, 0x4170000000000001, 0xffe0000000000000, 0x7fe0000000000004, kFflagNX},
      // (1 + 2^-52) * 2^-1000(1 + 2^-52) + 2^-1000 = 2^-999(1 + 2^-52 +
      // 2^-105): rounds to 2^-999(1 + 2^-52), inexact. The product's error
      // 2^-1104 is below the smallest subnormal (p < 2^-968).
      {0x3ff0000000000001, 0x0170000000000001, 0x0170000000000000, 0x0180000000000001, kFflagNX},
      // 0 * 1.5 + 3 = 3: a zero product, exact.
      {0x0000000000000000, 0x3ff8000000000000, 0x4008000000000000, 0x4008000000000000, 0},
      // 2^-600 * 2^-600 + 1: the product underflows to zero on the host, but
      // 1 + 2^-1200 is inexact: 1.
      {0x1a70000000000000, 0x1a70000000000000, 0x3ff0000000000000, 0x3ff0000000000000, kFflagNX},
      // (1 + 2^-52)^2 - (1 + 2^-51) = 2^-104 exactly: the product's error is
      // the whole result.
      {0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002, 0x3970000000000000, 0},
  };
  std::vector<HostFpu> modes = HostModes();
  modes.push_back(HostFpu::kOff);
  for (const HostFpu mode : modes) {
    fpu::SetHostFpuForTesting(mode);
    for (const Case& c : cases) {
      uint32_t flags = 0;
      EXPECT_EQ(FmaddD(c.a, c.b, c.c, kRmRNE, &flags), c.want)
          << std::hex << c.a << " " << c.b << " " << c.c << " mode " << static_cast<int>(mode);
      EXPECT_EQ(flags, c.want_flags)
          << std::hex << c.a << " " << c.b << " " << c.c << " mode " << static_cast<int>(mode);
    }
  }
}

// The comparison above proves nothing if the fast path never runs, or only
// ever finds results inexact: count, per hot arithmetic operation in RNE with
// NX clear, how often the host path answers and with which NX, by calling the
// fpu_host.h functions directly.
struct Coverage {
  int taken = 0, inexact = 0, samples = 0;
};

template <class Host>
Coverage Measure(Operands& gen, Kind kind, int samples, Host host) {
  Coverage coverage;
  for (int i = 0; i < samples; ++i) {
    uint64_t a = Generate(gen, kind, 0), b = Generate(gen, kind, a), c = Generate(gen, kind, b);
    if (kind == Kind::kSingle) {
      a = static_cast<uint32_t>(a), b = static_cast<uint32_t>(b), c = static_cast<uint32_t>(c);
    }
    uint32_t flags = 0;
    ++coverage.samples;
    if (host(a, b, c, &flags)) {
      ++coverage.taken;
      coverage.inexact += (flags & kFflagNX) != 0;
    }
  }
  return coverage;
}

TEST_F(FpuHostTest, FastPathAnswersOftenWithBothNxOutcomes) {
  for (const HostFpu mode : HostModes()) {
    Operands gen(42);
    struct Case {
      const char* name;
      Coverage coverage;
      bool needs_fma;
    };
    const Case cases[] = {
        {"HostAdd<F64>",
         Measure(gen, D, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t, uint32_t* f) {
                   uint64_t r;
                   return fpu::HostAdd<F64>(a, b, mode, f, &r);
                 }),
         false},
        {"HostMul<F64>",
         Measure(gen, D, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t, uint32_t* f) {
                   uint64_t r;
                   return fpu::HostMul<F64>(a, b, mode, f, &r);
                 }),
         true},
        {"HostDiv<F64>",
         Measure(gen, D, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t, uint32_t* f) {
                   uint64_t r;
                   return fpu::HostDiv<F64>(a, b, mode, f, &r);
                 }),
         true},
        {"HostSqrt<F64>",
         Measure(gen, D, 100000,
                 [&](uint64_t a, uint64_t, uint64_t, uint32_t* f) {
                   uint64_t r;
                   return fpu::HostSqrt<F64>(a & ~(1ull << 63), mode, f, &r);
                 }),
         true},
        {"HostAdd<F32>",
         Measure(gen, S, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t, uint32_t* f) {
                   uint32_t r;
                   return fpu::HostAdd<F32>(a, b, mode, f, &r);
                 }),
         false},
        {"HostMul<F32>",
         Measure(gen, S, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t, uint32_t* f) {
                   uint32_t r;
                   return fpu::HostMul<F32>(a, b, mode, f, &r);
                 }),
         false},
        {"HostDiv<F32>",
         Measure(gen, S, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t, uint32_t* f) {
                   uint32_t r;
                   return fpu::HostDiv<F32>(a, b, mode, f, &r);
                 }),
         false},
        {"HostSqrt<F32>",
         Measure(gen, S, 100000,
                 [&](uint64_t a, uint64_t, uint64_t, uint32_t* f) {
                   uint32_t r;
                   return fpu::HostSqrt<F32>(a & 0x7fffffff, mode, f, &r);
                 }),
         false},
        {"HostMulAdd<F64>",
         Measure(gen, D, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t c, uint32_t* f) {
                   uint64_t r;
                   return fpu::HostMulAdd<F64>(a, b, c, mode, f, &r);
                 }),
         true},
        {"HostMulAdd<F32>",
         Measure(gen, S, 100000,
                 [&](uint64_t a, uint64_t b, uint64_t c, uint32_t* f) {
                   uint32_t r;
                   return fpu::HostMulAdd<F32>(a, b, c, mode, f, &r);
                 }),
         false},
    };
    for (const Case& c : cases) {
      const Coverage& k = c.coverage;
      std::printf("mode %d %-16s taken %6d of %d, inexact %6d\n", static_cast<int>(mode), c.name,
                  k.taken, k.samples, k.inexact);
      if (c.needs_fma && mode != HostFpu::kSseFma) {
        // Without FMA only exact zero results are decided with NX clear.
        EXPECT_EQ(k.inexact, 0) << c.name;
        continue;
      }
      // At least a third of the operands are ordinary normal values.
      EXPECT_GT(k.taken, k.samples / 3) << c.name;
      // Both outcomes, each well represented.
      EXPECT_GT(k.inexact, k.taken / 10) << c.name;
      EXPECT_GT(k.taken - k.inexact, k.taken / 50) << c.name;
    }
  }
}

}  // namespace
}  // namespace dbt::riscv
