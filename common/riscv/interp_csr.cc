// Zicsr for user mode: the FP CSRs and the read-only counters. Any other CSR
// number is an illegal instruction, as is a write to a read-only one.
#include <cstdint>

#include "common/clock.h"
#include "common/riscv/interp_exec.h"

namespace dbt::riscv::interp {
namespace {

constexpr uint16_t kCsrFflags = 0x001;
constexpr uint16_t kCsrFrm = 0x002;
constexpr uint16_t kCsrFcsr = 0x003;
constexpr uint16_t kCsrCycle = 0xc00;
constexpr uint16_t kCsrTime = 0xc01;
constexpr uint16_t kCsrInstret = 0xc02;

bool CsrExists(uint16_t csr) {
  switch (csr) {
    case kCsrFflags:
    case kCsrFrm:
    case kCsrFcsr:
    case kCsrCycle:
    case kCsrTime:
    case kCsrInstret:
      return true;
    default:
      return false;
  }
}

// The privileged spec's convention: csr[11:10] == 11 is read-only.
bool CsrReadOnly(uint16_t csr) { return (csr >> 10) == 3; }

uint64_t ReadCsr(const CpuState& cpu, uint16_t csr) {
  switch (csr) {
    case kCsrFflags:
      return cpu.fflags & 0x1f;
    case kCsrFrm:
      return cpu.frm & 0x7;
    case kCsrFcsr:
      return (cpu.frm & 0x7) << 5 | (cpu.fflags & 0x1f);
    case kCsrCycle:  // No cycle model: cycle counts retired instructions.
    case kCsrInstret:
      return cpu.instret;  // Instructions retired before this one.
    case kCsrTime:
      return dbt::MonotonicNs();
  }
  return 0;
}

// Only the defined bits are kept: fflags is 5 bits, frm 3 bits (any value,
// reserved ones included, can be written; using them is what is illegal),
// fcsr's bits 31:8 are reserved and read as zero.
void WriteCsr(CpuState& cpu, uint16_t csr, uint64_t v) {
  switch (csr) {
    case kCsrFflags:
      cpu.fflags = v & 0x1f;
      break;
    case kCsrFrm:
      cpu.frm = v & 0x7;
      break;
    case kCsrFcsr:
      cpu.fflags = v & 0x1f;
      cpu.frm = (v >> 5) & 0x7;
      break;
  }
}

enum class CsrOp { kWrite, kSet, kClear };

// csrrw never skips the write, but with rd = x0 it does not read the CSR;
// csrrs/csrrc with a zero source register (x0, not a register holding zero)
// or a zero immediate do not write it, so they may read a read-only CSR.
Step Csr(Hart& h, const DecodedInsn& d, CsrOp op, bool immediate) {
  const uint64_t src = immediate ? static_cast<uint64_t>(d.imm) : h.X(d.rs1);
  const bool source_is_zero = immediate ? d.imm == 0 : d.rs1 == 0;
  const bool writes = op == CsrOp::kWrite || !source_is_zero;
  const bool reads = op != CsrOp::kWrite || d.rd != 0;
  if (!CsrExists(d.csr) || (writes && CsrReadOnly(d.csr))) return Step::kIllegal;
  const uint64_t old = reads ? ReadCsr(h.cpu, d.csr) : 0;
  if (writes) {
    const uint64_t value = op == CsrOp::kWrite ? src : op == CsrOp::kSet ? old | src : old & ~src;
    WriteCsr(h.cpu, d.csr, value);
  }
  h.SetX(d.rd, old);
  return Step::kNext;
}

}  // namespace

Step ExecCsrrw(Hart& h, const DecodedInsn& d) { return Csr(h, d, CsrOp::kWrite, false); }
Step ExecCsrrs(Hart& h, const DecodedInsn& d) { return Csr(h, d, CsrOp::kSet, false); }
Step ExecCsrrc(Hart& h, const DecodedInsn& d) { return Csr(h, d, CsrOp::kClear, false); }
Step ExecCsrrwi(Hart& h, const DecodedInsn& d) { return Csr(h, d, CsrOp::kWrite, true); }
Step ExecCsrrsi(Hart& h, const DecodedInsn& d) { return Csr(h, d, CsrOp::kSet, true); }
Step ExecCsrrci(Hart& h, const DecodedInsn& d) { return Csr(h, d, CsrOp::kClear, true); }

}  // namespace dbt::riscv::interp
