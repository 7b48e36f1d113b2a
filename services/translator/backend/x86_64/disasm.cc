#include "services/translator/backend/x86_64/disasm.h"

#include <capstone/capstone.h>
#include <dlfcn.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dbt::backend::x86_64 {
namespace {

// Capstone is opened on first use, not linked: its tables carry ~77,000
// relative relocations (~400 pages dirtied, ~1 ms) that every start of dbt
// and of the translator paid, for `-d out_asm` that few runs ask for.
struct Capstone {
  decltype(&cs_open) open = nullptr;
  decltype(&cs_disasm) disasm = nullptr;
  decltype(&cs_free) free = nullptr;
  decltype(&cs_close) close = nullptr;
  std::string error;
};

const Capstone& LoadCapstone() {
  static const Capstone* const loaded = [] {
    auto* c = new Capstone();
    void* lib = dlopen("libcapstone.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) lib = dlopen("libcapstone.so", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      c->error = dlerror();
      return c;
    }
    c->open = reinterpret_cast<decltype(&cs_open)>(dlsym(lib, "cs_open"));
    c->disasm = reinterpret_cast<decltype(&cs_disasm)>(dlsym(lib, "cs_disasm"));
    c->free = reinterpret_cast<decltype(&cs_free)>(dlsym(lib, "cs_free"));
    c->close = reinterpret_cast<decltype(&cs_close)>(dlsym(lib, "cs_close"));
    if (!c->open || !c->disasm || !c->free || !c->close) c->error = "libcapstone lacks cs_disasm";
    return c;
  }();
  return *loaded;
}

std::string Run(const uint8_t* code, size_t size, uint64_t address, bool with_offsets) {
  const Capstone& cs = LoadCapstone();
  if (!cs.error.empty()) return absl::StrCat("<capstone unavailable: ", cs.error, ">\n");
  csh handle;
  if (cs.open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return "<capstone unavailable>\n";
  cs_insn* insns = nullptr;
  size_t n = cs.disasm(handle, code, size, address, 0, &insns);
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
  cs.free(insns, n);
  cs.close(&handle);
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
