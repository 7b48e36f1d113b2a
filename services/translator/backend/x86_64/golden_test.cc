// Golden host-code tests: the x86-64 code for a few small blocks, compared
// with testdata/*.s. Each expected listing was read instruction by
// instruction (the notes in the .s files say what to look for); a change in
// code generation shows up here as a diff to review, like FEX's
// InstructionCountCI. Regenerate a listing by running the test with
// DBT_GOLDEN_OUT=dir and reviewing the new file before replacing the old.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "services/translator/backend/x86_64/disasm.h"
#include "services/translator/ir/builder.h"
#include "services/translator/tb/jit_runner.h"

namespace dbt::backend::x86_64 {
namespace {

using ir::Cond;
using ir::IrBuilder;
using ir::Temp;

Temp X(IrBuilder& b, int i) { return b.Global(8 * i, "x" + std::to_string(i)); }
Temp Pc(IrBuilder& b) { return b.Global(512, "pc"); }

// The listing without the leading '#' note lines.
std::string Golden(const std::string& name) {
  std::ifstream in("services/translator/backend/x86_64/testdata/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::string line, text;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    text += line + "\n";
  }
  return text;
}

void ExpectGolden(ir::Block& block, const std::string& name) {
  tb::JitRunner runner;
  auto tb = runner.Translate(block);
  ASSERT_TRUE(tb.ok()) << tb.status();
  std::string text = Disassemble(runner.buffer().rx_at(tb->code_offset), tb->code_size);
  if (const char* dir = getenv("DBT_GOLDEN_OUT")) {
    std::ofstream(std::string(dir) + "/" + name) << text;
  }
  EXPECT_EQ(text, Golden(name));
}

// addi x5, x5, 16; lw x6, 8(x5); add x7, x6, x5; bne x7, x0, 0x10000
TEST(GoldenTest, AddiLoadAddBranch) {
  ir::Block block(0x10000);
  IrBuilder b(block);
  b.TbStart();
  b.InsnStart(0x10000);
  b.Add(X(b, 5), X(b, 5), b.Const(16));
  b.InsnStart(0x10004);
  Temp t = b.NewTemp(), v = b.NewTemp();
  b.Add(t, X(b, 5), b.Const(8));
  b.QemuLd(v, t, ir::kMemS32);
  b.Mov(X(b, 6), v);
  b.InsnStart(0x10008);
  b.Add(X(b, 7), X(b, 6), X(b, 5));
  b.InsnStart(0x1000c);
  ir::Label taken = b.NewLabel();
  b.Brcond(Cond::kNe, X(b, 7), b.Const(0), taken);
  b.GotoTb(0);
  b.Movi(Pc(b), 0x10010);
  b.ExitTb(kTbExitSlot0);
  b.SetLabel(taken);
  b.GotoTb(1);
  b.Movi(Pc(b), 0x10000);
  b.ExitTb(kTbExitSlot1);
  ExpectGolden(block, "addi_load_add_branch.s");
}

// div x10, x11, x12; remu x13, x11, 7; mulhu x14, x11, x12
TEST(GoldenTest, DivRemMulh) {
  ir::Block block(0x20000);
  IrBuilder b(block);
  b.TbStart();
  b.Div(X(b, 10), X(b, 11), X(b, 12));
  b.Remu(X(b, 13), X(b, 11), b.Const(7));
  b.Muluh(X(b, 14), X(b, 11), X(b, 12));
  b.Movi(Pc(b), 0x2000c);
  b.ExitTb(kTbExitNoChain);
  ExpectGolden(block, "div_rem_mulh.s");
}

// t = x1 + x2 (live across the call); x10 = helper4(env, x10) (may read and
// write globals); x11 = t ^ x10; sllw-like shift by a register; setcond.
TEST(GoldenTest, CallShiftSetcond) {
  ir::Block block(0x30000);
  IrBuilder b(block);
  b.TbStart();
  Temp t = b.NewTemp(), s = b.NewTemp();
  b.Add(t, X(b, 1), X(b, 2));
  b.Call(X(b, 10), 4, 0, {b.Env(), X(b, 10)});
  b.Xor(X(b, 11), t, X(b, 10));
  b.Shl(s, X(b, 3), X(b, 4));
  b.Ext32s(X(b, 12), s);
  b.Setcond(Cond::kLtu, X(b, 13), X(b, 3), X(b, 4));
  Temp target = b.NewTemp();
  b.And(target, X(b, 1), b.Const(~uint64_t{1}));
  b.Mov(Pc(b), target);
  b.LookupAndGotoPtr(target);
  ExpectGolden(block, "call_shift_setcond.s");
}

// sieve's inner loop: add x13, x8, x15; sb x18, 0(x13); add x15, x15, x14;
// j back. x15 is read twice: loaded once and kept in a register (reading it
// in place twice made the second read wait behind the guest store: 1.2-1.4x
// slower). x8 and x14 are read once: in place.
TEST(GoldenTest, AGlobalReadTwiceIsLoadedOnce) {
  ir::Block block(0x105ba);
  IrBuilder b(block);
  b.TbStart();
  b.InsnStart(0x105ba);
  b.Add(X(b, 13), X(b, 8), X(b, 15));
  b.InsnStart(0x105be);
  b.QemuSt(X(b, 18), X(b, 13), ir::kMemU8);
  b.InsnStart(0x105c2);
  b.Add(X(b, 15), X(b, 15), X(b, 14));
  b.InsnStart(0x105c4);
  b.GotoTb(0);
  b.Movi(Pc(b), 0x105b6);
  b.ExitTb(kTbExitSlot0);
  ExpectGolden(block, "global_read_twice.s");
}

}  // namespace
}  // namespace dbt::backend::x86_64
