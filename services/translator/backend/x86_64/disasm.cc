#include "services/translator/backend/x86_64/disasm.h"

#include <capstone/capstone.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dbt::backend::x86_64 {
namespace {

std::string Run(const uint8_t* code, size_t size, uint64_t address, bool with_offsets) {
  csh handle;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return "<capstone unavailable>\n";
  cs_insn* insns = nullptr;
  size_t n = cs_disasm(handle, code, size, address, 0, &insns);
  std::string text;
  size_t end = 0;
  for (size_t i = 0; i < n; ++i) {
    std::string op_str = insns[i].op_str;
    std::string line = op_str.empty() ? std::string(insns[i].mnemonic)
                                      : absl::StrCat(insns[i].mnemonic, " ", op_str);
    if (with_offsets) {
      absl::StrAppend(&text, absl::StrFormat("0x%04x:  %s\n", insns[i].address, line));
    } else {
      absl::StrAppend(&text, line, "\n");
    }
    end = insns[i].address + insns[i].size - address;
  }
  if (end < size) absl::StrAppend(&text, absl::StrFormat("<%d undecodable bytes>\n", size - end));
  cs_free(insns, n);
  cs_close(&handle);
  return text;
}

}  // namespace

std::string Disassemble(const uint8_t* code, size_t size, uint64_t address) {
  return Run(code, size, address, true);
}

std::string DisassembleInstructions(const uint8_t* code, size_t size) {
  return Run(code, size, 0, false);
}

}  // namespace dbt::backend::x86_64
