// TbProducer that runs the translator library in this process (one writer
// at a time, under its own lock).
#ifndef DBT_SERVICES_EXECUTOR_JIT_LOCAL_TB_PRODUCER_H_
#define DBT_SERVICES_EXECUTOR_JIT_LOCAL_TB_PRODUCER_H_

#include <memory>
#include <mutex>

#include "services/executor/jit/tb_producer.h"

namespace dbt::executor {

class LocalTbProducer final : public TbProducer {
 public:
  // buffer_bytes 0: the default size.
  static absl::StatusOr<std::unique_ptr<LocalTbProducer>> Create(size_t buffer_bytes);

  codegen::CodeGenBuffer& buffer() override { return *buffer_; }
  absl::StatusOr<translator::TbTranslation> Translate(
      const translator::wire::TranslateRequest& request, std::string* debug_text) override;
  absl::Status Flush() override;
  void BeforeFork() override { mutex_.lock(); }
  void AfterForkParent() override { mutex_.unlock(); }
  absl::Status ResetForChild() override;

 private:
  explicit LocalTbProducer(std::unique_ptr<codegen::CodeGenBuffer> buffer)
      : buffer_(std::move(buffer)) {}
  std::mutex mutex_;  // the buffer's allocation has one writer
  std::unique_ptr<codegen::CodeGenBuffer> buffer_;
};

// -d bits of a request -> what TranslateTb dumps into *log.
translator::TranslateDebug DebugFromBits(uint32_t bits, std::string* log);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_LOCAL_TB_PRODUCER_H_
