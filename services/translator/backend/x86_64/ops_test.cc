// Per-op tests of the x86-64 backend: build a block by hand, translate,
// run it on a GuestEnv through the prologue, check env registers. Every
// expected value is computed by hand (comment per case) from the ISA
// semantics the IR op documents, not by running our own code.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/jit_abi.h"
#include "services/translator/ir/builder.h"
#include "services/translator/ir/printer.h"
#include "services/translator/tb/jit_runner.h"

namespace dbt::backend::x86_64 {
namespace {

using ir::Cond;
using ir::IrBuilder;
using ir::Opcode;
using ir::Temp;

constexpr uint64_t kAll = ~uint64_t{0};
constexpr uint64_t kMin = uint64_t{1} << 63;
constexpr uint64_t Neg(uint64_t v) { return 0 - v; }

ir::Temp X(IrBuilder& b, int i) { return b.Global(i * 8, "x" + std::to_string(i)); }

class OpsTest : public ::testing::TestWithParam<bool> {
 protected:
  bool optimize() const { return GetParam(); }
  GuestEnv& env() { return runner_.env(); }

  // Adds "movi pc; exit_tb no_chain", translates, runs; returns the exit kind.
  uint64_t Run(ir::Block& block, IrBuilder& b) {
    b.Movi(b.Global(offsetof(GuestEnv, cpu.pc), "pc"), 0x1000);
    b.ExitTb(kTbExitNoChain);
    std::string ir_text = ir::PrintBlock(block);
    std::string opt_text, asm_text;
    auto tb = runner_.Translate(
        block, {.optimize = optimize(), .dump_op_opt = &opt_text, .dump_out_asm = &asm_text});
    EXPECT_TRUE(tb.ok()) << tb.status() << "\n" << ir_text;
    last_dump_ = ir_text + "--- optimized:\n" + opt_text + "--- host:\n" + asm_text;
    if (!tb.ok()) return ~uint64_t{0};
    uint64_t ret = runner_.Run(*tb);
    EXPECT_EQ(ret & ~kTbExitMask, runner_.CodeAddress(*tb));
    return ret & kTbExitMask;
  }

