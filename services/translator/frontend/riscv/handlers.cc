#include "services/translator/frontend/riscv/handlers.h"

#include <cstdio>
#include <cstdlib>

namespace dbt::frontend::riscv {

void HandlerTable::Set(rv::Opcode op, InsnHandler handler, uint32_t param) {
  HandlerEntry& e = entries_[static_cast<size_t>(op)];
  if (e.handler != nullptr) {
    std::fprintf(stderr, "riscv frontend: opcode %s claimed by two families\n",
                 std::string(rv::OpcodeName(op)).c_str());
    std::abort();
  }
  e = {handler, param};
}

const HandlerTable& Handlers() {
  static const HandlerTable* table = [] {
    auto* t = new HandlerTable;
    RegisterIntAlu(*t);
    RegisterMulDiv(*t);
    RegisterLoadStore(*t);
    RegisterBranch(*t);
    RegisterSystem(*t);
    RegisterCsr(*t);
    RegisterAtomic(*t);
    RegisterFpCompute(*t);
    RegisterFpSign(*t);
    return t;
  }();
  return *table;
}

}  // namespace dbt::frontend::riscv
