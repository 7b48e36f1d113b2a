// IR conditions as x86 condition codes, and the jcc / setcc / cmovcc forms.
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_X86_COND_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_X86_COND_H_

#include <xbyak/xbyak.h>

#include "services/translator/backend/x86_64/operand.h"
#include "services/translator/ir/opcode.h"

namespace dbt::backend::x86_64 {

// After `cmp a, b`: the x86 condition code that is true when cond(a, b).
enum class X86Cond : uint8_t { kE, kNe, kL, kGe, kLe, kG, kB, kAe, kBe, kA };
X86Cond ToX86Cond(ir::Cond c);

void Jcc(Xbyak::CodeGenerator& as, X86Cond cc, const Xbyak::Label& target);
void Setcc(Xbyak::CodeGenerator& as, X86Cond cc, const Xbyak::Reg8& dst);
void Cmovcc(Xbyak::CodeGenerator& as, X86Cond cc, const Xbyak::Reg64& dst,
            const Xbyak::Operand& src);

// cmp a, b with b a register, an env slot or an imm32.
void Cmp(Xbyak::CodeGenerator& as, const Xbyak::Reg64& a, const Operand& b);

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_X86_COND_H_
