#include "services/translator/cache/session_cache.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/cache/preload_image.h"
#include "common/log.h"
#include "services/cache/store/preload_files.h"
#include "services/translator/cache/build_id.h"
#include "services/translator/cache/entry_convert.h"

namespace dbt::translator {
namespace {

// How long a preload waits for the cache service (it only delays the
// start: a slow or dead service means a cold run, not a failed one).
constexpr absl::Duration kLoadTimeout = absl::Seconds(5);
constexpr auto kRefreshInterval = std::chrono::milliseconds(500);

// The store's key of a program's index (its sessions' and a prefetch's).
std::string ProgramIndexKey(const ContentHash& file_hash, uint32_t tb_flags, uint64_t build) {
  return cache::EncodeProgramKey(ProgramKeyOf(file_hash, tb_flags, build));
}

}  // namespace

ProgramEntries::ProgramEntries(CacheClient* client, std::string program)
    : program_(std::move(program)) {
  loader_ = std::thread([this, client] { Load(client); });
}

ProgramEntries::~ProgramEntries() { loader_.join(); }

void ProgramEntries::Load(CacheClient* client) {
  const absl::Time start = absl::Now();
  absl::StatusOr<LoadedEntries> loaded = client->LoadProgram(program_, 0, kLoadTimeout);
  DBT_LOG(1) << "cache: LoadProgram took " << absl::ToDoubleMilliseconds(absl::Now() - start)
             << " ms";
  std::lock_guard<std::mutex> lock(mutex_);
  if (loaded.ok()) {
    version_ = loaded->version;
    for (cache::TbEntry& e : loaded->entries) {
      auto entry = std::make_shared<const cache::TbEntry>(std::move(e));
      by_pc_[{entry->key.pc, entry->key.flags}].push_back(entry);
      order_.push_back(std::move(entry));
    }
    DBT_LOG(1) << "cache: loaded " << order_.size() << " entries of a program (" << loaded->rejected
               << " rejected)";
  } else {
    load_status_ = loaded.status();
  }
  loaded_ = true;
  cv_.notify_all();
}

absl::Status ProgramEntries::WaitLoaded(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return loaded_; })) {
    return absl::DeadlineExceededError("the cache service did not answer in time");
  }
  return load_status_;
}

std::vector<std::shared_ptr<const cache::TbEntry>> ProgramEntries::All() {
  std::lock_guard<std::mutex> lock(mutex_);
  return order_;
}

std::shared_ptr<const cache::TbEntry> ProgramEntries::Match(uint64_t pc, uint32_t flags,
                                                            absl::Span<const uint8_t> bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_pc_.find({pc, flags});
  if (it == by_pc_.end()) return nullptr;
  for (const auto& e : it->second) {
    if (e->key.guest_size > bytes.size()) continue;
    if (HashBytes(bytes.data(), e->key.guest_size) == e->key.hash) return e;
  }
  return nullptr;
}

void ProgramEntries::Add(std::shared_ptr<const cache::TbEntry> entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& at = by_pc_[{entry->key.pc, entry->key.flags}];
  for (const auto& e : at) {
    if (e->key == entry->key) return;
  }
  at.push_back(entry);
  order_.push_back(std::move(entry));
}

void ProgramEntries::AddPending(TbTranslation t, std::vector<uint8_t> code, uint64_t build) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.push_back({std::move(t), std::move(code), build});
}

void ProgramEntries::Settle(CacheClient* client) {
  std::vector<Pending> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(pending_);
  }
  for (Pending& p : batch) {
    auto entry = std::make_shared<const cache::TbEntry>(ToEntry(p.t, std::move(p.code), p.build));
    client->Store(program_, cache::EncodeTbEntry(*entry));
    Add(std::move(entry));
  }
}

