// One ring request of a session, start to answer: decode it (the bytes are
// the executor's and may be anything), translate or flush, and say what to
// answer. No I/O: the session does the Receive/Respond around it.
//
// A request that does not decode is answered InvalidArgument and never
// touches the code buffer.
#ifndef DBT_SERVICES_TRANSLATOR_DATA_PLANE_REQUEST_HANDLER_H_
#define DBT_SERVICES_TRANSLATOR_DATA_PLANE_REQUEST_HANDLER_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/codegen/code_gen_buffer.h"
#include "services/translator/cache/session_cache.h"

namespace dbt::translator {

struct RequestOutcome {
  enum class Kind {
    kRejected,   // did not decode: status is InvalidArgument
    kTranslate,  // status OK (response = EncodeTranslation) or the translation's error
    kFlush,      // the buffer was flushed: status OK, response empty
    kPreload,    // status OK, response = EncodePreload
  };
  Kind kind = Kind::kRejected;
  absl::Status status;            // non-OK: answer with RespondError(status)
  std::vector<uint8_t> response;  // OK: the answer
  uint64_t host_bytes = 0;        // kTranslate OK: code size of the new TB
  bool from_cache = false;        // kTranslate OK: an entry of the cache
  // kTranslate OK with the cache on: what the cache keeps, handed to it by
  // KeepAfterAnswer once the answer is written (making the entry is off
  // the executor's wait).
  std::optional<TbTranslation> to_keep;
  std::vector<uint8_t> code_to_keep;
  bool keep_from_file = false;
};

// The session's loop calls it after writing the answer.
void KeepAfterAnswer(RequestOutcome& out, SessionCache* cache);

// `flush_requested` is the session's mark set by the Flush RPC: while set, a
// kTranslate is answered ResourceExhausted (so the executor drops its TBs and
// sends kFlush); kFlush clears it before flushing, so a mark set after that
// point asks for another flush.
// `cache` (null: no cache for this session) answers kPreload and is asked
// before translating and told what was translated.
RequestOutcome HandleRequest(absl::Span<const uint8_t> payload, codegen::CodeGenBuffer& buffer,
                             std::atomic<bool>& flush_requested, SessionCache* cache = nullptr);

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_DATA_PLANE_REQUEST_HANDLER_H_
