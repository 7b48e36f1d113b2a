// Test support: a code_gen_buffer, a GuestEnv wired to it and a guest
// memory area, to translate IR blocks and run them through the prologue.
#ifndef DBT_SERVICES_TRANSLATOR_TB_JIT_RUNNER_H_
#define DBT_SERVICES_TRANSLATOR_TB_JIT_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "common/codegen/code_gen_buffer.h"
#include "common/jit_abi.h"
#include "services/translator/ir/block.h"
#include "services/translator/tb/translate.h"

namespace dbt::tb {

class JitRunner {
 public:
  static constexpr size_t kGuestMemorySize = 1 << 20;

  explicit JitRunner(codegen::CodeGenBufferOptions buffer_options = {.size = 8 << 20,
                                                                     .region_size = 1 << 20});
  ~JitRunner();

  GuestEnv& env() { return *env_; }
  uint8_t* guest_memory() { return guest_memory_; }
  codegen::CodeGenBuffer& buffer() { return *buffer_; }

  // Translates with verification on.
  absl::StatusOr<TranslatedTb> Translate(ir::Block& block, TranslateOptions options = {});
  // Runs tb; returns what it returned to the dispatcher (code start | kind).
  uint64_t Run(const TranslatedTb& tb);
  // Code start (RX) of a TB, as exit values carry it.
  uint64_t CodeAddress(const TranslatedTb& tb) const;

 private:
  std::unique_ptr<codegen::CodeGenBuffer> buffer_;
  std::unique_ptr<GuestEnv> env_;
  uint8_t* guest_memory_ = nullptr;
};

}  // namespace dbt::tb

#endif  // DBT_SERVICES_TRANSLATOR_TB_JIT_RUNNER_H_
