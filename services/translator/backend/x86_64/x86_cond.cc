#include "services/translator/backend/x86_64/x86_cond.h"

namespace dbt::backend::x86_64 {

X86Cond ToX86Cond(ir::Cond c) {
  // Indexed by ir::Cond: eq ne lt ge le gt ltu geu leu gtu.
  static constexpr X86Cond kMap[ir::kNumConds] = {
      X86Cond::kE, X86Cond::kNe, X86Cond::kL,  X86Cond::kGe, X86Cond::kLe,
      X86Cond::kG, X86Cond::kB,  X86Cond::kAe, X86Cond::kBe, X86Cond::kA};
  return kMap[static_cast<int>(c)];
}

void Jcc(Xbyak::CodeGenerator& as, X86Cond cc, const Xbyak::Label& target) {
  switch (cc) {
    case X86Cond::kE:
      as.je(target, as.T_NEAR);
      break;
    case X86Cond::kNe:
      as.jne(target, as.T_NEAR);
      break;
    case X86Cond::kL:
      as.jl(target, as.T_NEAR);
      break;
    case X86Cond::kGe:
      as.jge(target, as.T_NEAR);
      break;
    case X86Cond::kLe:
      as.jle(target, as.T_NEAR);
      break;
    case X86Cond::kG:
      as.jg(target, as.T_NEAR);
      break;
    case X86Cond::kB:
      as.jb(target, as.T_NEAR);
      break;
    case X86Cond::kAe:
      as.jae(target, as.T_NEAR);
      break;
    case X86Cond::kBe:
      as.jbe(target, as.T_NEAR);
      break;
    case X86Cond::kA:
      as.ja(target, as.T_NEAR);
      break;
  }
}

void Setcc(Xbyak::CodeGenerator& as, X86Cond cc, const Xbyak::Reg8& dst) {
  switch (cc) {
    case X86Cond::kE:
      as.sete(dst);
      break;
    case X86Cond::kNe:
      as.setne(dst);
      break;
    case X86Cond::kL:
      as.setl(dst);
      break;
    case X86Cond::kGe:
      as.setge(dst);
      break;
    case X86Cond::kLe:
      as.setle(dst);
      break;
    case X86Cond::kG:
      as.setg(dst);
      break;
    case X86Cond::kB:
      as.setb(dst);
      break;
    case X86Cond::kAe:
      as.setae(dst);
      break;
    case X86Cond::kBe:
      as.setbe(dst);
      break;
    case X86Cond::kA:
      as.seta(dst);
      break;
  }
}

void Cmovcc(Xbyak::CodeGenerator& as, X86Cond cc, const Xbyak::Reg64& dst,
            const Xbyak::Operand& src) {
  switch (cc) {
    case X86Cond::kE:
      as.cmove(dst, src);
      break;
    case X86Cond::kNe:
      as.cmovne(dst, src);
      break;
    case X86Cond::kL:
      as.cmovl(dst, src);
      break;
    case X86Cond::kGe:
      as.cmovge(dst, src);
      break;
    case X86Cond::kLe:
      as.cmovle(dst, src);
      break;
    case X86Cond::kG:
      as.cmovg(dst, src);
      break;
    case X86Cond::kB:
      as.cmovb(dst, src);
      break;
    case X86Cond::kAe:
      as.cmovae(dst, src);
      break;
    case X86Cond::kBe:
      as.cmovbe(dst, src);
      break;
    case X86Cond::kA:
      as.cmova(dst, src);
      break;
  }
}

void Cmp(Xbyak::CodeGenerator& as, const Xbyak::Reg64& a, const Operand& b) {
  if (b.is_imm) {
    as.cmp(a, b.imm32());
  } else {
    WithRegOrMem(b, 64, [&](const Xbyak::Operand& rm) { as.cmp(a, rm); });
  }
}

}  // namespace dbt::backend::x86_64
