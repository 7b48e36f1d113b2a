// The forward-pass register allocator (QEMU's tcg_reg_alloc_* in our words).
//
// Each temp's value lives in a host register, in memory (a global's env
// slot, or a spill slot of the frame for other temps) or is a known
// constant that has not been materialized. For every op the allocator
// places the inputs where the op's constraints (constraints.h) want them,
// picks scratch and output registers, and emits the moves, loads and
// spills that takes; the op's emitter then writes the instruction(s) and
// EndOp applies the liveness results (SYNC: store the output to memory;
// DEAD: release its register).
//
// Invariants:
// - At a label, after br/goto_tb and at every TB exit, nothing is in a
//   register: globals and locals are in memory, normal and ebb temps are
//   dead (SaveAll). At a conditional branch globals and locals are written
//   back but stay in registers for the fall-through path (Sync).
// - Before a guest memory access globals are written back; before a call,
//   caller-saved registers are spilled and globals synced/dropped as the
//   helper's flags require.
// - A local temp keeps one spill slot for the whole TB (states merging at
//   labels must agree on it); normal/ebb slots are reused once dead.
// - Hot guest registers could later live in host registers across TBs: the
//   TB-boundary state is set in exactly two places, StartTb and SaveAll.
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_REG_ALLOC_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_REG_ALLOC_H_

#include <array>
#include <cstdint>
#include <vector>

#include <xbyak/xbyak.h>

#include "services/translator/backend/x86_64/constraints.h"
#include "services/translator/backend/x86_64/host_regs.h"
#include "services/translator/backend/x86_64/operand.h"
#include "services/translator/ir/block.h"

namespace dbt::backend::x86_64 {

class RegAlloc {
 public:
  RegAlloc(const ir::Block& block, Xbyak::CodeGenerator& gen);

  // --- Standard ops ---
  // Allocates inputs, scratch and outputs of op per c, emitting the moves
  // needed, and writes back what the op's flags require (conditional
  // branch, guest memory access) before the outputs are bound.
  void BeginOp(const ir::Op& op, const OpConstraints& c, OpOperands& operands);
  // After the op's code: output SYNC/DEAD, unlock.
  void EndOp(const ir::Op& op);

  // --- Ops the allocator implements itself ---
  void Mov(const ir::Op& op);
  void Movi(const ir::Op& op);
  // Arguments into rdi, rsi, ...; caller-saved registers spilled; globals
  // synced/dropped per the helper flags. The caller emits the call, then
  // EndCall binds the result (rax).
  void BeginCall(const ir::Op& op);
  void EndCall(const ir::Op& op);

  // --- Basic-block boundaries ---
  // Writes back dirty globals (and locals) but keeps registers.
  void Sync(bool locals_too);
  // Writes back everything and forgets all registers (labels, exits).
  // leaving_tb: control never comes back into this TB (exit_tb,
  // lookup_and_goto_ptr): locals are dead and are not written.
  void SaveAll(bool leaving_tb = false);
  static bool LeavesTb(ir::Opcode opc) {
    return ir::HasFlag(opc, ir::kOpBbExit) && ir::HasFlag(opc, ir::kOpNoFallthrough);
  }

  // False when the TB needed more spill slots than the frame has.
  bool spills_fit() const { return !spill_overflow_; }
  // False when an op's constraints could not be met (a bug in the tables,
  // reported instead of emitting wrong code).
  bool constraints_met() const { return !constraint_failure_; }
  int spill_slots_used() const { return max_slots_; }

 private:
  enum class Loc : uint8_t { kDead, kReg, kMem, kConst };
  struct TempState {
    Loc loc = Loc::kDead;
    HostReg reg = kRax;
    bool mem_coherent = false;  // memory holds the current value
    uint64_t value = 0;         // Loc::kConst
    int16_t slot = -1;          // spill slot (non-globals)
  };
  static constexpr uint32_t kNoTemp = UINT32_MAX;

  ir::TempKind Kind(uint32_t t) const { return block_.kind(ir::Temp{t}); }
  bool IsConstTemp(uint32_t t) const { return Kind(t) == ir::TempKind::kConst; }
  bool IsFixed(uint32_t t) const { return Kind(t) == ir::TempKind::kFixed; }
  bool IsGlobal(uint32_t t) const { return Kind(t) == ir::TempKind::kGlobal; }

  Xbyak::RegExp HomeOf(uint32_t t);  // env slot (globals) or spill slot
  Xbyak::Address MemOf(uint32_t t);
  int16_t NewSlot();
  void MovImm(HostReg r, uint64_t v);
  void LoadInto(uint32_t t, HostReg r);
  void Store(uint32_t t);
  void Bind(uint32_t t, HostReg r);
  void Unbind(uint32_t t);
  void Evict(HostReg r);
  void TempDead(uint32_t t);
  void SetConst(uint32_t t, uint64_t v);
  // A register from allowed & ~avoid: a free one in kAllocOrder, else the
  // cheapest unlocked victim (a cached constant, then a clean value, then
  // a dirty one, which is spilled).
  // Global t, in memory and read_again later in the TB, is loaded into a
  // free register of `allowed` and bound there (coherent with memory), as
  // TCG keeps globals; nothing happens when none is free. Called for every
  // input (AllocInput) and for mov's source: the one place globals get cached.
  void KeepGlobalInReg(uint32_t t, bool read_again, RegSet allowed);
  // A register in `allowed` that holds nothing and is not locked.
  bool HasFreeReg(RegSet allowed) const;
  HostReg AllocReg(RegSet allowed, RegSet avoid);
  static constexpr HostReg kNoReg = static_cast<HostReg>(0xff);
  HostReg PreferredOutputReg(const ir::Op& op, const OpOperands& operands, RegSet allowed,
                             RegSet avoid) const;
  Operand AllocInput(const ir::Op& op, int i, const ArgConstraint& c);
  void FinishOutputs(const ir::Op& op);

  const ir::Block& block_;
  Xbyak::CodeGenerator& gen_;
  std::vector<TempState> temps_;
  std::vector<uint32_t> globals_and_locals_;
  std::array<uint32_t, kNumHostRegs> reg_to_temp_;
  RegSet locked_ = 0;  // registers the current op reads or writes
  std::vector<int16_t> free_slots_;
  int16_t max_slots_ = 0;
  bool spill_overflow_ = false;
  bool constraint_failure_ = false;
};

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_REG_ALLOC_H_
