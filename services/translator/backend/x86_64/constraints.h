// Per-op host constraints, as data (QEMU's C_O1_I2(r, 0, ri) idea): which
// registers each argument may live in, which constants may stay immediate,
// which input's register the output reuses (x86 two-address forms), which
// fixed registers an op needs as scratch. The register allocator reads
// these; the emitters (emit_*.cc) rely on them.
//
// Constraint letters (constraints.cc holds the table):
//   r  any allocatable register        a c d  exactly rax / rcx / rdx
//   R  allocatable minus rax and rdx (operands of mul/div)
//   i  a constant that fits a sign-extended imm32 may stay immediate
//   I  any constant may stay immediate (shift counts: masked to 6 bits)
//   m  a global that is in memory (not in a register) may be read there
//      when this is its last read in the TB (reg_alloc.cc AllocInput)
//      (emitters get Operand::is_mem); only globals: their env slots are
//      never reused, unlike spill slots
//   0 1  (input) same register as output 0 / 1: the op overwrites it
//   !  (input) the op overwrites this input's register
//   &  (output) must not share a register with any input
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_CONSTRAINTS_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_CONSTRAINTS_H_

#include <array>
#include <cstdint>

#include "services/translator/backend/x86_64/host_regs.h"
#include "services/translator/ir/opcode.h"

namespace dbt::backend::x86_64 {

// How the allocator treats an op.
enum class AllocKind : uint8_t {
  kStandard,  // operands allocated from the constraints below
  kMov,       // register-to-register copy, often no code (reg_alloc.cc)
  kMovi,      // the output becomes a known constant, no code
  kCall,      // SysV call: arguments in fixed registers, clobbers
  kNoArgs,    // no temps (labels, exits, bookkeeping)
};

enum class ImmKind : uint8_t { kNone, kS32, kAny };

struct ArgConstraint {
  RegSet regs = 0;
  ImmKind imm = ImmKind::kNone;
  int8_t alias = -1;       // input: output index that takes this register;
                           // output: input index whose register it takes
  bool mem = false;        // input: a global in memory may stay there
  bool clobbered = false;  // input: its register is overwritten (alias implies it)
  bool new_reg = false;    // output: shares no register with an input

  bool AllowsImm(uint64_t v) const {
    return imm == ImmKind::kAny ||
           (imm == ImmKind::kS32 && static_cast<int64_t>(v) == static_cast<int32_t>(v));
  }
  bool IsSingleReg() const { return regs != 0 && (regs & (regs - 1)) == 0; }
};

inline constexpr int kMaxConstraintOuts = 2;
inline constexpr int kMaxConstraintIns = 4;
inline constexpr int kMaxScratch = 2;

struct OpConstraints {
  AllocKind kind = AllocKind::kNoArgs;
  uint8_t n_out = 0;
  uint8_t n_in = 0;
  uint8_t n_scratch = 0;
  std::array<ArgConstraint, kMaxConstraintOuts> outs{};
  std::array<ArgConstraint, kMaxConstraintIns> ins{};
  std::array<ArgConstraint, kMaxScratch> scratch{};
};

const OpConstraints& ConstraintsFor(ir::Opcode opc);

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_CONSTRAINTS_H_
