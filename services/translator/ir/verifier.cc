#include "services/translator/ir/verifier.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/jit_abi.h"
#include "services/translator/ir/printer.h"

namespace dbt::ir {
namespace {

class Verifier {
 public:
  explicit Verifier(const Block& block) : block_(block) {}

  absl::Status Run() {
    const std::vector<Op>& ops = block_.ops();
    if (ops.empty()) return absl::InvalidArgumentError("IR verify: empty block");
    label_set_.assign(block_.num_labels(), false);
    label_used_.assign(block_.num_labels(), false);
    valid_.assign(block_.num_temps(), false);
    for (size_t i = 0; i < ops.size(); ++i) {
      index_ = i;
      if (absl::Status s = CheckOp(ops[i]); !s.ok()) return s;
    }
    for (size_t l = 0; l < label_used_.size(); ++l) {
      if (label_used_[l] && !label_set_[l]) {
        return absl::InvalidArgumentError(
            absl::StrCat("IR verify: label $L", l, " used, never set"));
      }
    }
    if (!HasFlag(ops.back().opc, kOpNoFallthrough)) {
      return Error(ops.back(), "last op falls through the end of the TB");
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(const Op& op, std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("IR verify: op ", index_, " (",
                                                   PrintOp(block_, op), "): ", std::string(what)));
  }

  absl::Status CheckOp(const Op& op) {
    if (static_cast<int>(op.opc) >= kNumOpcodes) return Error(op, "bad opcode");
    const OpInfo& info = GetOpInfo(op.opc);
    if (info.flags & kOpVariadic) {
      if (op.n_out > info.n_out || op.n_in > info.n_in || op.n_const != info.n_const) {
        return Error(op, "argument counts exceed the table");
      }
    } else if (op.n_out != info.n_out || op.n_in != info.n_in || op.n_const != info.n_const) {
      return Error(op, "argument counts differ from the table");
    }
    for (int i = 0; i < op.n_temps(); ++i) {
      if (op.args[i] >= block_.num_temps()) return Error(op, "temp index out of range");
    }
    // Inputs are read before outputs are written. Code after an op that
    // does not fall through is unreachable until the next label: it reads
    // nothing (the optimizer leaves such code behind when it turns a brcond
    // into a br; the unreachable-code pass deletes it).
    if (op.opc == Opcode::kSetLabel) unreachable_ = false;
    for (int i = 0; i < op.n_in; ++i) {
      Temp t = op.in(i);
      TempKind k = block_.kind(t);
      if ((k == TempKind::kNormal || k == TempKind::kEbb) && !valid_[t.index] && !unreachable_) {
        return Error(op, absl::StrCat(TempName(block_, t), " read outside its scope"));
      }
    }
    for (int i = 0; i < op.n_out; ++i) {
      Temp t = op.out(i);
      TempKind k = block_.kind(t);
      if (k == TempKind::kConst || k == TempKind::kFixed) {
        return Error(op, "output is a const or fixed temp");
      }
      for (int j = 0; j < i; ++j) {
        if (op.out(j) == t) return Error(op, "the same temp is written twice");
      }
      valid_[t.index] = true;
    }
    if (absl::Status s = CheckConstArgs(op); !s.ok()) return s;
    if (HasFlag(op.opc, kOpNoFallthrough)) unreachable_ = true;
    if (op.opc == Opcode::kTbStart && index_ != 0) return Error(op, "tb_start is not the first op");
    // Scope ends: normal temps die at every basic-block end, ebb temps at
    // labels and wherever control cannot fall through or leaves the TB.
    if (HasFlag(op.opc, kOpBbEnd)) {
      bool ebb_ends = !HasFlag(op.opc, kOpCondBranch);
      for (size_t t = 0; t < valid_.size(); ++t) {
        TempKind k = block_.kind(Temp{static_cast<uint32_t>(t)});
        if (k == TempKind::kNormal || (ebb_ends && k == TempKind::kEbb)) valid_[t] = false;
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckLabel(const Op& op, uint64_t label, bool is_definition) {
    if (label >= block_.num_labels()) return Error(op, "label out of range");
    if (is_definition) {
      if (label_set_[label]) return Error(op, "label set twice");
      label_set_[label] = true;
    } else {
      label_used_[label] = true;
    }
    return absl::OkStatus();
  }

  absl::Status CheckEnvAccess(const Op& op) {
    int64_t offset = static_cast<int64_t>(op.carg(0));
    if (!MemOpValid(op.carg(1))) return Error(op, "bad MemOp");
    int64_t size = MemOpBytes(op.carg(1));
    if (offset < 0 || offset + size > static_cast<int64_t>(sizeof(GuestEnv))) {
      return Error(op, "env access outside GuestEnv");
    }
    for (size_t t = 0; t < block_.num_temps(); ++t) {
      const TempInfo& info = block_.temp(Temp{static_cast<uint32_t>(t)});
      if (info.kind == TempKind::kGlobal && offset < info.env_offset + 8 &&
          info.env_offset < offset + size) {
        return Error(op, absl::StrCat("env access overlaps global ", info.name));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckConstArgs(const Op& op) {
    switch (op.opc) {
      case Opcode::kSetcond:
      case Opcode::kMovcond:
        if (op.carg(0) >= kNumConds) return Error(op, "bad condition");
        return absl::OkStatus();
      case Opcode::kBrcond:
        if (op.carg(0) >= kNumConds) return Error(op, "bad condition");
        return CheckLabel(op, op.carg(1), false);
      case Opcode::kBr:
        return CheckLabel(op, op.carg(0), false);
      case Opcode::kSetLabel:
        return CheckLabel(op, op.carg(0), true);
      case Opcode::kQemuLd:
      case Opcode::kQemuSt:
        if (!MemOpValid(op.carg(0))) return Error(op, "bad MemOp");
        return absl::OkStatus();
      case Opcode::kLd:
      case Opcode::kSt:
        return CheckEnvAccess(op);
      case Opcode::kMb:
        if (op.carg(0) > kMbAll) return Error(op, "bad barrier kind");
        return absl::OkStatus();
      case Opcode::kCall:
        if (op.carg(0) >= static_cast<uint64_t>(kMaxHelpers)) return Error(op, "bad helper id");
        if (op.carg(1) > (kCallNoReadGlobals | kCallNoWriteGlobals | kCallNoSideEffects)) {
          return Error(op, "bad helper flags");
        }
        return absl::OkStatus();
      case Opcode::kGotoTb:
        if (op.carg(0) > 1) return Error(op, "goto_tb slot is not 0 or 1");
        if (slot_used_[op.carg(0)]) return Error(op, "goto_tb slot used twice");
        slot_used_[op.carg(0)] = true;
        return absl::OkStatus();
      case Opcode::kExitTb:
        if (op.carg(0) > kTbExitNoChain) return Error(op, "bad exit kind");
        return absl::OkStatus();
      default:
        return absl::OkStatus();
    }
  }

  const Block& block_;
  size_t index_ = 0;
  std::vector<bool> label_set_;
  std::vector<bool> label_used_;
  std::vector<bool> valid_;  // normal/ebb temps readable at this point
  bool slot_used_[2] = {false, false};
  bool unreachable_ = false;  // after br/exit, until the next label
};

}  // namespace

absl::Status Verify(const Block& block) { return Verifier(block).Run(); }

}  // namespace dbt::ir
