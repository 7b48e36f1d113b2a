#include "services/cache/store/lmdb_store.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cache/tb_entry.h"
#include "services/cache/store/cache_dir.h"
#include "services/cache/store/preload_files.h"

namespace dbt::cache {
namespace {

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

absl::Status LmdbError(int rc, std::string_view what) {
  const absl::StatusCode code = rc == ENOSPC || rc == MDB_MAP_FULL
                                    ? absl::StatusCode::kResourceExhausted
                                : rc == EACCES || rc == EROFS ? absl::StatusCode::kPermissionDenied
                                                              : absl::StatusCode::kInternal;
  return absl::Status(code, absl::StrCat(std::string(what), ": ", mdb_strerror(rc)));
}

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view View(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// A transaction that aborts unless committed.
class Txn {
 public:
  Txn(MDB_env* env, bool write) {
    rc_ = mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &txn_);
    if (rc_ != 0) txn_ = nullptr;
  }
  ~Txn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  int rc() const { return rc_; }
  MDB_txn* get() const { return txn_; }
  int Commit() {
    const int rc = mdb_txn_commit(txn_);
    txn_ = nullptr;
    return rc;
  }

 private:
  MDB_txn* txn_ = nullptr;
  int rc_ = 0;
};

// LMDB's answer for a file that is not (or no longer) an LMDB database.
// Set while this thread is inside a store operation (StoreLock). Initial-
// exec TLS: read from a signal handler.
__attribute__((tls_model("initial-exec"))) thread_local int t_in_operation = 0;

bool IsCorruptDatabase(int rc) {
  return rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED ||
         rc == MDB_PAGE_NOTFOUND;
}

class LmdbStore final : public Store {
 public:
  ~LmdbStore() override {
    if (env_ != nullptr) mdb_env_close(env_);
    if (lock_fd_ >= 0) close(lock_fd_);
  }

  static absl::StatusOr<std::unique_ptr<Store>> Open(const LmdbStoreOptions& options);

  // Every operation, public entry to a transaction: one at a time in this
  // process, and across processes shared (reads) or exclusive (writes) by
  // flock on DIR/dbt.lock. LMDB's own lock file is not used (MDB_NOLOCK):
  // it tells readers apart by pid, and processes in different pid
  // namespaces (containers, sandboxed test runners) sharing one store get
  // the same pids and fail with EAGAIN. flock belongs to the open file, not
  // the pid.
  class StoreLock {
   public:
    StoreLock(LmdbStore& store, bool write) : store_(store), lock_(store.op_mutex_) {
      ++t_in_operation;
      if (store_.lock_fd_ >= 0) {
        while (flock(store_.lock_fd_, write ? LOCK_EX : LOCK_SH) != 0 && errno == EINTR) {
        }
      }
    }
    ~StoreLock() {
      if (store_.lock_fd_ >= 0) flock(store_.lock_fd_, LOCK_UN);
      --t_in_operation;
    }

   private:
    LmdbStore& store_;
    std::lock_guard<std::mutex> lock_;
  };

  absl::Status Put(absl::Span<const KeyValue> entries, const std::string& program) override {
    StoreLock lock(*this, /*write=*/true);
    return PutUnlocked(entries, program);
  }
  absl::StatusOr<std::vector<std::string>> Get(absl::Span<const std::string> keys) override {
    StoreLock lock(*this, /*write=*/false);
    return GetUnlocked(keys);
  }
  absl::StatusOr<ProgramIndex> GetIndex(const std::string& program, uint64_t since) override {
    StoreLock lock(*this, /*write=*/false);
    return GetIndexUnlocked(program, since);
  }
  absl::Status AddToIndex(const std::string& program, absl::Span<const std::string> keys) override {
    StoreLock lock(*this, /*write=*/true);
    return AddToIndexUnlocked(program, keys);
  }
  absl::Status Touch(absl::Span<const std::string> keys) override {
    StoreLock lock(*this, /*write=*/true);
    return TouchUnlocked(keys);
  }
  absl::StatusOr<uint64_t> Sweep(
      const std::function<bool(std::string_view, std::string_view)>& keep) override {
    StoreLock lock(*this, /*write=*/true);
    return SweepUnlocked(keep);
  }
  absl::StatusOr<uint64_t> Evict(uint64_t target_bytes) override {
    StoreLock lock(*this, /*write=*/true);
    return EvictUnlocked(target_bytes);
  }
  absl::StatusOr<uint64_t> Clear() override {
    StoreLock lock(*this, /*write=*/true);
    return ClearUnlocked();
  }
  absl::StatusOr<StoreStats> Stats() override {
    StoreLock lock(*this, /*write=*/false);
    return StatsUnlocked();
  }

