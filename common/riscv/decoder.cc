#include "common/riscv/decoder.h"

#include <array>
#include <cstdlib>

#include "common/riscv/insn_info.h"
#include "common/riscv/insn_rvc.h"

namespace dbt::riscv {
namespace internal {

void InsnPatternError(const char* why) { std::abort(); }

}  // namespace internal

namespace {

using internal::GetInsnInfo;
using internal::InsnFormat;
using internal::InsnInfo;
using internal::kInsnInfo;

static_assert(kNumOpcodes <= 256, "bucket entries store opcodes as uint8_t");

// The matcher: one bucket per (major opcode bits 6:2, funct7 bits 31:25),
// holding in table order the rows whose fixed bits agree with the bucket's.
// No RV64GC major opcode has more than ~10 candidates per bucket.
constexpr int kBucketBits = 12;
constexpr uint32_t kBucketFields = internal::BitRange(31, 25) | internal::BitRange(6, 2);

constexpr uint32_t BucketOf(uint32_t bits) { return ((bits >> 2) & 0x1f) | ((bits >> 25) << 5); }

constexpr uint32_t BucketValue(uint32_t bucket) {
  return ((bucket & 0x1f) << 2) | ((bucket >> 5) << 25) | 3;
}

// Mask and match per opcode, and the opcodes of each major opcode, so that
// building the index stays within the compiler's constexpr budget.
struct MaskMatch {
  uint32_t mask, match;
};
constexpr std::array<MaskMatch, kNumOpcodes> MaskMatchTable() {
  std::array<MaskMatch, kNumOpcodes> t{};
  for (size_t op = 1; op < kNumOpcodes; ++op) t[op] = {kInsnInfo[op].mask, kInsnInfo[op].match};
  return t;
}
constexpr std::array<MaskMatch, kNumOpcodes> kMaskMatch = MaskMatchTable();

constexpr bool InBucket(size_t op, uint32_t bucket) {
  const uint32_t common = kMaskMatch[op].mask & (kBucketFields | 3);
  return (BucketValue(bucket) & common) == (kMaskMatch[op].match & common);
}

constexpr size_t CountBucketEntries() {
  size_t n = 0;
  for (uint32_t major = 0; major < 32; ++major) {
    for (size_t op = 1; op < kNumOpcodes; ++op) {
      const uint32_t opmask = kMaskMatch[op].mask & 0x7f;
      if ((BucketValue(major) & opmask) != (kMaskMatch[op].match & opmask)) continue;
      for (uint32_t f7 = 0; f7 < 128; ++f7) n += InBucket(op, major | f7 << 5) ? 1 : 0;
    }
  }
  return n;
}

template <size_t kEntries>
struct BucketIndex {
  std::array<uint16_t, (1u << kBucketBits) + 1> start{};
  std::array<uint8_t, kEntries> opcode{};
};

constexpr size_t kBucketEntries = CountBucketEntries();

constexpr BucketIndex<kBucketEntries> BuildIndex() {
  BucketIndex<kBucketEntries> built;
  // Candidate opcodes per major opcode (bits 6:2), in table order.
  std::array<std::array<uint8_t, kNumOpcodes>, 32> majors{};
  std::array<size_t, 32> count{};
  for (uint32_t major = 0; major < 32; ++major) {
    for (size_t op = 1; op < kNumOpcodes; ++op) {
      const uint32_t opmask = kMaskMatch[op].mask & 0x7f;
      if ((BucketValue(major) & opmask) == (kMaskMatch[op].match & opmask)) {
        majors[major][count[major]++] = static_cast<uint8_t>(op);
      }
    }
  }
  size_t n = 0;
  for (uint32_t b = 0; b < (1u << kBucketBits); ++b) {
    built.start[b] = static_cast<uint16_t>(n);
    const uint32_t major = b & 0x1f;
    for (size_t i = 0; i < count[major]; ++i) {
      if (InBucket(majors[major][i], b)) built.opcode[n++] = majors[major][i];
    }
  }
  built.start[1u << kBucketBits] = static_cast<uint16_t>(n);
  return built;
}

static_assert(kBucketEntries < 65536);
constexpr BucketIndex<kBucketEntries> kIndex = BuildIndex();

constexpr int64_t SignExtend(uint64_t value, int bits) {
  return static_cast<int64_t>(value << (64 - bits)) >> (64 - bits);
}

constexpr uint32_t Bits(uint32_t x, int hi, int lo) {
  return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

int64_t ExtractImm(const InsnInfo& info, uint32_t w) {
  switch (info.format) {
    case InsnFormat::I:
      return SignExtend(Bits(w, 31, 20), 12);
    case InsnFormat::S:
      return SignExtend(Bits(w, 31, 25) << 5 | Bits(w, 11, 7), 12);
    case InsnFormat::B:
      return SignExtend(
          Bits(w, 31, 31) << 12 | Bits(w, 7, 7) << 11 | Bits(w, 30, 25) << 5 | Bits(w, 11, 8) << 1,
          13);
    case InsnFormat::U:
      return SignExtend(w & 0xfffff000u, 32);
    case InsnFormat::J:
      return SignExtend(Bits(w, 31, 31) << 20 | Bits(w, 19, 12) << 12 | Bits(w, 20, 20) << 11 |
                            Bits(w, 30, 21) << 1,
                        21);
    case InsnFormat::Shift:
      return (w & info.imm_bits) >> 20;
    case InsnFormat::CsrI:
      return Bits(w, 19, 15);
    case InsnFormat::Fence:
      return Bits(w, 31, 20);
    default:
      return 0;
  }
}

DecodedInsn Decode32(uint32_t w) {
  DecodedInsn d{};
  d.length = 4;
  d.raw = w;
  const uint32_t bucket = BucketOf(w);
  const uint32_t end = kIndex.start[bucket + 1];
  for (uint32_t i = kIndex.start[bucket]; i < end; ++i) {
    const InsnInfo& info = kInsnInfo[kIndex.opcode[i]];
    if ((w & info.mask) != info.match) continue;
    d.op = static_cast<Opcode>(kIndex.opcode[i]);
    const uint32_t f = info.flags;
    if (f & (kInsnRdX | kInsnRdF)) d.rd = Bits(w, 11, 7);
    if (f & (kInsnRs1X | kInsnRs1F)) d.rs1 = Bits(w, 19, 15);
    if (f & (kInsnRs2X | kInsnRs2F)) d.rs2 = Bits(w, 24, 20);
    if (f & kInsnRs3F) d.rs3 = Bits(w, 31, 27);
    if (f & kInsnHasRm) d.rm = Bits(w, 14, 12);
    if (f & kInsnHasAqRl) d.aqrl = Bits(w, 26, 25);
    if (f & kInsnCsr) d.csr = Bits(w, 31, 20);
    d.imm = ExtractImm(info, w);
    return d;
  }
  return d;  // kIllegal
}

}  // namespace

DecodedInsn Decode(uint32_t bits) {
  if ((bits & 3) != 3) return internal::DecodeCompressed(static_cast<uint16_t>(bits));
  if ((bits & 0x1c) == 0x1c) {  // 48-bit and longer encodings: not RV64GC.
    DecodedInsn d{};
    d.length = 4;
    d.raw = bits;
    return d;
  }
  return Decode32(bits);
}

std::string_view OpcodeName(Opcode op) {
  const size_t i = static_cast<size_t>(op);
  return i < kNumOpcodes ? kInsnInfo[i].mnemonic : std::string_view("?");
}

uint32_t OpcodeFlags(Opcode op) {
  const size_t i = static_cast<size_t>(op);
  return i < kNumOpcodes ? kInsnInfo[i].flags : 0;
}

}  // namespace dbt::riscv
