// TB exits and chaining: exit values, goto_tb slots linked/unlinked,
// lookup_and_goto_ptr through env->jump_cache, the exit_request check, and
// a small test dispatcher that links slots as it meets them (the
// executor's real dispatcher is the integrator's).
#include "services/translator/tb/chaining.h"

#include <cstddef>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "common/codegen/jump_cache.h"
#include "services/translator/ir/builder.h"
#include "services/translator/tb/jit_runner.h"

namespace dbt::tb {
namespace {

using ir::Cond;
using ir::IrBuilder;
using ir::Temp;

constexpr int32_t kPc = offsetof(GuestEnv, cpu.pc);
Temp X(IrBuilder& b, int i) { return b.Global(8 * i, "x" + std::to_string(i)); }

// pc: x[reg] += delta; then a direct jump to next_pc through slot.
ir::Block AddAndJump(uint64_t pc, int reg, uint64_t delta, int slot, uint64_t next_pc) {
  ir::Block block(pc);
  IrBuilder b(block);
  b.TbStart();
  b.InsnStart(pc);
  b.Add(X(b, reg), X(b, reg), b.Const(delta));
  b.GotoTb(slot);
  b.Movi(b.Global(kPc, "pc"), next_pc);
  b.ExitTb(slot == 0 ? kTbExitSlot0 : kTbExitSlot1);
  return block;
}

class ChainingTest : public ::testing::Test {
 protected:
  TranslatedTb Translate(ir::Block block) {
    auto tb = runner_.Translate(block);
    EXPECT_TRUE(tb.ok()) << tb.status();
    return *tb;
  }
  GuestEnv& env() { return runner_.env(); }
  JitRunner runner_;
};

TEST_F(ChainingTest, UnlinkedSlotExitsWithItsKindAndPc) {
  TranslatedTb a = Translate(AddAndJump(0x100, 1, 1, 1, 0x200));
  ASSERT_TRUE(a.slots[1].used);
  EXPECT_FALSE(a.slots[0].used);
  EXPECT_EQ((a.code_offset + a.slots[1].jump_field) % 4, 0u);  // atomic patch
  EXPECT_EQ(a.slots[1].unlinked_target, a.slots[1].jump_field + 4);
  EXPECT_EQ(SlotTarget(runner_.buffer(), a, 1), a.code_offset + a.slots[1].unlinked_target);
  uint64_t ret = runner_.Run(a);
  EXPECT_EQ(ret, runner_.CodeAddress(a) | kTbExitSlot1);
  EXPECT_EQ(env().cpu.x[1], 1u);
  EXPECT_EQ(env().cpu.pc, 0x200u);
}

TEST_F(ChainingTest, LinkRunUnlinkRun) {
  TranslatedTb a = Translate(AddAndJump(0x100, 1, 1, 0, 0x200));
  ir::Block end(0x200);
  IrBuilder b(end);
  b.TbStart();
  b.Add(X(b, 2), X(b, 2), b.Const(10));
  b.Movi(b.Global(kPc, "pc"), 0x999);
  b.ExitTb(kTbExitNoChain);
  TranslatedTb bb = Translate(std::move(end));

  EXPECT_EQ(runner_.Run(a), runner_.CodeAddress(a) | kTbExitSlot0);
  EXPECT_EQ(env().cpu.x[2], 0u);

  LinkSlot(runner_.buffer(), a, 0, bb);
  EXPECT_EQ(SlotTarget(runner_.buffer(), a, 0), bb.code_offset);
  // Now A continues into B without returning: B's exit is what comes back.
  EXPECT_EQ(runner_.Run(a), runner_.CodeAddress(bb) | kTbExitNoChain);
  EXPECT_EQ(env().cpu.x[1], 2u);
  EXPECT_EQ(env().cpu.x[2], 10u);
  EXPECT_EQ(env().cpu.pc, 0x999u);

  UnlinkSlot(runner_.buffer(), a, 0);
  EXPECT_EQ(runner_.Run(a), runner_.CodeAddress(a) | kTbExitSlot0);
  EXPECT_EQ(env().cpu.x[1], 3u);
  EXPECT_EQ(env().cpu.x[2], 10u);
  EXPECT_EQ(env().cpu.pc, 0x200u);
}

// The loop TB at 0x100: x1 -= 1; if x1 != 0 goto 0x100 (slot 1) else goto
// 0x200 (slot 0). The end TB at 0x200 sets x3 = 7 and exits NoChain.
ir::Block LoopTb() {
  ir::Block block(0x100);
  IrBuilder b(block);
  Temp pc = b.Global(kPc, "pc");
  ir::Label again = b.NewLabel();
  b.TbStart();
  b.InsnStart(0x100);
  b.Sub(X(b, 1), X(b, 1), b.Const(1));
  b.Add(X(b, 2), X(b, 2), b.Const(3));
  b.Brcond(Cond::kNe, X(b, 1), b.Const(0), again);
  b.GotoTb(0);
  b.Movi(pc, 0x200);
  b.ExitTb(kTbExitSlot0);
  b.SetLabel(again);
  b.GotoTb(1);
  b.Movi(pc, 0x100);
  b.ExitTb(kTbExitSlot1);
  return block;
}

ir::Block EndTb() {
  ir::Block block(0x200);
  IrBuilder b(block);
  b.TbStart();
  b.Movi(X(b, 3), 7);
  b.Movi(b.Global(kPc, "pc"), 0);
  b.ExitTb(kTbExitNoChain);
  return block;
}

// A minimal dispatcher: run from env->cpu.pc; on a slot exit, link the slot
// to the TB for the new pc; stop on any other exit. Returns the last exit.
struct TestDispatcher {
  JitRunner& runner;
  std::map<uint64_t, TranslatedTb> by_pc;
  std::map<uint64_t, uint64_t> pc_by_code;  // RX code address -> guest pc
  int entries = 0;

