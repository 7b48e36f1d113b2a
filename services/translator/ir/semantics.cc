#include "services/translator/ir/semantics.h"

#include <bit>

namespace dbt::ir {

bool EvalCond(Cond c, uint64_t a, uint64_t b) {
  int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
  switch (c) {
    case Cond::kEq:
      return a == b;
    case Cond::kNe:
      return a != b;
    case Cond::kLt:
      return sa < sb;
    case Cond::kGe:
      return sa >= sb;
    case Cond::kLe:
      return sa <= sb;
    case Cond::kGt:
      return sa > sb;
    case Cond::kLtu:
      return a < b;
    case Cond::kGeu:
      return a >= b;
    case Cond::kLeu:
      return a <= b;
    case Cond::kGtu:
      return a > b;
  }
  return false;
}

std::optional<uint64_t> EvalUnary(Opcode opc, uint64_t a) {
  switch (opc) {
    case Opcode::kMov:
      return a;
    case Opcode::kNeg:
      return 0 - a;
    case Opcode::kNot:
      return ~a;
    case Opcode::kExt8s:
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a)));
    case Opcode::kExt8u:
      return static_cast<uint8_t>(a);
    case Opcode::kExt16s:
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a)));
    case Opcode::kExt16u:
      return static_cast<uint16_t>(a);
    case Opcode::kExt32s:
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
    case Opcode::kExt32u:
      return static_cast<uint32_t>(a);
    case Opcode::kClz:
      return static_cast<uint64_t>(std::countl_zero(a));  // 64 for 0
    case Opcode::kCtz:
      return static_cast<uint64_t>(std::countr_zero(a));  // 64 for 0
    case Opcode::kBswap:
      return __builtin_bswap64(a);
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> EvalBinary(Opcode opc, uint64_t a, uint64_t b) {
  const int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
  constexpr int64_t kMin = INT64_MIN;
  switch (opc) {
    case Opcode::kAdd:
      return a + b;
    case Opcode::kSub:
      return a - b;
    case Opcode::kMul:
      return a * b;
    case Opcode::kMuluh:
      return EvalMulu2(a, b).second;
    case Opcode::kMulsh:
      return EvalMuls2(a, b).second;
    case Opcode::kDiv:
      if (b == 0) return ~uint64_t{0};
      if (sa == kMin && sb == -1) return a;
      return static_cast<uint64_t>(sa / sb);
    case Opcode::kDivu:
      return b == 0 ? ~uint64_t{0} : a / b;
    case Opcode::kRem:
      if (b == 0) return a;
      if (sa == kMin && sb == -1) return 0;
      return static_cast<uint64_t>(sa % sb);
    case Opcode::kRemu:
      return b == 0 ? a : a % b;
    case Opcode::kAnd:
      return a & b;
    case Opcode::kOr:
      return a | b;
    case Opcode::kXor:
      return a ^ b;
    case Opcode::kAndc:
      return a & ~b;
    case Opcode::kShl:
      return a << (b & 63);
    case Opcode::kShr:
      return a >> (b & 63);
    case Opcode::kSar:
      return static_cast<uint64_t>(sa >> (b & 63));
    case Opcode::kRotl:
      return std::rotl(a, static_cast<int>(b & 63));
    case Opcode::kRotr:
      return std::rotr(a, static_cast<int>(b & 63));
    default:
      return std::nullopt;
  }
}

std::pair<uint64_t, uint64_t> EvalMulu2(uint64_t a, uint64_t b) {
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return {static_cast<uint64_t>(p), static_cast<uint64_t>(p >> 64)};
}

std::pair<uint64_t, uint64_t> EvalMuls2(uint64_t a, uint64_t b) {
  __int128 p = static_cast<__int128>(static_cast<int64_t>(a)) * static_cast<int64_t>(b);
  return {static_cast<uint64_t>(p), static_cast<uint64_t>(static_cast<unsigned __int128>(p) >> 64)};
}

std::pair<uint64_t, uint64_t> EvalAdd2(uint64_t al, uint64_t ah, uint64_t bl, uint64_t bh) {
  uint64_t lo = al + bl;
  return {lo, ah + bh + (lo < al ? 1 : 0)};
}

std::pair<uint64_t, uint64_t> EvalSub2(uint64_t al, uint64_t ah, uint64_t bl, uint64_t bh) {
  return {al - bl, ah - bh - (al < bl ? 1 : 0)};
}

uint64_t ExtendLoaded(uint64_t raw, uint64_t memop) {
  int bits = 8 * MemOpBytes(memop);
  if (bits == 64) return raw;
  uint64_t mask = (uint64_t{1} << bits) - 1;
  raw &= mask;
  if (MemOpSigned(memop) && (raw >> (bits - 1)) != 0) raw |= ~mask;
  return raw;
}

}  // namespace dbt::ir