  absl::Status PutUnlocked(absl::Span<const KeyValue> entries, const std::string& program) {
    if (!writable_) return ReadOnly();
    absl::Status s = PutOnce(entries, program);
    if (s.code() == absl::StatusCode::kResourceExhausted) {
      // The map (or the disk) is full: make room and try once more.
      // Half of the limit, or half of what is stored when there is none.
      uint64_t target = max_bytes_ / 2;
      if (max_bytes_ == 0) {
        absl::StatusOr<StoreStats> stats = StatsUnlocked();
        target = stats.ok() ? stats->bytes / 2 : 0;
      }
      if (absl::StatusOr<uint64_t> n = EvictUnlocked(target); n.ok()) {
        s = PutOnce(entries, program);
      }
    }
    return s;
  }

  absl::StatusOr<std::vector<std::string>> GetUnlocked(absl::Span<const std::string> keys) {
    Txn txn(env_, false);
    if (txn.rc() != 0) return Error(txn.rc(), "cache read");
    std::vector<std::string> values(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      MDB_val k = Val(keys[i]), v;
      if (mdb_get(txn.get(), tb_, &k, &v) == 0) values[i] = std::string(View(v));
    }
    return values;
  }

  absl::StatusOr<ProgramIndex> GetIndexUnlocked(const std::string& program, uint64_t since) {
    Txn txn(env_, false);
    if (txn.rc() != 0) return Error(txn.rc(), "cache read");
    ProgramIndex index;
    MDB_val k = Val(program), v;
    if (mdb_get(txn.get(), prog_, &k, &v) != 0) return index;
    const std::string_view all = View(v);
    index.version = all.size() / kTbKeyBytes;
    for (uint64_t i = since; i < index.version; ++i) {
      index.keys.emplace_back(all.substr(i * kTbKeyBytes, kTbKeyBytes));
    }
    return index;
  }

  absl::Status AddToIndexUnlocked(const std::string& program, absl::Span<const std::string> keys) {
    if (!writable_) return ReadOnly();
    Txn txn(env_, true);
    if (txn.rc() != 0) return Error(txn.rc(), "cache write");
    if (absl::Status s = AppendIndex(txn.get(), program, keys); !s.ok()) return s;
    if (int rc = txn.Commit(); rc != 0) return Error(rc, "cache commit");
    return absl::OkStatus();
  }

  absl::Status TouchUnlocked(absl::Span<const std::string> keys) {
    if (!writable_ || keys.empty()) return absl::OkStatus();
    Txn txn(env_, true);
    if (txn.rc() != 0) return Error(txn.rc(), "cache write");
    const uint64_t now = NowNs();
    for (const std::string& key : keys) {
      MDB_val k = Val(key), v;
      if (mdb_get(txn.get(), tb_, &k, &v) != 0) continue;
      MDB_val t{8, const_cast<uint64_t*>(&now)};
      if (int rc = mdb_put(txn.get(), atime_, &k, &t, 0); rc != 0) {
        return Error(rc, "cache write");
      }
    }
    if (int rc = txn.Commit(); rc != 0) return Error(rc, "cache commit");
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> SweepUnlocked(
      const std::function<bool(std::string_view, std::string_view)>& keep) {
    if (!writable_) return ReadOnly();
    Txn txn(env_, true);
    if (txn.rc() != 0) return Error(txn.rc(), "cache write");
    std::vector<std::string> doomed;
    {
      MDB_cursor* cursor = nullptr;
      if (int rc = mdb_cursor_open(txn.get(), tb_, &cursor); rc != 0) {
        return Error(rc, "cache scan");
      }
      MDB_val k, v;
      for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0;
           rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
        if (!keep(View(k), View(v))) doomed.emplace_back(View(k));
      }
      mdb_cursor_close(cursor);
    }
    for (const std::string& key : doomed) {
      if (absl::Status s = DeleteEntry(txn.get(), key); !s.ok()) return s;
    }
    if (int rc = txn.Commit(); rc != 0) return Error(rc, "cache commit");
    return doomed.size();
  }

  absl::StatusOr<uint64_t> EvictUnlocked(uint64_t target_bytes) {
    if (!writable_) return ReadOnly();
    Txn txn(env_, true);
    if (txn.rc() != 0) return Error(txn.rc(), "cache write");
    absl::StatusOr<uint64_t> n = EvictIn(txn.get(), target_bytes);
    if (!n.ok()) return n.status();
    if (int rc = txn.Commit(); rc != 0) return Error(rc, "cache commit");
    // Preload images take a quarter of the budget at most.
    PrunePreloadFiles(dir_, target_bytes / 4);
    std::lock_guard<std::mutex> lock(mutex_);
    evicted_ += *n;
    return n;
  }

