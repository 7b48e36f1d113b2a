#include "services/translator/opt/liveness.h"

#include <vector>

namespace dbt::opt {
namespace {

using ir::Op;
using ir::Opcode;
using ir::TempKind;

enum : uint8_t {
  kDead = 1,  // the value is not read before being overwritten
  kMem = 2,   // the value must be in memory at this point
};

class Liveness {
 public:
  explicit Liveness(ir::Block& block) : block_(block), state_(block.num_temps()) {
    for (uint32_t t = 0; t < state_.size(); ++t) {
      if (block.kind(ir::Temp{t}) == TempKind::kGlobal) globals_.push_back(t);
    }
    FuncEnd();
  }

  void Run() {
    std::vector<Op>& ops = block_.ops();
    std::vector<bool> removed(ops.size(), false);
    for (size_t i = ops.size(); i-- > 0;) removed[i] = !Visit(ops[i]);
    size_t out = 0;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (!removed[i]) ops[out++] = ops[i];
    }
    ops.resize(out);
  }

 private:
  TempKind Kind(uint32_t t) const { return block_.kind(ir::Temp{t}); }

  // Leaving the TB: globals must be in memory; nothing is read afterwards.
  void FuncEnd() {
    for (uint32_t t = 0; t < state_.size(); ++t) {
      state_[t] = Kind(t) == TempKind::kGlobal ? (kDead | kMem) : kDead;
    }
  }
  // End of a basic block (label, br): globals and locals in memory.
  void BbEnd() {
    for (uint32_t t = 0; t < state_.size(); ++t) {
      TempKind k = Kind(t);
      state_[t] = (k == TempKind::kGlobal || k == TempKind::kLocal) ? (kDead | kMem) : kDead;
    }
  }
  // Conditional branch: globals and locals in memory too (for the target);
  // normal temps end; ebb temps continue on the fall-through path.
  void BbSync() {
    for (uint32_t t = 0; t < state_.size(); ++t) {
      TempKind k = Kind(t);
      if (k == TempKind::kGlobal || k == TempKind::kLocal) {
        state_[t] |= kMem;
      } else if (k == TempKind::kNormal) {
        state_[t] = kDead;
      }
    }
  }
  void GlobalSync() {
    for (uint32_t t : globals_) state_[t] |= kMem;
  }
  void GlobalKill() {
    for (uint32_t t : globals_) state_[t] = kDead | kMem;
  }

  // Neither read later nor needed in memory.
  bool Unused(const Op& op, int i) const { return state_[op.out(i).index] == kDead; }

  // Two-output ops whose one output is dead become the one-output form.
  static void Narrow(Op& op, bool lo_dead, bool hi_dead) {
    Op narrow;
    switch (op.opc) {
      case Opcode::kAdd2:
      case Opcode::kSub2:
        if (!hi_dead) return;
        narrow = ir::MakeOp(op.opc == Opcode::kAdd2 ? Opcode::kAdd : Opcode::kSub);
        narrow.set_out(0, op.out(0));
        narrow.set_in(0, op.in(0));  // al
        narrow.set_in(1, op.in(2));  // bl
        break;
      case Opcode::kMulu2:
      case Opcode::kMuls2:
        if (hi_dead) {
          narrow = ir::MakeOp(Opcode::kMul);  // the low half is sign-agnostic
          narrow.set_out(0, op.out(0));
        } else if (lo_dead) {
          narrow = ir::MakeOp(op.opc == Opcode::kMulu2 ? Opcode::kMuluh : Opcode::kMulsh);
          narrow.set_out(0, op.out(1));
        } else {
          return;
        }
        narrow.set_in(0, op.in(0));
        narrow.set_in(1, op.in(1));
        break;
      default:
        return;
    }
    op = narrow;
  }

  // Returns false when the op is deleted.
  bool Visit(Op& op) {
    const uint32_t flags = ir::GetOpInfo(op.opc).flags;
    if (op.n_out > 0) {
      // Removable only if no output is read later nor needed in memory.
      bool all_dead = true;
      for (int i = 0; i < op.n_out; ++i) all_dead &= state_[op.out(i).index] == kDead;
      if (all_dead && !ir::OpHasSideEffects(op) && !(flags & ir::kOpBbEnd)) return false;
      if (op.n_out == 2) Narrow(op, Unused(op, 0), Unused(op, 1));
    }
    ir::OpLife life;
    for (int i = 0; i < op.n_out; ++i) {
      uint32_t t = op.out(i).index;
      if (state_[t] & kDead) life.dead |= 1u << i;
      if (state_[t] & kMem) life.sync |= 1u << i;
      state_[t] = kDead;  // before the op, the old value is not needed
    }
    if (flags & ir::kOpBbExit) {
      FuncEnd();
    } else if (flags & ir::kOpCondBranch) {
      BbSync();
    } else if (flags & ir::kOpBbEnd) {
      BbEnd();
    } else if (flags & ir::kOpCanFault) {
      GlobalSync();
    } else if (op.opc == Opcode::kCall) {
      uint64_t helper_flags = op.carg(1);
      if (!(helper_flags & ir::kCallNoWriteGlobals)) {
        GlobalKill();
      } else if (!(helper_flags & ir::kCallNoReadGlobals)) {
        GlobalSync();
      }
    }
    for (int i = 0; i < op.n_in; ++i) {
      uint32_t t = op.in(i).index;
      if (Kind(t) != TempKind::kFixed && (state_[t] & kDead)) life.dead |= 1u << (op.n_out + i);
    }
    for (int i = 0; i < op.n_in; ++i) state_[op.in(i).index] &= ~kDead;
    op.life = life;
    return true;
  }

  ir::Block& block_;
  std::vector<uint8_t> state_;
  std::vector<uint32_t> globals_;
};

}  // namespace

void ComputeLiveness(ir::Block& block) { Liveness(block).Run(); }

}  // namespace dbt::opt
