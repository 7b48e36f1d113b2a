// A translator session's use of the cache: the entries of its program
// (loaded once per program and shared by every session of it in this
// translator: a forked guest's new session finds them at once), the
// preload answer, hits on a miss, and the entries it makes.
//
//   attach:     SessionCache::Create (starts loading the program's entries)
//   kPreload:   AnswerPreload: every entry placed in the buffer, answered
//               in pieces; the executor checks each against its memory
//   kTranslate: Find (an entry for exactly these guest bytes: placed and
//               answered from_cache) else translate, answer, then Keep (made
//               an entry later, off the request path: ProgramEntries::Settle)
//   kFlush:     Settle; entries stay in memory and are placed again on
//               demand
#ifndef DBT_SERVICES_TRANSLATOR_CACHE_SESSION_CACHE_H_
#define DBT_SERVICES_TRANSLATOR_CACHE_SESSION_CACHE_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/cache/tb_entry.h"
#include "common/codegen/code_gen_buffer.h"
#include "common/hash/content_hash.h"
#include "services/translator/cache/cache_client.h"
#include "services/translator/translate_tb.h"
#include "services/translator/wire/tb_wire.h"

namespace dbt::translator {

// One program's entries in this translator.
class ProgramEntries {
 public:
  ProgramEntries(CacheClient* client, std::string program);
  ~ProgramEntries();  // waits for the load
  // Waits (at most `timeout`) for the load; its failure, if any.
  absl::Status WaitLoaded(absl::Duration timeout);
  // Entries in index order (for the preload).
  std::vector<std::shared_ptr<const cache::TbEntry>> All();
  // An entry at pc with these flags whose guest bytes are a prefix of
  // `bytes` (hash equal).
  std::shared_ptr<const cache::TbEntry> Match(uint64_t pc, uint32_t flags,
                                              absl::Span<const uint8_t> bytes);
  void Add(std::shared_ptr<const cache::TbEntry> entry);
  // A translation to keep, with the translator's own copy of its code: made
  // an entry (and stored) later, by Settle, so that the request that made
  // it is answered without that work.
  void AddPending(TbTranslation t, std::vector<uint8_t> code, uint64_t build);
  // Makes the pending translations entries: stored through `client` and
  // findable by Match. When a session ends, when one attaches (a forked
  // child finds its parent's code), at a flush, and every refresh.
  void Settle(CacheClient* client);
  const std::string& program() const { return program_; }
  // Fetches what other translators stored for this program since the last
  // load (a guest of the same program running elsewhere). Once loaded.
  void Refresh(CacheClient* client);

 private:
  void Load(CacheClient* client);

  const std::string program_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool loaded_ = false;
  absl::Status load_status_;
  uint64_t version_ = 0;  // the index version loaded so far
  std::vector<std::shared_ptr<const cache::TbEntry>> order_;
  struct Pending {
    TbTranslation t;
    std::vector<uint8_t> code;
    uint64_t build = 0;
  };
  std::vector<Pending> pending_;  // guarded by mutex_
  absl::flat_hash_map<std::pair<uint64_t, uint32_t>,
                      std::vector<std::shared_ptr<const cache::TbEntry>>>
      by_pc_;
  std::thread loader_;
};

// Where a session that ends writes its program's preload image
// (services/cache/store/preload_files.h): beside an LMDB store the
// translator opened itself; empty store_dir: nowhere.
struct PreloadImages {
  std::string store_dir;
  uint64_t budget_bytes = 0;  // all images together (0: no limit)
};

// The ProgramEntries of each program some session uses, refreshed every
// kRefreshInterval by a background thread so that
// two guests of one program running at once, in different translators,
// each find what the other stored.
class ProgramRegistry {
 public:
  explicit ProgramRegistry(CacheClient* client, PreloadImages images = {});
  ~ProgramRegistry();
  std::shared_ptr<ProgramEntries> Get(const std::string& program);
  // Starts loading a program's entries before any session asks (dbt run
  // names its program when it starts its translator: --preload_program),
  // and keeps them for the registry's life.
  void Prefetch(const ContentHash& file_hash, uint32_t tb_flags);
  CacheClient* client() const { return client_; }
  const PreloadImages& images() const { return images_; }

 private:
  void RefreshLoop();

  CacheClient* const client_;
  const PreloadImages images_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mutex_
  absl::flat_hash_map<std::string, std::weak_ptr<ProgramEntries>> programs_;
  std::vector<std::shared_ptr<ProgramEntries>> prefetched_;  // guarded by mutex_
  std::thread refresher_;
};

class SessionCache {
 public:
  // Null when the session asked for no cache. `registry` null (the
  // translator has no cache service): the session is told so in a notice.
  static std::unique_ptr<SessionCache> Create(ProgramRegistry* registry, const wire::Hello& hello);

  // The answer to kPreload(cursor).
  std::vector<uint8_t> AnswerPreload(uint32_t cursor, codegen::CodeGenBuffer& buffer);
  // An entry for exactly these guest bytes, placed in the buffer.
  // ResourceExhausted when the buffer is full.
  std::optional<absl::StatusOr<TbTranslation>> Find(const wire::TranslateRequest& request,
                                                    codegen::CodeGenBuffer& buffer);
  // Whether Keep would store this TB: when it lies in the program image or
  // (from_file) in another file mapping, a shared library; not code the
  // guest made, nor with the cache off.
  bool WillKeep(const TbTranslation& t, bool from_file) const;
  // A TB just translated, with the translator's own copy of its code:
  // stored (true) if WillKeep.
  bool Keep(TbTranslation t, std::vector<uint8_t> code, bool from_file);
  // What the user should hear about the cache, once.
  std::string TakeNotice();
  // The session's buffer was flushed: what it made must be findable now.
  void Settle();

  // The session ended: what it made is sent now, and the program's preload
  // image rewritten if the session added to it (or there is none).
  ~SessionCache();

 private:
  SessionCache() = default;
  void WritePreloadImage();

  std::shared_ptr<ProgramEntries> entries_;  // null: cache off
  CacheClient* client_ = nullptr;
  std::string program_;
  cache::ProgramKey program_key_;
  PreloadImages images_;
  uint64_t added_ = 0;  // entries this session made
  bool load_waited_ = false;
  uint64_t build_ = 0;
  uint64_t image_start_ = 0;
  uint64_t image_end_ = 0;
  std::vector<TbTranslation> preloaded_;  // placed by the first kPreload
  std::string notice_;
  bool notice_given_ = false;
  bool failure_noticed_ = false;
};

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_CACHE_SESSION_CACHE_H_
