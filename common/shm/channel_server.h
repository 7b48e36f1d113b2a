// The serving side of a request/response channel (the translator: one
// ChannelServer per executor region; one or more threads call Receive).
//
//   auto server = ChannelServer::Open(std::move(region));
//   ChannelRequest request;
//   for (;;) {
//     absl::Status s = server->Receive(&request, {.timeout = ..., .peer = &executor});
//     if (absl::IsDataLoss(s)) continue;   // malformed request, dropped
//     if (!s.ok()) break;                  // peer gone, deadline, Interrupt()
//     server->Respond(request, Translate(request.payload()));
//   }
//
// Every request is copied into private memory before it is parsed, so the
// requester cannot change it after it was validated (what is hashed is what
// is translated).
#ifndef DBT_COMMON_SHM_CHANNEL_SERVER_H_
#define DBT_COMMON_SHM_CHANNEL_SERVER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/shm/channel_layout.h"
#include "common/shm/wait.h"

namespace dbt::shm {

// One received request, in private memory (reuse the object: its buffer is).
class ChannelRequest {
 public:
  uint64_t id() const { return id_; }
  uint32_t mailbox() const { return mailbox_; }
  // Empty unless the last Receive returned OK.
  absl::Span<const uint8_t> payload() const {
    if (message_.size() < sizeof(RequestHeader)) return {};
    return absl::Span<const uint8_t>(message_).subspan(sizeof(RequestHeader));
  }

 private:
  friend class ChannelServer;
  std::vector<uint8_t> message_;  // RequestHeader + payload, validated
  uint64_t id_ = 0;
  uint32_t mailbox_ = 0;
};

class ChannelServer {
 public:
  // Creates a new channel region (then send region().fd() to the client).
  static absl::StatusOr<std::unique_ptr<ChannelServer>> Create(std::string_view name,
                                                               const ChannelGeometry& geometry);
  // Uses a channel region created elsewhere (validated).
  static absl::StatusOr<std::unique_ptr<ChannelServer>> Open(SharedRegion region);
  // Uses a mapping this process already opened, e.g. shared with a
  // ChannelClient in the same process (single-process mode, tests).
  static std::unique_ptr<ChannelServer> Open(std::shared_ptr<ChannelMemory> memory);

  const ChannelGeometry& geometry() const { return memory_->geometry(); }
  const SharedRegion& region() const { return memory_->region(); }

  // Waits for the next request. DataLoss: a malformed one (too short,
  // payload length disagreeing with the message, mailbox out of range, slot
  // length out of range) was dropped; when its mailbox index was valid, the
  // requester was answered InvalidArgument so it does not wait in vain.
  // Otherwise the SlotQueue::Pop errors: DeadlineExceeded, Unavailable
  // (options.peer exited), Cancelled (Interrupt()).
  absl::Status Receive(ChannelRequest* request, const WaitOptions& options);

  // Answers `request` with up to geometry().max_response_bytes.
  absl::Status Respond(const ChannelRequest& request, absl::Span<const uint8_t> payload);
  // Answers by letting `fill` write exactly `length` bytes into the mailbox
  // (no intermediate copy). `fill` must not block.
  absl::Status RespondWith(const ChannelRequest& request, size_t length,
                           absl::FunctionRef<void(absl::Span<uint8_t>)> fill);
  // Answers with a non-OK status; the requester's Await returns its code and
  // message (truncated to max_response_bytes).
  absl::Status RespondError(const ChannelRequest& request, const absl::Status& error);

  // Makes current and future Receive calls on this mapping return
  // Cancelled (and blocking calls of a client sharing the mapping).
  void Interrupt() { memory_->ring().Interrupt(); }

 private:
  explicit ChannelServer(std::shared_ptr<ChannelMemory> memory) : memory_(std::move(memory)) {}
  absl::Status Parse(ChannelRequest* request);
  // Writes an answer into `mailbox` (< geometry().mailboxes) and wakes its
  // requester if it sleeps.
  void Answer(uint32_t mailbox, uint64_t request_id, absl::StatusCode code, size_t length,
              absl::FunctionRef<void(absl::Span<uint8_t>)> fill);

  std::shared_ptr<ChannelMemory> memory_;
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_CHANNEL_SERVER_H_
