// TranslationContext: what every instruction handler works with while one TB
// is being built (QEMU's DisasContext): the IR builder, the guest registers
// as IR globals, the instruction at hand, small IR-emitting idioms that keep
// the IR lean (constant folding of immediates, no x0 writes), helper calls,
// the rounding-mode check and the TB exits.
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_CONTEXT_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_CONTEXT_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "common/riscv/decoder.h"
#include "common/riscv/helpers.h"
#include "common/riscv/interpreter.h"
#include "services/translator/ir/block.h"
#include "services/translator/ir/builder.h"

namespace dbt::frontend::riscv {

namespace rv = dbt::riscv;

class TranslationContext {
 public:
  explicit TranslationContext(ir::Block& block);

  ir::IrBuilder& b() { return b_; }

  // ---- The instruction being translated -----------------------------------
  void BeginInsn(uint64_t pc, const rv::DecodedInsn& insn);
  uint64_t pc() const { return pc_; }
  uint64_t next_pc() const { return pc_ + insn_length_; }

  // ---- Guest state ----------------------------------------------------------
  // x register r as a source: the global, or the constant 0 for x0.
  ir::Temp X(int r);
  // x register r as a destination: the global, or for x0 a scratch temp whose
  // value nobody reads (so the op is deleted unless it has side effects).
  ir::Temp XDest(int r);
  ir::Temp F(int r);
  ir::Temp Pc();

  // ---- Value ops with folding ----------------------------------------------
  // Immediates arrive as constants; folding them here keeps lui, li, auipc
  // and x0 operands from ever reaching the IR as arithmetic. Each *To form
  // writes its result into d (movi when it folds); the other forms return a
  // fresh normal temp, or a constant when the result is known.
  ir::Temp Binary(ir::Opcode op, ir::Temp a, ir::Temp b);
  void BinaryTo(ir::Temp d, ir::Opcode op, ir::Temp a, ir::Temp b);
  ir::Temp Unary(ir::Opcode op, ir::Temp a);
  void UnaryTo(ir::Temp d, ir::Opcode op, ir::Temp a);
  void SetcondTo(ir::Cond cond, ir::Temp d, ir::Temp a, ir::Temp b);
  void MovTo(ir::Temp d, ir::Temp a);  // mov, or movi of a constant
  ir::Temp Const(uint64_t v) { return b_.Const(v); }
  bool IsConst(ir::Temp t) const { return block_.IsConst(t); }
  uint64_t ConstValue(ir::Temp t) const { return block_.ConstValue(t); }

  // ---- Helpers --------------------------------------------------------------
  // Calls helper id with the flags helpers.h gives it; d may be invalid
  // (Temp{}) for no result.
  void CallHelper(ir::Temp d, rv::HelperId id, std::initializer_list<ir::Temp> args);
  // &env->cpu.fflags, the last argument of every F/D helper.
  ir::Temp FflagsPtr();

  // ---- Rounding mode ----------------------------------------------------------
  // The effective rounding mode of an instruction with an rm field: a
  // constant for a static mode, frm (loaded) for DYN. A reserved static mode
  // emits the illegal-instruction exit and returns nullopt (the TB has
  // ended). For DYN, the first use in a TB checks frm <= 4 with a branch to
  // an out-of-line illegal-instruction exit; later uses in the same TB skip
  // the check until a CSR write may have changed frm (FrmWritten). Call it
  // before computing anything else for the instruction: the check's branch
  // ends the IR basic block.
  std::optional<ir::Temp> RoundingMode(uint8_t rm);
  void FrmWritten() { frm_checked_ = false; }

  // ---- Exits (each ends the TB) ---------------------------------------------
  // Direct jump to target through goto_tb slot `slot`.
  void ExitGotoTb(int slot, uint64_t target);
  // Indirect jump: pc = target, then the jump-cache lookup.
  void ExitIndirect(ir::Temp target);
  // Leave for the runtime with pending_exception = kind and cpu.pc = pc.
  void ExitException(rv::InterpExit kind, uint64_t pc);
  // The current instruction is illegal: exception exit at its pc.
  void ExitIllegal() { ExitException(rv::InterpExit::kIllegal, pc_); }
  // A label, set after the TB's last exit, leading to the illegal-instruction
  // exit of the current instruction.
  ir::Label OutOfLineIllegal() { return OutOfLineException(rv::InterpExit::kIllegal); }
  // The same for any exception exit of the current instruction.
  ir::Label OutOfLineException(rv::InterpExit kind);

  bool tb_ended() const { return tb_ended_; }
  // Emits the out-of-line exits; called once after the TB's last exit.
  void EmitOutOfLineExits();

 private:
  struct OutOfLineExit {
    ir::Label label;
    uint64_t pc;
    rv::InterpExit kind;
  };

  void EmitExceptionExit(rv::InterpExit kind, uint64_t pc);
  // d = op(a, b), as neg or not where that is what it means.
  void EmitBinary(ir::Temp d, ir::Opcode op, ir::Temp a, ir::Temp b);

  ir::Block& block_;
  ir::IrBuilder b_;
  uint64_t pc_ = 0;
  uint8_t insn_length_ = 4;
  bool tb_ended_ = false;
  bool frm_checked_ = false;
  std::vector<OutOfLineExit> out_of_line_;
};

}  // namespace dbt::frontend::riscv

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_CONTEXT_H_
