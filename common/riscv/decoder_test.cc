// Decoder unit tests: table invariants, and fields of hand-checked encodings
// (words from GNU as, expected fields from the instruction's operands).
#include "common/riscv/decoder.h"

#include "common/riscv/insn_info.h"
#include "common/riscv/insn_rvc.h"
#include "gtest/gtest.h"

namespace dbt::riscv {
namespace {

using internal::kInsnInfo;

// ORDER (insn_table.inc): when two rows overlap, the earlier one must be
// strictly more specific, otherwise the later one is partly dead or the
// first-match rule picks an arbitrary meaning.
TEST(DecoderTableTest, OverlappingRowsAreOrderedMostSpecificFirst) {
  for (size_t i = 1; i < kNumOpcodes; ++i) {
    for (size_t j = i + 1; j < kNumOpcodes; ++j) {
      const auto& a = kInsnInfo[i];
      const auto& b = kInsnInfo[j];
      const bool overlap = ((a.match ^ b.match) & a.mask & b.mask) == 0;
      if (!overlap) continue;
      EXPECT_TRUE((a.mask & b.mask) == b.mask && a.mask != b.mask)
          << a.mnemonic << " overlaps " << b.mnemonic;
    }
  }
  const auto forms = internal::CompressedForms();
  for (size_t i = 0; i < forms.size(); ++i) {
    for (size_t j = i + 1; j < forms.size(); ++j) {
      const auto& a = forms[i];
      const auto& b = forms[j];
      if (((a.match ^ b.match) & a.mask & b.mask) != 0) continue;
      // A reserved row carves its words out of every later row it overlaps.
      if (a.target == Opcode::kIllegal) continue;
      EXPECT_TRUE((a.mask & b.mask) == b.mask && a.mask != b.mask)
          << a.mnemonic << " (row " << i << ") overlaps " << b.mnemonic << " (row " << j << ")";
    }
  }
}

TEST(DecoderTableTest, NamesAndFlags) {
  EXPECT_EQ(OpcodeName(Opcode::kIllegal), "illegal");
  EXPECT_EQ(OpcodeName(Opcode::kAddi), "addi");
  EXPECT_EQ(OpcodeName(Opcode::kFcvtWuD), "fcvt.wu.d");
  EXPECT_EQ(OpcodeName(Opcode::kAmomaxuW), "amomaxu.w");
  EXPECT_EQ(OpcodeName(Opcode::kFenceI), "fence.i");

  EXPECT_EQ(OpcodeFlags(Opcode::kBeq), kInsnEndsTb | kInsnBranch | kInsnRs1X | kInsnRs2X);
  EXPECT_EQ(OpcodeFlags(Opcode::kJalr), kInsnEndsTb | kInsnJump | kInsnRdX | kInsnRs1X);
  EXPECT_EQ(OpcodeFlags(Opcode::kJal), kInsnEndsTb | kInsnJump | kInsnRdX);
  EXPECT_EQ(OpcodeFlags(Opcode::kEcall), kInsnEndsTb | kInsnSystem);
  EXPECT_EQ(OpcodeFlags(Opcode::kEbreak), kInsnEndsTb | kInsnSystem);
  EXPECT_EQ(OpcodeFlags(Opcode::kFenceI), kInsnEndsTb | kInsnFence);
  EXPECT_EQ(OpcodeFlags(Opcode::kFence), kInsnFence);
  EXPECT_EQ(OpcodeFlags(Opcode::kAdd), kInsnRdX | kInsnRs1X | kInsnRs2X);
  EXPECT_EQ(OpcodeFlags(Opcode::kLd), kInsnLoad | kInsnRdX | kInsnRs1X);
  EXPECT_EQ(OpcodeFlags(Opcode::kSd), kInsnStore | kInsnRs1X | kInsnRs2X);
  EXPECT_EQ(OpcodeFlags(Opcode::kFld), kInsnLoad | kInsnFp | kInsnRdF | kInsnRs1X);
  EXPECT_EQ(OpcodeFlags(Opcode::kFsw), kInsnStore | kInsnFp | kInsnRs1X | kInsnRs2F);
  EXPECT_EQ(OpcodeFlags(Opcode::kFcvtWS), kInsnFp | kInsnRdX | kInsnRs1F | kInsnHasRm);
  EXPECT_EQ(OpcodeFlags(Opcode::kFcvtSL), kInsnFp | kInsnRdF | kInsnRs1X | kInsnHasRm);
  EXPECT_EQ(OpcodeFlags(Opcode::kFmvWX), kInsnFp | kInsnRdF | kInsnRs1X);
  EXPECT_EQ(OpcodeFlags(Opcode::kFeqD), kInsnFp | kInsnRdX | kInsnRs1F | kInsnRs2F);
  EXPECT_EQ(OpcodeFlags(Opcode::kFmaddD),
            kInsnFp | kInsnRdF | kInsnRs1F | kInsnRs2F | kInsnRs3F | kInsnHasRm);
  EXPECT_EQ(OpcodeFlags(Opcode::kLrW), kInsnAmo | kInsnRdX | kInsnRs1X | kInsnHasAqRl);
  EXPECT_EQ(OpcodeFlags(Opcode::kAmoaddD),
            kInsnAmo | kInsnRdX | kInsnRs1X | kInsnRs2X | kInsnHasAqRl);
  EXPECT_EQ(OpcodeFlags(Opcode::kCsrrs), kInsnCsr | kInsnRdX | kInsnRs1X);
  EXPECT_EQ(OpcodeFlags(Opcode::kCsrrwi), kInsnCsr | kInsnRdX);
  // Every instruction that leaves straight-line flow ends a TB, and only those.
  for (size_t op = 1; op < kNumOpcodes; ++op) {
    const uint32_t f = OpcodeFlags(static_cast<Opcode>(op));
    const bool control = f & (kInsnBranch | kInsnJump | kInsnSystem);
    const bool ends = f & kInsnEndsTb;
    EXPECT_EQ(ends, control || static_cast<Opcode>(op) == Opcode::kFenceI)
        << OpcodeName(static_cast<Opcode>(op));
  }
}

struct Expect {
  uint32_t word;
  Opcode op;
  int rd, rs1, rs2, rs3;
  int64_t imm;
};

void CheckDecode(const Expect& e, int length) {
  SCOPED_TRACE(testing::Message() << std::hex << "word 0x" << e.word);
  const DecodedInsn d = Decode(e.word);
  EXPECT_EQ(d.op, e.op) << OpcodeName(d.op);
  EXPECT_EQ(d.rd, e.rd);
  EXPECT_EQ(d.rs1, e.rs1);
  EXPECT_EQ(d.rs2, e.rs2);
  EXPECT_EQ(d.rs3, e.rs3);
  EXPECT_EQ(d.imm, e.imm);
  EXPECT_EQ(d.length, length);
  EXPECT_EQ(d.raw, length == 2 ? (e.word & 0xffff) : e.word);
}

TEST(DecoderTest, Base32BitFields) {
  const Expect cases[] = {
      {0x00150513, Opcode::kAddi, 10, 10, 0, 0, 1},           // addi a0,a0,1
      {0x80000f93, Opcode::kAddi, 31, 0, 0, 0, -2048},        // addi t6,zero,-2048
      {0xfffff537, Opcode::kLui, 10, 0, 0, 0, -4096},         // lui a0,0xfffff
      {0x80000037, Opcode::kLui, 0, 0, 0, 0, -2147483648LL},  // lui zero,0x80000
      {0x12345097, Opcode::kAuipc, 1, 0, 0, 0, 0x12345000},   // auipc ra,0x12345
      {0x7ffff0ef, Opcode::kJal, 1, 0, 0, 0, 1048574},        // jal ra,.+1048574
      {0x800000ef, Opcode::kJal, 1, 0, 0, 0, -1048576},       // jal ra,.-1048576
      {0x7fff8f67, Opcode::kJalr, 30, 31, 0, 0, 2047},        // jalr t5,2047(t6)
      {0x7eb50fe3, Opcode::kBeq, 0, 10, 11, 0, 4094},         // beq a0,a1,.+4094
      {0x80b50063, Opcode::kBeq, 0, 10, 11, 0, -4096},        // beq a0,a1,.-4096
      {0xfe054fe3, Opcode::kBlt, 0, 10, 0, 0, -2},            // blt a0,zero,.-2
      {0x00113423, Opcode::kSd, 0, 2, 1, 0, 8},               // sd ra,8(sp)
      {0x80f00023, Opcode::kSb, 0, 0, 15, 0, -2048},          // sb a5,-2048(zero)
      {0xfff4a403, Opcode::kLw, 8, 9, 0, 0, -1},              // lw s0,-1(s1)
      {0x43f5d513, Opcode::kSrai, 10, 11, 0, 0, 63},          // srai a0,a1,63
      {0x01f5951b, Opcode::kSlliw, 10, 11, 0, 0, 31},         // slliw a0,a1,31
      {0x40c58533, Opcode::kSub, 10, 11, 12, 0, 0},           // sub a0,a1,a2
      {0x02c5c53b, Opcode::kDivw, 10, 11, 12, 0, 0},          // divw a0,a1,a2
      {0x0330000f, Opcode::kFence, 0, 0, 0, 0, 0x033},        // fence rw,rw
      {0x8330000f, Opcode::kFenceTso, 0, 0, 0, 0, 0},         // fence.tso
      {0x0000100f, Opcode::kFenceI, 0, 0, 0, 0, 0},           // fence.i
      {0x00000073, Opcode::kEcall, 0, 0, 0, 0, 0},            // ecall
      {0x00100073, Opcode::kEbreak, 0, 0, 0, 0, 0},           // ebreak
      {0x001fd573, Opcode::kCsrrwi, 10, 0, 0, 0, 31},         // csrrwi a0,fflags,31
      {0x0035a573, Opcode::kCsrrs, 10, 11, 0, 0, 0},          // csrrs a0,fcsr,a1
      {0x06b6252f, Opcode::kAmoaddW, 10, 12, 11, 0, 0},       // amoadd.w.aqrl a0,a1,(a2)
      {0x1405b52f, Opcode::kLrD, 10, 11, 0, 0, 0},            // lr.d.aq a0,(a1)
      {0x68c5f543, Opcode::kFmaddS, 10, 11, 12, 13, 0},       // fmadd.s fa0,fa1,fa2,fa3
      {0xc0051553, Opcode::kFcvtWS, 10, 10, 0, 0, 0},         // fcvt.w.s a0,fa0,rtz
      {0xf0050553, Opcode::kFmvWX, 10, 10, 0, 0, 0},          // fmv.w.x fa0,a0
      {0x00813507, Opcode::kFld, 10, 2, 0, 0, 8},             // fld fa0,8(sp)
  };
  for (const Expect& e : cases) CheckDecode(e, 4);

  const DecodedInsn csr = Decode(0x001fd573);
  EXPECT_EQ(csr.csr, 0x001);
  EXPECT_EQ(Decode(0x7c05a573).csr, 0x7c0);
  EXPECT_EQ(Decode(0x06b6252f).aqrl, kAqRlAcquire | kAqRlRelease);
  EXPECT_EQ(Decode(0x1405b52f).aqrl, kAqRlAcquire);
  EXPECT_EQ(Decode(0x1005b52f).aqrl, 0);  // lr.d a0,(a1)
  EXPECT_EQ(Decode(0xc0051553).rm, 1);    // rtz
  EXPECT_EQ(Decode(0x68c5f543).rm, 7);    // dyn
  EXPECT_EQ(Decode(0x00c5d553).rm, 5);    // fadd.s with reserved rm: decodes
  EXPECT_EQ(Decode(0x00c5d553).op, Opcode::kFaddS);
  EXPECT_EQ(Decode(0x00150513).rm, 0);  // no rm field
}

TEST(DecoderTest, Illegal32BitWords) {
  const uint32_t words[] = {
      0xffffffff,  // bits 4:2 = 111: a longer encoding
      0x0000001f,  // 48-bit encoding prefix
      0x0000003f,  // 64-bit encoding prefix
      0x40b54533,  // funct7 0100000 with xor's funct3
      0x0205151b,  // slliw with shamt[5] set: reserved
      0x10b5202f,  // lr.w with rs2 != 0
      0x000000f3,  // ecall with rd != 0
      0x30200073,  // mret: privileged
      0x58150553,  // fsqrt.s with rs2 != 0
      0x06050553,  // fmt 11 (quad): not in RV64GC
      0x20b52533,  // sh1add (Zba): not in RV64GC
      0xf0051553,  // fmv.w.x with funct3 != 0
  };
  for (uint32_t w : words) {
    const DecodedInsn d = Decode(w);
    EXPECT_EQ(d.op, Opcode::kIllegal) << std::hex << w << " decoded as " << OpcodeName(d.op);
    EXPECT_EQ(d.length, 4);
    EXPECT_EQ(d.raw, w);
  }
}

TEST(DecoderTest, SixteenBitWordsIgnoreTheUpperHalf) {
  const DecodedInsn a = Decode(0x0505);
  const DecodedInsn b = Decode(0xdead0505);
  EXPECT_EQ(a.op, Opcode::kAddi);
  EXPECT_EQ(b.op, a.op);
  EXPECT_EQ(b.raw, 0x0505u);
  EXPECT_EQ(b.length, 2);
}

// Each RV64C instruction and the 32-bit instruction the C spec expands it
// to; the words are GNU as's encoding of the operands in the comment.
TEST(DecoderRvcTest, ExpandsToThe32BitInstruction) {
  const Expect cases[] = {
      {0x0040, Opcode::kAddi, 8, 2, 0, 0, 4},        // c.addi4spn s0,sp,4
      {0x1ffc, Opcode::kAddi, 15, 2, 0, 0, 1020},    // c.addi4spn a5,sp,1020
      {0x3ffc, Opcode::kFld, 15, 15, 0, 0, 248},     // c.fld fa5,248(a5)
      {0x5fe8, Opcode::kLw, 10, 15, 0, 0, 124},      // c.lw a0,124(a5)
      {0x660c, Opcode::kLd, 11, 12, 0, 0, 8},        // c.ld a1,8(a2)
      {0xbfe4, Opcode::kFsd, 0, 15, 9, 0, 248},      // c.fsd fs1,248(a5)
      {0xdce8, Opcode::kSw, 0, 9, 10, 0, 124},       // c.sw a0,124(s1)
      {0xfffc, Opcode::kSd, 0, 15, 15, 0, 248},      // c.sd a5,248(a5)
      {0x0001, Opcode::kAddi, 0, 0, 0, 0, 0},        // c.nop
      {0x1f81, Opcode::kAddi, 31, 31, 0, 0, -32},    // c.addi t6,-32
      {0x00fd, Opcode::kAddi, 1, 1, 0, 0, 31},       // c.addi ra,31
      {0x357d, Opcode::kAddiw, 10, 10, 0, 0, -1},    // c.addiw a0,-1
      {0x5f81, Opcode::kAddi, 31, 0, 0, 0, -32},     // c.li t6,-32
      {0x417d, Opcode::kAddi, 2, 0, 0, 0, 31},       // c.li sp,31
      {0x617d, Opcode::kAddi, 2, 2, 0, 0, 496},      // c.addi16sp sp,496
      {0x7101, Opcode::kAddi, 2, 2, 0, 0, -512},     // c.addi16sp sp,-512
      {0x6505, Opcode::kLui, 10, 0, 0, 0, 0x1000},   // c.lui a0,0x1
      {0x6ffd, Opcode::kLui, 31, 0, 0, 0, 0x1f000},  // c.lui t6,0x1f
      {0x7081, Opcode::kLui, 1, 0, 0, 0, -0x20000},  // c.lui ra,0xfffe0
      {0x93fd, Opcode::kSrli, 15, 15, 0, 0, 63},     // c.srli a5,0x3f
      {0x9481, Opcode::kSrai, 9, 9, 0, 0, 32},       // c.srai s1,0x20
      {0x9901, Opcode::kAndi, 10, 10, 0, 0, -32},    // c.andi a0,-32
      {0x8c1d, Opcode::kSub, 8, 8, 15, 0, 0},        // c.sub s0,a5
      {0x8d2d, Opcode::kXor, 10, 10, 11, 0, 0},      // c.xor a0,a1
      {0x8e55, Opcode::kOr, 12, 12, 13, 0, 0},       // c.or a2,a3
      {0x8f65, Opcode::kAnd, 14, 14, 9, 0, 0},       // c.and a4,s1
      {0x9c05, Opcode::kSubw, 8, 8, 9, 0, 0},        // c.subw s0,s1
      {0x9fb9, Opcode::kAddw, 15, 15, 14, 0, 0},     // c.addw a5,a4
      {0xaffd, Opcode::kJal, 0, 0, 0, 0, 2046},      // c.j .+2046
      {0xb001, Opcode::kJal, 0, 0, 0, 0, -2048},     // c.j .-2048
      {0xcc7d, Opcode::kBeq, 0, 8, 0, 0, 254},       // c.beqz s0,.+254
      {0xd381, Opcode::kBeq, 0, 15, 0, 0, -256},     // c.beqz a5,.-256
      {0xfcfd, Opcode::kBne, 0, 9, 0, 0, -2},        // c.bnez s1,.-2
      {0x1ffe, Opcode::kSlli, 31, 31, 0, 0, 63},     // c.slli t6,0x3f
      {0x3ffe, Opcode::kFld, 31, 2, 0, 0, 504},      // c.fldsp ft11,504(sp)
      {0x50fe, Opcode::kLw, 1, 2, 0, 0, 252},        // c.lwsp ra,252(sp)
      {0x757e, Opcode::kLd, 10, 2, 0, 0, 504},       // c.ldsp a0,504(sp)
      {0x8082, Opcode::kJalr, 0, 1, 0, 0, 0},        // c.jr ra
      {0x852e, Opcode::kAdd, 10, 0, 11, 0, 0},       // c.mv a0,a1
      {0x9002, Opcode::kEbreak, 0, 0, 0, 0, 0},      // c.ebreak
      {0x9502, Opcode::kJalr, 1, 10, 0, 0, 0},       // c.jalr a0
      {0x9ffa, Opcode::kAdd, 31, 31, 30, 0, 0},      // c.add t6,t5
      {0xbfaa, Opcode::kFsd, 0, 2, 10, 0, 504},      // c.fsdsp fa0,504(sp)
      {0xdf86, Opcode::kSw, 0, 2, 1, 0, 252},        // c.swsp ra,252(sp)
      {0xff86, Opcode::kSd, 0, 2, 1, 0, 504},        // c.sdsp ra,504(sp)
      // HINTs are valid and expand like their general form.
      {0x4005, Opcode::kAddi, 0, 0, 0, 0, 1},  // c.li zero,1
      {0x9006, Opcode::kAdd, 0, 0, 1, 0, 0},   // c.add zero,ra
      {0x0002, Opcode::kSlli, 0, 0, 0, 0, 0},  // c.slli64 zero
      {0x8001, Opcode::kSrli, 8, 8, 0, 0, 0},  // c.srli64 s0
  };
  for (const Expect& e : cases) CheckDecode(e, 2);
}

TEST(DecoderRvcTest, ReservedEncodingsAreIllegal) {
  const uint16_t parcels[] = {
      0x0000,  // all zero (c.addi4spn nzuimm = 0, rd' = s0)
      0x0004,  // c.addi4spn a1,sp,0: nzuimm = 0
      0x6101,  // c.addi16sp sp,0
      0x6501,  // c.lui a0,0
      0x6001,  // c.lui zero,0
      0x2001,  // c.addiw zero,0
      0x207d,  // c.addiw zero,31
      0x4002,  // c.lwsp zero,0(sp)
      0x6002,  // c.ldsp zero,0(sp)
      0x8002,  // c.jr zero
      0x9c41,  // funct 100 1 11, bits 6:5 = 10: reserved in RV64C
      0x9c61,  // bits 6:5 = 11: reserved
      0x8000,  // quadrant 0, funct3 100: reserved
      0x9ffc,  // quadrant 0, funct3 100
  };
  for (uint16_t p : parcels) {
    const DecodedInsn d = Decode(p);
    EXPECT_EQ(d.op, Opcode::kIllegal) << std::hex << p << " decoded as " << OpcodeName(d.op);
    EXPECT_EQ(d.length, 2);
  }
}

}  // namespace
}  // namespace dbt::riscv