void ProgramEntries::Refresh(CacheClient* client) {
  uint64_t since = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!loaded_ || !load_status_.ok()) return;
    since = version_;
  }
  absl::StatusOr<LoadedEntries> more = client->LoadProgram(program_, since, kLoadTimeout);
  if (!more.ok() || more->version <= since) return;
  for (cache::TbEntry& e : more->entries) Add(std::make_shared<const cache::TbEntry>(std::move(e)));
  std::lock_guard<std::mutex> lock(mutex_);
  version_ = std::max(version_, more->version);
}

ProgramRegistry::ProgramRegistry(CacheClient* client, PreloadImages images)
    : client_(client), images_(std::move(images)) {
  refresher_ = std::thread([this] { RefreshLoop(); });
}

ProgramRegistry::~ProgramRegistry() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  refresher_.join();
}

void ProgramRegistry::RefreshLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!cv_.wait_for(lock, kRefreshInterval, [&] { return stopping_; })) {
    std::vector<std::shared_ptr<ProgramEntries>> live;
    for (auto& [program, weak] : programs_) {
      if (auto p = weak.lock()) live.push_back(std::move(p));
    }
    lock.unlock();
    client_->Probe();
    for (const auto& p : live) p->Settle(client_);
    // A service that is failing is not asked again and again.
    if (client_->failure().empty()) {
      for (const auto& p : live) p->Refresh(client_);
    }
    live.clear();  // the last reference may go here, outside the lock
    lock.lock();
  }
}

std::shared_ptr<ProgramEntries> ProgramRegistry::Get(const std::string& program) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::weak_ptr<ProgramEntries>& slot = programs_[program];
  std::shared_ptr<ProgramEntries> entries = slot.lock();
  if (entries == nullptr) {
    entries = std::make_shared<ProgramEntries>(client_, program);
    slot = entries;
  }
  // Forget programs no session uses any more.
  for (auto it = programs_.begin(); it != programs_.end();) {
    auto next = std::next(it);
    if (it->second.expired()) programs_.erase(it);
    it = next;
  }
  return entries;
}

void ProgramRegistry::Prefetch(const ContentHash& file_hash, uint32_t tb_flags) {
  const uint64_t build = TranslatorBuildId();
  if (build == 0) return;
  std::shared_ptr<ProgramEntries> entries = Get(ProgramIndexKey(file_hash, tb_flags, build));
  std::lock_guard<std::mutex> lock(mutex_);
  prefetched_.push_back(std::move(entries));
}

std::unique_ptr<SessionCache> SessionCache::Create(ProgramRegistry* registry,
                                                   const wire::Hello& hello) {
  if (hello.cache_file_hash.empty()) return nullptr;
  std::unique_ptr<SessionCache> c(new SessionCache());
  c->build_ = TranslatorBuildId();
  // A translator started without a cache service: the session runs as with
  // --no-cache (its operator chose so).
  if (registry == nullptr) return nullptr;
  if (c->build_ == 0) {
    c->notice_ = "the translator cannot identify its own binary: nothing is cached";
    return c;
  }
  ContentHash file_hash;
  if (!ContentHashFromBytes(hello.cache_file_hash, &file_hash)) return nullptr;
  c->program_key_ = ProgramKeyOf(file_hash, hello.tb_flags, c->build_);
  c->program_ = cache::EncodeProgramKey(c->program_key_);
  c->images_ = registry->images();
  c->client_ = registry->client();
  c->entries_ = registry->Get(c->program_);
  // A forked child's session: what its parent made is findable now.
  c->entries_->Settle(c->client_);
  c->image_start_ = hello.image_start;
  c->image_end_ = hello.image_end;
  return c;
}

SessionCache::~SessionCache() {
  if (client_ != nullptr) {
    entries_->Settle(client_);
    client_->SendSoon();
  }
  WritePreloadImage();
}

void SessionCache::Settle() {
  if (client_ != nullptr && entries_ != nullptr) entries_->Settle(client_);
}

