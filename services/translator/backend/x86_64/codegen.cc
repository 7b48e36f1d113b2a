#include "services/translator/backend/x86_64/codegen.h"

#include <array>

#include <xbyak/xbyak.h>

#include "absl/strings/str_cat.h"
#include "common/codegen/frame.h"
#include "services/translator/backend/x86_64/constraints.h"
#include "services/translator/backend/x86_64/emitters.h"
#include "services/translator/backend/x86_64/reg_alloc.h"

namespace dbt::backend::x86_64 {

EmitFn EmitterFor(ir::Opcode opc) {
  static constexpr std::array<EmitFn, ir::kNumOpcodes> kEmitters = {
#define DBT_IR_OP(name, n_out, n_in, n_const, flags) &Emit##name,
#include "services/translator/ir/opcodes.inc"
#undef DBT_IR_OP
  };
  return kEmitters[static_cast<size_t>(opc)];
}

namespace {

void EmitOp(const ir::Block& block, const ir::Op& op, Xbyak::CodeGenerator& as, RegAlloc& ra,
            TbEmitState& tb) {
  const OpConstraints& c = ConstraintsFor(op.opc);
  OpOperands operands;
  EmitContext ctx{as, block, op, operands, tb};
  switch (c.kind) {
    case AllocKind::kMov:
      ra.Mov(op);
      return;
    case AllocKind::kMovi:
      ra.Movi(op);
      return;
    case AllocKind::kCall:
      ra.BeginCall(op);
      EmitterFor(op.opc)(ctx);
      ra.EndCall(op);
      return;
    case AllocKind::kNoArgs:
      // Labels, br, goto_tb, exit_tb: nothing may stay in a register.
      if (ir::HasFlag(op.opc, ir::kOpBbEnd)) ra.SaveAll(RegAlloc::LeavesTb(op.opc));
      EmitterFor(op.opc)(ctx);
      return;
    case AllocKind::kStandard:
      ra.BeginOp(op, c, operands);
      EmitterFor(op.opc)(ctx);
      ra.EndOp(op);
      return;
  }
}

}  // namespace

absl::StatusOr<HostCode> GenerateHostCode(const ir::Block& block, uint8_t* rw, size_t capacity) {
  HostCode code;
  try {
    Xbyak::CodeGenerator as(capacity, rw);
    RegAlloc ra(block, as);
    TbEmitState tb;
    tb.labels.resize(block.num_labels());
    as.L(tb.tb_start);
    for (const ir::Op& op : block.ops()) EmitOp(block, op, as, ra, tb);
    for (auto& path : tb.cold_paths) path();
    if (!ra.constraints_met()) {
      return absl::InternalError("register allocation failed: unsatisfiable op constraints");
    }
    if (!ra.spills_fit()) {
      return absl::OutOfRangeError(
          absl::StrCat("TB needs more than ", codegen::kSpillSlots, " spill slots"));
    }
    code.size = as.getSize();
    code.slots = tb.slots;
    code.pc_map = std::move(tb.pc_map);
    code.spill_slots = ra.spill_slots_used();
  } catch (const Xbyak::Error& e) {
    if (static_cast<int>(e) == Xbyak::ERR_CODE_IS_TOO_BIG) {
      return absl::ResourceExhaustedError("TB code does not fit");
    }
    return absl::InternalError(absl::StrCat("x86-64 emission failed: ", e.what()));
  }
  return code;
}

}  // namespace dbt::backend::x86_64
