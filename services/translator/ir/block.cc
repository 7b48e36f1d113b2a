#include "services/translator/ir/block.h"

namespace dbt::ir {

Op MakeOp(Opcode opc) {
  const OpInfo& info = GetOpInfo(opc);
  Op op;
  op.opc = opc;
  op.n_out = info.n_out;
  op.n_in = info.n_in;
  op.n_const = info.n_const;
  return op;
}

Op MakeCallOp(int n_out, int n_in) {
  assert(n_out >= 0 && n_out <= 1 && n_in >= 0 && n_in <= kMaxCallArgs);
  Op op = MakeOp(Opcode::kCall);
  op.n_out = static_cast<uint8_t>(n_out);
  op.n_in = static_cast<uint8_t>(n_in);
  return op;
}

bool OpHasSideEffects(const Op& op) {
  if (op.opc == Opcode::kCall) return (op.carg(1) & kCallNoSideEffects) == 0;
  return HasFlag(op.opc, kOpSideEffects);
}

Block::Block(uint64_t guest_pc) : guest_pc_(guest_pc) {}

Temp Block::NewTemp(TempKind kind) {
  assert(kind == TempKind::kLocal || kind == TempKind::kNormal || kind == TempKind::kEbb);
  temps_.push_back(TempInfo{kind});
  return Temp{static_cast<uint32_t>(temps_.size() - 1)};
}

Temp Block::Global(int32_t env_offset, std::string_view name) {
  auto [it, inserted] =
      globals_by_offset_.try_emplace(env_offset, static_cast<uint32_t>(temps_.size()));
  if (inserted) temps_.push_back(TempInfo{TempKind::kGlobal, env_offset, 0, std::string(name)});
  return Temp{it->second};
}

Temp Block::Const(uint64_t value) {
  auto [it, inserted] = consts_by_value_.try_emplace(value, static_cast<uint32_t>(temps_.size()));
  if (inserted) temps_.push_back(TempInfo{TempKind::kConst, 0, value, ""});
  return Temp{it->second};
}

Temp Block::Env() {
  if (env_temp_ == UINT32_MAX) {
    env_temp_ = static_cast<uint32_t>(temps_.size());
    temps_.push_back(TempInfo{TempKind::kFixed, 0, 0, "env"});
  }
  return Temp{env_temp_};
}

Label Block::NewLabel() { return Label{num_labels_++}; }

}  // namespace dbt::ir
