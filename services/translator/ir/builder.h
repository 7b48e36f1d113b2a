// IrBuilder appends ops to a Block. One method per op, destination first
// (as TCG's tcg_gen_*): b.Add(dst, a, b). Inputs may be any temp, including
// b.Const(...) for immediates; outputs must be global, local, normal or ebb.
//
// How a frontend emits a TB (see also README.md):
//
//   ir::Block block(pc);
//   ir::IrBuilder b(block);
//   b.TbStart();                          // exit_request check, always first
//   for each guest instruction at pc:
//     b.InsnStart(pc);                    // maps host code back to this pc
//     ... ops, e.g. for "addi x5, x6, 16":
//     b.Add(x(5), x(6), b.Const(16));     // x(n) = block.Global(offset, name)
//   ending with a direct jump to target:
//     b.GotoTb(0);                        // patchable link to the next TB
//     b.Movi(pc_global, target);          // unlinked path: set pc and leave
//     b.ExitTb(kTbExitSlot0);
//   an indirect jump:   b.Mov(pc_global, t); b.LookupAndGotoPtr(t);
//   anything else:      b.Movi(pc_global, next); b.ExitTb(kTbExitNoChain);
//
// A conditional branch to two targets uses both slots:
//   Label taken = b.NewLabel();
//   b.Brcond(Cond::kEq, x(1), x(2), taken);
//   b.GotoTb(0); b.Movi(pc, fallthrough_pc); b.ExitTb(kTbExitSlot0);
//   b.SetLabel(taken);
//   b.GotoTb(1); b.Movi(pc, taken_pc); b.ExitTb(kTbExitSlot1);
//
// Temps: b.NewTemp() (normal: dies at the end of its basic block) is the
// default scratch; NewEbb() survives conditional branches; NewLocal()
// survives labels. Keep temps short-lived: the register allocator works
// best when values die early.
#ifndef DBT_SERVICES_TRANSLATOR_IR_BUILDER_H_
#define DBT_SERVICES_TRANSLATOR_IR_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <span>

#include "common/jit_abi.h"
#include "services/translator/ir/block.h"

namespace dbt::ir {

class IrBuilder {
 public:
  explicit IrBuilder(Block& block) : block_(block) {}

  Block& block() { return block_; }

  // Temps and labels (forwarded to the block).
  Temp NewTemp() { return block_.NewTemp(TempKind::kNormal); }
  Temp NewEbb() { return block_.NewTemp(TempKind::kEbb); }
  Temp NewLocal() { return block_.NewTemp(TempKind::kLocal); }
  Temp Const(uint64_t v) { return block_.Const(v); }
  Temp Global(int32_t env_offset, std::string_view name) { return block_.Global(env_offset, name); }
  Temp Env() { return block_.Env(); }
  Label NewLabel() { return block_.NewLabel(); }

  // Generic form: appends opc with the given temps and constants.
  Op& Emit(Opcode opc, std::initializer_list<Temp> outs, std::initializer_list<Temp> ins,
           std::initializer_list<uint64_t> cargs = {});

  void Mov(Temp d, Temp a) { Emit(Opcode::kMov, {d}, {a}); }
  void Movi(Temp d, uint64_t v) { Emit(Opcode::kMovi, {d}, {}, {v}); }

  void Add(Temp d, Temp a, Temp b) { Emit(Opcode::kAdd, {d}, {a, b}); }
  void Sub(Temp d, Temp a, Temp b) { Emit(Opcode::kSub, {d}, {a, b}); }
  void Neg(Temp d, Temp a) { Emit(Opcode::kNeg, {d}, {a}); }
  void Mul(Temp d, Temp a, Temp b) { Emit(Opcode::kMul, {d}, {a, b}); }
  void Mulu2(Temp lo, Temp hi, Temp a, Temp b) { Emit(Opcode::kMulu2, {lo, hi}, {a, b}); }
  void Muls2(Temp lo, Temp hi, Temp a, Temp b) { Emit(Opcode::kMuls2, {lo, hi}, {a, b}); }
  void Muluh(Temp d, Temp a, Temp b) { Emit(Opcode::kMuluh, {d}, {a, b}); }
  void Mulsh(Temp d, Temp a, Temp b) { Emit(Opcode::kMulsh, {d}, {a, b}); }
  void Add2(Temp lo, Temp hi, Temp al, Temp ah, Temp bl, Temp bh) {
    Emit(Opcode::kAdd2, {lo, hi}, {al, ah, bl, bh});
  }
  void Sub2(Temp lo, Temp hi, Temp al, Temp ah, Temp bl, Temp bh) {
    Emit(Opcode::kSub2, {lo, hi}, {al, ah, bl, bh});
  }
  void Div(Temp d, Temp a, Temp b) { Emit(Opcode::kDiv, {d}, {a, b}); }
  void Divu(Temp d, Temp a, Temp b) { Emit(Opcode::kDivu, {d}, {a, b}); }
  void Rem(Temp d, Temp a, Temp b) { Emit(Opcode::kRem, {d}, {a, b}); }
  void Remu(Temp d, Temp a, Temp b) { Emit(Opcode::kRemu, {d}, {a, b}); }

