#include "common/shm/channel_server.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/shm/futex.h"

namespace dbt::shm {

absl::StatusOr<std::unique_ptr<ChannelServer>> ChannelServer::Create(
    std::string_view name, const ChannelGeometry& geometry) {
  absl::StatusOr<SharedRegion> region = ChannelMemory::CreateRegion(name, geometry);
  if (!region.ok()) return region.status();
  return Open(std::move(*region));
}

absl::StatusOr<std::unique_ptr<ChannelServer>> ChannelServer::Open(SharedRegion region) {
  absl::StatusOr<std::unique_ptr<ChannelMemory>> memory = ChannelMemory::Open(std::move(region));
  if (!memory.ok()) return memory.status();
  return Open(std::shared_ptr<ChannelMemory>(std::move(*memory)));
}

std::unique_ptr<ChannelServer> ChannelServer::Open(std::shared_ptr<ChannelMemory> memory) {
  return std::unique_ptr<ChannelServer>(new ChannelServer(std::move(memory)));
}

absl::Status ChannelServer::Receive(ChannelRequest* request, const WaitOptions& options) {
  // Until a request parses, `request` answers nobody (mailbox out of range).
  request->id_ = 0;
  request->mailbox_ = UINT32_MAX;
  absl::Status s = memory_->ring().Pop(&request->message_, options);
  if (s.ok()) s = Parse(request);
  // A request that failed validation is not kept around to be misread.
  if (!s.ok()) request->message_.clear();
  return s;
}

absl::Status ChannelServer::Parse(ChannelRequest* request) {
  const std::vector<uint8_t>& message = request->message_;
  if (message.size() < sizeof(RequestHeader)) {
    return absl::DataLossError(
        absl::StrCat("channel: request of ", message.size(), " bytes, shorter than its header"));
  }
  RequestHeader header;
  memcpy(&header, message.data(), sizeof(header));
  request->id_ = header.request_id;
  request->mailbox_ = header.mailbox;
  uint32_t mailboxes = memory_->geometry().mailboxes;
  if (header.mailbox >= mailboxes) {
    return absl::DataLossError(absl::StrCat("channel: request ", header.request_id,
                                            " names mailbox ", header.mailbox, " of ", mailboxes));
  }
  size_t payload = message.size() - sizeof(RequestHeader);
  if (header.payload_length != payload ||
      header.payload_length > memory_->geometry().max_request_bytes) {
    absl::Status error = absl::InvalidArgumentError(
        absl::StrCat("request ", header.request_id, " says ", header.payload_length,
                     " payload bytes, carries ", payload));
    // The mailbox index is valid: tell the requester rather than let it
    // wait for its deadline. Its payload is never looked at.
    RespondError(*request, error).IgnoreError();
    return absl::DataLossError(absl::StrCat("channel: ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status ChannelServer::Respond(const ChannelRequest& request,
                                    absl::Span<const uint8_t> payload) {
  return RespondWith(request, payload.size(), [&](absl::Span<uint8_t> out) {
    if (!payload.empty()) memcpy(out.data(), payload.data(), payload.size());
  });
}

absl::Status ChannelServer::RespondWith(const ChannelRequest& request, size_t length,
                                        absl::FunctionRef<void(absl::Span<uint8_t>)> fill) {
  if (request.mailbox() >= memory_->geometry().mailboxes) {
    return absl::InvalidArgumentError(
        absl::StrCat("channel: no mailbox ", request.mailbox(), " to answer"));
  }
  if (length > memory_->geometry().max_response_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "channel: answer of ", length, " bytes, at most ", memory_->geometry().max_response_bytes));
  }
  Answer(request.mailbox(), request.id(), absl::StatusCode::kOk, length, fill);
  return absl::OkStatus();
}

absl::Status ChannelServer::RespondError(const ChannelRequest& request, const absl::Status& error) {
  if (request.mailbox() >= memory_->geometry().mailboxes) {
    return absl::InvalidArgumentError(
        absl::StrCat("channel: no mailbox ", request.mailbox(), " to answer"));
  }
  if (error.ok()) return absl::InvalidArgumentError("channel: RespondError with an OK status");
  absl::string_view message = error.message();
  size_t length = std::min<size_t>(message.size(), memory_->geometry().max_response_bytes);
  Answer(request.mailbox(), request.id(), error.code(), length, [&](absl::Span<uint8_t> out) {
    if (length != 0) memcpy(out.data(), message.data(), length);
  });
  return absl::OkStatus();
}

void ChannelServer::Answer(uint32_t mailbox, uint64_t request_id, absl::StatusCode code,
                           size_t length, absl::FunctionRef<void(absl::Span<uint8_t>)> fill) {
  MailboxHeader* box = memory_->mailbox(mailbox);
  box->request_id.store(request_id, std::memory_order_relaxed);
  box->status_code.store(static_cast<uint32_t>(code), std::memory_order_relaxed);
  box->length.store(static_cast<uint32_t>(length), std::memory_order_relaxed);
  fill(absl::Span<uint8_t>(memory_->response_bytes(mailbox), length));
  // Release: the fields above are visible to the requester's acquire load
  // of kMailboxAnswered. The exchange tells whether it went to sleep.
  uint32_t previous = box->state.exchange(kMailboxAnswered, std::memory_order_acq_rel);
  if (previous == kMailboxSleeping) FutexWake(box->state);
}

}  // namespace dbt::shm
