#include "services/translator/opt/fold.h"

#include <optional>
#include <utility>
#include <vector>

#include "services/translator/ir/semantics.h"

namespace dbt::opt {
namespace {

using ir::Cond;
using ir::Op;
using ir::Opcode;
using ir::Temp;
using ir::TempKind;

constexpr uint32_t kNone = UINT32_MAX;

class Folder {
 public:
  explicit Folder(ir::Block& block) : block_(block), copy_of_(block.num_temps(), kNone) {}

  void Run() {
    std::vector<Op> in = std::move(block_.ops());
    block_.ops().clear();
    for (Op op : in) {
      for (int i = 0; i < op.n_in; ++i) op.set_in(i, Rep(op.in(i)));
      FoldOp(op);
      EndOfOp(op);
    }
  }

 private:
  bool IsConst(Temp t) const { return block_.IsConst(t); }
  uint64_t Value(Temp t) const { return block_.ConstValue(t); }

  Temp Rep(Temp t) const {
    uint32_t r = t.index < copy_of_.size() ? copy_of_[t.index] : kNone;
    return r == kNone ? t : Temp{r};
  }

  // t is about to be written: nothing may stand for it or for its old value.
  void Invalidate(Temp t) {
    copy_of_[t.index] = kNone;
    for (uint32_t m : mapped_) {
      if (copy_of_[m] == t.index) copy_of_[m] = kNone;
    }
  }

  void Record(Temp dst, Temp src) {
    if (dst == src) return;
    if (copy_of_.size() < block_.num_temps()) copy_of_.resize(block_.num_temps(), kNone);
    copy_of_[dst.index] = src.index;
    mapped_.push_back(dst.index);
  }

  // What stays known after op. Another path may join at a label, and
  // after br/exit the next op is a label or unreachable: nothing is known.
  // After brcond or goto_tb the fall-through continues with the same
  // values, minus the temps whose scope ends there.
  void EndOfOp(const Op& op) {
    const uint32_t flags = ir::GetOpInfo(op.opc).flags;
    if (!(flags & ir::kOpBbEnd)) return;
    if (op.opc == Opcode::kSetLabel || (flags & ir::kOpNoFallthrough)) return ResetAll();
    const bool ebbs_end = !(flags & ir::kOpCondBranch);
    auto ends = [&](uint32_t t) {
      TempKind k = block_.kind(Temp{t});
      return k == TempKind::kNormal || (ebbs_end && k == TempKind::kEbb);
    };
    std::vector<uint32_t> still_mapped;
    for (uint32_t m : mapped_) {
      if (copy_of_[m] != kNone && (ends(m) || ends(copy_of_[m]))) copy_of_[m] = kNone;
      if (copy_of_[m] != kNone) still_mapped.push_back(m);
    }
    mapped_ = std::move(still_mapped);
  }

  void ResetAll() {
    for (uint32_t m : mapped_) copy_of_[m] = kNone;
    mapped_.clear();
  }

  // A helper that may write globals changes them behind our back.
  void ForgetGlobals() {
    for (uint32_t m : mapped_) {
      if (copy_of_[m] == kNone) continue;
      if (block_.kind(Temp{m}) == TempKind::kGlobal ||
          block_.kind(Temp{copy_of_[m]}) == TempKind::kGlobal) {
        copy_of_[m] = kNone;
      }
    }
  }

  void Append(const Op& op) { block_.ops().push_back(op); }

  void EmitMovi(Temp dst, uint64_t v) {
    Op op = ir::MakeOp(Opcode::kMovi);
    op.set_out(0, dst);
    op.set_carg(0, v);
    Invalidate(dst);
    Append(op);
    Record(dst, block_.Const(v));
  }

  void EmitMov(Temp dst, Temp src) {
    if (IsConst(src)) return EmitMovi(dst, Value(src));
    if (dst == src) return;  // a copy onto itself does nothing
    Op op = ir::MakeOp(Opcode::kMov);
    op.set_out(0, dst);
    op.set_in(0, src);
    Invalidate(dst);
    Append(op);
    Record(dst, src);
  }

  // Appends op unchanged (after input substitution), forgetting what its
  // outputs held.
  void Keep(const Op& op) {
    for (int i = 0; i < op.n_out; ++i) Invalidate(op.out(i));
    Append(op);
  }

