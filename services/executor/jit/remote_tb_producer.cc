#include "services/executor/jit/remote_tb_producer.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cache/preload_image.h"
#include "common/fd_io.h"
#include "common/hash/content_hash.h"
#include "common/jit_abi.h"
#include "common/shm/fd_passing.h"
#include "services/cache/store/preload_files.h"
#include "services/translator/cache/entry_convert.h"

namespace dbt::executor {
namespace wire = translator::wire;

struct RemoteTbProducer::Connection {
  shm::UniqueFd socket;
  std::unique_ptr<shm::PeerProcess> peer;
  std::unique_ptr<shm::ChannelClient> client;
  std::mutex pool_mutex;
  // Declared after client: requesters go first.
  std::vector<shm::ChannelClient::Requester> pool;  // guarded by pool_mutex
};

namespace {

constexpr absl::Duration kHelloTimeout = absl::Seconds(5);

absl::Status Errno(const std::string& what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RemoteTbProducer>> RemoteTbProducer::Create(
    const RemoteTbProducerOptions& options) {
  codegen::CodeGenBufferOptions buffer_options;
  buffer_options.size = options.buffer_bytes;
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> buffer =
      codegen::CodeGenBuffer::Create(buffer_options);
  if (!buffer.ok()) return buffer.status();
  std::unique_ptr<RemoteTbProducer> producer(new RemoteTbProducer(options, *std::move(buffer)));
  if (options.lazy_connect) {
    producer->attach_pending_ = true;
    return producer;
  }
  absl::StatusOr<std::shared_ptr<Connection>> connection = producer->ConnectWhenUp();
  if (!connection.ok()) return connection.status();
  producer->connection_ = *std::move(connection);
  return producer;
}

absl::StatusOr<std::shared_ptr<RemoteTbProducer::Connection>> RemoteTbProducer::ConnectWhenUp()
    const {
  const absl::Time give_up = absl::Now() + options_.start_timeout;
  absl::StatusOr<std::shared_ptr<Connection>> connection = Connect();
  // A translator still starting: no socket yet, or not accepting yet.
  while (absl::IsUnavailable(connection.status()) && absl::Now() < give_up) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    if (access(options_.socket_path.c_str(), F_OK) != 0) continue;  // not bound yet
    connection = Connect();
  }
  return connection;
}

absl::Status RemoteTbProducer::EnsureConnected() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!attach_pending_) return connection_ ? absl::OkStatus() : lost_;
  if (!before_connect_called_ && options_.before_connect) {
    before_connect_called_ = true;
    if (absl::Status s = options_.before_connect(); !s.ok()) {
      attach_pending_ = false;
      lost_ = absl::UnavailableError(absl::StrCat("cannot start the translator: ", s.message()));
      return lost_;
    }
  }
  absl::StatusOr<std::shared_ptr<Connection>> c = ConnectWhenUp();
  attach_pending_ = false;
  if (!c.ok()) {
    lost_ = absl::UnavailableError(c.status().message());
    return lost_;
  }
  connection_ = *std::move(c);
  ++generation_;
  return absl::OkStatus();
}

std::optional<wire::Preload> RemoteTbProducer::PreloadFromImage() {
  if (options_.image_store_dir.empty() || options_.translator_build == 0) return std::nullopt;
  ContentHash file_hash;
  if (!ContentHashFromBytes(options_.cache_file_hash, &file_hash)) return std::nullopt;
  const cache::ProgramKey program =
      translator::ProgramKeyOf(file_hash, options_.tb_flags, options_.translator_build);
  absl::StatusOr<std::string> image = cache::ReadPreloadFile(options_.image_store_dir, program);
  if (!image.ok()) {
    if (!absl::IsNotFound(image.status())) {
      std::lock_guard<std::mutex> lock(mutex_);
      notice_ = absl::StrCat("the preload image is not used: ", image.status().message());
    }
    return std::nullopt;
  }
  wire::Preload out;
  bool full = false;
  absl::Status s = cache::ForEachPreloadEntry(
      cache::AsBytes(*image), program,
      [&](cache::TbEntry&& e) {
        if (full) return;
        absl::StatusOr<translator::TbTranslation> t = translator::InstallEntry(e, *buffer_);
        if (!t.ok()) {
          full = true;  // the rest come from the translator, on demand
          return;
        }
        out.tbs.push_back(*std::move(t));
      },
      &out.rejected);
  if (!s.ok()) {
    // Nothing was placed: the translator preloads from the store instead.
    std::lock_guard<std::mutex> lock(mutex_);
    notice_ = absl::StrCat("the preload image is not used: ", s.message());
    return std::nullopt;
  }
  if (out.tbs.empty()) return std::nullopt;
  return out;
}

RemoteTbProducer::~RemoteTbProducer() = default;

