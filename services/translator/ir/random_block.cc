#include "services/translator/ir/random_block.h"

#include <cstddef>
#include <string>
#include <vector>

#include "services/translator/ir/builder.h"

namespace dbt::ir {
namespace {

uint64_t HelperMix(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f) {
  return (a * 0x9e3779b97f4a7c15ull) ^ (b + 3 * c) ^ (d << 7) ^ (e >> 3) ^ (f * 5);
}

uint64_t HelperReadGlobals(GuestEnv* env, uint64_t v) {
  return env->cpu.x[1] + 2 * env->cpu.x[2] + 3 * env->cpu.x[3] + 4 * env->cpu.x[4] + v;
}

uint64_t HelperWriteGlobals(GuestEnv* env, uint64_t v) {
  env->cpu.x[5] = env->cpu.x[5] * 3 + v;
  env->cpu.x[6] ^= env->cpu.x[5];
  return env->cpu.x[6] + 1;
}

class Generator {
 public:
  Generator(std::mt19937_64& rng, const RandomBlockOptions& o)
      : rng_(rng), o_(o), block_(0x10000 + 4 * Rand(1000)), b_(block_) {}

  Block Run() {
    pc_ = b_.Global(offsetof(GuestEnv, cpu.pc), "pc");
    for (int i = 1; i <= o_.num_globals; ++i) {
      globals_.push_back(b_.Global(8 * i, "x" + std::to_string(i)));
    }
    b_.TbStart();
    b_.InsnStart(block_.guest_pc());
    for (int i = 0; i < 2; ++i) {
      Temp l = b_.NewLocal();
      b_.Mov(l, Pick(globals_));
      locals_.push_back(l);
    }
    std::vector<Temp> kept;  // register pressure: values live to the end
    for (int i = 0; i < o_.live_values; ++i) {
      Temp l = b_.NewLocal();
      b_.Add(l, Pick(globals_), b_.Const(static_cast<uint64_t>(i) * 0x1111));
      kept.push_back(l);
    }
    for (int i = 0; i < o_.num_ops; ++i) {
      if (i % 6 == 5) b_.InsnStart(block_.guest_pc() + 4 * (i / 6 + 1));
      Step();
    }
    for (Label l : pending_labels_) PlaceLabel(l);
    pending_labels_.clear();
    for (size_t i = 0; i < kept.size(); ++i) {
      b_.Xor(globals_[i % globals_.size()], globals_[i % globals_.size()], kept[i]);
    }
    Exit();
    return std::move(block_);
  }

 private:
  uint64_t Rand(uint64_t n) { return rng_() % n; }
  bool Chance(int percent) { return static_cast<int>(Rand(100)) < percent; }
  template <class T>
  T Pick(const std::vector<T>& v) {
    return v[Rand(v.size())];
  }

  uint64_t InterestingConstant() {
    static constexpr uint64_t kValues[] = {0,
                                           1,
                                           2,
                                           63,
                                           64,
                                           0xff,
                                           0x7fffffff,
                                           0x80000000,
                                           0xffffffff,
                                           0x100000000,
                                           0x7fffffffffffffff,
                                           0x8000000000000000,
                                           ~uint64_t{0},
                                           ~uint64_t{0} - 1,
                                           0xfffffffffffff800};
    switch (Rand(3)) {
      case 0:
        return kValues[Rand(std::size(kValues))];
      case 1:
        return Rand(64) - 16;
      default:
        return rng_();
    }
  }

  // A readable value: any in-scope temp or a constant.
  Temp Value() {
    int r = static_cast<int>(Rand(100));
    if (r < 15) return b_.Const(InterestingConstant());
    if (r < 45 || (normals_.empty() && ebbs_.empty())) {
      return Chance(80) ? Pick(globals_) : Pick(locals_);
    }
    if (!normals_.empty() && (ebbs_.empty() || Chance(60))) return Pick(normals_);
    return Pick(ebbs_);
  }

