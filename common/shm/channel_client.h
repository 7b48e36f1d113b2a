// The requesting side of a request/response channel (the executor: each
// guest thread that misses in its TB lookup sends the guest bytes and
// sleeps until the translator answers into its own mailbox).
//
//   auto client = ChannelClient::Open(std::move(region));   // or Create
//   auto requester = (*client)->NewRequester();             // per thread
//   std::vector<uint8_t> answer;
//   absl::Status s = requester->Call(request_bytes, &answer,
//                                    {.timeout = absl::Seconds(5), .peer = &translator});
//
// A Requester belongs to one thread at a time and has at most one request in
// flight. DeadlineExceeded / Unavailable / Cancelled from Await leave that
// request in flight: call Await again, or drop the Requester (its mailbox is
// then quarantined until the late answer lands, so no later request can be
// confused with it). Answers are validated (state, request id, status code,
// length) and copied into private memory; a malformed one is DataLoss.
#ifndef DBT_COMMON_SHM_CHANNEL_CLIENT_H_
#define DBT_COMMON_SHM_CHANNEL_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/shm/channel_layout.h"
#include "common/shm/wait.h"

namespace dbt::shm {

class ChannelClient {
 public:
  class Requester;

  // Creates a new channel region (then send region().fd() to the server).
  static absl::StatusOr<std::unique_ptr<ChannelClient>> Create(std::string_view name,
                                                               const ChannelGeometry& geometry);
  // Uses a channel region created elsewhere (validated).
  static absl::StatusOr<std::unique_ptr<ChannelClient>> Open(SharedRegion region);
  // Uses a mapping this process already opened, e.g. shared with a
  // ChannelServer in the same process (single-process mode, tests).
  static std::unique_ptr<ChannelClient> Open(std::shared_ptr<ChannelMemory> memory);

  const ChannelGeometry& geometry() const { return memory_->geometry(); }
  const SharedRegion& region() const { return memory_->region(); }

  // A free mailbox; ResourceExhausted when every mailbox is taken (or still
  // quarantined). The client must outlive its requesters.
  absl::StatusOr<Requester> NewRequester();

 private:
  explicit ChannelClient(std::shared_ptr<ChannelMemory> memory);
  void ReleaseMailbox(uint32_t mailbox, bool in_flight);

  std::shared_ptr<ChannelMemory> memory_;
  std::atomic<uint64_t> next_request_id_{1};
  // std::mutex rather than absl::Mutex: ThreadSanitizer sees pthread locks,
  // not those of Debian's (uninstrumented) Abseil.
  std::mutex mutex_;
  std::vector<uint32_t> free_;  // guarded by mutex_
  // Mailboxes dropped with a request in flight: reused once answered.
  std::vector<uint32_t> quarantined_;  // guarded by mutex_
};

class ChannelClient::Requester {
 public:
  Requester(Requester&& other) noexcept;
  Requester& operator=(Requester&& other) noexcept;
  ~Requester();

  uint32_t mailbox() const { return mailbox_; }
  bool in_flight() const { return in_flight_; }

  // Posts a request (up to geometry().max_request_bytes) and returns its id.
  // FailedPrecondition while another request is in flight; otherwise the
  // SlotQueue::PushWith errors (waiting only if the ring is full).
  absl::StatusOr<uint64_t> Send(absl::Span<const uint8_t> payload, const WaitOptions& options);
  // Waits for the answer to the request in flight and copies it into
  // *response. An answer with an error status returns that status (the
  // server's message, prefixed). DeadlineExceeded, Unavailable (peer
  // exited) keep the request in flight; anything else ends it.
  absl::Status Await(std::vector<uint8_t>* response, const WaitOptions& options);
  // Send then Await, options.timeout covering both.
  absl::Status Call(absl::Span<const uint8_t> payload, std::vector<uint8_t>* response,
                    const WaitOptions& options);

 private:
  friend class ChannelClient;
  Requester(ChannelClient* client, uint32_t mailbox) : client_(client), mailbox_(mailbox) {}
  absl::Status AwaitUntil(std::vector<uint8_t>* response, Deadline deadline,
                          const WaitOptions& options);
  absl::Status ReadAnswer(std::vector<uint8_t>* response);

  ChannelClient* client_ = nullptr;  // null once moved from
  uint32_t mailbox_ = 0;
  bool in_flight_ = false;
  uint64_t request_id_ = 0;
};

}  // namespace dbt::shm

#endif  // DBT_COMMON_SHM_CHANNEL_CLIENT_H_
