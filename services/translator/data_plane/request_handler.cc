#include "services/translator/data_plane/request_handler.h"

#include <span>
#include <string>

#include "services/translator/frontend/riscv/guest_code_source.h"
#include "services/translator/translate_tb.h"
#include "services/translator/wire/tb_wire.h"

namespace dbt::translator {
namespace {

RequestOutcome Translate(const wire::TranslateRequest& request, codegen::CodeGenBuffer& buffer,
                         const std::atomic<bool>& flush_requested, SessionCache* cache) {
  RequestOutcome out;
  out.kind = RequestOutcome::Kind::kTranslate;
  if (flush_requested.load(std::memory_order_acquire)) {
    out.status = absl::ResourceExhaustedError("flush requested");
    return out;
  }
  wire::TranslationNote note;
  // With -d the user wants to see the translation: no cache hit then.
  if (cache != nullptr && request.debug == 0) {
    if (std::optional<absl::StatusOr<TbTranslation>> hit = cache->Find(request, buffer)) {
      if (!hit->ok()) {
        out.status = hit->status();  // ResourceExhausted: the executor flushes
        return out;
      }
      note.from_cache = true;
      note.notice = cache->TakeNotice();
      out.from_cache = true;
      out.host_bytes = (*hit)->code.code_size;
      out.response = wire::EncodeTranslation(**hit, "", note);
      return out;
    }
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
  std::vector<uint8_t> code;
  absl::StatusOr<TbTranslation> t = TranslateTb(source, request.pc, request.flags, buffer, debug,
                                                cache != nullptr ? &code : nullptr);
  if (!t.ok()) {
    // NotFound (fetch fault) and ResourceExhausted (buffer full) are
    // answers the executor acts on; anything else is a translator bug it
    // reports.
    out.status = t.status();
    return out;
  }
  out.host_bytes = t->code.code_size;
  if (cache != nullptr) {
    note.stored = cache->WillKeep(*t, request.from_file);
    note.notice = cache->TakeNotice();
  }
  out.response = wire::EncodeTranslation(*t, text, note);
  if (note.stored) {
    out.code_to_keep = std::move(code);
    out.to_keep = *std::move(t);
    out.keep_from_file = request.from_file;
  }
  return out;
}

}  // namespace

void KeepAfterAnswer(RequestOutcome& out, SessionCache* cache) {
  if (cache == nullptr || !out.to_keep) return;
  cache->Keep(*std::move(out.to_keep), std::move(out.code_to_keep), out.keep_from_file);
  out.to_keep.reset();
}

RequestOutcome HandleRequest(absl::Span<const uint8_t> payload, codegen::CodeGenBuffer& buffer,
                             std::atomic<bool>& flush_requested, SessionCache* cache) {
  absl::StatusOr<wire::Request> request = wire::DecodeRequest(payload);
  if (!request.ok()) {
    RequestOutcome out;
    out.kind = RequestOutcome::Kind::kRejected;
    out.status = request.status();
    return out;
  }
  switch (request->kind) {
    case wire::RequestKind::kTranslate:
      return Translate(request->translate, buffer, flush_requested, cache);
    case wire::RequestKind::kPreload: {
      RequestOutcome out;
      out.kind = RequestOutcome::Kind::kPreload;
      if (cache == nullptr) {
        uint32_t next = 0;
        out.response = wire::EncodePreload({}, 0, "", &next);
      } else {
        out.response = cache->AnswerPreload(request->preload_cursor, buffer);
      }
      return out;
    }
    case wire::RequestKind::kFlush: {
      // The executor sends kFlush only once no thread of it runs generated
      // code, so the regions can be reused at once.
      flush_requested.store(false, std::memory_order_release);
      buffer.Flush();
      // What this session made is placed again on demand (Find).
      if (cache != nullptr) cache->Settle();
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