absl::StatusOr<std::shared_ptr<RemoteTbProducer::Connection>> RemoteTbProducer::Connect() const {
  const std::string& path = options_.socket_path;
  auto c = std::make_shared<Connection>();
  shm::ChannelGeometry geometry;
  geometry.mailboxes = 64;
  geometry.max_request_bytes = wire::kMaxRequestBytes;
  geometry.max_response_bytes = wire::kMaxResponseBytes;
  absl::StatusOr<std::unique_ptr<shm::ChannelClient>> client =
      shm::ChannelClient::Create("dbt-tb-channel", geometry);
  if (!client.ok()) return client.status();
  c->client = *std::move(client);

  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("translator socket path too long: ", path));
  }
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  c->socket.Reset(MoveFdAboveGuestFds(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)));
  if (!c->socket.valid()) return Errno("socket");
  if (connect(c->socket.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Errno(absl::StrCat("cannot reach the translator at ", path));
  }

  wire::Hello hello;
  hello.translator_abi = kTranslatorAbi;
  hello.buffer_size = buffer_->size();
  hello.region_size = buffer_->region_size();
  hello.session_id = options_.session_id;
  hello.cache_file_hash = options_.cache_file_hash;
  hello.tb_flags = options_.tb_flags;
  hello.image_start = options_.image_start;
  hello.image_end = options_.image_end;
  hello.code_start = buffer_->cursor() == buffer_->region_start(0) ? 0 : buffer_->cursor();
  const std::vector<uint8_t> hello_bytes = wire::EncodeHello(hello);
  const int fds[2] = {c->client->region().fd(), buffer_->fd()};
  if (absl::Status s = shm::SendFds(
          c->socket.get(), fds,
          std::string_view(reinterpret_cast<const char*>(hello_bytes.data()), hello_bytes.size()));
      !s.ok()) {
    return absl::UnavailableError(absl::StrCat("translator at ", path, ": ", s.message()));
  }
  pollfd p = {c->socket.get(), POLLIN, 0};
  const int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(kHelloTimeout)));
  if (ready <= 0) {
    return absl::UnavailableError(absl::StrCat("translator at ", path, " did not answer"));
  }
  uint8_t reply_bytes[2048];
  const ssize_t n = recv(c->socket.get(), reply_bytes, sizeof(reply_bytes), 0);
  if (n <= 0) {
    return absl::UnavailableError(absl::StrCat("translator at ", path, " closed the connection"));
  }
  absl::StatusOr<wire::HelloReply> reply =
      wire::DecodeHelloReply(absl::Span<const uint8_t>(reply_bytes, static_cast<size_t>(n)));
  if (!reply.ok()) return reply.status();
  if (reply->status_code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the translator at ", path, " refused the session: ", reply->message));
  }
  absl::StatusOr<shm::PeerProcess> peer = shm::PeerProcess::FromUnixSocket(c->socket.get());
  if (!peer.ok()) return peer.status();
  c->peer = std::make_unique<shm::PeerProcess>(*std::move(peer));
  if (options_.connects != nullptr) __atomic_fetch_add(options_.connects, 1, __ATOMIC_RELAXED);
  return c;
}

std::shared_ptr<RemoteTbProducer::Connection> RemoteTbProducer::Current(
    uint64_t* generation) const {
  std::lock_guard<std::mutex> lock(mutex_);
  *generation = generation_;
  return connection_;
}

absl::Status RemoteTbProducer::Reconnect(uint64_t generation, const absl::Status& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation_ != generation) return connection_ ? absl::OkStatus() : lost_;
  const pid_t old_pid = connection_ && connection_->peer ? connection_->peer->pid() : 0;
  fprintf(stderr, "dbt: lost the translator (pid %d): %s; reconnecting to %s\n",
          static_cast<int>(old_pid), std::string(why.message()).c_str(),
          options_.socket_path.c_str());
  connection_.reset();
  ++generation_;
  const absl::Time deadline = absl::Now() + options_.reconnect_timeout;
  absl::Status last;
  while (true) {
    absl::StatusOr<std::shared_ptr<Connection>> c = Connect();
    if (c.ok()) {
      connection_ = *std::move(c);
      needs_flush_ = true;
      fprintf(stderr, "dbt: reconnected to the translator (pid %d); translating again\n",
              static_cast<int>(connection_->peer->pid()));
      return absl::OkStatus();
    }
    last = c.status();
    if (absl::Now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  lost_ = absl::UnavailableError(absl::StrFormat(
      "the translator went away (%s) and none came back at %s within %d ms (last: %s)",
      why.message(), options_.socket_path, absl::ToInt64Milliseconds(options_.reconnect_timeout),
      last.message()));
  return lost_;
}

absl::StatusOr<std::vector<uint8_t>> RemoteTbProducer::Call(const std::vector<uint8_t>& request) {
  uint64_t generation = 0;
  std::shared_ptr<Connection> c = Current(&generation);
  if (!c) {
    std::lock_guard<std::mutex> lock(mutex_);
    return lost_;
  }
  std::optional<shm::ChannelClient::Requester> requester;
  {
    std::lock_guard<std::mutex> lock(c->pool_mutex);
    if (!c->pool.empty()) {
      requester.emplace(std::move(c->pool.back()));
      c->pool.pop_back();
    }
  }
  if (!requester) {
    absl::StatusOr<shm::ChannelClient::Requester> fresh = c->client->NewRequester();
    if (!fresh.ok()) return fresh.status();
    requester.emplace(*std::move(fresh));
  }
  std::vector<uint8_t> answer;
  shm::WaitOptions wait;
  wait.timeout = options_.request_timeout;
  wait.peer = c->peer.get();
  // This thread has nothing to do until the answer is there: polling for it
  // saves a cross-CPU wake-up per TB (see request_spin).
  wait.spin = options_.request_spin;
  absl::Status s = requester->Call(request, &answer, wait);
  if (absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s)) {
    // The request stays in flight in a channel nobody serves: drop the
    // requester with the connection.
    requester.reset();
    if (absl::Status r = Reconnect(generation, s); !r.ok()) return r;
    return absl::AbortedError("translator replaced: flush before translating");
  }
  {
    std::lock_guard<std::mutex> lock(c->pool_mutex);
    c->pool.push_back(*std::move(requester));
  }
  if (!s.ok()) return s;
  return answer;
}