  absl::StatusOr<uint64_t> ClearUnlocked() {
    if (!writable_) return ReadOnly();
    Txn txn(env_, true);
    if (txn.rc() != 0) return Error(txn.rc(), "cache write");
    MDB_stat st;
    if (int rc = mdb_stat(txn.get(), tb_, &st); rc != 0) return Error(rc, "cache clear");
    for (MDB_dbi dbi : {tb_, atime_, prog_, meta_}) {
      if (int rc = mdb_drop(txn.get(), dbi, 0); rc != 0) return Error(rc, "cache clear");
    }
    if (int rc = txn.Commit(); rc != 0) return Error(rc, "cache commit");
    ClearPreloadFiles(dir_);
    return st.ms_entries;
  }

  absl::StatusOr<StoreStats> StatsUnlocked() {
    Txn txn(env_, false);
    if (txn.rc() != 0) return Error(txn.rc(), "cache read");
    StoreStats stats;
    MDB_stat st;
    if (int rc = mdb_stat(txn.get(), tb_, &st); rc != 0) return Error(rc, "cache stats");
    stats.entries = st.ms_entries;
    if (int rc = mdb_stat(txn.get(), prog_, &st); rc != 0) return Error(rc, "cache stats");
    stats.programs = st.ms_entries;
    stats.bytes = TotalBytes(txn.get());
    stats.max_bytes = max_bytes_;
    stats.location = dir_;
    const PreloadFilesUsage images = PreloadFilesInUse(dir_);
    stats.preload_images = images.files;
    stats.preload_bytes = images.bytes;
    std::lock_guard<std::mutex> lock(mutex_);
    stats.evicted = evicted_;
    return stats;
  }

  bool writable() const override { return writable_; }

  // LMDB's error as a Status; a damaged database (a page that is not there,
  // a corrupted one) also leaves the crash marker, so the next open moves
  // the database aside instead of failing the same way on every run.
  absl::Status Error(int rc, std::string_view what) const {
    if (IsCorruptDatabase(rc) && !dir_.empty()) {
      const int fd = open(LmdbCrashMarkerPath(dir_).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd >= 0) close(fd);
    }
    return LmdbError(rc, what);
  }

 private:
  static absl::Status ReadOnly() {
    return absl::FailedPreconditionError("the cache store is read-only");
  }

  uint64_t TotalBytes(MDB_txn* txn) const {
    MDB_val k = Val("bytes"), v;
    uint64_t total = 0;
    if (mdb_get(txn, meta_, &k, &v) == 0 && v.mv_size == 8) std::memcpy(&total, v.mv_data, 8);
    return total;
  }
  int SetTotalBytes(MDB_txn* txn, uint64_t total) const {
    MDB_val k = Val("bytes"), v{8, &total};
    return mdb_put(txn, meta_, &k, &v, 0);
  }

