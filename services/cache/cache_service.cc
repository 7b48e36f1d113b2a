#include "services/cache/cache_service.h"

#include <chrono>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/cache/preload_image.h"
#include "common/cache/tb_entry.h"
#include "common/log.h"
#include "common/service/grpc_status.h"
#include "services/cache/store/preload_files.h"

namespace dbt {
namespace {

// Entries per LoadProgram chunk (a chunk is one gRPC message; entries are
// ~0.5-2 KiB, so ~1 MiB per chunk).
constexpr size_t kChunkEntries = 512;

bool ValidProgramKey(const std::string& program) {
  return cache::DecodeProgramKey(cache::AsBytes(program)).ok();
}

}  // namespace

CacheService::CacheService(std::unique_ptr<cache::Store> store, std::string backend)
    : store_(std::move(store)), backend_(std::move(backend)) {
  writer_ = std::thread([this] { WriterLoop(); });
}

CacheService::CacheService(std::string reason) : disabled_reason_(std::move(reason)) {}

grpc::Status CacheService::Disabled() const {
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, disabled_reason_);
}

CacheService::~CacheService() {
  if (store_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(touch_mutex_);
    stopping_ = true;
  }
  touch_cv_.notify_all();
  writer_.join();
  FlushTouches();
}

void CacheService::QueueTouches(const std::vector<std::string>& keys) {
  if (keys.empty() || !store_->writable()) return;
  std::lock_guard<std::mutex> lock(touch_mutex_);
  touches_.insert(touches_.end(), keys.begin(), keys.end());
}

void CacheService::FlushTouches() {
  std::vector<std::string> keys;
  {
    std::lock_guard<std::mutex> lock(touch_mutex_);
    keys.swap(touches_);
  }
  if (keys.empty()) return;
  if (absl::Status s = store_->Touch(keys); !s.ok()) {
    DBT_LOG(0) << "cache: recording use times: " << s.message();
  }
}

absl::Status CacheService::Write(std::function<absl::Status()> write) {
  absl::Status result;
  bool done = false;
  std::unique_lock<std::mutex> lock(touch_mutex_);
  if (stopping_) return write();  // the writer is gone: do it here
  jobs_.push_back({std::move(write), &result, &done});
  touch_cv_.notify_all();
  touch_cv_.wait(lock, [&] { return done; });
  return result;
}

void CacheService::WriterLoop() {
  std::unique_lock<std::mutex> lock(touch_mutex_);
  auto next_touch = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    touch_cv_.wait_until(lock, next_touch, [&] { return stopping_ || !jobs_.empty(); });
    std::vector<WriteJob> jobs;
    jobs.swap(jobs_);
    lock.unlock();
    for (WriteJob& job : jobs) {
      absl::Status s = job.write();
      std::lock_guard<std::mutex> done_lock(touch_mutex_);
      *job.result = std::move(s);
      *job.done = true;
    }
    if (!jobs.empty()) touch_cv_.notify_all();
    if (std::chrono::steady_clock::now() >= next_touch) {
      FlushTouches();
      next_touch = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    }
    lock.lock();
    if (stopping_ && jobs_.empty()) return;
  }
}

void CacheService::CheckFound(const std::vector<std::string>& keys,
                              std::vector<std::string>* values, uint64_t* rejected) {
  std::vector<std::string> bad;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string& value = (*values)[i];
    if (value.empty()) continue;
    absl::StatusOr<cache::TbKey> key = cache::DecodeTbKey(cache::AsBytes(keys[i]));
    // Integrity only (checksum, key): the translator decodes every entry it
    // loads in full, so parsing each here too doubled the cost of a preload.
    absl::Status checked =
        key.ok() ? cache::CheckTbEntryIntegrity(cache::AsBytes(value), &*key) : key.status();
    if (checked.ok()) continue;
    DBT_LOG(0) << "cache: dropping a stored entry that fails its checks: " << checked.message();
    bad.push_back(keys[i]);
    value.clear();
    ++*rejected;
  }
  if (bad.empty() || !store_->writable()) return;
  absl::flat_hash_set<std::string> doomed(bad.begin(), bad.end());
  absl::StatusOr<uint64_t> n = store_->Sweep(
      [&](std::string_view k, std::string_view) { return !doomed.contains(std::string(k)); });
  if (!n.ok()) DBT_LOG(0) << "cache: deleting bad entries: " << n.status().message();
}

