#include "services/executor/jit/local_tb_producer.h"

namespace dbt::executor {

translator::TranslateDebug DebugFromBits(uint32_t bits, std::string* log) {
  namespace wire = translator::wire;
  translator::TranslateDebug debug;
  debug.in_asm = (bits & wire::kDebugInAsm) != 0;
  debug.op = (bits & wire::kDebugOp) != 0;
  debug.op_opt = (bits & wire::kDebugOpOpt) != 0;
  debug.out_asm = (bits & wire::kDebugOutAsm) != 0;
  debug.log = debug.any() ? log : nullptr;
  return debug;
}

absl::StatusOr<std::unique_ptr<LocalTbProducer>> LocalTbProducer::Create(size_t buffer_bytes) {
  codegen::CodeGenBufferOptions options;
  options.size = buffer_bytes;
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> buffer =
      codegen::CodeGenBuffer::Create(options);
  if (!buffer.ok()) return buffer.status();
  return std::unique_ptr<LocalTbProducer>(new LocalTbProducer(*std::move(buffer)));
}

absl::StatusOr<translator::TbTranslation> LocalTbProducer::Translate(
    const translator::wire::TranslateRequest& request, std::string* debug_text) {
  frontend::riscv::BufferCodeSource source(
      request.pc, std::span<const uint8_t>(request.bytes.data(), request.bytes.size()));
  std::lock_guard<std::mutex> lock(mutex_);
  return translator::TranslateTb(source, request.pc, request.flags, *buffer_,
                                 DebugFromBits(request.debug, debug_text));
}

absl::Status LocalTbProducer::Flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  buffer_->Flush();
  return absl::OkStatus();
}

absl::Status LocalTbProducer::ResetForChild() {
  mutex_.unlock();
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> fresh =
      codegen::CodeGenBuffer::Create(buffer_->options());
  if (!fresh.ok()) return fresh.status();
  buffer_ = *std::move(fresh);
  return absl::OkStatus();
}

}  // namespace dbt::executor
