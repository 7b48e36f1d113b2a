#include "services/translator/frontend/riscv/in_asm.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/riscv/disasm.h"

namespace dbt::frontend::riscv {

std::string FormatInAsm(const TranslatedBlock& tb) {
  std::string text = "IN: \n";
  for (const GuestInsn& g : tb.insns) {
    const std::string raw = g.insn.length == 2 ? absl::StrFormat("%04x    ", g.insn.raw)
                                               : absl::StrFormat("%08x", g.insn.raw);
    absl::StrAppendFormat(&text, "0x%016x:  %s  %s\n", g.pc, raw,
                          dbt::riscv::Disassemble(g.insn, g.pc));
  }
  absl::StrAppend(&text, "\n");
  return text;
}

}  // namespace dbt::frontend::riscv
