#include "services/translator/backend/x86_64/constraints.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace dbt::backend::x86_64 {
namespace {

using ir::Opcode;

// One row per opcode: outputs, inputs and scratch registers, each a list of
// space-separated constraint strings (letters in constraints.h).
struct ConstraintRow {
  Opcode opc;
  AllocKind kind;
  const char* outs;
  const char* ins;
  const char* scratch;
};

constexpr AllocKind S = AllocKind::kStandard;
constexpr AllocKind N = AllocKind::kNoArgs;

constexpr ConstraintRow kRows[] = {
    {Opcode::kMov, AllocKind::kMov, "r", "r", ""},
    {Opcode::kMovi, AllocKind::kMovi, "r", "", ""},
    // add: `add o, b` when o is a's register, else `lea o, [a + b]`.
    {Opcode::kAdd, S, "r", "r rim", ""},
    // sub/logic: `op o, b` with o = a's register.
    {Opcode::kSub, S, "r", "0 rim", ""},
    {Opcode::kNeg, S, "r", "0", ""},
    {Opcode::kMul, S, "r", "0 rim", ""},
    // mul b: rdx:rax = rax * b.
    {Opcode::kMulu2, S, "a d", "0 Rm", ""},
    {Opcode::kMuls2, S, "a d", "0 Rm", ""},
    {Opcode::kMuluh, S, "d", "a! Rm", ""},
    {Opcode::kMulsh, S, "d", "a! Rm", ""},
    // add lo, bl; adc hi, bh.
    {Opcode::kAdd2, S, "r r", "0 1 ri ri", ""},
    {Opcode::kSub2, S, "r r", "0 1 ri ri", ""},
    // div b: rax = rdx:rax / b, rdx = remainder.
    {Opcode::kDiv, S, "a", "0 R", "d"},
    {Opcode::kDivu, S, "a", "0 R", "d"},
    {Opcode::kRem, S, "d", "a! R", ""},
    {Opcode::kRemu, S, "d", "a! R", ""},
    {Opcode::kAnd, S, "r", "0 rim", ""},
    {Opcode::kOr, S, "r", "0 rim", ""},
    {Opcode::kXor, S, "r", "0 rim", ""},
    {Opcode::kNot, S, "r", "0", ""},
    // not o (= b); and o, a.
    {Opcode::kAndc, S, "r", "r 0", ""},
    // shifts: count in cl or imm8.
    {Opcode::kShl, S, "r", "0 cI", ""},
    {Opcode::kShr, S, "r", "0 cI", ""},
    {Opcode::kSar, S, "r", "0 cI", ""},
    {Opcode::kRotl, S, "r", "0 cI", ""},
    {Opcode::kRotr, S, "r", "0 cI", ""},
    {Opcode::kExt8s, S, "r", "rm", ""},
    {Opcode::kExt8u, S, "r", "rm", ""},
    {Opcode::kExt16s, S, "r", "rm", ""},
    {Opcode::kExt16u, S, "r", "rm", ""},
    {Opcode::kExt32s, S, "r", "rm", ""},
    {Opcode::kExt32u, S, "r", "rm", ""},
    // bsr/bsf + cmov of the zero-input result from a scratch.
    {Opcode::kClz, S, "r", "r", "r"},
    {Opcode::kCtz, S, "r", "r", "r"},
    {Opcode::kBswap, S, "r", "0", ""},
    {Opcode::kSetcond, S, "r", "r rim", ""},
    // cmp c1, c2; cmovcc o (= v2), v1.
    {Opcode::kMovcond, S, "r", "r rim rm 0", ""},
    {Opcode::kBr, N, "", "", ""},
    {Opcode::kBrcond, S, "", "r rim", ""},
    {Opcode::kSetLabel, N, "", "", ""},
    // [r14 + addr] with addr a register or a sign-extended disp32.
    {Opcode::kQemuLd, S, "r", "ri", ""},
    {Opcode::kQemuSt, S, "", "ri ri", ""},
    {Opcode::kLd, S, "r", "", ""},
    {Opcode::kSt, S, "", "ri", ""},
    {Opcode::kMb, N, "", "", ""},
    {Opcode::kCall, AllocKind::kCall, "", "", ""},
    {Opcode::kInsnStart, N, "", "", ""},
    {Opcode::kTbStart, N, "", "", ""},
    {Opcode::kGotoTb, N, "", "", ""},
    {Opcode::kExitTb, N, "", "", ""},
    {Opcode::kLookupAndGotoPtr, S, "", "r", "r"},
};

[[noreturn]] void BadRow(Opcode opc, const char* why) {
  fprintf(stderr, "backend constraints for %s: %s\n", std::string(ir::OpName(opc)).c_str(), why);
  abort();
}

// Splits "0 ri" into "0", "ri"; returns the count.
template <size_t N>
int Split(const char* text, std::array<std::string_view, N>& parts) {
  int n = 0;
  std::string_view s(text);
  while (!s.empty()) {
    size_t space = s.find(' ');
    std::string_view part = s.substr(0, space);
    if (!part.empty()) {
      if (n == static_cast<int>(N)) return -1;
      parts[n++] = part;
    }
    if (space == std::string_view::npos) break;
    s.remove_prefix(space + 1);
  }
  return n;
}

ArgConstraint ParseArg(Opcode opc, std::string_view text) {
  ArgConstraint c;
  for (char ch : text) {
    switch (ch) {
      case 'r':
        c.regs |= kAllocatable;
        break;
      case 'R':
        c.regs |= kAllocatable & ~(Bit(kRax) | Bit(kRdx));
        break;
      case 'a':
        c.regs |= Bit(kRax);
        break;
      case 'c':
        c.regs |= Bit(kRcx);
        break;
      case 'd':
        c.regs |= Bit(kRdx);
        break;
      case 'i':
        c.imm = ImmKind::kS32;
        break;
      case 'I':
        c.imm = ImmKind::kAny;
        break;
      case 'm':
        c.mem = true;
        break;
      case '!':
        c.clobbered = true;
        break;
      case '&':
        c.new_reg = true;
        break;
      case '0':
      case '1':
        c.alias = static_cast<int8_t>(ch - '0');
        c.clobbered = true;
        break;
      default:
        BadRow(opc, "unknown constraint letter");
    }
  }
  return c;
}

struct Table {
  std::array<OpConstraints, ir::kNumOpcodes> ops{};
  std::array<bool, ir::kNumOpcodes> present{};

