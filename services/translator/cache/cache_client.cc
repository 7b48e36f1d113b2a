#include "services/translator/cache/cache_client.h"

#include <chrono>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace dbt::translator {
namespace {

// Stores are held back while their session runs (sent when it ends, when
// this many are queued, or after kBatchDelay): sending them while the guest
// is being translated competed for the CPU and made cold runs ~1.7x slower
// than --no-cache; sent in one go afterwards they cost only the send.
constexpr size_t kBatchEntries = 4096;
constexpr auto kBatchDelay = std::chrono::milliseconds(2000);
constexpr absl::Duration kStoreTimeout = absl::Seconds(5);
// After a failed store, entries are dropped for this long (a dead service
// is not asked again for every TB).
constexpr absl::Duration kQuietAfterFailure = absl::Seconds(2);

std::chrono::system_clock::time_point Deadline(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(d);
}

// Loads and store batches are large (the service accepts 32 MiB).
grpc::ChannelArguments MessageSizeArgs() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  return args;
}

}  // namespace

CacheClient::CacheClient(const std::string& address) : address_(address) {
  grpc::ChannelArguments args = MessageSizeArgs();
  // A private cache service starts beside the translator: retry its socket
  // every few milliseconds, not after gRPC's default 1 s (then 1.6 s, ...)
  // backoff, which the first preload would wait out.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 5);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  stub_ = v1::Cache::NewStub(channel_);
  sender_ = std::thread([this] { SenderLoop(); });
}

CacheClient::CacheClient(grpc::Server& server)
    : address_("the cache in this process"),
      in_process_(true),
      channel_(server.InProcessChannel(MessageSizeArgs())) {
  stub_ = v1::Cache::NewStub(channel_);
  sender_ = std::thread([this] { SenderLoop(); });
}

CacheClient::~CacheClient() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  sender_.join();
}

std::string CacheClient::failure() {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

void CacheClient::Probe() {
  if (in_process_) return;  // it cannot go away
  // GetState(true) reconnects an idle channel; a service that is gone then
  // shows as TRANSIENT_FAILURE at the next probe.
  if (channel_->GetState(/*try_to_connect=*/true) != GRPC_CHANNEL_TRANSIENT_FAILURE) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (failure_.empty()) {
    failure_ =
        absl::StrCat("the cache service (", address_, ") is not answering: nothing more is stored");
  }
}

void CacheClient::SetFailure(const grpc::Status& s, const char* what) {
  std::string why = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                            s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                        ? absl::StrCat("the cache service (", address_, ") is not answering")
                        : s.error_message();
  DBT_LOG(0) << "cache: " << what << ": " << why;
  std::lock_guard<std::mutex> lock(mutex_);
  failure_ = std::move(why);
}

absl::StatusOr<LoadedEntries> CacheClient::LoadProgram(const std::string& program, uint64_t since,
                                                       absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  // A private cache service may still be starting when the first session
  // attaches.
  context.set_wait_for_ready(true);
  v1::LoadProgramRequest request;
  request.set_program(program);
  request.set_since(since);
  std::unique_ptr<grpc::ClientReader<v1::LoadProgramChunk>> reader =
      stub_->LoadProgram(&context, request);
  LoadedEntries out;
  v1::LoadProgramChunk chunk;
  while (reader->Read(&chunk)) {
    for (const std::string& bytes : chunk.entries()) {
      absl::StatusOr<cache::TbEntry> e = cache::DecodeTbEntry(bytes);
      if (!e.ok()) {
        ++out.rejected;
        continue;
      }
      out.entries.push_back(*std::move(e));
    }
    if (chunk.version() != 0) out.version = chunk.version();
    out.rejected += chunk.rejected();
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) {
    SetFailure(s, "loading a program's entries");
    return absl::UnavailableError(failure());
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    failure_.clear();
  }
  return out;
}

void CacheClient::Store(const std::string& program, std::string entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.emplace_back(program, std::move(entry));
  ++queued_;
  // The first entry starts the batch's clock; a full batch goes at once.
  if (queue_.size() == 1 || queue_.size() >= kBatchEntries) cv_.notify_all();
}

void CacheClient::SendSoon() {
  std::lock_guard<std::mutex> lock(mutex_);
  drain_ = true;
  cv_.notify_all();
}

void CacheClient::Drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t target = queued_;
  drain_ = true;
  cv_.notify_all();
  cv_.wait_for(lock, std::chrono::seconds(10), [&] { return sent_ >= target || stopping_; });
}

void CacheClient::SenderLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (queue_.empty()) {
      if (stopping_) return;
      cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      continue;
    }
    // Wait a little for more, unless the batch is full or we are stopping.
    if (queue_.size() < kBatchEntries && !stopping_ && !drain_) {
      cv_.wait_for(lock, kBatchDelay,
                   [&] { return queue_.size() >= kBatchEntries || stopping_ || drain_; });
    }
    drain_ = false;
    std::vector<std::pair<std::string, std::string>> batch;
    batch.swap(queue_);
    const bool quiet = absl::Now() < quiet_until_;
    lock.unlock();
    if (!quiet) SendBatch(batch);
    lock.lock();
    sent_ += batch.size();
    cv_.notify_all();
  }
}

void CacheClient::SendBatch(std::vector<std::pair<std::string, std::string>> batch) {
  // One request per program, split so that none passes kMaxRequestBytes
  // (the service accepts 32 MiB).
  constexpr size_t kMaxRequestBytes = 8 << 20;
  std::vector<v1::CacheStoreRequest> requests;
  std::map<std::string, size_t> open;  // program -> its request being filled
  std::map<size_t, size_t> bytes;      // request -> bytes so far
  for (auto& [program, entry] : batch) {
    auto it = open.find(program);
    if (it == open.end() || bytes[it->second] + entry.size() > kMaxRequestBytes) {
      requests.emplace_back().set_program(program);
      it = open.insert_or_assign(program, requests.size() - 1).first;
    }
    bytes[it->second] += entry.size();
    requests[it->second].add_entries(std::move(entry));
  }
  for (v1::CacheStoreRequest& request : requests) {
    grpc::ClientContext context;
    context.set_deadline(Deadline(kStoreTimeout));
    v1::CacheStoreResponse response;
    grpc::Status s = stub_->Store(&context, request, &response);
    if (!s.ok()) {
      SetFailure(s, "storing entries");
      std::lock_guard<std::mutex> lock(mutex_);
      quiet_until_ = absl::Now() + kQuietAfterFailure;
      return;
    }
    DBT_LOG(2) << "cache: stored " << response.stored() << ", refused " << response.rejected();
  }
}

}  // namespace dbt::translator