  // A writable destination; new temps join the scope they live in.
  Temp Dest() {
    int r = static_cast<int>(Rand(100));
    if (r < 30) return Pick(globals_);
    if (r < 38) return Pick(locals_);
    if (r < 55) {
      Temp e = b_.NewEbb();
      ebbs_.push_back(e);
      return e;
    }
    Temp t = b_.NewTemp();
    normals_.push_back(t);
    return t;
  }

  void EndOfBasicBlock(bool ebbs_too) {
    normals_.clear();
    if (ebbs_too) ebbs_.clear();
  }

  void PlaceLabel(Label l) {
    if (Chance(25)) EarlyExit();  // code before the label leaves the TB
    b_.SetLabel(l);
    EndOfBasicBlock(true);
  }

  void EarlyExit() {
    b_.Movi(pc_, 0x20000 + 4 * Rand(100));
    b_.ExitTb(kTbExitNoChain);
    EndOfBasicBlock(true);
  }

  Temp GuestAddress(int size) {
    Temp a = b_.NewTemp();
    b_.And(a, Value(), b_.Const(kGuestWindow - 1));
    if (Chance(50)) b_.And(a, a, b_.Const(~static_cast<uint64_t>(size - 1)));
    normals_.push_back(a);
    return a;
  }

  void Step() {
    static constexpr Opcode kBinary[] = {
        Opcode::kAdd,  Opcode::kSub, Opcode::kMul,  Opcode::kMuluh, Opcode::kMulsh, Opcode::kDiv,
        Opcode::kDivu, Opcode::kRem, Opcode::kRemu, Opcode::kAnd,   Opcode::kOr,    Opcode::kXor,
        Opcode::kAndc, Opcode::kShl, Opcode::kShr,  Opcode::kSar,   Opcode::kRotl,  Opcode::kRotr};
    static constexpr Opcode kUnary[] = {Opcode::kMov,    Opcode::kNeg,    Opcode::kNot,
                                        Opcode::kExt8s,  Opcode::kExt8u,  Opcode::kExt16s,
                                        Opcode::kExt16u, Opcode::kExt32s, Opcode::kExt32u,
                                        Opcode::kClz,    Opcode::kCtz,    Opcode::kBswap};
    int r = static_cast<int>(Rand(100));
    if (r < 35) {
      Opcode opc = kBinary[Rand(std::size(kBinary))];
      Temp a = Value(), c = Value();
      b_.Emit(opc, {Dest()}, {a, c});
    } else if (r < 50) {
      Opcode opc = kUnary[Rand(std::size(kUnary))];
      Temp a = Value();
      b_.Emit(opc, {Dest()}, {a});
    } else if (r < 54) {
      b_.Movi(Dest(), InterestingConstant());
    } else if (r < 58) {
      Temp a = Value(), c = Value();
      b_.Setcond(static_cast<Cond>(Rand(kNumConds)), Dest(), a, c);
    } else if (r < 62) {
      Temp c1 = Value(), c2 = Value(), v1 = Value(), v2 = Value();
      b_.Movcond(static_cast<Cond>(Rand(kNumConds)), Dest(), c1, c2, v1, v2);
    } else if (r < 66) {
      Opcode opc = static_cast<Opcode>(static_cast<int>(Opcode::kMulu2) +
                                       static_cast<int>(Rand(2)));  // mulu2/muls2
      Temp a = Value(), c = Value();
      Temp lo = Dest(), hi = Dest();
      if (lo == hi) hi = b_.NewTemp(), normals_.push_back(hi);
      b_.Emit(opc, {lo, hi}, {a, c});
    } else if (r < 69) {
      Temp al = Value(), ah = Value(), bl = Value(), bh = Value();
      Temp lo = Dest(), hi = Dest();
      if (lo == hi) hi = b_.NewTemp(), normals_.push_back(hi);
      b_.Emit(Chance(50) ? Opcode::kAdd2 : Opcode::kSub2, {lo, hi}, {al, ah, bl, bh});
    } else if (r < 77 && o_.memory) {
      MemOp mop = static_cast<MemOp>(Rand(7));
      Temp addr = GuestAddress(MemOpBytes(mop));
      if (Chance(50)) {
        b_.QemuLd(Dest(), addr, mop);
      } else {
        b_.QemuSt(Value(), addr, mop);
      }
    } else if (r < 80) {
      static constexpr int32_t kFields[] = {
          offsetof(GuestEnv, cpu.fflags), offsetof(GuestEnv, cpu.frm),
          offsetof(GuestEnv, cpu.reservation_value), offsetof(GuestEnv, cpu.instret)};
      int32_t off = kFields[Rand(std::size(kFields))];
      MemOp mop = off < static_cast<int32_t>(offsetof(GuestEnv, cpu.reservation_addr))
                      ? static_cast<MemOp>(Rand(3))  // 32-bit fields: up to u32
                      : static_cast<MemOp>(Rand(7));
      if (Chance(50)) {
        b_.Ld(Dest(), off, mop);
      } else {
        b_.St(Value(), off, mop);
      }
    } else if (r < 86 && o_.calls) {
      switch (Rand(3)) {
        case 0: {
          std::vector<Temp> args;
          for (int i = 0; i < 6; ++i) args.push_back(Value());
          Temp d = Dest();
          b_.Call(d, 0, kCallNoReadGlobals | kCallNoWriteGlobals | kCallNoSideEffects, args);
          break;
        }
        case 1: {
          Temp v = Value();
          b_.Call(Dest(), 1, kCallNoWriteGlobals, {b_.Env(), v});
          break;
        }
        default: {
          Temp v = Value();
          if (Chance(50)) {
            b_.Call(2, 0, {b_.Env(), v});
          } else {
            b_.Call(Dest(), 2, 0, {b_.Env(), v});
          }
          break;
        }
      }
    } else if (r < 95 && o_.branches) {
      if (!pending_labels_.empty() && Chance(40)) {
        size_t i = Rand(pending_labels_.size());
        Label l = pending_labels_[i];
        pending_labels_.erase(pending_labels_.begin() + static_cast<long>(i));
        PlaceLabel(l);
        return;
      }
      Label l = b_.NewLabel();
      pending_labels_.push_back(l);
      if (Chance(85)) {
        Temp a = Value(), c = Value();
        b_.Brcond(static_cast<Cond>(Rand(kNumConds)), a, c, l);
        EndOfBasicBlock(false);
      } else {
        b_.Br(l);
        EndOfBasicBlock(true);
        // Unreachable until the next label; the optimizer removes it.
      }
    } else if (r < 97) {
      b_.Mb(static_cast<uint32_t>(Rand(16)));
    } else {
      b_.InsnStart(block_.guest_pc() + 4 * Rand(64));
    }
  }

