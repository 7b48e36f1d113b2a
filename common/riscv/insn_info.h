// The instruction table (insn_table.inc) turned into data at compile time:
// each pattern string becomes a mask/match pair plus the masks of its fields.
// Internal to the decoder, the disassembler and their tests.
#ifndef DBT_COMMON_RISCV_INSN_INFO_H_
#define DBT_COMMON_RISCV_INSN_INFO_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "common/riscv/decoder.h"

namespace dbt::riscv::internal {

// How the immediate of a 32-bit instruction is assembled from its bits.
enum class InsnFormat : uint8_t { R, R4, I, S, B, U, J, Shift, Amo, Csr, CsrI, Fence, Sys };

struct InsnInfo {
  std::string_view mnemonic;
  uint32_t mask = 0;      // Bits the pattern fixes.
  uint32_t match = 0;     // Their values.
  uint32_t imm_bits = 0;  // Bits marked i, h or u.
  InsnFormat format = InsnFormat::R;
  uint32_t flags = 0;  // Table flags | flags derived from the pattern.
  std::string_view syntax;
};

// Not constexpr: reaching it while evaluating the table at compile time is a
// compile error, which is how a malformed pattern is reported.
void InsnPatternError(const char* why);

inline constexpr uint32_t BitRange(int hi, int lo) {
  return static_cast<uint32_t>(((uint64_t{1} << (hi + 1)) - 1) & ~((uint64_t{1} << lo) - 1));
}

// Bits the immediate occupies in each format (Shift: checked separately).
constexpr uint32_t FormatImmBits(InsnFormat f) {
  switch (f) {
    case InsnFormat::I:
    case InsnFormat::Fence:
      return BitRange(31, 20);
    case InsnFormat::S:
    case InsnFormat::B:
      return BitRange(31, 25) | BitRange(11, 7);
    case InsnFormat::U:
    case InsnFormat::J:
      return BitRange(31, 12);
    case InsnFormat::CsrI:
      return BitRange(19, 15);
    default:
      return 0;
  }
}

constexpr InsnInfo MakeInsnInfo(std::string_view mnemonic, std::string_view pattern,
                                InsnFormat format, uint32_t table_flags, std::string_view syntax) {
  InsnInfo info;
  info.mnemonic = mnemonic;
  info.format = format;
  info.syntax = syntax;
  // Per field symbol: which bits carry it.
  uint32_t field[128] = {};
  int bit = 31;
  for (char c : pattern) {
    if (c == ' ') continue;
    if (bit < 0) InsnPatternError("pattern longer than 32 bits");
    const uint32_t b = 1u << bit;
    if (c == '0' || c == '1') {
      info.mask |= b;
      if (c == '1') info.match |= b;
    } else if (c != '-') {
      if (static_cast<unsigned char>(c) >= 128) InsnPatternError("bad symbol");
      field[static_cast<unsigned char>(c)] |= b;
    }
    --bit;
  }
  if (bit != -1) InsnPatternError("pattern shorter than 32 bits");
  if ((info.mask & 3) != 3 || (info.match & 3) != 3) InsnPatternError("bits 1:0 must be 11");

  // Every symbol must occupy exactly its standard field.
  struct Expect {
    char symbol;
    uint32_t bits;
    uint32_t flag;
  };
  constexpr Expect kFields[] = {
      {'d', BitRange(11, 7), kInsnRdX},
      {'D', BitRange(11, 7), kInsnRdF},
      {'s', BitRange(19, 15), kInsnRs1X},
      {'S', BitRange(19, 15), kInsnRs1F},
      {'t', BitRange(24, 20), kInsnRs2X},
      {'T', BitRange(24, 20), kInsnRs2F},
      {'R', BitRange(31, 27), kInsnRs3F},
      {'m', BitRange(14, 12), kInsnHasRm},
      {'a', BitRange(26, 25), kInsnHasAqRl},
      {'c', BitRange(31, 20), 0},
      {'u', BitRange(19, 15), 0},
  };
  uint32_t flags = table_flags;
  for (const Expect& e : kFields) {
    const uint32_t got = field[static_cast<unsigned char>(e.symbol)];
    if (got == 0) continue;
    if (got != e.bits) InsnPatternError("field symbol outside its standard position");
    flags |= e.flag;
  }
  const uint32_t imm = field[static_cast<unsigned char>('i')];
  const uint32_t shamt = field[static_cast<unsigned char>('h')];
  if (format == InsnFormat::Shift) {
    if (imm != 0 || (shamt != BitRange(25, 20) && shamt != BitRange(24, 20))) {
      InsnPatternError("Shift format needs h in bits 25:20 (or 24:20 for W shifts)");
    }
    info.imm_bits = shamt;
  } else {
    if (shamt != 0) InsnPatternError("h outside a Shift format");
    const uint32_t want = FormatImmBits(format);
    const uint32_t got = format == InsnFormat::CsrI ? field[static_cast<unsigned char>('u')] : imm;
    if (format != InsnFormat::CsrI && imm != want) {
      InsnPatternError("i bits do not match the format's immediate");
    }
    if (format == InsnFormat::CsrI && got != want) InsnPatternError("CsrI needs u in 19:15");
    info.imm_bits = want;
  }
  for (int c = 0; c < 128; ++c) {
    bool known = c == 'i' || c == 'h';
    for (const Expect& e : kFields) known = known || c == e.symbol;
    if (field[c] != 0 && !known) InsnPatternError("unknown pattern symbol");
  }
  info.flags = flags;
  return info;
}

// Indexed by Opcode; entry 0 is kIllegal.
inline constexpr std::array<InsnInfo, kNumOpcodes> kInsnInfo = {
    InsnInfo{"illegal", 0, 0, 0, InsnFormat::Sys, 0, ""},
#define DBT_RISCV_INSN(name, mnemonic, pattern, format, flags, syntax) \
  MakeInsnInfo(mnemonic, pattern, InsnFormat::format, flags, syntax),
#include "common/riscv/insn_table.inc"
#undef DBT_RISCV_INSN
};

inline constexpr const InsnInfo& GetInsnInfo(Opcode op) {
  return kInsnInfo[static_cast<size_t>(op)];
}

}  // namespace dbt::riscv::internal

#endif  // DBT_COMMON_RISCV_INSN_INFO_H_