void SessionCache::WritePreloadImage() {
  if (entries_ == nullptr || images_.store_dir.empty()) return;
  // Written from a partial view (the program's entries not loaded from
  // the store), the image would lose what earlier runs stored.
  if (!entries_->WaitLoaded(absl::ZeroDuration()).ok()) return;
  if (added_ == 0 &&
      access(cache::PreloadFilePath(images_.store_dir, program_key_).c_str(), F_OK) == 0) {
    return;
  }
  const std::vector<std::shared_ptr<const cache::TbEntry>> all = entries_->All();
  if (all.empty()) return;
  const absl::Time start = absl::Now();
  cache::PreloadImageWriter writer(program_key_);
  for (const auto& e : all) writer.Add(*e);
  const std::string image = writer.Finish();
  if (absl::Status s = cache::WritePreloadFile(images_.store_dir, program_key_, image); !s.ok()) {
    DBT_LOG(0) << "cache: the preload image was not written: " << s.message();
    return;
  }
  if (images_.budget_bytes != 0) cache::PrunePreloadFiles(images_.store_dir, images_.budget_bytes);
  DBT_LOG(1) << "cache: preload image of " << all.size() << " entries (" << image.size()
             << " bytes) written in " << absl::ToDoubleMilliseconds(absl::Now() - start) << " ms";
}

std::vector<uint8_t> SessionCache::AnswerPreload(uint32_t cursor, codegen::CodeGenBuffer& buffer) {
  if (cursor == 0 && entries_ != nullptr) {
    const absl::Time start = absl::Now();
    preloaded_.clear();
    if (absl::Status s = entries_->WaitLoaded(kLoadTimeout); !s.ok()) {
      if (notice_.empty()) notice_ = absl::StrCat("the cache is off: ", s.message());
    } else {
      for (const auto& e : entries_->All()) {
        absl::StatusOr<TbTranslation> t = InstallEntry(*e, buffer);
        if (!t.ok()) break;  // the buffer is full: the rest on demand
        preloaded_.push_back(*std::move(t));
      }
    }
    DBT_LOG(1) << "cache: preload of " << preloaded_.size() << " TBs placed after "
               << absl::ToDoubleMilliseconds(absl::Now() - start) << " ms";
  }
  uint32_t next = 0;
  return wire::EncodePreload(preloaded_, cursor, TakeNotice(), &next);
}

std::optional<absl::StatusOr<TbTranslation>> SessionCache::Find(
    const wire::TranslateRequest& request, codegen::CodeGenBuffer& buffer) {
  if (entries_ == nullptr) return std::nullopt;
  // The first lookup waits for the program's entries (the preload does
  // that too): a miss before they are loaded would be translated again.
  if (!load_waited_) {
    load_waited_ = true;
    (void)entries_->WaitLoaded(kLoadTimeout);
  }
  std::shared_ptr<const cache::TbEntry> e =
      entries_->Match(request.pc, request.flags, request.bytes);
  if (e == nullptr) return std::nullopt;
  return InstallEntry(*e, buffer);
}

bool SessionCache::WillKeep(const TbTranslation& t, bool from_file) const {
  if (entries_ == nullptr || client_ == nullptr) return false;
  // Only code from files is indexed under the program (its own, and its
  // shared libraries', which dbt maps at the same addresses run after run;
  // a library that moved is refused by the byte check): code the guest
  // made at run time (a JIT, a trampoline) is not there when the next run
  // starts.
  return from_file || (t.guest_pc >= image_start_ && t.guest_pc + t.guest_size <= image_end_);
}

bool SessionCache::Keep(TbTranslation t, std::vector<uint8_t> code, bool from_file) {
  if (!WillKeep(t, from_file)) return false;
  entries_->AddPending(std::move(t), std::move(code), build_);
  ++added_;
  return true;
}

std::string SessionCache::TakeNotice() {
  if (!failure_noticed_ && client_ != nullptr) {
    if (std::string f = client_->failure(); !f.empty()) {
      failure_noticed_ = true;
      if (notice_.empty() && !notice_given_) notice_ = absl::StrCat("the cache is off: ", f);
    }
  }
  if (notice_given_ || notice_.empty()) return "";
  notice_given_ = true;
  return notice_;
}

}  // namespace dbt::translator
