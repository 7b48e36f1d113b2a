// RV64I and M integer arithmetic. Register-immediate forms see the
// immediate as the decoder gives it (sign-extended; shifts: the amount).
#include <cstdint>
#include <limits>

#include "common/riscv/interp_exec.h"

namespace dbt::riscv::interp {
namespace {

using u64 = uint64_t;
using s64 = int64_t;
using u32 = uint32_t;
using s32 = int32_t;
using u128 = unsigned __int128;
using s128 = __int128;

// Division by zero and overflow never trap: the M chapter fixes the results
// (quotient all ones / the dividend as remainder; MIN / -1 = MIN rem 0).
s64 Div(s64 a, s64 b) {
  if (b == 0) return -1;
  if (a == std::numeric_limits<s64>::min() && b == -1) return a;
  return a / b;
}
u64 Divu(u64 a, u64 b) { return b == 0 ? ~u64{0} : a / b; }
s64 Rem(s64 a, s64 b) {
  if (b == 0) return a;
  if (a == std::numeric_limits<s64>::min() && b == -1) return 0;
  return a % b;
}
u64 Remu(u64 a, u64 b) { return b == 0 ? a : a % b; }
s32 Div32(s32 a, s32 b) {
  if (b == 0) return -1;
  if (a == std::numeric_limits<s32>::min() && b == -1) return a;
  return a / b;
}
u32 Divu32(u32 a, u32 b) { return b == 0 ? ~u32{0} : a / b; }
s32 Rem32(s32 a, s32 b) {
  if (b == 0) return a;
  if (a == std::numeric_limits<s32>::min() && b == -1) return 0;
  return a % b;
}
u32 Remu32(u32 a, u32 b) { return b == 0 ? a : a % b; }

}  // namespace

// rd <- expr, with a = x[rs1] and b = x[rs2] (register forms) or the
// immediate (immediate forms). W forms compute on the low 32 bits and
// sign-extend the 32-bit result.
#define DBT_ALU_RR(name, expr)                     \
  Step Exec##name(Hart& h, const DecodedInsn& d) { \
    const u64 a = h.X(d.rs1), b = h.X(d.rs2);      \
    h.SetX(d.rd, static_cast<u64>(expr));          \
    return Step::kNext;                            \
  }
#define DBT_ALU_RI(name, expr)                             \
  Step Exec##name(Hart& h, const DecodedInsn& d) {         \
    const u64 a = h.X(d.rs1), b = static_cast<u64>(d.imm); \
    h.SetX(d.rd, static_cast<u64>(expr));                  \
    return Step::kNext;                                    \
  }

Step ExecLui(Hart& h, const DecodedInsn& d) {
  h.SetX(d.rd, static_cast<u64>(d.imm));
  return Step::kNext;
}

Step ExecAuipc(Hart& h, const DecodedInsn& d) {
  h.SetX(d.rd, h.pc() + static_cast<u64>(d.imm));
  return Step::kNext;
}

DBT_ALU_RI(Addi, a + b)
DBT_ALU_RI(Slti, static_cast<s64>(a) < static_cast<s64>(b))
DBT_ALU_RI(Sltiu, a < b)
DBT_ALU_RI(Xori, a ^ b)
DBT_ALU_RI(Ori, a | b)
DBT_ALU_RI(Andi, a& b)
DBT_ALU_RI(Slli, a << (b & 63))
DBT_ALU_RI(Srli, a >> (b & 63))
DBT_ALU_RI(Srai, static_cast<s64>(a) >> (b & 63))

DBT_ALU_RR(Add, a + b)
DBT_ALU_RR(Sub, a - b)
DBT_ALU_RR(Sll, a << (b & 63))
DBT_ALU_RR(Slt, static_cast<s64>(a) < static_cast<s64>(b))
DBT_ALU_RR(Sltu, a < b)
DBT_ALU_RR(Xor, a ^ b)
DBT_ALU_RR(Srl, a >> (b & 63))
DBT_ALU_RR(Sra, static_cast<s64>(a) >> (b & 63))
DBT_ALU_RR(Or, a | b)
DBT_ALU_RR(And, a& b)

DBT_ALU_RI(Addiw, SignExtend32(a + b))
DBT_ALU_RI(Slliw, SignExtend32(static_cast<u32>(a) << (b & 31)))
DBT_ALU_RI(Srliw, SignExtend32(static_cast<u32>(a) >> (b & 31)))
DBT_ALU_RI(Sraiw, static_cast<s64>(static_cast<s32>(a) >> (b & 31)))
DBT_ALU_RR(Addw, SignExtend32(a + b))
DBT_ALU_RR(Subw, SignExtend32(a - b))
DBT_ALU_RR(Sllw, SignExtend32(static_cast<u32>(a) << (b & 31)))
DBT_ALU_RR(Srlw, SignExtend32(static_cast<u32>(a) >> (b & 31)))
DBT_ALU_RR(Sraw, static_cast<s64>(static_cast<s32>(a) >> (b & 31)))

// M. mulh* return the high 64 bits of the 128-bit product of the operands
// taken as signed x signed, signed x unsigned, unsigned x unsigned.
DBT_ALU_RR(Mul, a* b)
DBT_ALU_RR(Mulh, (static_cast<s128>(static_cast<s64>(a)) * static_cast<s64>(b)) >> 64)
DBT_ALU_RR(Mulhsu, (static_cast<s128>(static_cast<s64>(a)) * static_cast<s128>(b)) >> 64)
DBT_ALU_RR(Mulhu, (static_cast<u128>(a) * b) >> 64)
DBT_ALU_RR(Div, Div(static_cast<s64>(a), static_cast<s64>(b)))
DBT_ALU_RR(Divu, Divu(a, b))
DBT_ALU_RR(Rem, Rem(static_cast<s64>(a), static_cast<s64>(b)))
DBT_ALU_RR(Remu, Remu(a, b))
DBT_ALU_RR(Mulw, SignExtend32(a* b))
DBT_ALU_RR(Divw, static_cast<s64>(Div32(static_cast<s32>(a), static_cast<s32>(b))))
DBT_ALU_RR(Divuw, SignExtend32(Divu32(static_cast<u32>(a), static_cast<u32>(b))))
DBT_ALU_RR(Remw, static_cast<s64>(Rem32(static_cast<s32>(a), static_cast<s32>(b))))
DBT_ALU_RR(Remuw, SignExtend32(Remu32(static_cast<u32>(a), static_cast<u32>(b))))

#undef DBT_ALU_RR
#undef DBT_ALU_RI

}  // namespace dbt::riscv::interp
