// x86-64 host registers as the register allocator sees them.
//
// Fixed by the JIT ABI (common/jit_abi.h): rbp = env, r14 = guest_base; rsp
// is the frame of common/codegen/frame.h. The other 13 are allocatable.
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_HOST_REGS_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_HOST_REGS_H_

#include <array>
#include <cstdint>

#include <xbyak/xbyak.h>

namespace dbt::backend::x86_64 {

// Values are the x86 register numbers (Xbyak::Reg64(n)).
enum HostReg : uint8_t {
  kRax,
  kRcx,
  kRdx,
  kRbx,
  kRsp,
  kRbp,
  kRsi,
  kRdi,
  kR8,
  kR9,
  kR10,
  kR11,
  kR12,
  kR13,
  kR14,
  kR15,
};
inline constexpr int kNumHostRegs = 16;

using RegSet = uint16_t;
inline constexpr RegSet Bit(HostReg r) { return static_cast<RegSet>(1u << r); }

inline constexpr HostReg kEnvReg = kRbp;
inline constexpr HostReg kGuestBaseReg = kR14;

inline constexpr RegSet kAllocatable =
    static_cast<RegSet>(0xffffu & ~(Bit(kRsp) | Bit(kRbp) | Bit(kR14)));
// SysV: not preserved across a call.
inline constexpr RegSet kCallerSaved = Bit(kRax) | Bit(kRcx) | Bit(kRdx) | Bit(kRsi) | Bit(kRdi) |
                                       Bit(kR8) | Bit(kR9) | Bit(kR10) | Bit(kR11);
inline constexpr std::array<HostReg, 6> kCallArgRegs = {kRdi, kRsi, kRdx, kRcx, kR8, kR9};

// Allocation preference: callee-saved first (they survive helper calls),
// then the caller-saved registers that no instruction needs implicitly,
// and last the ones div/mul/shifts/calls want (rcx, rdx, rax).
inline constexpr std::array<HostReg, 13> kAllocOrder = {kRbx, kR12, kR13, kR15, kR10, kR11, kR9,
                                                        kR8,  kRdi, kRsi, kRcx, kRdx, kRax};

inline Xbyak::Reg64 Reg64(HostReg r) { return Xbyak::Reg64(r); }
inline Xbyak::Reg32 Reg32(HostReg r) { return Xbyak::Reg32(r); }
inline Xbyak::Reg16 Reg16(HostReg r) { return Xbyak::Reg16(r); }
inline Xbyak::Reg8 Reg8(HostReg r) { return Xbyak::Reg8(r, r >= 4); }  // spl..dil need REX

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_HOST_REGS_H_
