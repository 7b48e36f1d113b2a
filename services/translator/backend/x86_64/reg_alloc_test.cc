// Register allocator behaviour seen in the host code it produces: moves
// that cost nothing, constants that stay immediates, spills when short of
// registers, caller-saved registers around calls, write-backs at branches.
#include "services/translator/backend/x86_64/reg_alloc.h"

#include <string>

#include <gtest/gtest.h>

#include "services/translator/backend/x86_64/codegen.h"
#include "services/translator/backend/x86_64/disasm.h"
#include "services/translator/ir/builder.h"
#include "services/translator/opt/liveness.h"

namespace dbt::backend::x86_64 {
namespace {

using ir::IrBuilder;
using ir::Temp;

Temp X(IrBuilder& b, int i) { return b.Global(8 * i, "x" + std::to_string(i)); }

// Host code of block (after liveness), without offsets.
std::string Code(ir::Block& block) {
  opt::ComputeLiveness(block);
  static uint8_t buffer[1 << 16];
  auto code = GenerateHostCode(block, buffer, sizeof(buffer));
  EXPECT_TRUE(code.ok()) << code.status();
  return DisassembleInstructions(buffer, code->size);
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(RegAllocTest, MovOfADyingValueAndMoviEmitNothing) {
  ir::Block block(0);
  IrBuilder b(block);
  Temp t = b.NewTemp(), u = b.NewTemp(), c = b.NewTemp();
  b.Add(t, X(b, 1), X(b, 2));
  b.Mov(u, t);           // t dies: u takes its register
  b.Movi(c, 5);          // a known constant, no code
  b.Add(X(b, 3), u, c);  // the constant is an immediate
  b.ExitTb(kTbExitNoChain);
  std::string code = Code(block);
  // x2 is read straight from env ('m'); u and c cost nothing.
  EXPECT_EQ(code,
            "mov rbx, qword ptr [rbp + 8]\n"
            "add rbx, qword ptr [rbp + 0x10]\n"
            "add rbx, 5\n"
            "mov qword ptr [rbp + 0x18], rbx\n"
            "lea rax, [rip - 0x15]\n"  // code start + 2 (no_chain): 0x17 - 0x15
            "jmp qword ptr [rbp + 0x230]\n")
      << code;
}

TEST(RegAllocTest, SpillsWhenRegistersRunOut) {
  ir::Block block(0);
  IrBuilder b(block);
  std::vector<Temp> v;
  for (int i = 0; i < 20; ++i) {  // 20 values live at once, 13 registers
    Temp t = b.NewTemp();
    b.Add(t, X(b, 1), b.Const(i + 1));
    v.push_back(t);
  }
  for (Temp t : v) b.Add(X(b, 2), X(b, 2), t);
  b.ExitTb(kTbExitNoChain);
  std::string code = Code(block);
  EXPECT_GE(Count(code, "qword ptr [rsp"), 2 * 7) << code;  // stores and reloads
}

TEST(RegAllocTest, CallerSavedValuesAreSavedAroundCalls) {
  ir::Block block(0);
  IrBuilder b(block);
  std::vector<Temp> v;
  for (int i = 0; i < 6; ++i) {  // more than the 4 callee-saved registers
    Temp t = b.NewTemp();
    b.Add(t, X(b, 1), b.Const(i + 1));
    v.push_back(t);
  }
  b.Call(0, ir::kCallNoReadGlobals | ir::kCallNoWriteGlobals, {});
  for (Temp t : v) b.Add(X(b, 2), X(b, 2), t);
  b.ExitTb(kTbExitNoChain);
  std::string code = Code(block);
  // Four values stay in rbx r12 r13 r15; the two in caller-saved registers
  // (r10, r11) go to the stack before the call and come back after it.
  EXPECT_EQ(Count(code, "mov qword ptr [rsp"), 2) << code;
  EXPECT_EQ(Count(code, ", qword ptr [rsp"), 2) << code;
}

TEST(RegAllocTest, HelperFlagsDecideGlobalWriteBacks) {
  for (uint32_t flags : {0u, static_cast<uint32_t>(ir::kCallNoWriteGlobals),
                         static_cast<uint32_t>(ir::kCallNoReadGlobals | ir::kCallNoWriteGlobals)}) {
    ir::Block block(0);
    IrBuilder b(block);
    b.Add(X(b, 1), X(b, 1), b.Const(1));  // dirty in rbx
    b.Call(0, flags, {});
    b.Add(X(b, 1), X(b, 1), b.Const(1));
    b.ExitTb(kTbExitNoChain);
    std::string code = Code(block);
    std::string before_call = code.substr(0, code.find("call"));
    std::string after_call = code.substr(code.find("call"));
    bool may_read = !(flags & ir::kCallNoReadGlobals);
    bool may_write = !(flags & ir::kCallNoWriteGlobals);
    EXPECT_EQ(Count(before_call, "mov qword ptr [rbp + 8]"), may_read || may_write ? 1 : 0) << code;
    // Reloaded after the call only if the helper may have changed it (a
    // line ending in the address is a load).
    EXPECT_EQ(Count(after_call, "qword ptr [rbp + 8]\n"), may_write ? 1 : 0) << code;
  }
}

TEST(RegAllocTest, BranchWritesBackGlobalsButKeepsThemInRegisters) {
  ir::Block block(0);
  IrBuilder b(block);
  ir::Label l = b.NewLabel();
  b.Add(X(b, 1), X(b, 1), b.Const(1));
  b.Brcond(ir::Cond::kEq, X(b, 2), b.Const(0), l);
  b.Add(X(b, 3), X(b, 1), b.Const(2));  // x1 still in its register
  b.SetLabel(l);
  b.ExitTb(kTbExitNoChain);
  std::string code = Code(block);
  EXPECT_EQ(Count(code, "mov qword ptr [rbp + 8], "), 1) << code;  // synced once
  EXPECT_EQ(Count(code, ", qword ptr [rbp + 8]"), 1) << code;      // loaded once
}

}  // namespace
}  // namespace dbt::backend::x86_64
