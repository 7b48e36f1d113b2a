#include "common/shm/channel_client.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/shm/futex.h"

namespace dbt::shm {
namespace {

// absl::StatusCode values end at kUnauthenticated (16).
constexpr uint32_t kMaxStatusCode = 16;

}  // namespace

absl::StatusOr<std::unique_ptr<ChannelClient>> ChannelClient::Create(
    std::string_view name, const ChannelGeometry& geometry) {
  absl::StatusOr<SharedRegion> region = ChannelMemory::CreateRegion(name, geometry);
  if (!region.ok()) return region.status();
  return Open(std::move(*region));
}

absl::StatusOr<std::unique_ptr<ChannelClient>> ChannelClient::Open(SharedRegion region) {
  absl::StatusOr<std::unique_ptr<ChannelMemory>> memory = ChannelMemory::Open(std::move(region));
  if (!memory.ok()) return memory.status();
  return Open(std::shared_ptr<ChannelMemory>(std::move(*memory)));
}

std::unique_ptr<ChannelClient> ChannelClient::Open(std::shared_ptr<ChannelMemory> memory) {
  return std::unique_ptr<ChannelClient>(new ChannelClient(std::move(memory)));
}

ChannelClient::ChannelClient(std::shared_ptr<ChannelMemory> memory) : memory_(std::move(memory)) {
  uint32_t n = memory_->geometry().mailboxes;
  free_.reserve(n);
  // Handed out lowest first (popped from the back).
  for (uint32_t i = n; i-- > 0;) free_.push_back(i);
}

absl::StatusOr<ChannelClient::Requester> ChannelClient::NewRequester() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.empty()) {
    // A quarantined mailbox is safe again once its late answer has landed:
    // the server answers each request once, so nothing else will arrive.
    for (size_t i = 0; i < quarantined_.size();) {
      uint32_t box = quarantined_[i];
      if (memory_->mailbox(box)->state.load(std::memory_order_acquire) == kMailboxAnswered) {
        free_.push_back(box);
        quarantined_[i] = quarantined_.back();
        quarantined_.pop_back();
      } else {
        ++i;
      }
    }
  }
  if (free_.empty()) {
    return absl::ResourceExhaustedError(absl::StrCat("channel: all ", memory_->geometry().mailboxes,
                                                     " mailboxes are in use (", quarantined_.size(),
                                                     " await a late answer)"));
  }
  uint32_t box = free_.back();
  free_.pop_back();
  return Requester(this, box);
}

void ChannelClient::ReleaseMailbox(uint32_t mailbox, bool in_flight) {
  std::lock_guard<std::mutex> lock(mutex_);
  (in_flight ? quarantined_ : free_).push_back(mailbox);
}

ChannelClient::Requester::Requester(Requester&& other) noexcept
    : client_(std::exchange(other.client_, nullptr)),
      mailbox_(other.mailbox_),
      in_flight_(other.in_flight_),
      request_id_(other.request_id_) {}

ChannelClient::Requester& ChannelClient::Requester::operator=(Requester&& other) noexcept {
  if (this != &other) {
    if (client_ != nullptr) client_->ReleaseMailbox(mailbox_, in_flight_);
    client_ = std::exchange(other.client_, nullptr);
    mailbox_ = other.mailbox_;
    in_flight_ = other.in_flight_;
    request_id_ = other.request_id_;
  }
  return *this;
}

ChannelClient::Requester::~Requester() {
  if (client_ != nullptr) client_->ReleaseMailbox(mailbox_, in_flight_);
}

absl::StatusOr<uint64_t> ChannelClient::Requester::Send(absl::Span<const uint8_t> payload,
                                                        const WaitOptions& options) {
  if (client_ == nullptr) return absl::FailedPreconditionError("channel: moved-from requester");
  if (in_flight_) {
    return absl::FailedPreconditionError(absl::StrCat("channel: request ", request_id_,
                                                      " is still in flight on mailbox ", mailbox_));
  }
  ChannelMemory& memory = *client_->memory_;
  if (payload.size() > memory.geometry().max_request_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("channel: request of ", payload.size(),
                                                   " bytes, at most ",
                                                   memory.geometry().max_request_bytes));
  }
  uint64_t id = client_->next_request_id_.fetch_add(1, std::memory_order_relaxed);
  // ORDER: reset the mailbox before posting; the ring's release store
  // publishes this together with the request.
  memory.mailbox(mailbox_)->state.store(kMailboxAwaiting, std::memory_order_relaxed);
  RequestHeader header{id, mailbox_, static_cast<uint32_t>(payload.size())};
  absl::Status s = memory.ring().PushWith(
      sizeof(header) + payload.size(),
      [&](absl::Span<uint8_t> slot) {
        memcpy(slot.data(), &header, sizeof(header));
        if (!payload.empty()) memcpy(slot.data() + sizeof(header), payload.data(), payload.size());
      },
      options);
  if (!s.ok()) return s;
  in_flight_ = true;
  request_id_ = id;
  return id;
}

