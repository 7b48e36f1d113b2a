#include "services/translator/opt/unreachable.h"

#include <vector>

namespace dbt::opt {
namespace {

using ir::Op;
using ir::Opcode;

bool IsBranch(const Op& op) { return op.opc == Opcode::kBr || op.opc == Opcode::kBrcond; }

// One sweep; returns true if it removed anything.
bool Sweep(ir::Block& block) {
  std::vector<Op>& ops = block.ops();
  std::vector<int> refs(block.num_labels(), 0);
  for (const Op& op : ops) {
    if (IsBranch(op)) ++refs[op.label().index];
  }
  std::vector<Op> kept;
  kept.reserve(ops.size());
  bool unreachable = false;
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    if (op.opc == Opcode::kSetLabel) {
      if (refs[op.label().index] == 0) continue;  // nothing jumps here
      unreachable = false;
    }
    if (unreachable) continue;
    // A branch to the label that follows goes where falling through goes.
    if (IsBranch(op) && i + 1 < ops.size() && ops[i + 1].opc == Opcode::kSetLabel &&
        ops[i + 1].label() == op.label()) {
      continue;
    }
    kept.push_back(op);
    if (ir::HasFlag(op.opc, ir::kOpNoFallthrough)) unreachable = true;
  }
  bool changed = kept.size() != ops.size();
  ops = std::move(kept);
  return changed;
}

}  // namespace

void RemoveUnreachableCode(ir::Block& block) {
  while (Sweep(block)) {
  }
}

}  // namespace dbt::opt
