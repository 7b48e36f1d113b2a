#include "services/translator/ir/opcode.h"

#include <array>
#include <string>

namespace dbt::ir {
namespace {

// "QemuLd" -> "qemu_ld", at compile time, so the table has no other spelling.
template <size_t N>
struct SnakeName {
  char text[2 * N] = {};
  size_t size = 0;
  constexpr explicit SnakeName(const char (&camel)[N]) {
    for (size_t i = 0; i + 1 < N; ++i) {
      char c = camel[i];
      if (c >= 'A' && c <= 'Z') {
        if (i != 0) text[size++] = '_';
        c = static_cast<char>(c - 'A' + 'a');
      }
      text[size++] = c;
    }
  }
  constexpr std::string_view view() const { return {text, size}; }
};

#define DBT_IR_OP(name, n_out, n_in, n_const, flags) constexpr SnakeName k##name##Snake(#name);
#include "services/translator/ir/opcodes.inc"
#undef DBT_IR_OP

constexpr std::array<OpInfo, kNumOpcodes> kOpInfos = {{
#define DBT_IR_OP(name, n_out, n_in, n_const, flags) \
  {k##name##Snake.view(), n_out, n_in, n_const, flags},
#include "services/translator/ir/opcodes.inc"
#undef DBT_IR_OP
}};

}  // namespace

const OpInfo& GetOpInfo(Opcode opc) { return kOpInfos[static_cast<size_t>(opc)]; }

std::string_view CondName(Cond c) {
  static constexpr std::string_view kNames[kNumConds] = {"eq", "ne",  "lt",  "ge",  "le",
                                                         "gt", "ltu", "geu", "leu", "gtu"};
  return kNames[static_cast<int>(c)];
}

Cond InvertCond(Cond c) {
  static constexpr Cond kInverse[kNumConds] = {Cond::kNe,  Cond::kEq, Cond::kGe,  Cond::kLt,
                                               Cond::kGt,  Cond::kLe, Cond::kGeu, Cond::kLtu,
                                               Cond::kGtu, Cond::kLeu};
  return kInverse[static_cast<int>(c)];
}

Cond SwapCond(Cond c) {
  static constexpr Cond kSwapped[kNumConds] = {Cond::kEq,  Cond::kNe, Cond::kGt,  Cond::kLe,
                                               Cond::kGe,  Cond::kLt, Cond::kGtu, Cond::kLeu,
                                               Cond::kGeu, Cond::kLtu};
  return kSwapped[static_cast<int>(c)];
}

std::string_view MemOpName(uint64_t memop) {
  static constexpr std::string_view kNames[] = {"u8", "u16", "u32", "u64", "s8", "s16", "s32"};
  return MemOpValid(memop) ? kNames[memop] : "bad_memop";
}

}  // namespace dbt::ir
