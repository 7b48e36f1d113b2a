// The instruction handlers: one per instruction family, each in its own
// file, found through a table indexed by the decoder's Opcode.
//
// A handler emits the IR of one decoded instruction. `param` is the
// family's own datum for the opcode (an index into the family's table of
// forms, a helper id...), so one handler serves every opcode of its family
// and the differences between opcodes stay data.
//
// Families (file: opcodes):
//   int_alu.cc     lui auipc, register-immediate and register-register
//                  RV64I arithmetic, logic, shifts, compares, W forms
//   mul_div.cc     M
//   load_store.cc  integer and F/D loads and stores
//   branch.cc      conditional branches, jal, jalr
//   system.cc      ecall ebreak fence fence.tso fence.i, illegal
//   csr.cc         Zicsr
//   atomic.cc      A: lr sc amo*
//   fp_compute.cc  F/D operations done by fpu.h helpers: arithmetic, fused
//                  multiply-add, min/max, compares, fclass, conversions
//   fp_sign.cc     F/D operations done inline: sign injection, fmv.*
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_HANDLERS_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_HANDLERS_H_

#include <array>
#include <cstdint>

#include "common/riscv/decoder.h"
#include "services/translator/frontend/riscv/context.h"

namespace dbt::frontend::riscv {

using InsnHandler = void (*)(TranslationContext& ctx, const rv::DecodedInsn& insn, uint32_t param);

struct HandlerEntry {
  InsnHandler handler = nullptr;
  uint32_t param = 0;
};

class HandlerTable {
 public:
  // Each opcode is claimed by exactly one family (checked: a second claim
  // aborts at start-up, and handlers_test checks every opcode is claimed).
  void Set(rv::Opcode op, InsnHandler handler, uint32_t param);
  const HandlerEntry& operator[](rv::Opcode op) const { return entries_[static_cast<size_t>(op)]; }

 private:
  std::array<HandlerEntry, rv::kNumOpcodes> entries_{};
};

// The table, built on first use from every family's registration.
const HandlerTable& Handlers();

// One per family file.
void RegisterIntAlu(HandlerTable& table);
void RegisterMulDiv(HandlerTable& table);
void RegisterLoadStore(HandlerTable& table);
void RegisterBranch(HandlerTable& table);
void RegisterSystem(HandlerTable& table);
void RegisterCsr(HandlerTable& table);
void RegisterAtomic(HandlerTable& table);
void RegisterFpCompute(HandlerTable& table);
void RegisterFpSign(HandlerTable& table);

// fp_compute.cc leaves these to fp_sign.cc.
bool IsInlineFpOp(rv::Opcode op);

}  // namespace dbt::frontend::riscv

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_HANDLERS_H_