  // Algebraic identities of binary op(a, b) with b the constant c (after
  // canonicalization). Returns true when it emitted a replacement.
  bool FoldIdentity(const Op& op, Temp a, uint64_t c) {
    const Temp d = op.out(0);
    switch (op.opc) {
      case Opcode::kAdd:
      case Opcode::kSub:
      case Opcode::kOr:
      case Opcode::kXor:
      case Opcode::kShl:
      case Opcode::kShr:
      case Opcode::kSar:
      case Opcode::kRotl:
      case Opcode::kRotr:
      case Opcode::kAndc:
        if (c == 0 || ((op.opc >= Opcode::kShl && op.opc <= Opcode::kRotr) && (c & 63) == 0)) {
          EmitMov(d, a);
          return true;
        }
        if (op.opc == Opcode::kOr && c == ~uint64_t{0}) {
          EmitMovi(d, c);
          return true;
        }
        if (op.opc == Opcode::kAndc && c == ~uint64_t{0}) {
          EmitMovi(d, 0);
          return true;
        }
        return false;
      case Opcode::kAnd:
        if (c == 0) {
          EmitMovi(d, 0);
          return true;
        }
        if (c == ~uint64_t{0}) {
          EmitMov(d, a);
          return true;
        }
        return false;
      case Opcode::kMul:
        if (c == 0) {
          EmitMovi(d, 0);
          return true;
        }
        if (c == 1) {
          EmitMov(d, a);
          return true;
        }
        return false;
      case Opcode::kDiv:
      case Opcode::kDivu:
        if (c == 1) {
          EmitMov(d, a);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  // op(a, a).
  bool FoldSameInputs(const Op& op) {
    const Temp d = op.out(0), a = op.in(0);
    switch (op.opc) {
      case Opcode::kSub:
      case Opcode::kXor:
      case Opcode::kAndc:
        EmitMovi(d, 0);
        return true;
      case Opcode::kAnd:
      case Opcode::kOr:
        EmitMov(d, a);
        return true;
      default:
        return false;
    }
  }

  static bool CondTrueWhenEqual(Cond c) {
    return c == Cond::kEq || c == Cond::kLe || c == Cond::kGe || c == Cond::kLeu || c == Cond::kGeu;
  }

  // Puts a constant first input of a comparison second: c(k, x) == swap(c)(x, k).
  void CanonicalizeCompare(Op& op) {
    if (IsConst(op.in(0)) && !IsConst(op.in(1))) {
      Temp a = op.in(0);
      op.set_in(0, op.in(1));
      op.set_in(1, a);
      op.set_carg(0, static_cast<uint64_t>(ir::SwapCond(op.cond())));
    }
  }

  // Outcome of cond(a, b) if known without running the code.
  std::optional<bool> KnownCond(const Op& op) const {
    Temp a = op.in(0), b = op.in(1);
    if (IsConst(a) && IsConst(b)) return ir::EvalCond(op.cond(), Value(a), Value(b));
    if (a == b) return CondTrueWhenEqual(op.cond());
    return std::nullopt;
  }

  void FoldOp(Op& op) {
    const uint32_t flags = ir::GetOpInfo(op.opc).flags;
    if ((flags & ir::kOpCommutative) && op.n_in == 2 && IsConst(op.in(0)) && !IsConst(op.in(1))) {
      Temp a = op.in(0);
      op.set_in(0, op.in(1));
      op.set_in(1, a);
    }
    switch (op.opc) {
      case Opcode::kMov:
        return EmitMov(op.out(0), op.in(0));
      case Opcode::kMovi:
        return EmitMovi(op.out(0), op.carg(0));
      case Opcode::kSetcond: {
        CanonicalizeCompare(op);
        if (std::optional<bool> r = KnownCond(op)) return EmitMovi(op.out(0), *r ? 1 : 0);
        return Keep(op);
      }
      case Opcode::kMovcond: {
        CanonicalizeCompare(op);
        if (std::optional<bool> r = KnownCond(op)) return EmitMov(op.out(0), op.in(*r ? 2 : 3));
        if (op.in(2) == op.in(3)) return EmitMov(op.out(0), op.in(2));
        return Keep(op);
      }
      case Opcode::kBrcond: {
        CanonicalizeCompare(op);
        if (std::optional<bool> r = KnownCond(op)) {
          if (*r) {
            Op br = ir::MakeOp(Opcode::kBr);
            br.set_carg(0, op.carg(1));
            Append(br);
          }
          return;  // never taken: no op
        }
        return Keep(op);
      }
      case Opcode::kMulu2:
      case Opcode::kMuls2:
        if (IsConst(op.in(0)) && IsConst(op.in(1))) {
          auto [lo, hi] = op.opc == Opcode::kMulu2
                              ? ir::EvalMulu2(Value(op.in(0)), Value(op.in(1)))
                              : ir::EvalMuls2(Value(op.in(0)), Value(op.in(1)));
          EmitMovi(op.out(0), lo);
          return EmitMovi(op.out(1), hi);
        }
        return Keep(op);
      case Opcode::kAdd2:
      case Opcode::kSub2:
        if (IsConst(op.in(0)) && IsConst(op.in(1)) && IsConst(op.in(2)) && IsConst(op.in(3))) {
          uint64_t al = Value(op.in(0)), ah = Value(op.in(1)), bl = Value(op.in(2)),
                   bh = Value(op.in(3));
          auto [lo, hi] =
              op.opc == Opcode::kAdd2 ? ir::EvalAdd2(al, ah, bl, bh) : ir::EvalSub2(al, ah, bl, bh);
          EmitMovi(op.out(0), lo);
          return EmitMovi(op.out(1), hi);
        }
        return Keep(op);
      case Opcode::kCall:
        Keep(op);
        if (!(op.carg(1) & ir::kCallNoWriteGlobals)) ForgetGlobals();
        return;
      default:
        break;
    }
    if (op.n_out == 1 && op.n_in == 1 && op.n_const == 0 && IsConst(op.in(0))) {
      if (std::optional<uint64_t> v = ir::EvalUnary(op.opc, Value(op.in(0)))) {
        return EmitMovi(op.out(0), *v);
      }
    }
    if (op.n_out == 1 && op.n_in == 2 && op.n_const == 0) {
      Temp a = op.in(0), b = op.in(1);
      if (IsConst(a) && IsConst(b)) {
        if (std::optional<uint64_t> v = ir::EvalBinary(op.opc, Value(a), Value(b))) {
          return EmitMovi(op.out(0), *v);
        }
      }
      if (IsConst(b) && FoldIdentity(op, a, Value(b))) return;
      if (a == b && FoldSameInputs(op)) return;
    }
    Keep(op);
  }

  ir::Block& block_;
  std::vector<uint32_t> copy_of_;  // temp -> the temp whose value it holds
  std::vector<uint32_t> mapped_;   // temps with an entry in copy_of_
};

}  // namespace

void FoldConstants(ir::Block& block) { Folder(block).Run(); }

}  // namespace dbt::opt
