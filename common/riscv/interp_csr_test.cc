// Zicsr: the FP CSRs with their field masks, the read-only counters, and
// which accesses are illegal (unknown CSR, write to a read-only CSR).
#include <cstdint>

#include "common/riscv/interp_test_util.h"

namespace dbt::riscv::test {
namespace {

using CsrTest = InterpTest;

constexpr uint32_t kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003;
constexpr uint32_t kCycle = 0xc00, kTime = 0xc01, kInstret = 0xc02;

TEST_F(CsrTest, FflagsAndFrmKeepTheirBits) {
  cpu_.fflags = 0x3;
  X(kA1) = 0xff;
  Exec(CSRRW(kA0, kFflags, kA1));
  EXPECT_EQ(X(kA0), 0x3u);  // old value
  EXPECT_EQ(cpu_.fflags, 0x1fu);
  Exec(CSRRW(kA0, kFrm, kA1));
  EXPECT_EQ(X(kA0), 0u);
  EXPECT_EQ(cpu_.frm, 7u);  // writable even though 7 is not a valid dynamic mode
  Exec(CSRRS(kA0, kFrm, kZero));
  EXPECT_EQ(X(kA0), 7u);
}

// fcsr = frm[7:5] | fflags[4:0]; bits 31:8 are reserved and read as zero.
TEST_F(CsrTest, FcsrIsFrmAndFflags) {
  X(kA1) = 0xffff;
  Exec(CSRRW(kA0, kFcsr, kA1));
  EXPECT_EQ(cpu_.fflags, 0x1fu);
  EXPECT_EQ(cpu_.frm, 7u);
  Exec(CSRRS(kA0, kFcsr, kZero));
  EXPECT_EQ(X(kA0), 0xffu);
  X(kA1) = 0x0a5;  // frm 101, fflags 00101
  Exec(CSRRW(kZero, kFcsr, kA1));
  EXPECT_EQ(cpu_.frm, 5u);
  EXPECT_EQ(cpu_.fflags, 5u);
  Exec(CSRRS(kA0, kFflags, kZero));
  EXPECT_EQ(X(kA0), 5u);
  Exec(CSRRS(kA0, kFrm, kZero));
  EXPECT_EQ(X(kA0), 5u);
}

TEST_F(CsrTest, SetClearAndImmediateForms) {
  cpu_.fflags = 0x01;
  X(kA1) = 0x14;
  Exec(CSRRS(kA0, kFflags, kA1));
  EXPECT_EQ(X(kA0), 0x01u);
  EXPECT_EQ(cpu_.fflags, 0x15u);
  X(kA1) = 0x05;
  Exec(CSRRC(kA0, kFflags, kA1));
  EXPECT_EQ(X(kA0), 0x15u);
  EXPECT_EQ(cpu_.fflags, 0x10u);
  Exec(CSRRWI(kA0, kFrm, 3));
  EXPECT_EQ(X(kA0), 0u);
  EXPECT_EQ(cpu_.frm, 3u);
  Exec(CSRRSI(kA0, kFflags, 0x3));
  EXPECT_EQ(X(kA0), 0x10u);
  EXPECT_EQ(cpu_.fflags, 0x13u);
  Exec(CSRRCI(kA0, kFflags, 0x11));
  EXPECT_EQ(X(kA0), 0x13u);
  EXPECT_EQ(cpu_.fflags, 0x02u);
  Exec(CSRRWI(kA0, kFcsr, 31));
  EXPECT_EQ(X(kA0), (3u << 5) | 0x02u);
  EXPECT_EQ(cpu_.fflags, 0x1fu);
  EXPECT_EQ(cpu_.frm, 0u);
}

TEST_F(CsrTest, RdEqualsRs1ReadsTheSourceFirst) {
  cpu_.fflags = 0x4;
  X(kA0) = 0x3;
  Exec(CSRRW(kA0, kFflags, kA0));
  EXPECT_EQ(cpu_.fflags, 0x3u);
  EXPECT_EQ(X(kA0), 0x4u);
}

TEST_F(CsrTest, CountersReadRetiredInstructions) {
  Code({ADDI(kA1, kZero, 1), ADDI(kA1, kA1, 1), ADDI(kA1, kA1, 1), CSRRS(kA0, kInstret, kZero),
        CSRRS(kA2, kCycle, kZero), ECALL()});
  uint64_t executed = 0;
  EXPECT_EQ(Interpret(cpu_, mem_, 100, &executed), InterpExit::kEcall);
  EXPECT_EQ(X(kA0), 3u);  // three instructions retired before the read
  EXPECT_EQ(X(kA2), 4u);
  EXPECT_EQ(cpu_.instret, 5u);
}

TEST_F(CsrTest, TimeIsMonotonic) {
  Exec(CSRRS(kA0, kTime, kZero));
  Exec(CSRRS(kA1, kTime, kZero));
  EXPECT_GT(X(kA0), 0u);
  EXPECT_GE(X(kA1), X(kA0));
}

TEST_F(CsrTest, ReadOnlyCountersRejectWrites) {
  // csrrs/csrrc with x0 or a zero immediate do not write: allowed.
  EXPECT_EQ(Try(CSRRS(kA0, kCycle, kZero)), InterpExit::kInsnLimit);
  EXPECT_EQ(Try(CSRRC(kA0, kInstret, kZero)), InterpExit::kInsnLimit);
  EXPECT_EQ(Try(CSRRSI(kA0, kTime, 0)), InterpExit::kInsnLimit);
  X(kA1) = 0;  // a register holding zero still counts as a write
  X(kA0) = 77;
  for (uint32_t insn : {CSRRW(kZero, kCycle, kZero),  // "unimp"
                        CSRRW(kA0, kInstret, kA1), CSRRS(kA0, kCycle, kA1), CSRRC(kA0, kTime, kA1),
                        CSRRWI(kA0, kCycle, 0), CSRRSI(kA0, kInstret, 1), CSRRCI(kA0, kTime, 1)}) {
    EXPECT_EQ(Try(insn), InterpExit::kIllegal) << std::hex << insn;
    EXPECT_EQ(cpu_.pc, kCode);
    EXPECT_EQ(X(kA0), 77u);
  }
}

TEST_F(CsrTest, UnknownCsrsAreIllegal) {
  for (uint32_t csr : {0x000u, 0x004u, 0x300u /* mstatus */, 0x7c0u, 0xc03u /* hpmcounter3 */,
                       0xc80u /* cycleh: RV32 only */, 0xfffu}) {
    EXPECT_EQ(Try(CSRRS(kA0, csr, kZero)), InterpExit::kIllegal) << std::hex << csr;
    EXPECT_EQ(Try(CSRRW(kZero, csr, kA1)), InterpExit::kIllegal) << std::hex << csr;
  }
}

}  // namespace
}  // namespace dbt::riscv::test
