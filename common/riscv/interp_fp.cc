// F and D computation: every operation is the fpu.h function of the same
// name (the table's F/D rows are named after them), so the interpreter and
// translated code compute bit-identical results. Here only the plumbing:
// which register file each operand comes from and goes to (the decoder's
// flags, from the instruction's pattern), and the rounding mode.
#include <cstdint>

#include "common/riscv/fpu.h"
#include "common/riscv/interp_exec.h"

namespace dbt::riscv::interp {
namespace {

// The effective rounding mode: rm itself, or frm for DYN. Reserved values
// (5 and 6 in rm; 5..7 in frm under DYN) make the instruction illegal.
bool ResolveRm(const CpuState& cpu, uint32_t rm, uint32_t* effective) {
  if (rm == kRmDyn) rm = cpu.frm;
  if (rm > kRmRMM) return false;
  *effective = rm;
  return true;
}

Step ExecFpOp(Hart& h, const DecodedInsn& d, FpFn fn) {
  const uint32_t flags = OpcodeFlags(d.op);
  uint32_t rm = kRmRNE;  // Operations without an rm field ignore it.
  if ((flags & kInsnHasRm) && !ResolveRm(h.cpu, d.rm, &rm)) return Step::kIllegal;
  const uint64_t a = (flags & kInsnRs1F) ? h.cpu.f[d.rs1] : h.X(d.rs1);
  const uint64_t b = h.cpu.f[d.rs2];
  const uint64_t c = h.cpu.f[d.rs3];
  const uint64_t result = fn(a, b, c, rm, &h.cpu.fflags);
  if (flags & kInsnRdF) {
    h.cpu.f[d.rd] = result;
  } else {
    h.SetX(d.rd, result);
  }
  return Step::kNext;
}

}  // namespace

#define DBT_RISCV_FP_HANDLER(name) \
  Step Exec##name(Hart& h, const DecodedInsn& d) { return ExecFpOp(h, d, &name); }
DBT_RISCV_FP_OPS(DBT_RISCV_FP_HANDLER)
#undef DBT_RISCV_FP_HANDLER

}  // namespace dbt::riscv::interp