grpc::Status CacheService::Lookup(grpc::ServerContext*, const v1::CacheLookupRequest* request,
                                  v1::CacheLookupResponse* response) {
  if (store_ == nullptr) return Disabled();
  std::vector<std::string> keys(request->keys().begin(), request->keys().end());
  absl::StatusOr<std::vector<std::string>> values = store_->Get(keys);
  if (!values.ok()) return ToGrpc(values.status());
  uint64_t rejected = 0;
  CheckFound(keys, &*values, &rejected);
  std::vector<std::string> found;
  for (size_t i = 0; i < keys.size(); ++i) {
    if ((*values)[i].empty()) {
      misses_.fetch_add(1);
    } else {
      hits_.fetch_add(1);
      found.push_back(keys[i]);
    }
    response->add_entries(std::move((*values)[i]));
  }
  rejected_.fetch_add(rejected);
  response->set_rejected(rejected);
  QueueTouches(found);
  return grpc::Status::OK;
}

grpc::Status CacheService::Store(grpc::ServerContext*, const v1::CacheStoreRequest* request,
                                 v1::CacheStoreResponse* response) {
  if (store_ == nullptr) return Disabled();
  if (!request->program().empty() && !ValidProgramKey(request->program())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed program key");
  }
  std::vector<cache::KeyValue> entries;
  uint64_t rejected = 0;
  for (const std::string& bytes : request->entries()) {
    absl::StatusOr<cache::TbEntry> entry = cache::DecodeTbEntry(bytes);
    if (!entry.ok()) {
      DBT_LOG(0) << "cache: refusing an entry: " << entry.status().message();
      ++rejected;
      continue;
    }
    entries.emplace_back(cache::EncodeTbKey(entry->key), bytes);
  }
  if (!entries.empty()) {
    const std::string& program = request->program();
    if (absl::Status s = Write([&] { return store_->Put(entries, program); }); !s.ok()) {
      return ToGrpc(s);
    }
  }
  stored_.fetch_add(entries.size());
  response->set_stored(entries.size());
  response->set_rejected(rejected);
  return grpc::Status::OK;
}

grpc::Status CacheService::GetProgramIndex(grpc::ServerContext*,
                                           const v1::ProgramIndexRequest* request,
                                           v1::ProgramIndexResponse* response) {
  if (store_ == nullptr) return Disabled();
  if (!ValidProgramKey(request->program())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed program key");
  }
  absl::StatusOr<cache::ProgramIndex> index =
      store_->GetIndex(request->program(), request->since());
  if (!index.ok()) return ToGrpc(index.status());
  for (std::string& key : index->keys) response->add_keys(std::move(key));
  response->set_version(index->version);
  return grpc::Status::OK;
}

grpc::Status CacheService::PutProgramIndex(grpc::ServerContext*,
                                           const v1::PutProgramIndexRequest* request,
                                           v1::PutProgramIndexResponse* response) {
  if (store_ == nullptr) return Disabled();
  if (!ValidProgramKey(request->program())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed program key");
  }
  std::vector<std::string> keys;
  for (const std::string& key : request->keys()) {
    if (!cache::DecodeTbKey(cache::AsBytes(key)).ok()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed TB key");
    }
    keys.push_back(key);
  }
  if (absl::Status s = store_->AddToIndex(request->program(), keys); !s.ok()) return ToGrpc(s);
  absl::StatusOr<cache::ProgramIndex> index = store_->GetIndex(request->program(), ~uint64_t{0});
  if (index.ok()) response->set_version(index->version);
  return grpc::Status::OK;
}

grpc::Status CacheService::LoadProgram(grpc::ServerContext* context,
                                       const v1::LoadProgramRequest* request,
                                       grpc::ServerWriter<v1::LoadProgramChunk>* writer) {
  if (store_ == nullptr) return Disabled();
  if (!ValidProgramKey(request->program())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed program key");
  }
  absl::StatusOr<cache::ProgramIndex> index =
      store_->GetIndex(request->program(), request->since());
  if (!index.ok()) return ToGrpc(index.status());
  uint64_t missing = 0, rejected = 0;
  std::vector<std::string> found;
  for (size_t start = 0; start < index->keys.size() || start == 0; start += kChunkEntries) {
    const size_t end = std::min(index->keys.size(), start + kChunkEntries);
    std::vector<std::string> keys(index->keys.begin() + start, index->keys.begin() + end);
    absl::StatusOr<std::vector<std::string>> values = store_->Get(keys);
    if (!values.ok()) return ToGrpc(values.status());
    CheckFound(keys, &*values, &rejected);
    v1::LoadProgramChunk chunk;
    for (size_t i = 0; i < keys.size(); ++i) {
      if ((*values)[i].empty()) {
        ++missing;
        continue;
      }
      found.push_back(keys[i]);
      chunk.add_entries(std::move((*values)[i]));
    }
    const bool last = end >= index->keys.size();
    if (last) {
      chunk.set_version(index->version);
      chunk.set_missing(missing);
      chunk.set_rejected(rejected);
    }
    if (context->IsCancelled() || !writer->Write(chunk)) break;
    if (last) break;
  }
  hits_.fetch_add(found.size());
  misses_.fetch_add(missing);
  rejected_.fetch_add(rejected);
  QueueTouches(found);
  return grpc::Status::OK;
}

