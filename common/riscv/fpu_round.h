// The one place where an exact (or sticky-jammed) intermediate becomes a
// binary32/binary64 result: rounding in the five RISC-V modes, overflow,
// subnormal results, and the NX/UF/OF flags.
//
// Every arithmetic routine computes an intermediate value sig * 2^exp whose
// bits below the rounding position are either exact or "jammed": any nonzero
// bits shifted out are OR-ed into the lowest bit kept. Rounding only needs to
// know the round bits exactly and whether anything below them is nonzero, so a
// jammed intermediate with at least two bits below the result's last place
// rounds exactly like the infinitely precise value.
#ifndef DBT_COMMON_RISCV_FPU_ROUND_H_
#define DBT_COMMON_RISCV_FPU_ROUND_H_

#include <cstdint>

#include "common/riscv/cpu_state.h"
#include "common/riscv/fpu_format.h"

namespace dbt::riscv::fpu {

// x >> dist, with the lowest bit set if any nonzero bit was shifted out.
inline uint64_t ShiftRightJam(uint64_t x, uint32_t dist) {
  if (dist == 0) return x;
  if (dist >= 64) return x != 0;
  return (x >> dist) | ((x << (64 - dist)) != 0);
}
inline u128 ShiftRightJam(u128 x, uint32_t dist) {
  if (dist == 0) return x;
  if (dist >= 128) return x != 0;
  return (x >> dist) | ((x << (128 - dist)) != 0);
}

// Rounds and packs (-1)^sign * sig * 2^(exp + 1 - bias - 62), where sig has
// its leading one at bit 62 (or is smaller, for results already known to be
// subnormal) and bit 63 clear. exp is thus the biased exponent minus one: the
// packing adds the leading one into the exponent field, which is also how a
// rounding carry out of the fraction bumps the exponent.
//
// Tininess is detected after rounding, as RISC-V specifies: a result is tiny
// if, rounded to precision with an unbounded exponent, it is below the
// smallest normal. UF is raised only for tiny results that are also inexact.
template <class F>
typename F::Bits RoundPack(bool sign, int32_t exp, uint64_t sig, uint32_t rm, uint32_t* fflags) {
  constexpr int kRoundBits = 62 - F::kFracBits;
  constexpr uint64_t kRoundMask = (uint64_t{1} << kRoundBits) - 1;
  constexpr uint64_t kHalf = uint64_t{1} << (kRoundBits - 1);
  uint64_t increment;
  switch (rm) {
    case kRmRTZ:
      increment = 0;
      break;
    case kRmRDN:
      increment = sign ? kRoundMask : 0;
      break;
    case kRmRUP:
      increment = sign ? 0 : kRoundMask;
      break;
    default:  // RNE, RMM: half an ulp; RNE then clears the lsb on exact ties.
      increment = kHalf;
      break;
  }
  if (static_cast<uint32_t>(exp) >= static_cast<uint32_t>(F::kExpMax - 2)) {
    if (exp < 0) {
      const bool tiny = exp < -1 || sig + increment < (uint64_t{1} << 63);
      sig = ShiftRightJam(sig, static_cast<uint32_t>(-static_cast<int64_t>(exp)));
      exp = 0;
      if (tiny && (sig & kRoundMask) != 0) *fflags |= kFflagUF;
    } else if (exp > F::kExpMax - 2 || sig + increment >= (uint64_t{1} << 63)) {
      *fflags |= kFflagOF | kFflagNX;
      // Modes that round this sign towards zero give the largest finite value.
      return Inf<F>(sign) - (increment == 0 ? 1 : 0);
    }
  }
  const uint64_t round_bits = sig & kRoundMask;
  if (round_bits != 0) *fflags |= kFflagNX;
  sig = (sig + increment) >> kRoundBits;
  if (rm == kRmRNE && round_bits == kHalf) sig &= ~uint64_t{1};
  if (sig == 0) exp = 0;
  return static_cast<typename F::Bits>(Zero<F>(sign) +
                                       (static_cast<uint64_t>(exp) << F::kFracBits) + sig);
}

// Rounds (-1)^sign * sig * 2^exp for any sig != 0 (exact or jammed).
template <class F, class Sig>
typename F::Bits NormalizeRound(bool sign, int32_t exp, Sig sig, uint32_t rm, uint32_t* fflags) {
  const int msb = Msb(sig);
  uint64_t sig62;
  if (msb > 62) {
    sig62 = static_cast<uint64_t>(ShiftRightJam(sig, static_cast<uint32_t>(msb - 62)));
  } else {
    sig62 = static_cast<uint64_t>(sig) << (62 - msb);
  }
  return RoundPack<F>(sign, exp + msb + F::kBias - 1, sig62, rm, fflags);
}

}  // namespace dbt::riscv::fpu

#endif  // DBT_COMMON_RISCV_FPU_ROUND_H_