  absl::Status DeleteEntry(MDB_txn* txn, std::string_view key) {
    MDB_val k = Val(key), v;
    if (mdb_get(txn, tb_, &k, &v) != 0) return absl::OkStatus();
    const uint64_t size = v.mv_size;
    if (int rc = mdb_del(txn, tb_, &k, nullptr); rc != 0) return Error(rc, "cache delete");
    mdb_del(txn, atime_, &k, nullptr);
    const uint64_t total = TotalBytes(txn);
    if (int rc = SetTotalBytes(txn, total > size ? total - size : 0); rc != 0) {
      return Error(rc, "cache write");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> EvictIn(MDB_txn* txn, uint64_t target_bytes) {
    uint64_t total = TotalBytes(txn);
    if (total <= target_bytes) return 0;
    std::vector<std::pair<uint64_t, std::string>> by_age;
    MDB_cursor* cursor = nullptr;
    if (int rc = mdb_cursor_open(txn, tb_, &cursor); rc != 0) return Error(rc, "cache scan");
    MDB_val k, v;
    for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      MDB_val t;
      uint64_t when = 0;
      if (mdb_get(txn, atime_, &k, &t) == 0 && t.mv_size == 8) std::memcpy(&when, t.mv_data, 8);
      by_age.emplace_back(when, std::string(View(k)));
    }
    mdb_cursor_close(cursor);
    std::sort(by_age.begin(), by_age.end());
    uint64_t removed = 0;
    for (const auto& [when, key] : by_age) {
      if (TotalBytes(txn) <= target_bytes) break;
      if (absl::Status s = DeleteEntry(txn, key); !s.ok()) return s;
      ++removed;
    }
    return removed;
  }

  absl::Status AppendIndex(MDB_txn* txn, const std::string& program,
                           absl::Span<const std::string> keys) {
    MDB_val k = Val(program), v;
    std::string index;
    if (mdb_get(txn, prog_, &k, &v) == 0) index = std::string(View(v));
    absl::flat_hash_set<std::string_view> present;
    for (size_t i = 0; i + kTbKeyBytes <= index.size(); i += kTbKeyBytes) {
      present.insert(std::string_view(index).substr(i, kTbKeyBytes));
    }
    std::string added;
    for (const std::string& key : keys) {
      if (key.size() != kTbKeyBytes) continue;
      if (present.insert(key).second) added += key;
    }
    if (added.empty()) return absl::OkStatus();
    index += added;
    MDB_val nv = Val(index);
    if (int rc = mdb_put(txn, prog_, &k, &nv, 0); rc != 0) return Error(rc, "cache index");
    return absl::OkStatus();
  }

  absl::Status PutOnce(absl::Span<const KeyValue> entries, const std::string& program) {
    Txn txn(env_, true);
    if (txn.rc() != 0) return Error(txn.rc(), "cache write");
    uint64_t total = TotalBytes(txn.get());
    const uint64_t now = NowNs();
    std::vector<std::string> keys;
    for (const auto& [key, value] : entries) {
      keys.push_back(key);
      MDB_val k = Val(key), v = Val(value);
      const int rc = mdb_put(txn.get(), tb_, &k, &v, MDB_NOOVERWRITE);
      if (rc == MDB_KEYEXIST) continue;
      if (rc != 0) return Error(rc, "cache write");
      total += value.size();
      MDB_val t{8, const_cast<uint64_t*>(&now)};
      if (int rc2 = mdb_put(txn.get(), atime_, &k, &t, 0); rc2 != 0) {
        return Error(rc2, "cache write");
      }
    }
    if (int rc = SetTotalBytes(txn.get(), total); rc != 0) return Error(rc, "cache write");
    if (!program.empty()) {
      if (absl::Status s = AppendIndex(txn.get(), program, keys); !s.ok()) return s;
    }
    uint64_t evicted = 0;
    if (max_bytes_ != 0 && total > max_bytes_) {
      // Down to 90% of the limit, so that the next puts do not evict again.
      absl::StatusOr<uint64_t> n = EvictIn(txn.get(), max_bytes_ / 10 * 9);
      if (!n.ok()) return n.status();
      evicted = *n;
    }
    if (int rc = txn.Commit(); rc != 0) return Error(rc, "cache commit");
    std::lock_guard<std::mutex> lock(mutex_);
    evicted_ += evicted;
    return absl::OkStatus();
  }

  int lock_fd_ = -1;  // DIR/dbt.lock (none in a read-only directory)
  std::mutex op_mutex_;
  MDB_env* env_ = nullptr;
  MDB_dbi tb_ = 0, atime_ = 0, prog_ = 0, meta_ = 0;
  bool writable_ = true;
  uint64_t max_bytes_ = 0;
  std::string dir_;
  std::mutex mutex_;
  uint64_t evicted_ = 0;  // guarded by mutex_
};

absl::StatusOr<std::unique_ptr<Store>> LmdbStore::Open(const LmdbStoreOptions& options) {
  auto warn = [&](const std::string& m) {
    if (options.warn) options.warn(m);
  };
  if (absl::Status s = MakeCacheDirs(options.dir); !s.ok()) return s;
  if (absl::Status s = CheckCacheDirectory(options.dir); !s.ok()) return s;
  // For the effective uid, the one CheckCacheDirectory required to own it
  // (access() would answer for the real uid).
  const bool dir_writable = faccessat(AT_FDCWD, options.dir.c_str(), W_OK, AT_EACCESS) == 0;

  const std::string marker = LmdbCrashMarkerPath(options.dir);
  const bool crashed_before = dir_writable && access(marker.c_str(), F_OK) == 0;
  std::unique_ptr<LmdbStore> store(new LmdbStore());
  store->dir_ = options.dir;
  store->max_bytes_ = options.max_bytes;
  store->writable_ = dir_writable;
  if (dir_writable) {
    store->lock_fd_ =
        open(absl::StrCat(options.dir, "/dbt.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (store->lock_fd_ < 0) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot open ", options.dir, "/dbt.lock: ", strerror(errno)));
    }
  }
  // Opening (and maybe moving a damaged database aside) excludes every
  // other process's transactions.
  StoreLock opening(*store, /*write=*/true);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (int rc = mdb_env_create(&store->env_); rc != 0) return LmdbError(rc, "lmdb");
    mdb_env_set_maxdbs(store->env_, 4);
    mdb_env_set_maxreaders(store->env_, 256);
    // Virtual address space, not disk: room for the limit twice over (LMDB
    // needs free pages while it rewrites), at least 256 MiB.
    const uint64_t limit = options.max_bytes == 0 ? (8ull << 30) : options.max_bytes;
    mdb_env_set_mapsize(store->env_, std::max<uint64_t>(2 * limit + (64ull << 20), 256ull << 20));
    if (attempt == 0 && crashed_before) {
      mdb_env_close(store->env_);
      store->env_ = nullptr;
      const std::string data = absl::StrCat(options.dir, "/data.mdb");
      const std::string aside =
          absl::StrCat(data, ".corrupt-", static_cast<long long>(time(nullptr)));
      if (rename(data.c_str(), aside.c_str()) == 0 || errno == ENOENT) {
        unlink(absl::StrCat(options.dir, "/lock.mdb").c_str());
        unlink(marker.c_str());
        warn(absl::StrCat("the cache database ", data,
                          " crashed a reader (a damaged page); moved it to ", aside,
                          " and started a new one"));
        continue;
      }
      return absl::InternalError(absl::StrCat(
          "the cache database ", data, " is damaged and cannot be moved aside: ", strerror(errno)));
    }
    // MDB_NOLOCK: StoreLock serializes writers against readers instead.
    // MDB_NOSYNC: no fsync per commit (it cost a cold run ~3x: a 10-40 ms
    // fdatasync for every batch of stores, competing with translation). A
    // cache may lose its last writes in a system crash; a database damaged
    // by one is detected (checksums, LMDB's errors, a crashed reader) and
    // replaced at the next open.
    unsigned flags = MDB_NOTLS | MDB_NOSYNC | MDB_NOMETASYNC | MDB_NOLOCK;
    // A directory this user cannot write (a shared, prepared cache): read
    // without LMDB's lock file, since nobody can write it either.
    if (!dir_writable) flags |= MDB_RDONLY;
    int rc = mdb_env_open(store->env_, options.dir.c_str(), flags, 0600);
    if (rc == 0) break;
    mdb_env_close(store->env_);
    store->env_ = nullptr;
    if (attempt == 0 && dir_writable && IsCorruptDatabase(rc)) {
      const std::string data = absl::StrCat(options.dir, "/data.mdb");
      const std::string aside =
          absl::StrCat(data, ".corrupt-", static_cast<long long>(time(nullptr)));
      if (rename(data.c_str(), aside.c_str()) == 0) {
        unlink(absl::StrCat(options.dir, "/lock.mdb").c_str());
        warn(absl::StrCat("the cache database ", data, " is damaged (", mdb_strerror(rc),
                          "); moved it to ", aside, " and started a new one"));
        continue;
      }
    }
    return LmdbError(rc, absl::StrCat("cannot open the cache in ", options.dir));
  }
  if (!dir_writable) {
    warn(absl::StrCat("the cache directory ", options.dir,
                      " is not writable: using it read-only (nothing new is stored)"));
  }
  Txn txn(store->env_, dir_writable);
  if (txn.rc() != 0) return LmdbError(txn.rc(), "cache open");
  const unsigned create = dir_writable ? MDB_CREATE : 0;
  struct {
    const char* name;
    MDB_dbi* dbi;
  } dbs[] = {{"tb", &store->tb_},
             {"atime", &store->atime_},
             {"prog", &store->prog_},
             {"meta", &store->meta_}};
  for (auto& db : dbs) {
    int rc = mdb_dbi_open(txn.get(), db.name, create, db.dbi);
    if (rc == MDB_NOTFOUND && !dir_writable) {
      return absl::NotFoundError(
          absl::StrCat("the read-only cache in ", options.dir, " holds no dbt store"));
    }
    if (rc != 0) return LmdbError(rc, absl::StrCat("cache database ", db.name));
  }
  // Committed read-only too: aborting the transaction that opened the
  // handles would close them, and every later read would fail (EINVAL).
  if (int rc = txn.Commit(); rc != 0) return LmdbError(rc, "cache open");
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenLmdbStore(const LmdbStoreOptions& options) {
  return LmdbStore::Open(options);
}

std::string LmdbCrashMarkerPath(const std::string& dir) { return absl::StrCat(dir, "/damaged"); }

bool InLmdbOperation() { return t_in_operation > 0; }

}  // namespace dbt::cache
