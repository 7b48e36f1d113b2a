#include "services/translator/ir/builder.h"

namespace dbt::ir {

Op& IrBuilder::Emit(Opcode opc, std::initializer_list<Temp> outs, std::initializer_list<Temp> ins,
                    std::initializer_list<uint64_t> cargs) {
  Op op = opc == Opcode::kCall
              ? MakeCallOp(static_cast<int>(outs.size()), static_cast<int>(ins.size()))
              : MakeOp(opc);
  assert(outs.size() == op.n_out && ins.size() == op.n_in && cargs.size() == op.n_const);
  int i = 0;
  for (Temp t : outs) op.args[i++] = t.index;
  for (Temp t : ins) op.args[i++] = t.index;
  for (uint64_t c : cargs) op.args[i++] = c;
  block_.ops().push_back(op);
  return block_.ops().back();
}

void IrBuilder::Call(int helper_id, uint32_t helper_flags, std::span<const Temp> args) {
  assert(args.size() <= kMaxCallArgs);
  Op op = MakeCallOp(0, static_cast<int>(args.size()));
  for (size_t i = 0; i < args.size(); ++i) op.set_in(static_cast<int>(i), args[i]);
  op.set_carg(0, static_cast<uint64_t>(helper_id));
  op.set_carg(1, helper_flags);
  block_.ops().push_back(op);
}

void IrBuilder::Call(Temp d, int helper_id, uint32_t helper_flags, std::span<const Temp> args) {
  assert(args.size() <= kMaxCallArgs);
  Op op = MakeCallOp(1, static_cast<int>(args.size()));
  op.set_out(0, d);
  for (size_t i = 0; i < args.size(); ++i) op.set_in(static_cast<int>(i), args[i]);
  op.set_carg(0, static_cast<uint64_t>(helper_id));
  op.set_carg(1, helper_flags);
  block_.ops().push_back(op);
}

}  // namespace dbt::ir