absl::StatusOr<translator::TbTranslation> RemoteTbProducer::Translate(
    const wire::TranslateRequest& request, std::string* debug_text) {
  if (absl::Status s = EnsureConnected(); !s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!connection_) return lost_;
    if (needs_flush_) return absl::AbortedError("translator replaced: flush before translating");
  }
  absl::StatusOr<std::vector<uint8_t>> answer = Call(wire::EncodeTranslateRequest(request));
  if (!answer.ok()) return answer.status();
  wire::TranslationNote note;
  absl::StatusOr<translator::TbTranslation> t =
      wire::DecodeTranslation(*answer, request, buffer_->size(), debug_text, &note);
  if (t.ok() && !note.notice.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    notice_ = std::move(note.notice);
  }
  return t;
}

absl::StatusOr<wire::Preload> RemoteTbProducer::Preload() {
  wire::Preload all;
  if (options_.cache_file_hash.empty()) return all;
  bool pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending = attach_pending_;
  }
  // Placed by this process only while no translator writes the buffer
  // (before the guest starts: no other thread attaches meanwhile).
  if (pending) {
    if (std::optional<wire::Preload> local = PreloadFromImage()) return *std::move(local);
  }
  if (absl::Status s = EnsureConnected(); !s.ok()) return s;
  uint32_t cursor = 0;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!connection_) return lost_;
      if (needs_flush_) return all;  // a new translator: nothing was placed for us
    }
    absl::StatusOr<std::vector<uint8_t>> answer = Call(wire::EncodePreloadRequest(cursor));
    if (!answer.ok()) return answer.status();
    absl::StatusOr<wire::Preload> piece =
        wire::DecodePreload(*answer, options_.tb_flags, buffer_->size());
    if (!piece.ok()) return piece.status();
    if (!piece->notice.empty()) all.notice = piece->notice;
    for (translator::TbTranslation& t : piece->tbs) all.tbs.push_back(std::move(t));
    // A cursor that does not move on is a translator bug: stop, not spin.
    if (piece->done || piece->next_cursor <= cursor) break;
    cursor = piece->next_cursor;
  }
  return all;
}

std::string RemoteTbProducer::TakeNotice() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(notice_, std::string());
}

absl::Status RemoteTbProducer::Flush() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (attach_pending_) {
      // No translator writes the buffer yet: it is ours to reset.
      buffer_->Flush();
      return absl::OkStatus();
    }
  }
  // A translator that dies during the flush is replaced and flushed too.
  for (int attempt = 0; attempt < 3; ++attempt) {
    uint64_t generation = 0;
    if (!Current(&generation)) {
      std::lock_guard<std::mutex> lock(mutex_);
      return lost_;
    }
    absl::StatusOr<std::vector<uint8_t>> answer = Call(wire::EncodeFlushRequest());
    if (absl::IsAborted(answer.status())) continue;
    if (!answer.ok()) return answer.status();
    std::lock_guard<std::mutex> lock(mutex_);
    if (generation_ == generation) {
      needs_flush_ = false;
      return absl::OkStatus();
    }
  }
  return absl::UnavailableError("the translator keeps going away during a flush");
}

absl::Status RemoteTbProducer::ResetForChild() {
  mutex_.unlock();
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> fresh =
      codegen::CodeGenBuffer::Create(buffer_->options());
  if (!fresh.ok()) return fresh.status();
  // The parent's connection is the parent's: its mailboxes must not be
  // touched from here (destroying requesters writes to them), so it is
  // abandoned, mapping and all.
  new std::shared_ptr<Connection>(std::move(connection_));
  buffer_ = *std::move(fresh);
  absl::StatusOr<std::shared_ptr<Connection>> c = Connect();
  if (!c.ok()) return c.status();
  connection_ = *std::move(c);
  ++generation_;
  needs_flush_ = false;
  return absl::OkStatus();
}

}  // namespace dbt::executor