  const TranslatedTb& Get(uint64_t pc) {
    auto it = by_pc.find(pc);
    if (it == by_pc.end()) {
      ir::Block block = pc == 0x100 ? LoopTb() : EndTb();
      auto tb = runner.Translate(block);
      EXPECT_TRUE(tb.ok());
      it = by_pc.emplace(pc, *tb).first;
      pc_by_code[runner.CodeAddress(*tb)] = pc;
    }
    return it->second;
  }

  uint64_t Run() {
    for (;;) {
      ++entries;
      uint64_t ret = runner.Run(Get(runner.env().cpu.pc));
      uint64_t kind = ret & kTbExitMask;
      if (kind != kTbExitSlot0 && kind != kTbExitSlot1) return ret;
      const TranslatedTb& from = by_pc.at(pc_by_code.at(ret & ~kTbExitMask));
      LinkSlot(runner.buffer(), from, static_cast<int>(kind), Get(runner.env().cpu.pc));
    }
  }
};

TEST_F(ChainingTest, DispatcherLinksALoopThatThenRunsInGeneratedCode) {
  TestDispatcher d{runner_};
  env().cpu.pc = 0x100;
  env().cpu.x[1] = 1000;
  uint64_t ret = d.Run();
  EXPECT_EQ(ret & kTbExitMask, kTbExitNoChain);
  EXPECT_EQ(env().cpu.x[1], 0u);
  EXPECT_EQ(env().cpu.x[2], 3000u);
  EXPECT_EQ(env().cpu.x[3], 7u);
  // Entries: loop (exits slot 1, linked), loop again (runs 998 iterations
  // chained, exits slot 0, linked to end), nothing else: 1000 iterations in
  // three entries at most.
  EXPECT_LE(d.entries, 3);

  // Run it again, all linked: one entry.
  d.entries = 0;
  env().cpu.pc = 0x100;
  env().cpu.x[1] = 500;
  d.Run();
  EXPECT_EQ(d.entries, 1);
  EXPECT_EQ(env().cpu.x[2], 3000u + 1500u);
}

uint64_t RequestExitAfter(GuestEnv* env, uint64_t x1) {
  if (x1 == 600) env->exit_request = 1;
  return 0;
}

TEST_F(ChainingTest, ExitRequestStopsALinkedLoopAtATbEntry) {
  TestDispatcher d{runner_};
  env().cpu.pc = 0x100;
  env().cpu.x[1] = 3;
  d.Run();  // link everything
  ASSERT_EQ(env().cpu.x[3], 7u);

  env().exit_request = 1;
  env().cpu.x[1] = 10;
  env().cpu.pc = 0x100;
  const TranslatedTb& loop = d.by_pc.at(0x100);
  EXPECT_EQ(runner_.Run(loop), runner_.CodeAddress(loop) | kTbExitRequested);
  EXPECT_EQ(env().cpu.x[1], 10u);  // nothing executed
  EXPECT_EQ(env().cpu.pc, 0x100u);

  // Requested from inside: a helper sets exit_request when x1 reaches 600;
  // the loop leaves at the next TB entry with pc = 0x100.
  env().exit_request = 0;
  env().helpers[9] = reinterpret_cast<uint64_t>(&RequestExitAfter);
  ir::Block block(0x300);
  IrBuilder b(block);
  b.TbStart();
  b.Call(9, ir::kCallNoWriteGlobals, {b.Env(), X(b, 1)});
  b.Sub(X(b, 1), X(b, 1), b.Const(1));
  b.GotoTb(0);
  b.Movi(b.Global(kPc, "pc"), 0x300);
  b.ExitTb(kTbExitSlot0);
  auto self = runner_.Translate(block);
  ASSERT_TRUE(self.ok());
  LinkSlot(runner_.buffer(), *self, 0, *self);
  env().cpu.x[1] = 1000;
  EXPECT_EQ(runner_.Run(*self), runner_.CodeAddress(*self) | kTbExitRequested);
  EXPECT_EQ(env().cpu.x[1], 599u);
  EXPECT_EQ(env().cpu.pc, 0x300u);
}

TEST_F(ChainingTest, LookupAndGotoPtrUsesTheJumpCache) {
  // A: pc = x5 & ~1; jump there through the jump cache.
  ir::Block block(0x100);
  IrBuilder b(block);
  b.TbStart();
  Temp t = b.NewTemp();
  b.And(t, X(b, 5), b.Const(~uint64_t{1}));
  b.Mov(b.Global(kPc, "pc"), t);
  b.LookupAndGotoPtr(t);
  TranslatedTb a = Translate(std::move(block));
  TranslatedTb end = Translate(EndTb());

  env().cpu.x[5] = 0x201;
  EXPECT_EQ(runner_.Run(a), runner_.CodeAddress(a) | kTbExitNoChain);  // empty cache: miss
  EXPECT_EQ(env().cpu.pc, 0x200u);
  EXPECT_EQ(env().cpu.x[3], 0u);

  JumpCacheEntry& e = env().jump_cache[codegen::JumpCacheIndex(0x200)];
  e.guest_pc = 0x200;
  e.host_code = runner_.CodeAddress(end);
  EXPECT_EQ(runner_.Run(a), runner_.CodeAddress(end) | kTbExitNoChain);  // hit: ran `end`
  EXPECT_EQ(env().cpu.x[3], 7u);

  env().cpu.x[3] = 0;
  e.guest_pc = 0x202;  // same slot, another pc: a miss
  env().cpu.x[5] = 0x200;
  EXPECT_EQ(runner_.Run(a), runner_.CodeAddress(a) | kTbExitNoChain);
  EXPECT_EQ(env().cpu.x[3], 0u);

  e.guest_pc = 0x200;  // matching pc but no code: a miss
  e.host_code = 0;
  EXPECT_EQ(runner_.Run(a), runner_.CodeAddress(a) | kTbExitNoChain);
  EXPECT_EQ(env().cpu.x[3], 0u);
}

}  // namespace
}  // namespace dbt::tb
