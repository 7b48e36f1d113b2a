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
};

constexpr AtomicForm kForms[] = {
    {Opcode::kLrW, HelperId::kLrW, false},          {Opcode::kScW, HelperId::kScW, true},
    {Opcode::kAmoswapW, HelperId::kAmoswapW, true}, {Opcode::kAmoaddW, HelperId::kAmoaddW, true},
    {Opcode::kAmoxorW, HelperId::kAmoxorW, true},   {Opcode::kAmoandW, HelperId::kAmoandW, true},
    {Opcode::kAmoorW, HelperId::kAmoorW, true},     {Opcode::kAmominW, HelperId::kAmominW, true},
    {Opcode::kAmomaxW, HelperId::kAmomaxW, true},   {Opcode::kAmominuW, HelperId::kAmominuW, true},
    {Opcode::kAmomaxuW, HelperId::kAmomaxuW, true}, {Opcode::kLrD, HelperId::kLrD, false},
    {Opcode::kScD, HelperId::kScD, true},           {Opcode::kAmoswapD, HelperId::kAmoswapD, true},
    {Opcode::kAmoaddD, HelperId::kAmoaddD, true},   {Opcode::kAmoxorD, HelperId::kAmoxorD, true},
    {Opcode::kAmoandD, HelperId::kAmoandD, true},   {Opcode::kAmoorD, HelperId::kAmoorD, true},
    {Opcode::kAmominD, HelperId::kAmominD, true},   {Opcode::kAmomaxD, HelperId::kAmomaxD, true},
    {Opcode::kAmominuD, HelperId::kAmominuD, true}, {Opcode::kAmomaxuD, HelperId::kAmomaxuD, true},
};

void TranslateAtomic(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param) {
  const AtomicForm& f = kForms[param];
  ctx.b().Movi(ctx.Pc(), ctx.pc());
  const ir::Temp env = ctx.b().Env();
  const ir::Temp addr = ctx.X(insn.rs1);
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
