#include "services/translator/backend/x86_64/reg_alloc.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "common/codegen/frame.h"

namespace dbt::backend::x86_64 {

using ir::TempKind;

RegAlloc::RegAlloc(const ir::Block& block, Xbyak::CodeGenerator& gen)
    : block_(block), gen_(gen), temps_(block.num_temps()) {
  reg_to_temp_.fill(kNoTemp);
  // TB entry state: globals in env memory, constants known, the rest dead.
  for (uint32_t t = 0; t < temps_.size(); ++t) {
    switch (Kind(t)) {
      case TempKind::kGlobal:
        temps_[t].loc = Loc::kMem;
        temps_[t].mem_coherent = true;
        globals_and_locals_.push_back(t);
        break;
      case TempKind::kLocal:
        globals_and_locals_.push_back(t);
        break;
      case TempKind::kConst:
        temps_[t].loc = Loc::kConst;
        temps_[t].value = block.ConstValue(ir::Temp{t});
        break;
      default:
        break;
    }
  }
}

int16_t RegAlloc::NewSlot() {
  if (!free_slots_.empty()) {
    int16_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  if (max_slots_ == codegen::kSpillSlots) {
    spill_overflow_ = true;  // the TB is rejected; keep emitting harmlessly
    return 0;
  }
  return max_slots_++;
}

Xbyak::RegExp RegAlloc::HomeOf(uint32_t t) {
  if (IsGlobal(t)) return Xbyak::util::rbp + block_.temp(ir::Temp{t}).env_offset;
  TempState& s = temps_[t];
  if (s.slot < 0) s.slot = NewSlot();
  return Xbyak::util::rsp + s.slot * 8;
}

Xbyak::Address RegAlloc::MemOf(uint32_t t) { return gen_.qword[HomeOf(t)]; }

void RegAlloc::MovImm(HostReg r, uint64_t v) {
  if (v == 0) {
    gen_.xor_(Reg32(r), Reg32(r));  // flags clobbered: never between a compare and its use
  } else {
    gen_.mov(Reg64(r), v);  // xbyak picks mov r32, imm32 / simm32 / imm64
  }
}

void RegAlloc::LoadInto(uint32_t t, HostReg r) {
  if (IsFixed(t)) {
    gen_.mov(Reg64(r), Reg64(kEnvReg));
    return;
  }
  TempState& s = temps_[t];
  switch (s.loc) {
    case Loc::kReg:
      if (s.reg != r) gen_.mov(Reg64(r), Reg64(s.reg));
      break;
    case Loc::kMem:
      gen_.mov(Reg64(r), MemOf(t));
      break;
    case Loc::kConst:
      MovImm(r, s.value);
      break;
    case Loc::kDead:
      break;  // A local read before any write: its value is undefined.
  }
}

void RegAlloc::Store(uint32_t t) {
  TempState& s = temps_[t];
  if (s.loc == Loc::kReg) {
    gen_.mov(MemOf(t), Reg64(s.reg));
  } else if (s.loc == Loc::kConst) {
    Xbyak::RegExp home = HomeOf(t);
    if (static_cast<int64_t>(s.value) == static_cast<int32_t>(s.value)) {
      gen_.mov(gen_.qword[home], s.value);  // sign-extended imm32
    } else {
      // Two dword stores need no register (rare: large constants).
      gen_.mov(gen_.dword[home], static_cast<uint32_t>(s.value));
      gen_.mov(gen_.dword[home + 4], static_cast<uint32_t>(s.value >> 32));
    }
  } else {
    return;
  }
  s.mem_coherent = true;
}

void RegAlloc::Bind(uint32_t t, HostReg r) {
  if (reg_to_temp_[r] != kNoTemp) constraint_failure_ = true;
  reg_to_temp_[r] = t;
  temps_[t].loc = Loc::kReg;
  temps_[t].reg = r;
}

void RegAlloc::Unbind(uint32_t t) {
  TempState& s = temps_[t];
  if (s.loc == Loc::kReg) reg_to_temp_[s.reg] = kNoTemp;
}

// Frees r: its temp goes back to memory (written first if dirty) or, for a
// cached constant, to being a constant.
void RegAlloc::Evict(HostReg r) {
  uint32_t t = reg_to_temp_[r];
  if (t == kNoTemp) return;
  TempState& s = temps_[t];
  if (IsConstTemp(t)) {
    s.loc = Loc::kConst;
  } else {
    if (!s.mem_coherent) Store(t);
    s.loc = Loc::kMem;
  }
  reg_to_temp_[r] = kNoTemp;
}

void RegAlloc::TempDead(uint32_t t) {
  if (IsFixed(t)) return;
  TempState& s = temps_[t];
  Unbind(t);
  switch (Kind(t)) {
    case TempKind::kConst:
      s.loc = Loc::kConst;
      break;
    case TempKind::kGlobal:
      // Liveness wrote it back at its definition if memory needs it.
      s.loc = Loc::kMem;
      s.mem_coherent = true;
      break;
    case TempKind::kLocal:
      s.loc = Loc::kDead;  // keeps its slot: states merging at labels share it
      break;
    default:
      s.loc = Loc::kDead;
      if (s.slot >= 0) free_slots_.push_back(s.slot);
      s.slot = -1;
      break;
  }
}

void RegAlloc::SetConst(uint32_t t, uint64_t v) {
  Unbind(t);
  TempState& s = temps_[t];
  s.loc = Loc::kConst;
  s.value = v;
  s.mem_coherent = false;
}

void RegAlloc::KeepGlobalInReg(uint32_t t, bool read_again, RegSet allowed) {
  if (!read_again || !IsGlobal(t) || IsFixed(t) || temps_[t].loc != Loc::kMem) return;
  if (!HasFreeReg(allowed)) return;  // never evict for a cache
  const HostReg r = AllocReg(allowed, locked_);
  gen_.mov(Reg64(r), MemOf(t));
  Bind(t, r);
  temps_[t].mem_coherent = true;
}

bool RegAlloc::HasFreeReg(RegSet allowed) const {
  for (HostReg r : kAllocOrder) {
    if ((allowed & Bit(r)) && reg_to_temp_[r] == kNoTemp && !(locked_ & Bit(r))) return true;
  }
  return false;
}

HostReg RegAlloc::AllocReg(RegSet allowed, RegSet avoid) {
  RegSet candidates = allowed & ~avoid;
  for (HostReg r : kAllocOrder) {
    if ((candidates & Bit(r)) && reg_to_temp_[r] == kNoTemp && !(locked_ & Bit(r))) return r;
  }
  // No free register: evict the cheapest unlocked one.
  int best = -1, best_cost = 3;
  for (HostReg r : kAllocOrder) {
    if (!(candidates & Bit(r)) || (locked_ & Bit(r))) continue;
    uint32_t t = reg_to_temp_[r];
    if (t == kNoTemp) continue;
    int cost = IsConstTemp(t) ? 0 : temps_[t].mem_coherent ? 1 : 2;
    if (cost < best_cost) {
      best = r;
      best_cost = cost;
      if (cost == 0) break;
    }
  }
  if (best < 0) {
    // A constraint table bug: no register can be had. The TB is rejected
    // (ok() is false); keep emitting harmlessly until the end.
    constraint_failure_ = true;
    return static_cast<HostReg>(kAllocOrder[0]);
  }
  Evict(static_cast<HostReg>(best));
  return static_cast<HostReg>(best);
}

Operand RegAlloc::AllocInput(const ir::Op& op, int i, const ArgConstraint& c) {
  const uint32_t t = op.in(i).index;
  TempState& s = temps_[t];
  Operand o;
  if (!IsFixed(t) && s.loc == Loc::kConst && c.AllowsImm(s.value)) {
    o.is_imm = true;
    o.imm = static_cast<int64_t>(s.value);
    return o;
  }
  // A global read again later in the TB is loaded and kept, as TCG does:
  // the later reads then skip the reload, which after a guest store can
  // stall (docs/ARCHITECTURE.md, "Host code: measured choices").
  // An input the op overwrites is cached in a register of its own (the op
  // gets a copy); any other directly in one the op takes.
  KeepGlobalInReg(t, !op.life.IsDead(op.n_out + i), c.clobbered ? kAllocatable : c.regs);
  if (c.mem && IsGlobal(t) && s.loc == Loc::kMem) {
    // Its last read in the TB (or no register was free): read in place.
    o.is_mem = true;
    o.mem = HomeOf(t);
    return o;
  }
  if (c.clobbered) {
    // The op overwrites this register: take the temp's own register only
    // if the value dies here and no other input of the op reads it.
    int uses = 0;
    for (int j = 0; j < op.n_in; ++j) uses += op.in(j).index == t;
    if (!IsFixed(t) && !IsConstTemp(t) && s.loc == Loc::kReg && (c.regs & Bit(s.reg)) &&
        !(locked_ & Bit(s.reg)) && op.life.IsDead(op.n_out + i) && uses == 1) {
      o.reg = s.reg;
    } else {
      o.reg = AllocReg(c.regs, locked_);
      LoadInto(t, o.reg);  // an unbound copy, owned by this op
    }
    locked_ |= Bit(o.reg);
    return o;
  }
  if (IsFixed(t)) {
    if (c.regs == kAllocatable) {
      o.reg = kEnvReg;
    } else {
      o.reg = AllocReg(c.regs, locked_);
      LoadInto(t, o.reg);
    }
  } else if (s.loc == Loc::kReg && (c.regs & Bit(s.reg))) {
    o.reg = s.reg;
  } else if (s.loc == Loc::kReg) {
    o.reg = AllocReg(c.regs, locked_);
    gen_.mov(Reg64(o.reg), Reg64(s.reg));  // copy; the temp stays where it is
  } else {
    o.reg = AllocReg(c.regs, locked_);
    LoadInto(t, o.reg);
    bool coherent = s.mem_coherent || s.loc == Loc::kMem;
    Bind(t, o.reg);
    s.mem_coherent = coherent;
  }
  locked_ |= Bit(o.reg);
  return o;
}

void RegAlloc::BeginOp(const ir::Op& op, const OpConstraints& c, OpOperands& operands) {
  locked_ = 0;
  // Inputs that need one specific register first, then those the op
  // overwrites, then the rest: a later choice never steals an earlier one.
  std::array<int, kMaxConstraintIns> order;
  int n = 0;
  for (int pass = 0; pass < 3; ++pass) {
    for (int i = 0; i < c.n_in; ++i) {
      const ArgConstraint& a = c.ins[i];
      int rank = a.IsSingleReg() ? 0 : a.clobbered ? 1 : 2;
      if (rank == pass) order[n++] = i;
    }
  }
  RegSet input_regs = 0;
  for (int k = 0; k < c.n_in; ++k) {
    int i = order[k];
    operands.ins[i] = AllocInput(op, i, c.ins[i]);
    if (!operands.ins[i].is_imm && !operands.ins[i].is_mem) input_regs |= Bit(operands.ins[i].reg);
  }
  RegSet scratch_regs = 0;
  for (int i = 0; i < c.n_scratch; ++i) {
    operands.scratch[i] = AllocReg(c.scratch[i].regs, locked_);
    locked_ |= Bit(operands.scratch[i]);
    scratch_regs |= Bit(operands.scratch[i]);
  }
  // Inputs that die here free their registers for the outputs (emitters
  // read every input before writing an output, unless it is '&').
  for (int i = 0; i < op.n_in; ++i) {
    if (op.life.IsDead(op.n_out + i)) TempDead(op.in(i).index);
  }
  // Write back before the op what its kind requires.
  const uint32_t flags = ir::GetOpInfo(op.opc).flags;
  if (flags & ir::kOpCondBranch) {
    Sync(/*locals_too=*/true);
  } else if (flags & ir::kOpBbEnd) {
    SaveAll(LeavesTb(op.opc));
  } else if (flags & ir::kOpCanFault) {
    Sync(/*locals_too=*/false);
  }
  RegSet taken = scratch_regs;
  for (int i = 0; i < c.n_out; ++i) {
    const ArgConstraint& a = c.outs[i];
    const uint32_t t = op.out(i).index;
    HostReg r;
    if (a.alias >= 0) {
      r = operands.ins[a.alias].reg;
    } else {
      RegSet avoid = taken | (a.new_reg ? input_regs : 0);
      // Unbound input copies are free but locked; an output may reuse them.
      RegSet saved_lock = locked_;
      locked_ &= ~input_regs;
      for (HostReg in_reg : kAllocOrder) {
        if ((input_regs & Bit(in_reg)) && reg_to_temp_[in_reg] != kNoTemp) {
          locked_ |= Bit(in_reg);  // still bound to a live input
        }
      }
      r = PreferredOutputReg(op, operands, a.regs, avoid);
      if (r == kNoReg) r = AllocReg(a.regs, avoid);
      locked_ = saved_lock;
    }
    // The output's previous register (if any) no longer holds its value.
    if (temps_[t].loc == Loc::kReg && temps_[t].reg != r) Unbind(t);
    if (reg_to_temp_[r] != kNoTemp && reg_to_temp_[r] != t) {
      constraint_failure_ = true;  // an output would overwrite a live value
      Evict(r);
    }
    reg_to_temp_[r] = kNoTemp;  // t itself, if it was still bound here
    Bind(t, r);
    temps_[t].mem_coherent = false;
    operands.outs[i] = r;
    taken |= Bit(r);
    locked_ |= Bit(r);
  }
}

// The register of an input that dies here, if the output may take it:
// the value then stays where it was, and no other register is disturbed.
HostReg RegAlloc::PreferredOutputReg(const ir::Op& op, const OpOperands& operands, RegSet allowed,
                                     RegSet avoid) const {
  for (int i = 0; i < op.n_in; ++i) {
    const Operand& in = operands.ins[i];
    if (in.is_imm || in.is_mem || !op.life.IsDead(op.n_out + i)) continue;
    if ((allowed & ~avoid & Bit(in.reg)) && reg_to_temp_[in.reg] == kNoTemp) return in.reg;
  }
  return kNoReg;
}

void RegAlloc::FinishOutputs(const ir::Op& op) {
  for (int i = 0; i < op.n_out; ++i) {
    uint32_t t = op.out(i).index;
    if (op.life.IsSync(i)) Store(t);
    if (op.life.IsDead(i)) TempDead(t);
  }
}

void RegAlloc::EndOp(const ir::Op& op) {
  FinishOutputs(op);
  locked_ = 0;
}

void RegAlloc::Movi(const ir::Op& op) {
  SetConst(op.out(0).index, op.carg(0));
  FinishOutputs(op);
}

void RegAlloc::Mov(const ir::Op& op) {
  const uint32_t dst = op.out(0).index, src = op.in(0).index;
  locked_ = 0;
  if (dst == src) {
    FinishOutputs(op);
    return;
  }
  TempState& s = temps_[src];
  const bool src_dies = op.life.IsDead(1);
  // A global copied and read again later: keep it in a register too.
  if (!IsConstTemp(src)) KeepGlobalInReg(src, !src_dies, kAllocatable);
  if (IsConstTemp(src)) {
    SetConst(dst, block_.ConstValue(ir::Temp{src}));
  } else if (IsFixed(src)) {
    HostReg r = AllocReg(kAllocatable, 0);
    Unbind(dst);
    gen_.mov(Reg64(r), Reg64(kEnvReg));
    Bind(dst, r);
    temps_[dst].mem_coherent = false;
  } else if (s.loc == Loc::kConst || s.loc == Loc::kDead) {
    SetConst(dst, s.loc == Loc::kConst ? s.value : 0);
    if (src_dies) TempDead(src);
  } else if (s.loc == Loc::kReg && src_dies && !IsConstTemp(src)) {
    // The value moves with its register: no code.
    HostReg r = s.reg;
    TempDead(src);
    Unbind(dst);
    Bind(dst, r);
    temps_[dst].mem_coherent = false;
  } else if (s.loc == Loc::kReg && op.life.IsDead(0) && op.life.IsSync(0)) {
    // Only memory wants the copy.
    Unbind(dst);
    gen_.mov(MemOf(dst), Reg64(s.reg));
    temps_[dst].loc = IsGlobal(dst) ? Loc::kMem : Loc::kDead;
    temps_[dst].mem_coherent = true;
    if (src_dies) TempDead(src);
    if (!IsGlobal(dst)) TempDead(dst);
    return;
  } else {
    // Copy from a register kept by src, or load src's memory copy straight
    // into dst's new register.
    if (s.loc == Loc::kReg) locked_ |= Bit(s.reg);
    HostReg r = AllocReg(kAllocatable, 0);
    Unbind(dst);
    LoadInto(src, r);
    Bind(dst, r);
    temps_[dst].mem_coherent = false;
    if (src_dies) TempDead(src);
  }
  FinishOutputs(op);
  locked_ = 0;
}

void RegAlloc::BeginCall(const ir::Op& op) {
  locked_ = 0;
  for (int i = 0; i < op.n_in; ++i) {
    const HostReg r = kCallArgRegs[i];
    const uint32_t t = op.in(i).index;
    if (IsFixed(t) || temps_[t].loc != Loc::kReg || temps_[t].reg != r) {
      if (reg_to_temp_[r] != kNoTemp) Evict(r);
      LoadInto(t, r);
    }
    locked_ |= Bit(r);
  }
  for (int i = 0; i < op.n_in; ++i) {
    if (op.life.IsDead(op.n_out + i)) TempDead(op.in(i).index);
  }
  // The helper clobbers caller-saved registers: values living there move
  // to memory (the argument registers keep their contents for the call).
  for (int r = 0; r < kNumHostRegs; ++r) {
    if (kCallerSaved & Bit(static_cast<HostReg>(r))) Evict(static_cast<HostReg>(r));
  }
  const uint64_t flags = op.carg(1);
  if (!(flags & ir::kCallNoWriteGlobals)) {
    // It may write globals: write ours back and reload them after.
    for (uint32_t t : globals_and_locals_) {
      if (!IsGlobal(t)) continue;
      TempState& s = temps_[t];
      if ((s.loc == Loc::kReg || s.loc == Loc::kConst) && !s.mem_coherent) Store(t);
      Unbind(t);
      s.loc = Loc::kMem;
      s.mem_coherent = true;
    }
  } else if (!(flags & ir::kCallNoReadGlobals)) {
    Sync(/*locals_too=*/false);
  }
}

void RegAlloc::EndCall(const ir::Op& op) {
  if (op.n_out == 1) {
    uint32_t t = op.out(0).index;
    Unbind(t);
    Bind(t, kRax);
    temps_[t].mem_coherent = false;
  }
  FinishOutputs(op);
  locked_ = 0;
}

void RegAlloc::Sync(bool locals_too) {
  for (uint32_t t : globals_and_locals_) {
    if (!locals_too && !IsGlobal(t)) continue;
    TempState& s = temps_[t];
    if ((s.loc == Loc::kReg || s.loc == Loc::kConst) && !s.mem_coherent) Store(t);
  }
}

void RegAlloc::SaveAll(bool leaving_tb) {
  Sync(/*locals_too=*/!leaving_tb);
  // Every path into a label leaves globals and locals in memory, so that is
  // their state afterwards (a local dead on the fall-through path may be
  // live on a branch into the label).
  for (uint32_t t : globals_and_locals_) {
    temps_[t].loc = Loc::kMem;
    temps_[t].mem_coherent = true;
  }
  for (int r = 0; r < kNumHostRegs; ++r) {
    uint32_t t = reg_to_temp_[r];
    if (t == kNoTemp) continue;
    reg_to_temp_[r] = kNoTemp;
    switch (Kind(t)) {
      case TempKind::kConst:
        temps_[t].loc = Loc::kConst;
        break;
      case TempKind::kNormal:
      case TempKind::kEbb:
        TempDead(t);
        break;
      default:
        break;  // globals and locals: already Loc::kMem
    }
  }
  // Normal/ebb temps holding a known constant die too.
  for (uint32_t t = 0; t < temps_.size(); ++t) {
    TempKind k = Kind(t);
    if ((k == TempKind::kNormal || k == TempKind::kEbb) && temps_[t].loc != Loc::kDead) {
      TempDead(t);
    }
  }
}

}  // namespace dbt::backend::x86_64
