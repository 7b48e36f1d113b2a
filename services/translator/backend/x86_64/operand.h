// What the register allocator hands an emitter for one op: each input as a
// register or an immediate, each output and scratch as a register.
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_OPERAND_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_OPERAND_H_

#include <array>
#include <cassert>
#include <cstdint>

#include "services/translator/backend/x86_64/constraints.h"
#include "services/translator/backend/x86_64/host_regs.h"

namespace dbt::backend::x86_64 {

struct Operand {
  bool is_imm = false;
  HostReg reg = kRax;
  int64_t imm = 0;

  Xbyak::Reg64 r64() const {
    assert(!is_imm);
    return Reg64(reg);
  }
  int32_t imm32() const {
    assert(is_imm && imm == static_cast<int32_t>(imm));
    return static_cast<int32_t>(imm);
  }
};

struct OpOperands {
  std::array<HostReg, kMaxConstraintOuts> outs{};
  std::array<Operand, kMaxConstraintIns> ins{};
  std::array<HostReg, kMaxScratch> scratch{};
};

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_OPERAND_H_