  void Exit() {
    switch (Rand(4)) {
      case 0:
      case 1: {
        int slot = static_cast<int>(Rand(2));
        b_.GotoTb(slot);
        b_.Movi(pc_, 0x30000 + 4 * Rand(100));
        b_.ExitTb(slot == 0 ? kTbExitSlot0 : kTbExitSlot1);
        break;
      }
      case 2: {
        Temp t = b_.NewTemp();
        b_.And(t, Value(), b_.Const(~uint64_t{1}));
        b_.Mov(pc_, t);
        b_.LookupAndGotoPtr(t);
        break;
      }
      default:
        b_.Movi(pc_, 0x40000);
        b_.ExitTb(kTbExitNoChain);
        break;
    }
  }

  std::mt19937_64& rng_;
  RandomBlockOptions o_;
  Block block_;
  IrBuilder b_;
  Temp pc_;
  std::vector<Temp> globals_, locals_, normals_, ebbs_;
  std::vector<Label> pending_labels_;
};

}  // namespace

Block RandomBlock(std::mt19937_64& rng, const RandomBlockOptions& options) {
  return Generator(rng, options).Run();
}

void InstallRandomBlockHelpers(GuestEnv& env) {
  env.helpers[0] = reinterpret_cast<uint64_t>(&HelperMix);
  env.helpers[1] = reinterpret_cast<uint64_t>(&HelperReadGlobals);
  env.helpers[2] = reinterpret_cast<uint64_t>(&HelperWriteGlobals);
}

}  // namespace dbt::ir
