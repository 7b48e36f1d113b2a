// Loads and stores, integer and F/D: address x[rs1] + imm, any alignment.
#include <cstdint>

#include "common/riscv/fpu.h"
#include "common/riscv/interp_exec.h"

namespace dbt::riscv::interp {
namespace {

uint64_t Address(const Hart& h, const DecodedInsn& d) {
  return h.X(d.rs1) + static_cast<uint64_t>(d.imm);
}

// T: the memory type; the C++ conversion to uint64_t sign- or zero-extends it.
template <typename T>
Step LoadX(Hart& h, const DecodedInsn& d) {
  const T v = h.Load<T>(Address(h, d));
  h.SetX(d.rd, static_cast<uint64_t>(static_cast<int64_t>(v)));
  return Step::kNext;
}

template <typename T>
Step StoreX(Hart& h, const DecodedInsn& d) {
  h.Store<T>(Address(h, d), static_cast<T>(h.X(d.rs2)));
  return Step::kNext;
}

}  // namespace

Step ExecLb(Hart& h, const DecodedInsn& d) { return LoadX<int8_t>(h, d); }
Step ExecLh(Hart& h, const DecodedInsn& d) { return LoadX<int16_t>(h, d); }
Step ExecLw(Hart& h, const DecodedInsn& d) { return LoadX<int32_t>(h, d); }
Step ExecLd(Hart& h, const DecodedInsn& d) { return LoadX<int64_t>(h, d); }
Step ExecLbu(Hart& h, const DecodedInsn& d) { return LoadX<uint8_t>(h, d); }
Step ExecLhu(Hart& h, const DecodedInsn& d) { return LoadX<uint16_t>(h, d); }
Step ExecLwu(Hart& h, const DecodedInsn& d) { return LoadX<uint32_t>(h, d); }
Step ExecSb(Hart& h, const DecodedInsn& d) { return StoreX<uint8_t>(h, d); }
Step ExecSh(Hart& h, const DecodedInsn& d) { return StoreX<uint16_t>(h, d); }
Step ExecSw(Hart& h, const DecodedInsn& d) { return StoreX<uint32_t>(h, d); }
Step ExecSd(Hart& h, const DecodedInsn& d) { return StoreX<uint64_t>(h, d); }

// flw NaN-boxes the loaded single; fsw stores the register's low 32 bits
// whether or not they are properly boxed (the F chapter: "FSW ... stores the
// bits unmodified"). No FP computation, so no rounding mode and no flags.
Step ExecFlw(Hart& h, const DecodedInsn& d) {
  h.cpu.f[d.rd] = NanBox32(h.Load<uint32_t>(Address(h, d)));
  return Step::kNext;
}
Step ExecFsw(Hart& h, const DecodedInsn& d) {
  h.Store<uint32_t>(Address(h, d), static_cast<uint32_t>(h.cpu.f[d.rs2]));
  return Step::kNext;
}
Step ExecFld(Hart& h, const DecodedInsn& d) {
  h.cpu.f[d.rd] = h.Load<uint64_t>(Address(h, d));
  return Step::kNext;
}
Step ExecFsd(Hart& h, const DecodedInsn& d) {
  h.Store<uint64_t>(Address(h, d), h.cpu.f[d.rs2]);
  return Step::kNext;
}

}  // namespace dbt::riscv::interp
