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
  bool is_mem = false;  // a global read straight from its env slot ('m')
  HostReg reg = kRax;
  int64_t imm = 0;
  Xbyak::RegExp mem;

  Xbyak::Reg64 r64() const {
    assert(!is_imm && !is_mem);
    return Reg64(reg);
  }
  int32_t imm32() const {
    assert(is_imm && imm == static_cast<int32_t>(imm));
    return static_cast<int32_t>(imm);
  }
};

// Calls f with a register or memory operand (never an immediate) as an
// Xbyak::Operand of the given width: most x86 instructions take either.
template <typename F>
void WithRegOrMem(const Operand& o, int bits, F&& f) {
  assert(!o.is_imm);
  if (o.is_mem) {
    f(Xbyak::Address(bits, false, o.mem));
  } else if (bits == 64) {
    f(Xbyak::Reg64(o.reg));
  } else if (bits == 32) {
    f(Xbyak::Reg32(o.reg));
  } else if (bits == 16) {
    f(Xbyak::Reg16(o.reg));
  } else {
    f(Xbyak::Reg8(o.reg, o.reg >= 4));
  }
}

struct OpOperands {
  std::array<HostReg, kMaxConstraintOuts> outs{};
  std::array<Operand, kMaxConstraintIns> ins{};
  std::array<HostReg, kMaxScratch> scratch{};
};

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_OPERAND_H_
