#include "services/translator/frontend/riscv/testing/ir_eval.h"

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/translator/ir/printer.h"
#include "services/translator/ir/semantics.h"

namespace dbt::frontend::riscv::testing {
namespace {

using ir::Opcode;

class Evaluator {
 public:
  Evaluator(const ir::Block& block, GuestEnv& env)
      : block_(block), env_(env), values_(block.num_temps(), 0) {}

  absl::StatusOr<EvalExit> Run() {
    const std::vector<ir::Op>& ops = block_.ops();
    std::vector<size_t> label_at(block_.num_labels(), SIZE_MAX);
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].opc == Opcode::kSetLabel) label_at[ops[i].carg(0)] = i;
    }
    EvalExit exit;
    size_t i = 0;
    while (i < ops.size()) {
      if (++exit.ops_executed > kMaxSteps) return absl::InternalError("IR eval: step limit");
      const ir::Op& op = ops[i++];
      auto jump = [&](ir::Label l) -> absl::Status {
        if (l.index >= label_at.size() || label_at[l.index] == SIZE_MAX) {
          return absl::InternalError("IR eval: unset label");
        }
        i = label_at[l.index];
        return absl::OkStatus();
      };
      switch (op.opc) {
        case Opcode::kMovi:
          Write(op.out(0), op.carg(0));
          break;
        case Opcode::kMulu2:
        case Opcode::kMuls2:
        case Opcode::kAdd2:
        case Opcode::kSub2: {
          std::pair<uint64_t, uint64_t> r;
          if (op.opc == Opcode::kMulu2) r = ir::EvalMulu2(Read(op.in(0)), Read(op.in(1)));
          if (op.opc == Opcode::kMuls2) r = ir::EvalMuls2(Read(op.in(0)), Read(op.in(1)));
          if (op.opc == Opcode::kAdd2) {
            r = ir::EvalAdd2(Read(op.in(0)), Read(op.in(1)), Read(op.in(2)), Read(op.in(3)));
          }
          if (op.opc == Opcode::kSub2) {
            r = ir::EvalSub2(Read(op.in(0)), Read(op.in(1)), Read(op.in(2)), Read(op.in(3)));
          }
          Write(op.out(0), r.first);
          Write(op.out(1), r.second);
          break;
        }
        case Opcode::kSetcond:
          Write(op.out(0), ir::EvalCond(op.cond(), Read(op.in(0)), Read(op.in(1))) ? 1 : 0);
          break;
        case Opcode::kMovcond:
          Write(op.out(0), ir::EvalCond(op.cond(), Read(op.in(0)), Read(op.in(1)))
                               ? Read(op.in(2))
                               : Read(op.in(3)));
          break;
        case Opcode::kBr:
          if (absl::Status s = jump(op.label()); !s.ok()) return s;
          break;
        case Opcode::kBrcond:
          if (ir::EvalCond(op.cond(), Read(op.in(0)), Read(op.in(1)))) {
            if (absl::Status s = jump(op.label()); !s.ok()) return s;
          }
          break;
        case Opcode::kSetLabel:
        case Opcode::kInsnStart:
        case Opcode::kMb:
        case Opcode::kGotoTb:  // unlinked: fall through to the exit path
          break;
        case Opcode::kQemuLd: {
          uint64_t raw = 0;
          std::memcpy(&raw, GuestPtr(Read(op.in(0))), ir::MemOpBytes(op.carg(0)));
          Write(op.out(0), ir::ExtendLoaded(raw, op.carg(0)));
          break;
        }
        case Opcode::kQemuSt: {
          const uint64_t v = Read(op.in(0));
          std::memcpy(GuestPtr(Read(op.in(1))), &v, ir::MemOpBytes(op.carg(0)));
          break;
        }
        case Opcode::kLd: {
          uint64_t raw = 0;
          std::memcpy(&raw, EnvPtr(op.carg(0)), ir::MemOpBytes(op.carg(1)));
          Write(op.out(0), ir::ExtendLoaded(raw, op.carg(1)));
          break;
        }
        case Opcode::kSt: {
          const uint64_t v = Read(op.in(0));
          std::memcpy(EnvPtr(op.carg(0)), &v, ir::MemOpBytes(op.carg(1)));
          break;
        }
        case Opcode::kCall: {
          using Fn = uint64_t (*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
          uint64_t a[6] = {};
          for (int k = 0; k < op.n_in; ++k) a[k] = Read(op.in(k));
          const uint64_t target = env_.helpers[op.carg(0)];
          if (target == 0) return absl::InternalError(absl::StrCat("no helper ", op.carg(0)));
          const uint64_t r = reinterpret_cast<Fn>(target)(a[0], a[1], a[2], a[3], a[4], a[5]);
          if (op.n_out == 1) Write(op.out(0), r);
          break;
        }
        case Opcode::kTbStart:
          if (env_.exit_request != 0) {
            env_.cpu.pc = op.carg(0);
            exit.kind = kTbExitRequested;
            return exit;
          }
          break;
        case Opcode::kExitTb:
          exit.kind = static_cast<TbExitKind>(op.carg(0));
          return exit;
        case Opcode::kLookupAndGotoPtr:
          exit.kind = kTbExitNoChain;
          exit.lookup = true;
          return exit;
        default:
          if (op.n_out == 1 && op.n_in == 1) {
            if (auto v = ir::EvalUnary(op.opc, Read(op.in(0)))) {
              Write(op.out(0), *v);
              break;
            }
          }
          if (op.n_out == 1 && op.n_in == 2) {
            if (auto v = ir::EvalBinary(op.opc, Read(op.in(0)), Read(op.in(1)))) {
              Write(op.out(0), *v);
              break;
            }
          }
          return absl::InternalError(
              absl::StrCat("IR eval: cannot evaluate ", ir::PrintOp(block_, op)));
      }
    }
    return absl::InternalError("IR eval: ran off the end of the block");
  }

 private:
  static constexpr int kMaxSteps = 1 << 20;

  uint8_t* EnvPtr(uint64_t offset) { return reinterpret_cast<uint8_t*>(&env_) + offset; }
  uint8_t* GuestPtr(uint64_t addr) { return reinterpret_cast<uint8_t*>(env_.guest_base + addr); }

  uint64_t Read(ir::Temp t) {
    const ir::TempInfo& info = block_.temp(t);
    switch (info.kind) {
      case ir::TempKind::kGlobal: {
        uint64_t v;
        std::memcpy(&v, EnvPtr(info.env_offset), 8);
        return v;
      }
      case ir::TempKind::kConst:
        return info.value;
      case ir::TempKind::kFixed:
        return reinterpret_cast<uint64_t>(&env_);
      default:
        return values_[t.index];
    }
  }

  void Write(ir::Temp t, uint64_t v) {
    const ir::TempInfo& info = block_.temp(t);
    if (info.kind == ir::TempKind::kGlobal) {
      std::memcpy(EnvPtr(info.env_offset), &v, 8);
    } else {
      values_[t.index] = v;
    }
  }

  const ir::Block& block_;
  GuestEnv& env_;
  std::vector<uint64_t> values_;
};

}  // namespace

absl::StatusOr<EvalExit> EvaluateBlock(const ir::Block& block, GuestEnv& env) {
  return Evaluator(block, env).Run();
}

}  // namespace dbt::frontend::riscv::testing