  void And(Temp d, Temp a, Temp b) { Emit(Opcode::kAnd, {d}, {a, b}); }
  void Or(Temp d, Temp a, Temp b) { Emit(Opcode::kOr, {d}, {a, b}); }
  void Xor(Temp d, Temp a, Temp b) { Emit(Opcode::kXor, {d}, {a, b}); }
  void Not(Temp d, Temp a) { Emit(Opcode::kNot, {d}, {a}); }
  void Andc(Temp d, Temp a, Temp b) { Emit(Opcode::kAndc, {d}, {a, b}); }

  void Shl(Temp d, Temp a, Temp b) { Emit(Opcode::kShl, {d}, {a, b}); }
  void Shr(Temp d, Temp a, Temp b) { Emit(Opcode::kShr, {d}, {a, b}); }
  void Sar(Temp d, Temp a, Temp b) { Emit(Opcode::kSar, {d}, {a, b}); }
  void Rotl(Temp d, Temp a, Temp b) { Emit(Opcode::kRotl, {d}, {a, b}); }
  void Rotr(Temp d, Temp a, Temp b) { Emit(Opcode::kRotr, {d}, {a, b}); }

  void Ext8s(Temp d, Temp a) { Emit(Opcode::kExt8s, {d}, {a}); }
  void Ext8u(Temp d, Temp a) { Emit(Opcode::kExt8u, {d}, {a}); }
  void Ext16s(Temp d, Temp a) { Emit(Opcode::kExt16s, {d}, {a}); }
  void Ext16u(Temp d, Temp a) { Emit(Opcode::kExt16u, {d}, {a}); }
  void Ext32s(Temp d, Temp a) { Emit(Opcode::kExt32s, {d}, {a}); }
  void Ext32u(Temp d, Temp a) { Emit(Opcode::kExt32u, {d}, {a}); }

  void Clz(Temp d, Temp a) { Emit(Opcode::kClz, {d}, {a}); }
  void Ctz(Temp d, Temp a) { Emit(Opcode::kCtz, {d}, {a}); }
  void Bswap(Temp d, Temp a) { Emit(Opcode::kBswap, {d}, {a}); }

  void Setcond(Cond c, Temp d, Temp a, Temp b) {
    Emit(Opcode::kSetcond, {d}, {a, b}, {static_cast<uint64_t>(c)});
  }
  // d = c(c1, c2) ? v1 : v2
  void Movcond(Cond c, Temp d, Temp c1, Temp c2, Temp v1, Temp v2) {
    Emit(Opcode::kMovcond, {d}, {c1, c2, v1, v2}, {static_cast<uint64_t>(c)});
  }

  void Br(Label l) { Emit(Opcode::kBr, {}, {}, {l.index}); }
  void Brcond(Cond c, Temp a, Temp b, Label l) {
    Emit(Opcode::kBrcond, {}, {a, b}, {static_cast<uint64_t>(c), l.index});
  }
  void SetLabel(Label l) { Emit(Opcode::kSetLabel, {}, {}, {l.index}); }

  // Guest memory at guest_base + addr.
  void QemuLd(Temp d, Temp addr, MemOp mop) { Emit(Opcode::kQemuLd, {d}, {addr}, {mop}); }
  void QemuSt(Temp value, Temp addr, MemOp mop) { Emit(Opcode::kQemuSt, {}, {value, addr}, {mop}); }
  // Env block at a byte offset (not a global's offset).
  void Ld(Temp d, int32_t env_offset, MemOp mop) {
    Emit(Opcode::kLd, {d}, {}, {static_cast<uint64_t>(static_cast<int64_t>(env_offset)), mop});
  }
  void St(Temp value, int32_t env_offset, MemOp mop) {
    Emit(Opcode::kSt, {}, {value}, {static_cast<uint64_t>(static_cast<int64_t>(env_offset)), mop});
  }
  void Mb(uint32_t kinds) { Emit(Opcode::kMb, {}, {}, {kinds}); }

  // Calls env->helpers[helper_id](args...) (SysV ABI); result (if any) in d.
  void Call(int helper_id, uint32_t helper_flags, std::span<const Temp> args);
  void Call(Temp d, int helper_id, uint32_t helper_flags, std::span<const Temp> args);
  void Call(int helper_id, uint32_t helper_flags, std::initializer_list<Temp> args) {
    Call(helper_id, helper_flags, std::span<const Temp>(args.begin(), args.size()));
  }
  void Call(Temp d, int helper_id, uint32_t helper_flags, std::initializer_list<Temp> args) {
    Call(d, helper_id, helper_flags, std::span<const Temp>(args.begin(), args.size()));
  }

  void InsnStart(uint64_t guest_pc) { Emit(Opcode::kInsnStart, {}, {}, {guest_pc}); }
  void TbStart() { Emit(Opcode::kTbStart, {}, {}, {block_.guest_pc()}); }
  void GotoTb(int slot) { Emit(Opcode::kGotoTb, {}, {}, {static_cast<uint64_t>(slot)}); }
  void ExitTb(TbExitKind kind) { Emit(Opcode::kExitTb, {}, {}, {kind}); }
  void LookupAndGotoPtr(Temp target_pc) { Emit(Opcode::kLookupAndGotoPtr, {}, {target_pc}); }

 private:
  Block& block_;
};

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_BUILDER_H_
