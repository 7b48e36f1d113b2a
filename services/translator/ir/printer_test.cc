#include "services/translator/ir/printer.h"

#include <gtest/gtest.h>

#include "services/translator/ir/builder.h"

namespace dbt::ir {
namespace {

TEST(PrinterTest, PrintsEachKindOfArgument) {
  Block block(0x10078);
  IrBuilder b(block);
  Temp x5 = b.Global(5 * 8, "x5");  // temp 0
  Temp pc = b.Global(512, "pc");    // temp 1
  Temp t = b.NewTemp();             // temp 2
  Temp e = b.NewEbb();              // temp 3
  Temp l = b.NewLocal();            // temp 4
  Label taken = b.NewLabel();
  b.TbStart();
  b.InsnStart(0x10078);
  b.Add(t, x5, b.Const(16));
  b.Sub(e, t, b.Const(static_cast<uint64_t>(-1)));
  b.QemuLd(l, e, kMemS32);
  b.Brcond(Cond::kLtu, l, b.Const(0), taken);
  b.Call(t, 3, kCallNoWriteGlobals, {b.Env(), x5});
  b.St(t, 8 * 40 + 1024, kMemU32);
  b.SetLabel(taken);
  b.Movi(pc, 0x10080);
  b.ExitTb(kTbExitNoChain);
  block.ops()[2].life.dead = 0b110;  // args 1 and 2 die
  block.ops()[2].life.sync = 0b1;

  EXPECT_EQ(PrintBlock(block),
            "tb_start 0x10078\n"
            "insn_start 0x10078\n"
            "add tmp2, x5, $0x10  dead: 1 2  sync: 0\n"
            "sub ebb3, tmp2, $-0x1\n"
            "qemu_ld loc4, ebb3, s32\n"
            "brcond loc4, $0x0, ltu, $L0\n"
            "call tmp2, env, x5, helper3, flags=0x2\n"
            "st tmp2, [env+0x540], u32\n"
            "set_label $L0\n"
            "movi pc, $0x10080\n"
            "exit_tb no_chain\n");
}

}  // namespace
}  // namespace dbt::ir
