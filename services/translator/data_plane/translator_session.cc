#include "services/translator/data_plane/translator_session.h"

#include <poll.h>
#include <sys/socket.h>

#include <utility>

#include "common/log.h"
#include "common/shm/deadline.h"
#include "services/translator/data_plane/request_handler.h"
#include "services/translator/data_plane/session_attach.h"

namespace dbt::translator {
namespace {

// Malformed ring messages in a row after which the session is dropped. A
// correct executor sends none; a ring whose positions are corrupt would
// otherwise report DataLoss on every Receive without ever sleeping.
constexpr int kMaxConsecutiveDataLoss = 4096;

// How often an idle session looks at its connection. The executor closing it
// ends the session as its exit does (e.g. it reconnects with a new channel
// and buffer: the old ones must not stay mapped here until it exits).
constexpr absl::Duration kConnectionCheckInterval = absl::Seconds(1);

// How long a session thread polls its ring for the next request before it
// sleeps (the executor side polls for answers: RemoteTbProducerOptions).
constexpr absl::Duration kServeSpin = absl::Microseconds(50);

// True when the executor closed its end of `conn` (or it failed). Never
// blocks; anything it might have sent is left unread.
bool ConnectionClosed(int conn) {
  pollfd p{conn, POLLRDHUP, 0};
  const int r = poll(&p, 1, 0);
  return r > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace

TranslatorSession::TranslatorSession(shm::UniqueFd conn, uint64_t serial, DataPlaneStats* stats,
                                     ProgramRegistry* programs)
    : serial_(serial), stats_(stats), programs_(programs), conn_(std::move(conn)) {}

void TranslatorSession::Interrupt() {
  std::lock_guard<std::mutex> lock(mutex_);
  interrupted_.store(true, std::memory_order_seq_cst);
  if (channel_ != nullptr) channel_->Interrupt();
  // Wakes a handshake waiting in RecvFds (it then sees the peer gone).
  if (conn_.valid()) shutdown(conn_.get(), SHUT_RDWR);
}

bool TranslatorSession::RequestFlush(std::string_view session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (channel_ == nullptr) return false;
  if (!session_id.empty() && session_id != session_id_) return false;
  flush_requested_.store(true, std::memory_order_release);
  return true;
}

void TranslatorSession::Run() {
  absl::StatusOr<AttachedSession> attached = ReceiveHello(conn_.get());
  if (!attached.ok()) {
    DBT_LOG(1) << "session #" << serial_ << " refused: " << attached.status().message();
    // A peer that hung up or never spoke gets no answer; any other failure
    // is a hello we could read and explain.
    if (!absl::IsUnavailable(attached.status()) && !absl::IsDeadlineExceeded(attached.status())) {
      SendHelloReply(conn_.get(), attached.status()).IgnoreError();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    conn_.Reset();
    finished_.store(true, std::memory_order_release);
    return;
  }
  shm::ChannelServer* channel = attached->channel.get();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!interrupted_.load(std::memory_order_seq_cst)) {
      channel_ = std::move(attached->channel);
      session_id_ = attached->hello.session_id;
    }
  }
  if (channel_ == nullptr) {  // shutting down: only this thread sets it
    SendHelloReply(conn_.get(), absl::UnavailableError("translator is shutting down"))
        .IgnoreError();
    std::lock_guard<std::mutex> lock(mutex_);
    conn_.Reset();
    finished_.store(true, std::memory_order_release);
    return;
  }
  // Counted before the reply, so a client that got OK sees itself in Stats.
  stats_->SessionAttached();
  const pid_t pid = attached->peer->pid();
  DBT_LOG(1) << "session #" << serial_ << " \"" << attached->hello.session_id
             << "\" attached: peer pid " << pid << ", code buffer " << attached->buffer->size()
             << " bytes";

  // Starts loading the program's cached entries while the executor gets
  // its reply and sets up.
  std::unique_ptr<SessionCache> cache = SessionCache::Create(programs_, attached->hello);
  absl::Status ended = SendHelloReply(conn_.get(), absl::OkStatus());
  if (ended.ok()) {
    ended = Serve(conn_.get(), *channel, *attached->buffer, *attached->peer, cache.get());
  }
  cache.reset();

  {
    std::lock_guard<std::mutex> lock(mutex_);
    channel_.reset();
    conn_.Reset();
  }
  attached->buffer.reset();
  stats_->SessionDetached();
  DBT_LOG(1) << "session #" << serial_ << " \"" << attached->hello.session_id
             << "\" detached: peer pid " << pid << ": " << ended.message();
  finished_.store(true, std::memory_order_release);
}

absl::Status TranslatorSession::Serve(int conn, shm::ChannelServer& channel,
                                      codegen::CodeGenBuffer& buffer, const shm::PeerProcess& peer,
                                      SessionCache* cache) {
  // An idle session costs a futex sleep, woken every peer_poll_interval to
  // see whether the session process is still there, and every
  // kConnectionCheckInterval to see whether it closed its connection.
  //
  // Before sleeping it polls the ring for kServeSpin: translation requests
  // come in bursts (a guest starting, entering new code), and waking a
  // thread on another CPU costs tens of microseconds on a VM (an IPI through
  // the hypervisor), more than translating a TB. See docs/ARCHITECTURE.md
  // "Ring latency".
  const shm::WaitOptions wait{
      .timeout = kConnectionCheckInterval, .peer = &peer, .spin = kServeSpin};
  shm::ChannelRequest request;
  int data_loss_in_a_row = 0;
  for (;;) {
    // A ring that keeps reporting DataLoss never reaches the sleep where
    // Interrupt() is noticed, so look here too.
    if (interrupted_.load(std::memory_order_seq_cst)) {
      return absl::CancelledError("translator shutting down");
    }
    absl::Status received = channel.Receive(&request, wait);
    if (absl::IsDataLoss(received)) {
      stats_->CountRequest();
      stats_->CountRejected();
      DBT_LOG(2) << "session #" << serial_ << ": " << received.message();
      if (++data_loss_in_a_row >= kMaxConsecutiveDataLoss) {
        return absl::DataLossError("request ring keeps failing; session dropped");
      }
      continue;
    }
    if (absl::IsDeadlineExceeded(received)) {
      if (ConnectionClosed(conn))
        return absl::UnavailableError("the session closed its connection");
      continue;
    }
    if (!received.ok()) return received;  // Unavailable: peer exited; Cancelled: shutdown
    data_loss_in_a_row = 0;
    const int64_t start_ns = shm::MonotonicNowNs();
    stats_->CountRequest();
    RequestOutcome out = HandleRequest(request.payload(), buffer, flush_requested_, cache);
    // ORDER: counted before the answer is written, so an executor that has
    // its answer finds it in Stats.
    switch (out.kind) {
      case RequestOutcome::Kind::kRejected:
        stats_->CountRejected();
        break;
      case RequestOutcome::Kind::kTranslate:
        if (out.status.ok()) stats_->CountTranslated(out.host_bytes);
        break;
      case RequestOutcome::Kind::kFlush:
        stats_->CountFlush();
        break;
      case RequestOutcome::Kind::kPreload:
        break;
    }
    absl::Status answered = out.status.ok() ? channel.Respond(request, out.response)
                                            : channel.RespondError(request, out.status);
    if (out.kind == RequestOutcome::Kind::kTranslate) {
      stats_->RecordLatency(static_cast<uint64_t>(shm::MonotonicNowNs() - start_ns));
    }
    if (!answered.ok()) {
      DBT_LOG(1) << "session #" << serial_ << ": cannot answer: " << answered.message();
    }
    KeepAfterAnswer(out, cache);
  }
}

}  // namespace dbt::translator