grpc::Status CacheService::Stats(grpc::ServerContext*, const v1::CacheStatsRequest*,
                                 v1::CacheStats* response) {
  if (store_ == nullptr) return Disabled();
  absl::StatusOr<cache::StoreStats> s = store_->Stats();
  if (!s.ok()) return ToGrpc(s.status());
  response->set_entries(s->entries);
  response->set_bytes(s->bytes);
  response->set_programs(s->programs);
  response->set_max_bytes(s->max_bytes);
  response->set_evicted(s->evicted);
  response->set_store_path(s->location);
  response->set_hits(hits_.load());
  response->set_misses(misses_.load());
  // Entries dropped here (malformed) and by the store (tags that did not
  // verify).
  response->set_rejected_corrupt(rejected_.load() + s->rejected);
  response->set_stored(stored_.load());
  response->set_writable(store_->writable());
  response->set_backend(backend_);
  response->set_preload_images(s->preload_images);
  response->set_preload_bytes(s->preload_bytes);
  return grpc::Status::OK;
}

grpc::Status CacheService::Verify(grpc::ServerContext*, const v1::CacheVerifyRequest*,
                                  v1::CacheVerifyResponse* response) {
  if (store_ == nullptr) return Disabled();
  uint64_t checked = 0;
  absl::StatusOr<uint64_t> removed = store_->Sweep([&](std::string_view key,
                                                       std::string_view value) {
    ++checked;
    absl::StatusOr<cache::TbKey> k = cache::DecodeTbKey(
        absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
    if (!k.ok()) return false;
    return cache::DecodeTbEntry(absl::Span<const uint8_t>(
                                    reinterpret_cast<const uint8_t*>(value.data()), value.size()),
                                &*k)
        .ok();
  });
  if (!removed.ok()) return ToGrpc(removed.status());
  rejected_.fetch_add(*removed);
  response->set_checked(checked);
  response->set_removed(*removed);
  if (backend_ == "lmdb") {
    // A preload image with any damage goes whole: the next run of its
    // program writes it again from the store.
    absl::StatusOr<cache::StoreStats> stats = store_->Stats();
    if (stats.ok()) {
      uint64_t images = 0;
      const uint64_t gone = cache::SweepPreloadFiles(
          stats->location,
          [](const cache::ProgramKey& program, const std::string& image) {
            uint64_t bad = 0;
            return cache::ForEachPreloadEntry(
                       cache::AsBytes(image), program, [](cache::TbEntry&&) {}, &bad)
                       .ok() &&
                   bad == 0;
          },
          &images);
      response->set_images_checked(images);
      response->set_images_removed(gone);
    }
  }
  return grpc::Status::OK;
}

grpc::Status CacheService::Evict(grpc::ServerContext*, const v1::CacheEvictRequest* request,
                                 v1::CacheEvictResponse* response) {
  if (store_ == nullptr) return Disabled();
  FlushTouches();  // the order must reflect the latest uses
  absl::StatusOr<uint64_t> n = store_->Evict(request->target_bytes());
  if (!n.ok()) return ToGrpc(n.status());
  response->set_evicted(*n);
  if (absl::StatusOr<cache::StoreStats> s = store_->Stats(); s.ok()) response->set_bytes(s->bytes);
  return grpc::Status::OK;
}

grpc::Status CacheService::Clear(grpc::ServerContext*, const v1::CacheClearRequest*,
                                 v1::CacheClearResponse* response) {
  if (store_ == nullptr) return Disabled();
  {
    std::lock_guard<std::mutex> lock(touch_mutex_);
    touches_.clear();
  }
  absl::StatusOr<uint64_t> n = store_->Clear();
  if (!n.ok()) return ToGrpc(n.status());
  response->set_entries_removed(*n);
  return grpc::Status::OK;
}

}  // namespace dbt
