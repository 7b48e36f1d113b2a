// Host code as text for `-d out_asm` and the golden host-code tests
// (capstone, Intel syntax).
#ifndef DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_DISASM_H_
#define DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_DISASM_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace dbt::backend::x86_64 {

// One instruction per line: "0x0012:  add rbx, 0x10", the code
// disassembled as if it started at `address` (relative jump targets print
// in the same terms). `-d out_asm` passes the TB's offset in the
// code_gen_buffer, which is what perf shows for samples in
// memfd:dbt-code-gen-buffer; golden tests pass 0.
std::string Disassemble(const uint8_t* code, size_t size, uint64_t address = 0);

// The same without the offsets ("add rbx, 0x10"), for golden tests that
// should not change when an unrelated instruction changes length.
std::string DisassembleInstructions(const uint8_t* code, size_t size);

}  // namespace dbt::backend::x86_64

#endif  // DBT_SERVICES_TRANSLATOR_BACKEND_X86_64_DISASM_H_