absl::Status ChannelClient::Requester::Await(std::vector<uint8_t>* response,
                                             const WaitOptions& options) {
  return AwaitUntil(response, Deadline::After(options.timeout), options);
}

absl::Status ChannelClient::Requester::Call(absl::Span<const uint8_t> payload,
                                            std::vector<uint8_t>* response,
                                            const WaitOptions& options) {
  Deadline deadline = Deadline::After(options.timeout);
  absl::StatusOr<uint64_t> id = Send(payload, options);
  if (!id.ok()) return id.status();
  return AwaitUntil(response, deadline, options);
}

absl::Status ChannelClient::Requester::AwaitUntil(std::vector<uint8_t>* response, Deadline deadline,
                                                  const WaitOptions& options) {
  if (client_ == nullptr) return absl::FailedPreconditionError("channel: moved-from requester");
  if (!in_flight_) return absl::FailedPreconditionError("channel: no request in flight");
  std::atomic<uint32_t>& state = client_->memory_->mailbox(mailbox_)->state;
  auto answered = [&] { return state.load(std::memory_order_acquire) == kMailboxAnswered; };
  if (answered() || SpinUntil(answered, options.spin)) return ReadAnswer(response);
  for (;;) {
    uint32_t s = state.load(std::memory_order_acquire);
    if (s == kMailboxAnswered) return ReadAnswer(response);
    if (s == kMailboxAwaiting) {
      // Tell the server to wake us. On failure `s` is the newer state
      // (answered, or garbage from a broken peer): look at it again.
      if (!state.compare_exchange_strong(s, kMailboxSleeping, std::memory_order_relaxed)) {
        continue;
      }
      s = kMailboxSleeping;
    }
    if (s != kMailboxSleeping) {
      in_flight_ = false;
      return absl::DataLossError(
          absl::StrCat("channel: mailbox ", mailbox_, " in unknown state ", s));
    }
    absl::Status slept = SleepWhileEqual(state, kMailboxSleeping, deadline, options);
    if (!slept.ok()) return slept;  // still in flight
  }
}

absl::Status ChannelClient::Requester::ReadAnswer(std::vector<uint8_t>* response) {
  // The acquire load that saw kMailboxAnswered made the fields visible. Each
  // is read once and checked before use.
  in_flight_ = false;
  ChannelMemory& memory = *client_->memory_;
  MailboxHeader* box = memory.mailbox(mailbox_);
  uint64_t id = box->request_id.load(std::memory_order_relaxed);
  uint32_t code = box->status_code.load(std::memory_order_relaxed);
  uint32_t length = box->length.load(std::memory_order_relaxed);
  response->clear();
  if (id != request_id_) {
    return absl::DataLossError(absl::StrCat("channel: mailbox ", mailbox_, " answers request ", id,
                                            ", expected ", request_id_));
  }
  if (code > kMaxStatusCode) {
    return absl::DataLossError(absl::StrCat("channel: answer with status code ", code));
  }
  if (length > memory.geometry().max_response_bytes) {
    return absl::DataLossError(absl::StrCat("channel: answer of ", length, " bytes, at most ",
                                            memory.geometry().max_response_bytes));
  }
  response->resize(length);
  if (length != 0) memcpy(response->data(), memory.response_bytes(mailbox_), length);
  if (code != 0) {
    // An error answer carries its message as the payload.
    std::string message(response->begin(), response->end());
    response->clear();
    return absl::Status(static_cast<absl::StatusCode>(code),
                        absl::StrCat("channel server: ", message));
  }
  return absl::OkStatus();
}

}  // namespace dbt::shm
