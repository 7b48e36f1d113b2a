// RV64C: 16-bit parcels decoded by expanding them to the 32-bit instruction
// they stand for, driven by insn_table_rvc.inc.
#include <array>

#include "common/riscv/decoder.h"
#include "common/riscv/insn_info.h"
#include "common/riscv/insn_rvc.h"

namespace dbt::riscv::internal {
namespace {

struct CPattern {
  uint16_t mask = 0;
  uint16_t match = 0;
};

constexpr CPattern ParseCPattern(std::string_view pattern) {
  CPattern p;
  int bit = 15;
  for (char c : pattern) {
    if (c == ' ') continue;
    if (bit < 0) InsnPatternError("compressed pattern longer than 16 bits");
    if (c == '0' || c == '1') {
      p.mask |= 1u << bit;
      if (c == '1') p.match |= 1u << bit;
    } else if (c != '-') {
      InsnPatternError("compressed patterns use 0 1 - only");
    }
    --bit;
  }
  if (bit != -1) InsnPatternError("compressed pattern shorter than 16 bits");
  if ((p.mask & 3) != 3 || (p.match & 3) == 3) InsnPatternError("bits 1:0 must be 00, 01 or 10");
  if ((p.mask & 0xe000) != 0xe000) InsnPatternError("funct3 (bits 15:13) must be fixed");
  return p;
}

constexpr CompressedForm MakeForm(std::string_view mnemonic, std::string_view pattern,
                                  Opcode target, CReg rd, CReg rs1, CReg rs2, CImm imm,
                                  std::string_view syntax) {
  const CPattern p = ParseCPattern(pattern);
  return CompressedForm{mnemonic, p.mask, p.match, target, rd, rs1, rs2, imm, syntax};
}

constexpr CompressedForm kForms[] = {
#define DBT_RISCV_CINSN(mnemonic, pattern, target, rd, rs1, rs2, imm, syntax) \
  MakeForm(mnemonic, pattern, Opcode::k##target, CReg::rd, CReg::rs1, CReg::rs2, CImm::imm, syntax),
#include "common/riscv/insn_table_rvc.inc"
#undef DBT_RISCV_CINSN
};
constexpr size_t kNumForms = sizeof(kForms) / sizeof(kForms[0]);
static_assert(kNumForms < 256);

// Buckets by quadrant (bits 1:0) and funct3 (bits 15:13); rows keep table
// order inside a bucket, so the first match is the table's first match.
constexpr int Bucket(uint16_t parcel) { return (parcel & 3) << 3 | parcel >> 13; }

struct FormIndex {
  std::array<uint8_t, 33> start{};
  std::array<uint8_t, kNumForms> form{};
};

constexpr FormIndex BuildFormIndex() {
  FormIndex index;
  size_t n = 0;
  for (int b = 0; b < 32; ++b) {
    index.start[b] = static_cast<uint8_t>(n);
    for (size_t i = 0; i < kNumForms; ++i) {
      if (Bucket(kForms[i].match) == b) index.form[n++] = static_cast<uint8_t>(i);
    }
  }
  index.start[32] = static_cast<uint8_t>(n);
  return index;
}

constexpr FormIndex kFormIndex = BuildFormIndex();

constexpr uint32_t Bit(uint32_t x, int b) { return (x >> b) & 1; }
constexpr uint32_t Bits(uint32_t x, int hi, int lo) {
  return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr int64_t SignExtend(uint64_t value, int bits) {
  return static_cast<int64_t>(value << (64 - bits)) >> (64 - bits);
}

uint8_t Reg(CReg r, uint32_t c) {
  switch (r) {
    case CReg::Zero:
      return 0;
    case CReg::Ra:
      return 1;
    case CReg::Sp:
      return 2;
    case CReg::R7:
      return Bits(c, 11, 7);
    case CReg::R2:
      return Bits(c, 6, 2);
    case CReg::P7:
      return 8 + Bits(c, 9, 7);
    case CReg::P2:
      return 8 + Bits(c, 4, 2);
  }
  return 0;
}

// Bit positions as in the C spec's instruction formats (imm[a|b:c] lists).
int64_t Imm(CImm kind, uint32_t c) {
  switch (kind) {
    case CImm::None:
      return 0;
    case CImm::Ci:  // imm[5] | imm[4:0]
      return SignExtend(Bit(c, 12) << 5 | Bits(c, 6, 2), 6);
    case CImm::Shamt:  // shamt[5] | shamt[4:0]
      return Bit(c, 12) << 5 | Bits(c, 6, 2);
    case CImm::Lui:  // nzimm[17] | nzimm[16:12]
      return SignExtend(Bit(c, 12) << 17 | Bits(c, 6, 2) << 12, 18);
    case CImm::Addi16sp:  // nzimm[9] | nzimm[4|6|8:7|5]
      return SignExtend(
          Bit(c, 12) << 9 | Bit(c, 6) << 4 | Bit(c, 5) << 6 | Bits(c, 4, 3) << 7 | Bit(c, 2) << 5,
          10);
    case CImm::Addi4spn:  // nzuimm[5:4|9:6|2|3]
      return Bits(c, 12, 11) << 4 | Bits(c, 10, 7) << 6 | Bit(c, 6) << 2 | Bit(c, 5) << 3;
    case CImm::Lw:  // uimm[5:3] | uimm[2|6]
      return Bits(c, 12, 10) << 3 | Bit(c, 6) << 2 | Bit(c, 5) << 6;
    case CImm::Ld:  // uimm[5:3] | uimm[7:6]
      return Bits(c, 12, 10) << 3 | Bits(c, 6, 5) << 6;
    case CImm::Lwsp:  // uimm[5] | uimm[4:2|7:6]
      return Bit(c, 12) << 5 | Bits(c, 6, 4) << 2 | Bits(c, 3, 2) << 6;
    case CImm::Ldsp:  // uimm[5] | uimm[4:3|8:6]
      return Bit(c, 12) << 5 | Bits(c, 6, 5) << 3 | Bits(c, 4, 2) << 6;
    case CImm::Swsp:  // uimm[5:2|7:6]
      return Bits(c, 12, 9) << 2 | Bits(c, 8, 7) << 6;
    case CImm::Sdsp:  // uimm[5:3|8:6]
      return Bits(c, 12, 10) << 3 | Bits(c, 9, 7) << 6;
    case CImm::B:  // offset[8|4:3] | offset[7:6|2:1|5]
      return SignExtend(Bit(c, 12) << 8 | Bits(c, 11, 10) << 3 | Bits(c, 6, 5) << 6 |
                            Bits(c, 4, 3) << 1 | Bit(c, 2) << 5,
                        9);
    case CImm::J:  // offset[11|4|9:8|10|6|7|3:1|5]
      return SignExtend(Bit(c, 12) << 11 | Bit(c, 11) << 4 | Bits(c, 10, 9) << 8 | Bit(c, 8) << 10 |
                            Bit(c, 7) << 6 | Bit(c, 6) << 7 | Bits(c, 5, 3) << 1 | Bit(c, 2) << 5,
                        12);
  }
  return 0;
}

}  // namespace

std::span<const CompressedForm> CompressedForms() { return kForms; }

const CompressedForm* FindCompressedForm(uint16_t parcel) {
  const int b = Bucket(parcel);
  for (int i = kFormIndex.start[b]; i < kFormIndex.start[b + 1]; ++i) {
    const CompressedForm& form = kForms[kFormIndex.form[i]];
    if ((parcel & form.mask) == form.match) return &form;
  }
  return nullptr;
}

DecodedInsn DecodeCompressed(uint16_t parcel) {
  DecodedInsn d{};
  d.length = 2;
  d.raw = parcel;
  const CompressedForm* form = FindCompressedForm(parcel);
  if (form == nullptr || form->target == Opcode::kIllegal) return d;
  d.op = form->target;
  d.rd = Reg(form->rd, parcel);
  d.rs1 = Reg(form->rs1, parcel);
  d.rs2 = Reg(form->rs2, parcel);
  d.imm = Imm(form->imm, parcel);
  return d;
}

}  // namespace dbt::riscv::internal