  Table() {
    for (const ConstraintRow& row : kRows) {
      OpConstraints& c = ops[static_cast<size_t>(row.opc)];
      present[static_cast<size_t>(row.opc)] = true;
      c.kind = row.kind;
      std::array<std::string_view, kMaxConstraintOuts> outs;
      std::array<std::string_view, kMaxConstraintIns> ins;
      std::array<std::string_view, kMaxScratch> scratch;
      int n_out = Split(row.outs, outs), n_in = Split(row.ins, ins),
          n_scratch = Split(row.scratch, scratch);
      if (n_out < 0 || n_in < 0 || n_scratch < 0) BadRow(row.opc, "too many arguments");
      c.n_out = static_cast<uint8_t>(n_out);
      c.n_in = static_cast<uint8_t>(n_in);
      c.n_scratch = static_cast<uint8_t>(n_scratch);
      for (int i = 0; i < n_out; ++i) c.outs[i] = ParseArg(row.opc, outs[i]);
      for (int i = 0; i < n_scratch; ++i) c.scratch[i] = ParseArg(row.opc, scratch[i]);
      for (int i = 0; i < n_in; ++i) {
        ArgConstraint in = ParseArg(row.opc, ins[i]);
        if (in.alias >= 0) {
          if (in.alias >= n_out) BadRow(row.opc, "alias of a missing output");
          in.regs = c.outs[in.alias].regs;
          c.outs[in.alias].alias = static_cast<int8_t>(i);
        }
        c.ins[i] = in;
      }
      if (c.kind == AllocKind::kStandard) {
        const ir::OpInfo& info = ir::GetOpInfo(row.opc);
        if (info.n_out != c.n_out || info.n_in != c.n_in) BadRow(row.opc, "counts differ");
      }
    }
    for (int i = 0; i < ir::kNumOpcodes; ++i) {
      if (!present[i]) BadRow(static_cast<Opcode>(i), "missing row");
    }
  }
};

}  // namespace

const OpConstraints& ConstraintsFor(ir::Opcode opc) {
  static const Table* table = new Table();
  return table->ops[static_cast<size_t>(opc)];
}

}  // namespace dbt::backend::x86_64
