// A: lr, sc and the AMOs, each one call of its helper (common/riscv/
// helpers.h), which performs the access with a host atomic on guest memory.
//
// The helpers may fault inside themselves, outside generated code. So that
// the runtime then finds the state of the instruction's start, pc is set to
// the instruction first, and the helpers' flags make the backend write back
// every global before the call. The result goes to rd after the call; with
// rd = x0 the access still happens (an AMO's store, a fault).
#include <cstdint>

#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

using rv::HelperId;
using rv::Opcode;

struct AtomicForm {
  Opcode op;
  HelperId helper;
  bool has_rs2;  // all but lr
  uint8_t size;  // 4 (.w) or 8 (.d)
};

constexpr AtomicForm kForms[] = {
    {Opcode::kLrW, HelperId::kLrW, false, 4},          {Opcode::kScW, HelperId::kScW, true, 4},
    {Opcode::kAmoswapW, HelperId::kAmoswapW, true, 4}, {Opcode::kAmoaddW, HelperId::kAmoaddW, true, 4},
    {Opcode::kAmoxorW, HelperId::kAmoxorW, true, 4},   {Opcode::kAmoandW, HelperId::kAmoandW, true, 4},
    {Opcode::kAmoorW, HelperId::kAmoorW, true, 4},     {Opcode::kAmominW, HelperId::kAmominW, true, 4},
    {Opcode::kAmomaxW, HelperId::kAmomaxW, true, 4},   {Opcode::kAmominuW, HelperId::kAmominuW, true, 4},
    {Opcode::kAmomaxuW, HelperId::kAmomaxuW, true, 4}, {Opcode::kLrD, HelperId::kLrD, false, 8},
    {Opcode::kScD, HelperId::kScD, true, 8},           {Opcode::kAmoswapD, HelperId::kAmoswapD, true, 8},
    {Opcode::kAmoaddD, HelperId::kAmoaddD, true, 8},   {Opcode::kAmoxorD, HelperId::kAmoxorD, true, 8},
    {Opcode::kAmoandD, HelperId::kAmoandD, true, 8},   {Opcode::kAmoorD, HelperId::kAmoorD, true, 8},
    {Opcode::kAmominD, HelperId::kAmominD, true, 8},   {Opcode::kAmomaxD, HelperId::kAmomaxD, true, 8},
    {Opcode::kAmominuD, HelperId::kAmominuD, true, 8}, {Opcode::kAmomaxuD, HelperId::kAmomaxuD, true, 8},
};

void TranslateAtomic(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const AtomicForm& f = kForms[param];
  ctx.b().Movi(ctx.Pc(), ctx.pc());
  const ir::Temp env = ctx.b().Env();
  const ir::Temp addr = ctx.X(insn.rs1);
  // Natural alignment first (Linux: SIGBUS, no access), as the interpreter.
  const uint64_t align_mask = f.size - 1;
  ir::Temp low = ctx.b().NewTemp();
  ctx.b().And(low, addr, ctx.b().Const(align_mask));
  ctx.b().Brcond(ir::Cond::kNe, low, ctx.b().Const(0),
                 ctx.OutOfLineException(rv::InterpExit::kMisaligned));
  const ir::Temp rd = ctx.XDest(insn.rd);
  if (f.has_rs2) {
    ctx.CallHelper(rd, f.helper, {env, addr, ctx.X(insn.rs2)});
  } else {
    ctx.CallHelper(rd, f.helper, {env, addr});
  }
}

}  // namespace

void RegisterAtomic(HandlerTable& table) {
  for (uint32_t i = 0; i < std::size(kForms); ++i) table.Set(kForms[i].op, &TranslateAtomic, i);
}

}  // namespace dbt::frontend::riscv
