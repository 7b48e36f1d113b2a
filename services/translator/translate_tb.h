// The whole translation of one TB, written out top to bottom: guest bytes
// (through a GuestCodeSource) -> frontend IR -> passes -> x86-64 code in the
// code_gen_buffer, with the content hash of the bytes it was made from.
//
// A pure function of (pc, flags, the guest bytes it reads): it never sees an
// executor's addresses, and the code it writes is position-independent. This
// is the function the translator service runs for every request; in the
// one-process mode the executor calls it directly.
#ifndef DBT_SERVICES_TRANSLATOR_TRANSLATE_TB_H_
#define DBT_SERVICES_TRANSLATOR_TRANSLATE_TB_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/codegen/code_gen_buffer.h"
#include "common/hash/content_hash.h"
#include "services/translator/frontend/riscv/guest_code_source.h"
#include "services/translator/frontend/riscv/translate.h"
#include "services/translator/tb/translate.h"

namespace dbt::translator {

// Translation flags: part of a TB's key (a TB made with different flags is
// different code).
enum TbFlags : uint32_t {
  kTbFlagOneInsn = 1u << 0,  // --one-insn-per-tb
};

// What `-d` asks to see; each selected dump is appended to `log`.
struct TranslateDebug {
  bool in_asm = false;
  bool op = false;
  bool op_opt = false;
  bool out_asm = false;
  std::string* log = nullptr;
  bool any() const { return in_asm || op || op_opt || out_asm; }
};

struct TbTranslation {
  uint64_t guest_pc = 0;
  uint64_t guest_size = 0;  // bytes [guest_pc, guest_pc + guest_size)
  uint32_t guest_insns = 0;
  uint32_t flags = 0;
  ContentHash hash;                                 // of the guest bytes, in address order
  std::vector<frontend::riscv::GuestRange> ranges;  // at most two pages
  tb::TranslatedTb code;                            // where the host code is in the buffer
  // How the executor got it (wire::TranslationNote): placed from the cache
  // rather than translated, and whether it was handed to the cache.
  bool from_cache = false;
  bool stored = false;
};

// Errors:
//   NotFound           the instruction at pc cannot be fetched (the caller
//                      raises the guest's fetch fault)
//   ResourceExhausted  the code buffer is full: flush, then translate again
//   other              a translator bug (the message says what); the caller
//                      reports it and may fall back to the interpreter
// `code_copy`, when set, receives the host code as emitted (before it was
// copied into the shared buffer): what the cache may keep.
absl::StatusOr<TbTranslation> TranslateTb(const frontend::riscv::GuestCodeSource& code, uint64_t pc,
                                          uint32_t flags, codegen::CodeGenBuffer& buffer,
                                          const TranslateDebug& debug = {},
                                          std::vector<uint8_t>* code_copy = nullptr);

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_TRANSLATE_TB_H_
