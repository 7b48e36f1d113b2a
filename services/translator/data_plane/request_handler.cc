#include "services/translator/data_plane/request_handler.h"

#include <span>
#include <string>

#include "services/translator/frontend/riscv/guest_code_source.h"
#include "services/translator/translate_tb.h"
#include "services/translator/wire/tb_wire.h"

namespace dbt::translator {
namespace {

RequestOutcome Translate(const wire::TranslateRequest& request, codegen::CodeGenBuffer& buffer,
                         const std::atomic<bool>& flush_requested) {
  RequestOutcome out;
  out.kind = RequestOutcome::Kind::kTranslate;
  if (flush_requested.load(std::memory_order_acquire)) {
    out.status = absl::ResourceExhaustedError("flush requested");
    return out;
  }
  // The request's bytes live in the session's private copy of the ring
  // message (ChannelRequest), so what is hashed is what is translated.
  frontend::riscv::BufferCodeSource source(
      request.pc, std::span<const uint8_t>(request.bytes.data(), request.bytes.size()));
  std::string text;
  TranslateDebug debug;
  debug.in_asm = (request.debug & wire::kDebugInAsm) != 0;
  debug.op = (request.debug & wire::kDebugOp) != 0;
  debug.op_opt = (request.debug & wire::kDebugOpOpt) != 0;
  debug.out_asm = (request.debug & wire::kDebugOutAsm) != 0;
  debug.log = &text;
  absl::StatusOr<TbTranslation> t = TranslateTb(source, request.pc, request.flags, buffer, debug);
  if (!t.ok()) {
    // NotFound (fetch fault) and ResourceExhausted (buffer full) are
    // answers the executor acts on; anything else is a translator bug it
    // reports.
    out.status = t.status();
    return out;
  }
  out.host_bytes = t->code.code_size;
  out.response = wire::EncodeTranslation(*t, text);
  return out;
}

}  // namespace

RequestOutcome HandleRequest(absl::Span<const uint8_t> payload, codegen::CodeGenBuffer& buffer,
                             std::atomic<bool>& flush_requested) {
  absl::StatusOr<wire::Request> request = wire::DecodeRequest(payload);
  if (!request.ok()) {
    RequestOutcome out;
    out.kind = RequestOutcome::Kind::kRejected;
    out.status = request.status();
    return out;
  }
  switch (request->kind) {
    case wire::RequestKind::kTranslate:
      return Translate(request->translate, buffer, flush_requested);
    case wire::RequestKind::kFlush: {
      // The executor sends kFlush only once no thread of it runs generated
      // code, so the regions can be reused at once.
      flush_requested.store(false, std::memory_order_release);
      buffer.Flush();
      RequestOutcome out;
      out.kind = RequestOutcome::Kind::kFlush;
      return out;
    }
  }
  RequestOutcome out;  // DecodeRequest returns only the kinds above
  out.status = absl::InternalError("request kind not handled");
  return out;
}

}  // namespace dbt::translator
