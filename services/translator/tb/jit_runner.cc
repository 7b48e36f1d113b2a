#include "services/translator/tb/jit_runner.h"

#include <sys/mman.h>

#include <cstdlib>

namespace dbt::tb {

JitRunner::JitRunner(codegen::CodeGenBufferOptions buffer_options) {
  auto buffer = codegen::CodeGenBuffer::Create(buffer_options);
  if (!buffer.ok()) abort();
  buffer_ = std::move(*buffer);
  env_ = std::make_unique<GuestEnv>();
  void* mem =
      mmap(nullptr, kGuestMemorySize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) abort();
  guest_memory_ = static_cast<uint8_t*>(mem);
  env_->guest_base = reinterpret_cast<uint64_t>(guest_memory_);
  env_->epilogue = buffer_->epilogue_address();
}

JitRunner::~JitRunner() { munmap(guest_memory_, kGuestMemorySize); }

absl::StatusOr<TranslatedTb> JitRunner::Translate(ir::Block& block, TranslateOptions options) {
  options.verify = true;
  return TranslateBlock(block, *buffer_, options);
}

uint64_t JitRunner::Run(const TranslatedTb& tb) {
  return buffer_->EnterGeneratedCode(env_.get(), buffer_->rx_at(tb.code_offset));
}

uint64_t JitRunner::CodeAddress(const TranslatedTb& tb) const {
  return reinterpret_cast<uint64_t>(buffer_->rx_at(tb.code_offset));
}

}  // namespace dbt::tb
