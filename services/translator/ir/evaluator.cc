#include "services/translator/ir/evaluator.h"

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/translator/ir/semantics.h"

namespace dbt::ir {
namespace {

uint64_t ReadRaw(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  memcpy(&v, p, bytes);  // little-endian host
  return v;
}

void WriteRaw(uint8_t* p, uint64_t v, int bytes) { memcpy(p, &v, bytes); }

class Evaluator {
 public:
  Evaluator(const Block& block, GuestEnv& env)
      : block_(block), env_(env), values_(block.num_temps(), 0) {}

  absl::StatusOr<EvalExit> Run(uint64_t max_steps) {
    const std::vector<Op>& ops = block_.ops();
    std::vector<size_t> label_pos(block_.num_labels(), 0);
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].opc == Opcode::kSetLabel) label_pos[ops[i].carg(0)] = i;
    }
    size_t pc = 0;
    for (uint64_t step = 0; step < max_steps; ++step) {
      if (pc >= ops.size()) return absl::InternalError("evaluator: fell off the block");
      const Op& op = ops[pc++];
      switch (op.opc) {
        case Opcode::kBr:
          pc = label_pos[op.carg(0)];
          continue;
        case Opcode::kBrcond:
          if (EvalCond(op.cond(), Get(op.in(0)), Get(op.in(1)))) pc = label_pos[op.carg(1)];
          continue;
        case Opcode::kTbStart:
          if (env_.exit_request) {
            env_.cpu.pc = op.carg(0);
            return EvalExit{kTbExitRequested};
          }
          continue;
        case Opcode::kExitTb:
          return EvalExit{static_cast<TbExitKind>(op.carg(0))};
        case Opcode::kLookupAndGotoPtr:
          return EvalExit{kTbExitNoChain};
        default:
          if (absl::Status s = Step(op); !s.ok()) return s;
      }
    }
    return absl::DeadlineExceededError("evaluator: step limit");
  }

 private:
  uint8_t* EnvBytes() { return reinterpret_cast<uint8_t*>(&env_); }

  uint64_t Get(Temp t) {
    const TempInfo& info = block_.temp(t);
    switch (info.kind) {
      case TempKind::kGlobal:
        return ReadRaw(EnvBytes() + info.env_offset, 8);
      case TempKind::kConst:
        return info.value;
      case TempKind::kFixed:
        return reinterpret_cast<uint64_t>(&env_);
      default:
        return values_[t.index];
    }
  }

  void Set(Temp t, uint64_t v) {
    const TempInfo& info = block_.temp(t);
    if (info.kind == TempKind::kGlobal) {
      WriteRaw(EnvBytes() + info.env_offset, v, 8);
    } else {
      values_[t.index] = v;
    }
  }

  uint8_t* GuestAddress(uint64_t addr) {
    return reinterpret_cast<uint8_t*>(env_.guest_base + addr);
  }

  absl::Status Step(const Op& op) {
    if (op.n_out == 1 && op.n_in == 1 && op.n_const == 0) {
      if (auto v = EvalUnary(op.opc, Get(op.in(0)))) {
        Set(op.out(0), *v);
        return absl::OkStatus();
      }
    }
    if (op.n_out == 1 && op.n_in == 2 && op.n_const == 0) {
      if (auto v = EvalBinary(op.opc, Get(op.in(0)), Get(op.in(1)))) {
        Set(op.out(0), *v);
        return absl::OkStatus();
      }
    }
    switch (op.opc) {
      case Opcode::kMovi:
        Set(op.out(0), op.carg(0));
        return absl::OkStatus();
      case Opcode::kMulu2:
      case Opcode::kMuls2: {
        auto [lo, hi] = op.opc == Opcode::kMulu2 ? EvalMulu2(Get(op.in(0)), Get(op.in(1)))
                                                 : EvalMuls2(Get(op.in(0)), Get(op.in(1)));
        Set(op.out(0), lo);
        Set(op.out(1), hi);
        return absl::OkStatus();
      }
      case Opcode::kAdd2:
      case Opcode::kSub2: {
        uint64_t al = Get(op.in(0)), ah = Get(op.in(1)), bl = Get(op.in(2)), bh = Get(op.in(3));
        auto [lo, hi] =
            op.opc == Opcode::kAdd2 ? EvalAdd2(al, ah, bl, bh) : EvalSub2(al, ah, bl, bh);
        Set(op.out(0), lo);
        Set(op.out(1), hi);
        return absl::OkStatus();
      }
      case Opcode::kSetcond:
        Set(op.out(0), EvalCond(op.cond(), Get(op.in(0)), Get(op.in(1))) ? 1 : 0);
        return absl::OkStatus();
      case Opcode::kMovcond:
        Set(op.out(0),
            EvalCond(op.cond(), Get(op.in(0)), Get(op.in(1))) ? Get(op.in(2)) : Get(op.in(3)));
        return absl::OkStatus();
      case Opcode::kQemuLd: {
        uint64_t raw = ReadRaw(GuestAddress(Get(op.in(0))), MemOpBytes(op.carg(0)));
        Set(op.out(0), ExtendLoaded(raw, op.carg(0)));
        return absl::OkStatus();
      }
      case Opcode::kQemuSt:
        WriteRaw(GuestAddress(Get(op.in(1))), Get(op.in(0)), MemOpBytes(op.carg(0)));
        return absl::OkStatus();
      case Opcode::kLd: {
        uint64_t raw = ReadRaw(EnvBytes() + op.carg(0), MemOpBytes(op.carg(1)));
        Set(op.out(0), ExtendLoaded(raw, op.carg(1)));
        return absl::OkStatus();
      }
      case Opcode::kSt:
        WriteRaw(EnvBytes() + op.carg(0), Get(op.in(0)), MemOpBytes(op.carg(1)));
        return absl::OkStatus();
      case Opcode::kCall: {
        using Helper = uint64_t (*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
        uint64_t a[kMaxCallArgs] = {};
        for (int i = 0; i < op.n_in; ++i) a[i] = Get(op.in(i));
        auto fn = reinterpret_cast<Helper>(env_.helpers[op.carg(0)]);
        uint64_t r = fn(a[0], a[1], a[2], a[3], a[4], a[5]);
        if (op.n_out == 1) Set(op.out(0), r);
        return absl::OkStatus();
      }
      case Opcode::kSetLabel:
      case Opcode::kInsnStart:
      case Opcode::kGotoTb:
      case Opcode::kMb:
        return absl::OkStatus();
      default:
        return absl::UnimplementedError(absl::StrCat("evaluator: ", std::string(OpName(op.opc))));
    }
  }

  const Block& block_;
  GuestEnv& env_;
  std::vector<uint64_t> values_;
};

}  // namespace

absl::StatusOr<EvalExit> Evaluate(const Block& block, GuestEnv& env, uint64_t max_steps) {
  return Evaluator(block, env).Run(max_steps);
}

}  // namespace dbt::ir
