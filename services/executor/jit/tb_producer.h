// Where the JIT gets translated blocks from: the translator service over
// the shared-memory ring (RemoteTbProducer, the default), or the translator
// library in this process (LocalTbProducer, `dbt run --one-process` and
// tests). Either way the request carries the guest bytes: the translator is
// a pure function of them and never reads guest memory.
#ifndef DBT_SERVICES_EXECUTOR_JIT_TB_PRODUCER_H_
#define DBT_SERVICES_EXECUTOR_JIT_TB_PRODUCER_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/codegen/code_gen_buffer.h"
#include "services/translator/translate_tb.h"
#include "services/translator/wire/tb_wire.h"

namespace dbt::executor {

class TbProducer {
 public:
  virtual ~TbProducer() = default;

  // The buffer TBs are written into; this process runs them from its RX
  // view and patches jump slots through its RW view.
  virtual codegen::CodeGenBuffer& buffer() = 0;

  // Translates; callable from several threads at once. *debug_text gets
  // the -d dumps the request asked for. Errors:
  //   NotFound           the first instruction cannot be fetched
  //   ResourceExhausted  the buffer is full (or the translator asked for a
  //                      flush): Flush(), then ask again
  //   Aborted            the translator was replaced (it died and another
  //                      took over): Flush() before anything else, then ask
  //                      again; until then every request answers Aborted
  //   Unavailable        no translator any more: the session cannot go on
  //   other              a translator bug for this block
  virtual absl::StatusOr<translator::TbTranslation> Translate(
      const translator::wire::TranslateRequest& request, std::string* debug_text) = 0;

  // The cached TBs of the session's program, already placed in the buffer
  // (RemoteTbProducerOptions::cache_file_hash); none when there is no
  // cache. The caller checks each against guest memory before using it.
  virtual absl::StatusOr<translator::wire::Preload> Preload() {
    return translator::wire::Preload{};
  }
  // What the translator said the user should know (e.g. the cache is off,
  // and why), once; "" if nothing new.
  virtual std::string TakeNotice() { return ""; }

  // Every TB was dropped and no thread runs generated code or translates:
  // allocation starts again at the buffer's beginning.
  virtual absl::Status Flush() = 0;

  // Around fork: BeforeFork takes the producer's locks so that no other
  // thread holds them in the child; AfterForkParent releases them.
  virtual void BeforeFork() = 0;
  virtual void AfterForkParent() = 0;
  // In a forked child (one thread; the locks BeforeFork took are released
  // here): a new, empty buffer of its own (the memfd is shared with the
  // parent) and, for a remote translator, a connection of its own. The
  // parent's objects are abandoned, not touched.
  virtual absl::Status ResetForChild() = 0;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_TB_PRODUCER_H_