  tb::JitRunner runner_;
  std::string last_dump_;  // IR and host code of the last block run
};

struct BinaryCase {
  Opcode opc;
  uint64_t a, b, expected;
};

// Hand-computed, per the IR semantics (RISC-V M for div/rem; counts mod 64).
const BinaryCase kBinaryCases[] = {
    {Opcode::kAdd, 1, 2, 3},
    {Opcode::kAdd, kAll, 1, 0},                            // wraps
    {Opcode::kAdd, 0x7fffffffffffffff, 1, kMin},           // signed overflow wraps
    {Opcode::kAdd, 0x123456789, 0x80000000, 0x1a3456789},  // imm not sign-extendable
    {Opcode::kSub, 1, 2, kAll},
    {Opcode::kSub, 0, kMin, kMin},
    {Opcode::kSub, 0x100000000, 1, 0xffffffff},
    {Opcode::kMul, 3, Neg(5), Neg(15)},
    {Opcode::kMul, 0x100000000, 0x100000000, 0},  // 2^64 mod 2^64
    {Opcode::kMul, 0x10000, 0x10001, 0x100010000},
    {Opcode::kMuluh, kAll, kAll, kAll - 1},  // (2^64-1)^2 = 2^128 - 2^65 + 1
    {Opcode::kMuluh, kMin, 4, 2},            // 2^63 * 4 = 2^65
    {Opcode::kMulsh, kAll, kAll, 0},         // (-1)(-1) = 1
    {Opcode::kMulsh, Neg(2), 3, kAll},       // -6: high half all ones
    {Opcode::kMulsh, kMin, 2, kAll},         // -2^64: hi = -1, lo = 0
    {Opcode::kDiv, 7, 2, 3},
    {Opcode::kDiv, Neg(7), 2, Neg(3)},  // rounds toward zero
    {Opcode::kDiv, 7, 0, kAll},         // x/0 = -1
    {Opcode::kDiv, kMin, kAll, kMin},   // overflow: INT_MIN
    {Opcode::kDiv, Neg(8), kAll, 8},    // x/-1 = -x
    {Opcode::kDivu, 7, 2, 3},
    {Opcode::kDivu, 7, 0, kAll},                     // x/0 = 2^64-1
    {Opcode::kDivu, Neg(7), 2, 0x7ffffffffffffffc},  // (2^64-7)/2
    {Opcode::kRem, 7, 2, 1},
    {Opcode::kRem, Neg(7), 2, Neg(1)},  // sign of the dividend
    {Opcode::kRem, 7, 0, 7},            // x%0 = x
    {Opcode::kRem, kMin, kAll, 0},      // overflow: 0
    {Opcode::kRem, Neg(7), kAll, 0},
    {Opcode::kRemu, 7, 0, 7},
    {Opcode::kRemu, Neg(7), 2, 1},  // 2^64-7 is odd
    {Opcode::kRemu, 100, 7, 2},
    {Opcode::kAnd, 0xff00ff00, 0x0ff00ff0, 0x0f000f00},
    {Opcode::kAnd, kAll, Neg(16), Neg(16)},  // sign-extended imm32
    {Opcode::kOr, 0xf0, 0x0f, 0xff},
    {Opcode::kOr, 0, 0x80000000, 0x80000000},  // not an imm32: in a register
    {Opcode::kXor, 0xff, 0x0f, 0xf0},
    {Opcode::kXor, 1, kAll, Neg(2)},
    {Opcode::kAndc, 0xff, 0x0f, 0xf0},
    {Opcode::kAndc, kAll, 1, Neg(2)},
    {Opcode::kShl, 1, 63, kMin},
    {Opcode::kShl, 1, 64, 1},  // count mod 64
    {Opcode::kShl, 3, 65, 6},
    {Opcode::kShr, kMin, 63, 1},
    {Opcode::kShr, 0xff00, 8, 0xff},
    {Opcode::kSar, kMin, 63, kAll},
    {Opcode::kSar, kMin, 4, 0xf800000000000000},
    {Opcode::kSar, 0x40, 70, 1},  // 70 mod 64 = 6
    {Opcode::kRotl, kMin | 1, 1, 3},
    {Opcode::kRotl, 0x12, 64, 0x12},
    {Opcode::kRotr, 3, 1, kMin | 1},
    {Opcode::kRotr, 0x100, 8, 1},
};

std::string CaseName(const BinaryCase& c) {
  return std::string(ir::OpName(c.opc)) + "(" + std::to_string(c.a) + ", " + std::to_string(c.b) +
         ")";
}

TEST_P(OpsTest, BinaryOpsWithRegisterOperands) {
  for (const BinaryCase& c : kBinaryCases) {
    ir::Block block(0x1000);
    IrBuilder b(block);
    b.Emit(c.opc, {X(b, 3)}, {X(b, 1), X(b, 2)});
    env().cpu.x[1] = c.a;
    env().cpu.x[2] = c.b;
    env().cpu.x[3] = 0xdead;
    EXPECT_EQ(Run(block, b), kTbExitNoChain);
    EXPECT_EQ(env().cpu.x[3], c.expected) << CaseName(c) << "\n" << last_dump_;
    EXPECT_EQ(env().cpu.x[1], c.a) << CaseName(c);  // inputs untouched
    EXPECT_EQ(env().cpu.x[2], c.b) << CaseName(c);
  }
}

TEST_P(OpsTest, BinaryOpsWithConstantSecondOperand) {
  for (const BinaryCase& c : kBinaryCases) {
    ir::Block block(0x1000);
    IrBuilder b(block);
    b.Emit(c.opc, {X(b, 3)}, {X(b, 1), b.Const(c.b)});
    env().cpu.x[1] = c.a;
    Run(block, b);
    EXPECT_EQ(env().cpu.x[3], c.expected) << CaseName(c);
  }
}

TEST_P(OpsTest, BinaryOpsWithConstantFirstOperand) {
  for (const BinaryCase& c : kBinaryCases) {
    ir::Block block(0x1000);
    IrBuilder b(block);
    b.Emit(c.opc, {X(b, 3)}, {b.Const(c.a), X(b, 2)});
    env().cpu.x[2] = c.b;
    Run(block, b);
    EXPECT_EQ(env().cpu.x[3], c.expected) << CaseName(c);
  }
}

TEST_P(OpsTest, BinaryOpsInPlaceAndOnTheSameRegister) {
  for (const BinaryCase& c : kBinaryCases) {
    // x1 = op(x1, x2): the output is also the first input.
    ir::Block block(0x1000);
    IrBuilder b(block);
    b.Emit(c.opc, {X(b, 1)}, {X(b, 1), X(b, 2)});
    env().cpu.x[1] = c.a;
    env().cpu.x[2] = c.b;
    Run(block, b);
    EXPECT_EQ(env().cpu.x[1], c.expected) << CaseName(c);
    // x2 = op(x1, x2): the output is the second input.
    ir::Block block2(0x1000);
    IrBuilder b2(block2);
    b2.Emit(c.opc, {X(b2, 2)}, {X(b2, 1), X(b2, 2)});
    env().cpu.x[1] = c.a;
    env().cpu.x[2] = c.b;
    Run(block2, b2);
    EXPECT_EQ(env().cpu.x[2], c.expected) << CaseName(c);
  }
}

TEST_P(OpsTest, BinaryOpsWithBothInputsTheSameTemp) {
  // Hand values of op(v, v) for v = 6: add 12, sub 0, mul 36, div 1, rem 0,
  // and 6, or 6, xor 0, andc 0, shl 6<<6 = 384, shr 0, rotl 384.
  struct Same {
    Opcode opc;
    uint64_t expected;
  } cases[] = {{Opcode::kAdd, 12}, {Opcode::kSub, 0},   {Opcode::kMul, 36}, {Opcode::kDiv, 1},
               {Opcode::kRem, 0},  {Opcode::kAnd, 6},   {Opcode::kOr, 6},   {Opcode::kXor, 0},
               {Opcode::kAndc, 0}, {Opcode::kShl, 384}, {Opcode::kShr, 0},  {Opcode::kRotl, 384}};
  for (const Same& c : cases) {
    ir::Block block(0x1000);
    IrBuilder b(block);
    b.Emit(c.opc, {X(b, 3)}, {X(b, 1), X(b, 1)});
    env().cpu.x[1] = 6;
    Run(block, b);
    EXPECT_EQ(env().cpu.x[3], c.expected) << ir::OpName(c.opc);
  }
}

struct UnaryCase {
  Opcode opc;
  uint64_t a, expected;
};

const UnaryCase kUnaryCases[] = {
    {Opcode::kNeg, 1, kAll},
    {Opcode::kNeg, kMin, kMin},
    {Opcode::kNot, 0, kAll},
    {Opcode::kNot, 0xf0, ~uint64_t{0xf0}},
    {Opcode::kExt8s, 0x180, 0xffffffffffffff80},
    {Opcode::kExt8s, 0x7f, 0x7f},
    {Opcode::kExt8u, 0x1ff, 0xff},
    {Opcode::kExt16s, 0x18000, 0xffffffffffff8000},
    {Opcode::kExt16u, kAll, 0xffff},
    {Opcode::kExt32s, 0x80000000, 0xffffffff80000000},
    {Opcode::kExt32s, 0xffffffff7fffffff, 0x7fffffff},
    {Opcode::kExt32u, kAll, 0xffffffff},
    {Opcode::kClz, 0, 64},
    {Opcode::kClz, 1, 63},
    {Opcode::kClz, kMin, 0},
    {Opcode::kClz, 0x00000000ffffffff, 32},
    {Opcode::kCtz, 0, 64},
    {Opcode::kCtz, 0x80, 7},
    {Opcode::kCtz, kMin, 63},
    {Opcode::kBswap, 0x0102030405060708, 0x0807060504030201},
    {Opcode::kMov, 0x123456789abcdef0, 0x123456789abcdef0},
};

TEST_P(OpsTest, UnaryOps) {
  for (const UnaryCase& c : kUnaryCases) {
    for (bool in_place : {false, true}) {
      ir::Block block(0x1000);
      IrBuilder b(block);
      Temp out = in_place ? X(b, 1) : X(b, 3);
      b.Emit(c.opc, {out}, {X(b, 1)});
      env().cpu.x[1] = c.a;
      Run(block, b);
      EXPECT_EQ(in_place ? env().cpu.x[1] : env().cpu.x[3], c.expected)
          << ir::OpName(c.opc) << "(" << c.a << ")";
    }
    ir::Block block(0x1000);  // constant input
    IrBuilder b(block);
    b.Emit(c.opc, {X(b, 3)}, {b.Const(c.a)});
    Run(block, b);
    EXPECT_EQ(env().cpu.x[3], c.expected) << ir::OpName(c.opc) << "($" << c.a << ")";
  }
}

TEST_P(OpsTest, SetcondEveryCondition) {
  // Rows: (a, b) then the 10 results eq ne lt ge le gt ltu geu leu gtu,
  // by hand: -1 vs 0 is signed-less, unsigned-greater.
  struct Row {
    uint64_t a, b;
    int expected[ir::kNumConds];
  } rows[] = {
      {kAll, 0, {0, 1, 1, 0, 1, 0, 0, 1, 0, 1}},
      {5, 5, {1, 0, 0, 1, 1, 0, 0, 1, 1, 0}},
      {3, 7, {0, 1, 1, 0, 1, 0, 1, 0, 1, 0}},
      {kMin, 0x7fffffffffffffff, {0, 1, 1, 0, 1, 0, 0, 1, 0, 1}},
  };
  for (const Row& r : rows) {
    for (int c = 0; c < ir::kNumConds; ++c) {
      for (bool const_b : {false, true}) {
        ir::Block block(0x1000);
        IrBuilder b(block);
        b.Setcond(static_cast<Cond>(c), X(b, 3), X(b, 1), const_b ? b.Const(r.b) : X(b, 2));
        env().cpu.x[1] = r.a;
        env().cpu.x[2] = r.b;
        env().cpu.x[3] = 0xdead;
        Run(block, b);
        EXPECT_EQ(env().cpu.x[3], static_cast<uint64_t>(r.expected[c]))
            << ir::CondName(static_cast<Cond>(c)) << " " << r.a << ", " << r.b;
      }
    }
  }
}

TEST_P(OpsTest, MovcondAndBrcond) {
  for (uint64_t a : {uint64_t{1}, uint64_t{9}}) {
    // x3 = (x1 <u 5) ? x4 : x5
    ir::Block block(0x1000);
    IrBuilder b(block);
    b.Movcond(Cond::kLtu, X(b, 3), X(b, 1), b.Const(5), X(b, 4), X(b, 5));
    env().cpu.x[1] = a;
    env().cpu.x[4] = 44;
    env().cpu.x[5] = 55;
    Run(block, b);
    EXPECT_EQ(env().cpu.x[3], a < 5 ? 44u : 55u);

    // if (x1 >= 5) x3 = 2 else x3 = 1, through a branch.
    ir::Block block2(0x1000);
    IrBuilder b2(block2);
    ir::Label big = b2.NewLabel(), done = b2.NewLabel();
    b2.Brcond(Cond::kGe, X(b2, 1), b2.Const(5), big);
    b2.Movi(X(b2, 3), 1);
    b2.Br(done);
    b2.SetLabel(big);
    b2.Movi(X(b2, 3), 2);
    b2.SetLabel(done);
    env().cpu.x[1] = a;
    Run(block2, b2);
    EXPECT_EQ(env().cpu.x[3], a >= 5 ? 2u : 1u);
  }
}

TEST_P(OpsTest, TwoOutputOps) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  b.Mulu2(X(b, 3), X(b, 4), X(b, 1), X(b, 2));
  b.Muls2(X(b, 5), X(b, 6), X(b, 1), X(b, 2));
  b.Add2(X(b, 7), X(b, 8), X(b, 1), X(b, 10), X(b, 11), X(b, 12));
  b.Sub2(X(b, 13), X(b, 14), X(b, 11), X(b, 10), X(b, 1), X(b, 12));
  env().cpu.x[1] = kAll;  // as unsigned 2^64-1, as signed -1
  env().cpu.x[2] = kAll;
  env().cpu.x[10] = 5;
  env().cpu.x[11] = 1;
  env().cpu.x[12] = 10;
  Run(block, b);
  EXPECT_EQ(env().cpu.x[3], 1u);  // (2^64-1)^2 = 2^128 - 2^65 + 1
  EXPECT_EQ(env().cpu.x[4], kAll - 1);
  EXPECT_EQ(env().cpu.x[5], 1u);  // (-1)(-1) = 1
  EXPECT_EQ(env().cpu.x[6], 0u);
  EXPECT_EQ(env().cpu.x[7], 0u);  // (5:2^64-1) + (10:1) = 16:0
  EXPECT_EQ(env().cpu.x[8], 16u);
  EXPECT_EQ(env().cpu.x[13], 2u);      // (5:1) - (10:2^64-1) = low 1-(2^64-1) = 2, borrow
  EXPECT_EQ(env().cpu.x[14], Neg(6));  // 5 - 10 - 1
}

TEST_P(OpsTest, GuestLoadsAndStores) {
  uint8_t* mem = runner_.guest_memory();
  const uint8_t bytes[8] = {0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  memcpy(mem + 0x100, bytes, 8);
  struct Load {
    ir::MemOp mop;
    uint64_t expected;  // little-endian reading of `bytes`
  } loads[] = {{ir::kMemU8, 0x88},
               {ir::kMemS8, 0xffffffffffffff88},
               {ir::kMemU16, 0x9988},
               {ir::kMemS16, 0xffffffffffff9988},
               {ir::kMemU32, 0xbbaa9988},
               {ir::kMemS32, 0xffffffffbbaa9988},
               {ir::kMemU64, 0xffeeddccbbaa9988}};
  for (const Load& l : loads) {
    for (bool const_addr : {false, true}) {
      ir::Block block(0x1000);
      IrBuilder b(block);
      b.QemuLd(X(b, 3), const_addr ? b.Const(0x100) : X(b, 1), l.mop);
      env().cpu.x[1] = 0x100;
      Run(block, b);
      EXPECT_EQ(env().cpu.x[3], l.expected) << ir::MemOpName(l.mop);
    }
  }
  for (int size_log2 = 0; size_log2 < 4; ++size_log2) {
    for (bool const_value : {false, true}) {
      memset(mem + 0x200, 0x11, 16);
      ir::Block block(0x1000);
      IrBuilder b(block);
      b.QemuSt(const_value ? b.Const(0x8877665544332211 + 0x1111111111111111) : X(b, 2), X(b, 1),
               static_cast<ir::MemOp>(size_log2));
      env().cpu.x[1] = 0x204;
      env().cpu.x[2] = 0x9988776655443322;
      Run(block, b);
      const int n = 1 << size_log2;
      uint8_t expected[16];
      memset(expected, 0x11, 16);
      // Register value 0x9988776655443322 and constant 0x9988776655443322
      // store the same low n bytes, little-endian, at 0x204.
      const uint8_t value[8] = {0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99};
      memcpy(expected + 4, value, n);
      EXPECT_EQ(memcmp(mem + 0x200, expected, 16), 0) << "size " << n << " const " << const_value;
    }
  }
}

TEST_P(OpsTest, EnvLoadsAndStores) {
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp t = b.NewTemp();
  b.Ld(t, offsetof(GuestEnv, cpu.fflags), ir::kMemU32);
  b.Mov(X(b, 3), t);
  b.St(X(b, 1), offsetof(GuestEnv, cpu.frm), ir::kMemU32);
  b.St(b.Const(0x1f), offsetof(GuestEnv, cpu.reservation_addr), ir::kMemU8);
  env().cpu.fflags = 0x15;
  env().cpu.frm = 0;
  env().cpu.reservation_addr = 0xffffffffffffff00;
  env().cpu.x[1] = 0x123456789;
  Run(block, b);
  EXPECT_EQ(env().cpu.x[3], 0x15u);
  EXPECT_EQ(env().cpu.frm, 0x23456789u);                       // low 32 bits of x1
  EXPECT_EQ(env().cpu.reservation_addr, 0xffffffffffffff1fu);  // one byte replaced
}

uint64_t WeightedSum(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

uint64_t AddToX5(GuestEnv* env, uint64_t v) {
  env->cpu.x[5] += v;
  return env->cpu.x[5];
}

TEST_P(OpsTest, HelperCalls) {
  env().helpers[7] = reinterpret_cast<uint64_t>(&WeightedSum);
  env().helpers[8] = reinterpret_cast<uint64_t>(&AddToX5);
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp t = b.NewTemp(), keep = b.NewTemp();
  b.Add(keep, X(b, 1), b.Const(1000));  // live across both calls
  b.Call(t, 7, ir::kCallNoReadGlobals | ir::kCallNoWriteGlobals,
         {X(b, 1), X(b, 2), X(b, 3), X(b, 4), b.Const(5), keep});
  b.Mov(X(b, 10), t);
  b.Add(X(b, 5), X(b, 5), b.Const(1));  // x5 dirty in a register before the call
  b.Call(X(b, 11), 8, 0, {b.Env(), X(b, 6)});
  b.Add(X(b, 12), X(b, 5), keep);  // x5 must be re-read after the helper wrote it
  env().cpu.x[1] = 1;
  env().cpu.x[2] = 2;
  env().cpu.x[3] = 3;
  env().cpu.x[4] = 4;
  env().cpu.x[5] = 100;
  env().cpu.x[6] = 20;
  Run(block, b);
  // 1 + 2*2 + 3*3 + 4*4 + 5*5 + 6*1001 = 1 + 4 + 9 + 16 + 25 + 6006 = 6061
  EXPECT_EQ(env().cpu.x[10], 6061u);
  EXPECT_EQ(env().cpu.x[5], 121u);  // (100 + 1) + 20
  EXPECT_EQ(env().cpu.x[11], 121u);
  EXPECT_EQ(env().cpu.x[12], 1122u);  // 121 + 1001
}

TEST_P(OpsTest, RegisterPressureSpills) {
  // 40 values live at once (more than the 13 allocatable registers), then
  // summed: sum over i of (x1 + i) * (i + 1) for x1 = 3, i = 0..39
  // = sum (3 + i)(i + 1) = sum (i^2 + 4i + 3) = 20540 + 3120 + 120 = 23780.
  ir::Block block(0x1000);
  IrBuilder b(block);
  std::vector<Temp> v;
  for (int i = 0; i < 40; ++i) {
    Temp t = b.NewTemp();
    b.Add(t, X(b, 1), b.Const(i));
    b.Mul(t, t, b.Const(i + 1));
    v.push_back(t);
  }
  Temp sum = b.NewTemp();
  b.Movi(sum, 0);
  for (Temp t : v) b.Add(sum, sum, t);
  b.Mov(X(b, 3), sum);
  env().cpu.x[1] = 3;
  Run(block, b);
  EXPECT_EQ(env().cpu.x[3], 23780u);
}

TEST_P(OpsTest, LocalTempAcrossLabelsAndEbbAcrossBranch) {
  // loc = x1 * 2; e = x1 + 1; if (x1 == 0) goto L; x3 = e; L: x4 = loc + 1
  for (uint64_t a : {uint64_t{0}, uint64_t{5}}) {
    ir::Block block(0x1000);
    IrBuilder b(block);
    Temp loc = b.NewLocal(), e = b.NewEbb();
    ir::Label l = b.NewLabel();
    b.Mul(loc, X(b, 1), b.Const(2));
    b.Add(e, X(b, 1), b.Const(1));
    b.Brcond(Cond::kEq, X(b, 1), b.Const(0), l);
    b.Mov(X(b, 3), e);
    b.SetLabel(l);
    b.Add(X(b, 4), loc, b.Const(1));
    env().cpu.x[1] = a;
    env().cpu.x[3] = 77;
    Run(block, b);
    EXPECT_EQ(env().cpu.x[3], a == 0 ? 77u : a + 1);
    EXPECT_EQ(env().cpu.x[4], 2 * a + 1);
  }
}

TEST_P(OpsTest, LoopInsideOneBlock) {
  // A backward branch: i = x1; s = 0; do { s += i * i; i -= 1; } while (i != 0)
  // For x1 = 10: 1 + 4 + ... + 100 = 385.
  ir::Block block(0x1000);
  IrBuilder b(block);
  Temp i = b.NewLocal(), s = b.NewLocal();
  ir::Label top = b.NewLabel();
  b.Mov(i, X(b, 1));
  b.Movi(s, 0);
  b.SetLabel(top);
  Temp sq = b.NewTemp();
  b.Mul(sq, i, i);
  b.Add(s, s, sq);
  b.Sub(i, i, b.Const(1));
  b.Brcond(Cond::kNe, i, b.Const(0), top);
  b.Mov(X(b, 2), s);
  env().cpu.x[1] = 10;
  Run(block, b);
  EXPECT_EQ(env().cpu.x[2], 385u);
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutOptimizer, OpsTest, ::testing::Bool());

}  // namespace
}  // namespace dbt::backend::x86_64
