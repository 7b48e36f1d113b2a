// What an op emitter sees: the assembler, the op, its allocated operands
// (Use / Define / Scratch, in Dynarmic's words) and the TB-wide emission
// state (labels, exit slots, pc map, out-of-line paths).
//
// Contract for emitters: read every input before writing any output (an
// output may share a register with an input that dies, unless its
// constraint is '&'); touch no register other than the operands, scratch
// and the ABI-fixed rbp/r14/rsp; an input whose constraint allows an
// immediate may arrive as one (Use(i).is_imm).
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_EMIT_CONTEXT_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_EMIT_CONTEXT_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <xbyak/xbyak.h>

#include "services/translator/backend/x86_64/operand.h"
#include "services/translator/ir/block.h"

namespace dbt::backend::x86_64 {

// Host offset (from the TB's code start) where the code of the guest
// instruction at guest_pc begins.
struct PcMapEntry {
  uint32_t host_offset;
  uint64_t guest_pc;
};

// A goto_tb slot: the rel32 field to patch and where it points unlinked
// (offsets from the TB's code start).
struct GotoTbSlot {
  bool used = false;
  uint32_t jump_field = 0;
  uint32_t unlinked_target = 0;
};

struct TbEmitState {
  Xbyak::Label tb_start;
  std::vector<Xbyak::Label> labels;               // IR label index -> host label
  std::vector<std::function<void()>> cold_paths;  // emitted after the body
  std::array<GotoTbSlot, 2> slots{};
  std::vector<PcMapEntry> pc_map;
};

struct EmitContext {
  Xbyak::CodeGenerator& as;
  const ir::Block& block;
  const ir::Op& op;
  const OpOperands& operands;
  TbEmitState& tb;

  Operand Use(int i) const { return operands.ins[i]; }
  Xbyak::Reg64 Define(int i) const { return Reg64(operands.outs[i]); }
  Xbyak::Reg64 Scratch(int i) const { return Reg64(operands.scratch[i]); }
  // The constant value of input i when it is a const temp, whether it
  // arrives as an immediate or (constraint permitting none) in a register.
  std::optional<uint64_t> ConstInput(int i) const {
    ir::Temp t = op.in(i);
    if (block.IsConst(t)) return block.ConstValue(t);
    return std::nullopt;
  }
};

using EmitFn = void (*)(EmitContext&);

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_EMIT_CONTEXT_H_
