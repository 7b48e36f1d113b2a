// The IR of one translation block: a list of ops over temps and labels.
//
// Temps (TempKind) differ in where their value lives and how long it is
// valid; the verifier enforces the scopes:
//   kGlobal  a guest register in the env block at a fixed offset (x1..x31,
//            pc...). Valid everywhere; its canonical home is env memory.
//   kLocal   a TB-local value valid across every basic block of the TB.
//   kNormal  valid only inside the basic block that writes it (it dies at
//            any branch or label).
//   kEbb     valid across conditional branches (in the fall-through path)
//            but dies at the next label or unconditional exit.
//   kFixed   pinned to a host register for the whole TB (only env: the
//            GuestEnv pointer, e.g. to pass &env->cpu.fflags to a helper).
//            Read-only.
//   kConst   an interned 64-bit constant. Read-only.
// All temps are 64-bit.
#ifndef DBT_SERVICES_TRANSLATOR_IR_BLOCK_H_
#define DBT_SERVICES_TRANSLATOR_IR_BLOCK_H_

#include <array>
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/translator/ir/opcode.h"

namespace dbt::ir {

enum class TempKind : uint8_t { kGlobal, kLocal, kNormal, kEbb, kFixed, kConst };

struct Temp {
  uint32_t index = UINT32_MAX;
  bool valid() const { return index != UINT32_MAX; }
  friend bool operator==(Temp a, Temp b) { return a.index == b.index; }
  friend bool operator!=(Temp a, Temp b) { return a.index != b.index; }
};

struct Label {
  uint32_t index = UINT32_MAX;
  friend bool operator==(Label a, Label b) { return a.index == b.index; }
};

struct TempInfo {
  TempKind kind;
  int32_t env_offset = 0;  // kGlobal: byte offset from env.
  uint64_t value = 0;      // kConst: the constant.
  std::string name;        // kGlobal/kFixed: printed name ("x5", "pc", "env").
};

// Per-op liveness results, written by the liveness pass and read by the
// register allocator. Argument i counts outputs first, then inputs.
struct OpLife {
  uint16_t dead = 0;  // bit i: argument i is dead after this op.
  uint8_t sync = 0;   // bit i: output i must also be written to memory.
  bool IsDead(int arg) const { return (dead >> arg) & 1; }
  bool IsSync(int out) const { return (sync >> out) & 1; }
};

struct Op {
  Opcode opc;
  uint8_t n_out = 0;
  uint8_t n_in = 0;
  uint8_t n_const = 0;
  OpLife life;
  // Outputs (temp indices), inputs (temp indices), constants; in that order.
  std::array<uint64_t, kMaxOpArgs> args{};

  Temp out(int i) const { return Temp{static_cast<uint32_t>(args[i])}; }
  Temp in(int i) const { return Temp{static_cast<uint32_t>(args[n_out + i])}; }
  uint64_t carg(int i) const { return args[n_out + n_in + i]; }
  void set_out(int i, Temp t) { args[i] = t.index; }
  void set_in(int i, Temp t) { args[n_out + i] = t.index; }
  void set_carg(int i, uint64_t v) { args[n_out + n_in + i] = v; }
  int n_temps() const { return n_out + n_in; }
  Cond cond() const { return static_cast<Cond>(carg(0)); }  // setcond, movcond, brcond
  Label label() const {                                     // br, set_label: carg0; brcond: carg1
    return Label{static_cast<uint32_t>(opc == Opcode::kBrcond ? carg(1) : carg(0))};
  }
};

// Makes an op with the table's argument counts (or the given ones for a
// variadic op); arguments are filled in by the caller.
Op MakeOp(Opcode opc);
Op MakeCallOp(int n_out, int n_in);

// True when deleting the op (with all outputs dead) changes nothing.
bool OpHasSideEffects(const Op& op);

class Block {
 public:
  explicit Block(uint64_t guest_pc = 0);

  uint64_t guest_pc() const { return guest_pc_; }

  // Temps. Globals and constants are interned: asking twice for the same
  // offset or value gives the same temp.
  Temp NewTemp(TempKind kind = TempKind::kNormal);
  Temp Global(int32_t env_offset, std::string_view name);
  Temp Const(uint64_t value);
  Temp Env();  // The fixed temp holding the GuestEnv pointer.

  Label NewLabel();

  const TempInfo& temp(Temp t) const { return temps_[t.index]; }
  TempKind kind(Temp t) const { return temps_[t.index].kind; }
  bool IsConst(Temp t) const { return kind(t) == TempKind::kConst; }
  uint64_t ConstValue(Temp t) const { return temps_[t.index].value; }
  size_t num_temps() const { return temps_.size(); }
  size_t num_labels() const { return num_labels_; }

  std::vector<Op>& ops() { return ops_; }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  uint64_t guest_pc_;
  std::vector<TempInfo> temps_;
  std::unordered_map<int32_t, uint32_t> globals_by_offset_;
  std::unordered_map<uint64_t, uint32_t> consts_by_value_;
  uint32_t env_temp_ = UINT32_MAX;
  uint32_t num_labels_ = 0;
  std::vector<Op> ops_;
};

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_BLOCK_H_
