#include "services/cache/store/lmdb_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/cache/tb_entry.h"
#include "gtest/gtest.h"

namespace dbt::cache {
namespace {

// An unprivileged uid/gid for the cases root would otherwise pass regardless
// of permission bits ("nobody" on Debian).
constexpr uid_t kNobodyUid = 65534;
constexpr gid_t kNobodyGid = 65534;

// The 48-byte key of TB number `i` (distinct i, distinct keys).
std::string Key(uint64_t i, uint64_t space = 0) {
  TbKey k;
  k.abi = 3;
  k.build = 0xb0b0 + space;
  k.pc = 0x10000 + 4 * i;
  k.guest_size = 4;
  k.hash = ContentHash{i * 0x9e3779b97f4a7c15ull + space, ~i};
  return EncodeTbKey(k);
}

std::string Program(uint64_t i) {
  ProgramKey p;
  p.abi = 3;
  p.file_hash = ContentHash{0x1000 + i, i};
  return EncodeProgramKey(p);
}

// An entry's value is a function of its key (as the store assumes): `size`
// bytes derived from the key, so that a mixed-up value shows.
std::string ValueFor(const std::string& key, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  std::string v(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    v[i] = static_cast<char>(h >> 56);
  }
  return v;
}

// A value whose size also follows from the key: 40..295 bytes.
std::string ValueFor(const std::string& key) {
  uint64_t h = 0;
  for (unsigned char c : key) h = h * 131 + c;
  return ValueFor(key, 40 + h % 256);
}

int RemoveOne(const char* path, const struct stat*, int type, struct FTW*) {
  if (type == FTW_DP || type == FTW_D || type == FTW_DNR) {
    rmdir(path);
  } else {
    unlink(path);
  }
  return 0;
}
int MakeRemovable(const char* path, const struct stat*, int type, struct FTW*) {
  if (type == FTW_D || type == FTW_DNR) chmod(path, 0700);
  return 0;
}

// A fresh directory, removed (whatever modes the test left) at the end.
class TempDir {
 public:
  explicit TempDir(bool in_tmp = false) {
    const char* base = in_tmp ? nullptr : getenv("TEST_TMPDIR");
    std::string tmpl = absl::StrCat(base != nullptr && base[0] != '\0' ? base : "/tmp",
                                    "/lmdb_store_test.XXXXXX");
    if (mkdtemp(tmpl.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp " << tmpl << ": " << strerror(errno);
    }
    path_ = tmpl;
  }
  ~TempDir() {
    nftw(path_.c_str(), MakeRemovable, 16, FTW_PHYS);
    nftw(path_.c_str(), RemoveOne, 16, FTW_DEPTH | FTW_PHYS);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return absl::StrCat(path_, "/", name); }

 private:
  std::string path_;
};

struct Opened {
  std::unique_ptr<Store> store;
  std::shared_ptr<std::vector<std::string>> warnings = std::make_shared<std::vector<std::string>>();
};

absl::StatusOr<Opened> Open(const std::string& dir, uint64_t max_bytes = 64ull << 20) {
  Opened o;
  LmdbStoreOptions options;
  options.dir = dir;
  options.max_bytes = max_bytes;
  options.warn = [w = o.warnings](const std::string& m) { w->push_back(m); };
  absl::StatusOr<std::unique_ptr<Store>> s = OpenLmdbStore(options);
  if (!s.ok()) return s.status();
  o.store = *std::move(s);
  return o;
}

// Opens (expecting success and no warning) or fails the test.
#define OPEN_OR_FAIL(var, ...)                                       \
  absl::StatusOr<Opened> var##_or = Open(__VA_ARGS__);               \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status();                   \
  Store& var = *var##_or->store;                                     \
  EXPECT_TRUE(var##_or->warnings->empty()) << var##_or->warnings->front()

std::string GetOne(Store& store, const std::string& key) {
  absl::StatusOr<std::vector<std::string>> v = store.Get({key});
  EXPECT_TRUE(v.ok()) << v.status();
  if (!v.ok() || v->size() != 1) return "<error>";
  return (*v)[0];
}

StoreStats StatsOf(Store& store) {
  absl::StatusOr<StoreStats> s = store.Stats();
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : StoreStats{};
}

ProgramIndex IndexOf(Store& store, const std::string& program, uint64_t since = 0) {
  absl::StatusOr<ProgramIndex> i = store.GetIndex(program, since);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? *i : ProgramIndex{};
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return static_cast<mode_t>(-1);
  return st.st_mode & 07777;
}

bool WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) return false;
  const bool ok = write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  close(fd);
  return ok && chmod(path.c_str(), mode) == 0;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) names.emplace_back(e->d_name);
    closedir(d);
  }
  return names;
}

void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

// --- Entries ---------------------------------------------------------------

TEST(LmdbStoreTest, PutGetRoundTripAndStats) {
  TempDir tmp;
  const std::string dir = tmp / "cache";
  const std::vector<KeyValue> entries = {
      {Key(1), ValueFor(Key(1), 100)}, {Key(2), ValueFor(Key(2), 7)}, {Key(3), ValueFor(Key(3), 1000)}};
  {
    OPEN_OR_FAIL(store, dir, 1 << 20);
    EXPECT_TRUE(store.writable());
    StoreStats empty = StatsOf(store);
    EXPECT_EQ(empty.entries, 0u);
    EXPECT_EQ(empty.bytes, 0u);
    ASSERT_TRUE(store.Put(entries, "").ok());

    absl::StatusOr<std::vector<std::string>> got = store.Get({Key(2), Key(99), Key(1), Key(3), ""});
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->size(), 5u);
    EXPECT_EQ((*got)[0], entries[1].second);
    EXPECT_EQ((*got)[1], "");  // absent
    EXPECT_EQ((*got)[2], entries[0].second);
    EXPECT_EQ((*got)[3], entries[2].second);
    EXPECT_EQ((*got)[4], "");  // absent (and not a valid LMDB key)

    StoreStats st = StatsOf(store);
    EXPECT_EQ(st.entries, 3u);
    EXPECT_EQ(st.bytes, 1107u);
    EXPECT_EQ(st.programs, 0u);
    EXPECT_EQ(st.max_bytes, 1u << 20);
    EXPECT_EQ(st.evicted, 0u);
    EXPECT_EQ(st.location, dir);
  }
  // Persisted across a reopen.
  OPEN_OR_FAIL(store, dir, 1 << 20);
  EXPECT_EQ(GetOne(store, Key(3)), entries[2].second);
  EXPECT_EQ(StatsOf(store).bytes, 1107u);
}

TEST(LmdbStoreTest, PutOfAnExistingKeyChangesNothing) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache");
  const std::string a = ValueFor(Key(1), 50);
  ASSERT_TRUE(store.Put({{Key(1), a}}, "").ok());
  // Same key again (with another value, alone and together with a new one,
  // and twice in one batch): the first value stays, bytes count it once.
  ASSERT_TRUE(store.Put({{Key(1), std::string(500, 'x')}}, "").ok());
  ASSERT_TRUE(store.Put({{Key(2), std::string(20, 'b')},
                         {Key(1), std::string(9, 'y')},
                         {Key(2), std::string(30, 'c')}},
                        "")
                  .ok());
  EXPECT_EQ(GetOne(store, Key(1)), a);
  EXPECT_EQ(GetOne(store, Key(2)), std::string(20, 'b'));
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 2u);
  EXPECT_EQ(st.bytes, 70u);
}

// --- Program indexes --------------------------------------------------------

TEST(LmdbStoreTest, ProgramIndexKeepsFirstStoredOrderEachKeyOnce) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache");
  const std::string p = Program(1), q = Program(2);
  ASSERT_EQ(Key(0).size(), kTbKeyBytes);

  ProgramIndex unknown = IndexOf(store, p);
  EXPECT_TRUE(unknown.keys.empty());
  EXPECT_EQ(unknown.version, 0u);

  // Without a program nothing is indexed.
  ASSERT_TRUE(store.Put({{Key(9), "v9"}}, "").ok());
  EXPECT_EQ(StatsOf(store).programs, 0u);

  ASSERT_TRUE(store.Put({{Key(2), "v2"}, {Key(0), "v0"}, {Key(1), "v1"}}, p).ok());
  ProgramIndex i1 = IndexOf(store, p);
  EXPECT_EQ(i1.keys, (std::vector<std::string>{Key(2), Key(0), Key(1)}));
  EXPECT_EQ(i1.version, 3u);

  // Key(0) again (already stored and indexed), Key(3) new, Key(9) stored
  // earlier without a program: indexed now, in this order, each once.
  ASSERT_TRUE(store.Put({{Key(0), "v0"}, {Key(3), "v3"}, {Key(9), "v9"}, {Key(3), "v3"}}, p).ok());
  ProgramIndex i2 = IndexOf(store, p);
  EXPECT_EQ(i2.keys, (std::vector<std::string>{Key(2), Key(0), Key(1), Key(3), Key(9)}));
  EXPECT_EQ(i2.version, 5u);

  // since: only what came after.
  ProgramIndex tail = IndexOf(store, p, 3);
  EXPECT_EQ(tail.keys, (std::vector<std::string>{Key(3), Key(9)}));
  EXPECT_EQ(tail.version, 5u);
  ProgramIndex none = IndexOf(store, p, 5);
  EXPECT_TRUE(none.keys.empty());
  EXPECT_EQ(none.version, 5u);
  ProgramIndex beyond = IndexOf(store, p, 1000);
  EXPECT_TRUE(beyond.keys.empty());
  EXPECT_EQ(beyond.version, 5u);

  // AddToIndex merges: present keys and repeats are not added again.
  ASSERT_TRUE(store.AddToIndex(p, {Key(1), Key(5), Key(2), Key(5), Key(4)}).ok());
  ProgramIndex i3 = IndexOf(store, p, 5);
  EXPECT_EQ(i3.keys, (std::vector<std::string>{Key(5), Key(4)}));
  EXPECT_EQ(i3.version, 7u);
  ASSERT_TRUE(store.AddToIndex(p, {Key(0), Key(4)}).ok());
  EXPECT_EQ(IndexOf(store, p).version, 7u);

  // Indexes are per program.
  ASSERT_TRUE(store.AddToIndex(q, {Key(4), Key(0)}).ok());
  EXPECT_EQ(IndexOf(store, q).keys, (std::vector<std::string>{Key(4), Key(0)}));
  EXPECT_EQ(IndexOf(store, p).version, 7u);
  EXPECT_EQ(StatsOf(store).programs, 2u);
  EXPECT_EQ(IndexOf(store, Program(3)).version, 0u);
}

// --- Eviction ---------------------------------------------------------------

TEST(LmdbStoreTest, PutOverTheLimitEvictsLeastRecentlyStoredFirst) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache", 1000);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store.Put({{Key(i), ValueFor(Key(i), 300)}}, "").ok());
    Pause();
  }
  EXPECT_EQ(StatsOf(store).bytes, 900u);
  EXPECT_EQ(StatsOf(store).evicted, 0u);
  ASSERT_TRUE(store.Put({{Key(3), ValueFor(Key(3), 300)}}, "").ok());  // 1200 > 1000
  EXPECT_EQ(GetOne(store, Key(0)), "");
  for (int i = 1; i < 4; ++i) EXPECT_EQ(GetOne(store, Key(i)), ValueFor(Key(i), 300)) << i;
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 3u);
  EXPECT_EQ(st.bytes, 900u);
  EXPECT_EQ(st.evicted, 1u);
}

TEST(LmdbStoreTest, TouchMakesAnEntryRecentlyUsed) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache", 1000);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store.Put({{Key(i), ValueFor(Key(i), 300)}}, "").ok());
    Pause();
  }
  ASSERT_TRUE(store.Touch({Key(0), Key(77)}).ok());  // Key(77) is absent: ignored
  Pause();
  ASSERT_TRUE(store.Put({{Key(3), ValueFor(Key(3), 300)}}, "").ok());
  EXPECT_EQ(GetOne(store, Key(0)), ValueFor(Key(0), 300));
  EXPECT_EQ(GetOne(store, Key(1)), "");  // now the least recently used
  EXPECT_EQ(GetOne(store, Key(2)), ValueFor(Key(2), 300));
  EXPECT_EQ(GetOne(store, Key(3)), ValueFor(Key(3), 300));
  EXPECT_EQ(StatsOf(store).evicted, 1u);
  // Touch did not store Key(77).
  EXPECT_EQ(StatsOf(store).entries, 3u);
}

TEST(LmdbStoreTest, EvictDeletesLeastRecentlyUsedDownToTarget) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache", 0);  // no limit: only explicit eviction
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store.Put({{Key(i), ValueFor(Key(i), 100)}}, "").ok());
    Pause();
  }
  ASSERT_TRUE(store.Touch({Key(0)}).ok());  // order now 1 2 3 4 0
  absl::StatusOr<uint64_t> none = store.Evict(500);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(StatsOf(store).entries, 5u);

  absl::StatusOr<uint64_t> n = store.Evict(250);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 3u);
  for (int i : {1, 2, 3}) EXPECT_EQ(GetOne(store, Key(i)), "") << i;
  for (int i : {4, 0}) EXPECT_EQ(GetOne(store, Key(i)), ValueFor(Key(i), 100)) << i;
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 2u);
  EXPECT_EQ(st.bytes, 200u);
  EXPECT_EQ(st.evicted, 3u);
  EXPECT_EQ(st.max_bytes, 0u);

  absl::StatusOr<uint64_t> all = store.Evict(0);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*all, 2u);
  EXPECT_EQ(StatsOf(store).bytes, 0u);
  EXPECT_EQ(StatsOf(store).evicted, 5u);
}

// --- Sweep and Clear ---------------------------------------------------------

TEST(LmdbStoreTest, SweepDeletesExactlyTheRefusedEntries) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache");
  std::map<std::string, std::string> all;
  uint64_t kept_bytes = 0;
  std::vector<KeyValue> entries;
  for (int i = 0; i < 10; ++i) {
    entries.emplace_back(Key(i), std::string(10 + i, i % 3 == 0 ? 'r' : 'k'));
    all[entries.back().first] = entries.back().second;
    if (i % 3 != 0) kept_bytes += 10 + i;
  }
  ASSERT_TRUE(store.Put(entries, Program(1)).ok());

  std::map<std::string, std::string> seen;
  absl::StatusOr<uint64_t> n = store.Sweep([&](std::string_view key, std::string_view value) {
    seen[std::string(key)] = std::string(value);
    return value[0] == 'k';
  });
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 4u);                // i = 0, 3, 6, 9
  EXPECT_EQ(seen, all);             // every entry, with its value, once
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(GetOne(store, Key(i)), i % 3 == 0 ? "" : entries[i].second) << i;
  }
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 6u);
  EXPECT_EQ(st.bytes, kept_bytes);

  absl::StatusOr<uint64_t> again = store.Sweep([](std::string_view, std::string_view) { return true; });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(StatsOf(store).bytes, kept_bytes);
}

TEST(LmdbStoreTest, ClearEmptiesEverything) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache");
  std::vector<KeyValue> entries;
  for (int i = 0; i < 7; ++i) entries.emplace_back(Key(i), ValueFor(Key(i)));
  ASSERT_TRUE(store.Put(entries, Program(1)).ok());
  ASSERT_TRUE(store.AddToIndex(Program(2), {Key(1)}).ok());
  ASSERT_EQ(StatsOf(store).programs, 2u);

  absl::StatusOr<uint64_t> n = store.Clear();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 7u);
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 0u);
  EXPECT_EQ(st.bytes, 0u);
  EXPECT_EQ(st.programs, 0u);
  EXPECT_EQ(GetOne(store, Key(3)), "");
  EXPECT_EQ(IndexOf(store, Program(1)).version, 0u);
  EXPECT_TRUE(IndexOf(store, Program(1)).keys.empty());

  absl::StatusOr<uint64_t> again = store.Clear();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  // Still usable, and counting from zero.
  ASSERT_TRUE(store.Put({{Key(1), "abc"}}, Program(1)).ok());
  EXPECT_EQ(StatsOf(store).bytes, 3u);
  EXPECT_EQ(IndexOf(store, Program(1)).keys, std::vector<std::string>{Key(1)});
}

// --- Directory trust ---------------------------------------------------------

TEST(LmdbStoreTest, CreatesTheDirectoryMode0700) {
  TempDir tmp;
  const mode_t old_umask = umask(022);
  const std::string dir = tmp / "a/b/cache";
  {
    absl::StatusOr<Opened> o = Open(dir);
    ASSERT_TRUE(o.ok()) << o.status();
  }
  EXPECT_EQ(ModeOf(dir), 0700u);
  EXPECT_EQ(ModeOf(tmp / "a/b"), 0755u);  // parents: as the umask makes them
  // Spelled with a trailing slash: the cache directory is still the 0700 one.
  const std::string dir2 = tmp / "c/cache2/";
  {
    absl::StatusOr<Opened> o = Open(dir2);
    ASSERT_TRUE(o.ok()) << o.status();
  }
  EXPECT_EQ(ModeOf(tmp / "c/cache2"), 0700u);
  umask(old_umask);
}

TEST(LmdbStoreTest, RefusesADirectoryOthersCanWrite) {
  TempDir tmp;
  for (mode_t mode : {0777, 0770, 0720, 0702}) {
    SCOPED_TRACE(absl::StrCat("mode ", mode));
    const std::string dir = tmp / absl::StrCat("cache", mode);
    ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
    ASSERT_EQ(chmod(dir.c_str(), mode), 0);
    absl::StatusOr<Opened> o = Open(dir);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), absl::StatusCode::kPermissionDenied) << o.status();
    EXPECT_TRUE(absl::StrContains(o.status().message(), dir)) << o.status();
    // Nothing was created in it.
    EXPECT_EQ(ListDir(dir).size(), 2u);  // . and ..
  }
}

TEST(LmdbStoreTest, RefusesADatabaseOthersCanWrite) {
  TempDir tmp;
  const std::string dir = tmp / "cache";
  {
    OPEN_OR_FAIL(store, dir);
    ASSERT_TRUE(store.Put({{Key(1), "x"}}, "").ok());
  }
  ASSERT_EQ(chmod((tmp / "cache/data.mdb").c_str(), 0666), 0);
  absl::StatusOr<Opened> o = Open(dir);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kPermissionDenied) << o.status();
  EXPECT_TRUE(absl::StrContains(o.status().message(), "data.mdb")) << o.status();

  ASSERT_EQ(chmod((tmp / "cache/data.mdb").c_str(), 0600), 0);
  OPEN_OR_FAIL(store, dir);
  EXPECT_EQ(GetOne(store, Key(1)), "x");
}

TEST(LmdbStoreTest, RefusesADirectoryOfAnotherUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to another uid";
  TempDir tmp;
  const std::string dir = tmp / "cache";
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  if (chown(dir.c_str(), kNobodyUid, kNobodyGid) != 0 && errno == EINVAL) {
    GTEST_SKIP() << "uid " << kNobodyUid << " is not mapped in this user namespace";
  }
  ASSERT_EQ(ModeOf(dir), 0700u);
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  ASSERT_EQ(st.st_uid, kNobodyUid);
  absl::StatusOr<Opened> o = Open(dir);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kPermissionDenied) << o.status();
  EXPECT_TRUE(absl::StrContains(o.status().message(), dir)) << o.status();
}

TEST(LmdbStoreTest, APathThatIsAFileIsAFailedPrecondition) {
  TempDir tmp;
  const std::string file = tmp / "cache";
  ASSERT_TRUE(WriteFile(file, "not a directory", 0600));
  absl::StatusOr<Opened> o = Open(file);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kFailedPrecondition) << o.status();
  EXPECT_TRUE(absl::StrContains(o.status().message(), file)) << o.status();
}

// --- Read-only directories (in a child process without root's privileges) -----

// Runs `body` in a forked child, as uid/gid `nobody` when this process is
// root (root would write the directory whatever its mode). `body` returns
// what went wrong, "" when nothing did. Sets *skip to a reason when the
// child could not drop privileges.
struct ChildResult {
  std::string failures;
  std::string skip;
};

ChildResult RunUnprivileged(const std::string& owned_dir, const std::function<std::string()>& body,
                            bool keep_real_root = false) {
  int fds[2];
  if (pipe(fds) != 0) return {absl::StrCat("pipe: ", strerror(errno)), ""};
  fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return {absl::StrCat("fork: ", strerror(errno)), ""};
  if (pid == 0) {
    close(fds[0]);
    auto report = [&](const std::string& s, int code) {
      (void)!write(fds[1], s.data(), s.size());
      _exit(code);
    };
    if (geteuid() == 0) {
      if (chown(owned_dir.c_str(), kNobodyUid, kNobodyGid) != 0) {
        // EINVAL: the uid is not mapped in this user namespace (Bazel's
        // linux-sandbox maps only root; the target is tagged no-sandbox).
        report(absl::StrCat("cannot give the directory to uid ", kNobodyUid, ": ", strerror(errno)),
               errno == EINVAL ? 77 : 1);
      }
      if (setgroups(0, nullptr) != 0 || setresgid(kNobodyGid, kNobodyGid, kNobodyGid) != 0 ||
          (keep_real_root ? setresuid(0, kNobodyUid, 0) : setresuid(kNobodyUid, kNobodyUid, kNobodyUid)) !=
              0) {
        report(absl::StrCat("cannot drop privileges: ", strerror(errno)), 77);
      }
    } else if (keep_real_root) {
      report("not root: real and effective uids cannot differ", 77);
    }
    const std::string failures = body();
    report(failures, failures.empty() ? 0 : 1);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) return {"", out};
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return {absl::StrCat("child status ", status, ": ", out), ""};
  }
  return {out, ""};
}

#define CHILD_CHECK(cond)                                                        \
  do {                                                                           \
    if (!(cond)) absl::StrAppend(&failures, __LINE__, ": failed: " #cond "\n"); \
  } while (0)

TEST(LmdbStoreTest, AReadOnlyDirectoryIsOpenedReadOnly) {
  TempDir tmp(/*in_tmp=*/true);  // under /tmp: reachable by `nobody`
  const std::string dir = tmp / "cache";
  ChildResult r = RunUnprivileged(tmp.path(), [&]() -> std::string {
    std::string failures;
    {
      absl::StatusOr<Opened> o = Open(dir);
      if (!o.ok()) return absl::StrCat("first open: ", o.status().ToString());
      CHILD_CHECK(o->store->writable());
      CHILD_CHECK(o->store->Put({{Key(1), "one"}, {Key(2), "two"}}, Program(1)).ok());
    }
    if (chmod(dir.c_str(), 0500) != 0) return absl::StrCat("chmod: ", strerror(errno));
    absl::StatusOr<Opened> o = Open(dir);
    if (!o.ok()) return absl::StrCat("read-only open: ", o.status().ToString());
    Store& store = *o->store;
    CHILD_CHECK(!store.writable());
    CHILD_CHECK(o->warnings->size() == 1);
    if (!o->warnings->empty()) CHILD_CHECK(absl::StrContains(o->warnings->front(), dir));
    absl::StatusOr<std::vector<std::string>> got = store.Get({Key(2), Key(3), Key(1)});
    CHILD_CHECK(got.ok());
    if (got.ok()) CHILD_CHECK(*got == (std::vector<std::string>{"two", "", "one"}));
    absl::StatusOr<ProgramIndex> index = store.GetIndex(Program(1), 0);
    CHILD_CHECK(index.ok() && index->version == 2 &&
                index->keys == (std::vector<std::string>{Key(1), Key(2)}));
    absl::StatusOr<StoreStats> st = store.Stats();
    CHILD_CHECK(st.ok() && st->entries == 2 && st->bytes == 6 && st->programs == 1);
    CHILD_CHECK(store.Put({{Key(3), "three"}}, "").code() == absl::StatusCode::kFailedPrecondition);
    CHILD_CHECK(store.AddToIndex(Program(1), {Key(3)}).code() ==
                absl::StatusCode::kFailedPrecondition);
    CHILD_CHECK(store.Evict(0).status().code() == absl::StatusCode::kFailedPrecondition);
    CHILD_CHECK(store.Clear().status().code() == absl::StatusCode::kFailedPrecondition);
    CHILD_CHECK(store.Sweep([](std::string_view, std::string_view) { return false; })
                    .status()
                    .code() == absl::StatusCode::kFailedPrecondition);
    got = store.Get({Key(1), Key(3)});
    CHILD_CHECK(got.ok() && *got == (std::vector<std::string>{"one", ""}));
    CHILD_CHECK(o->warnings->size() == 1);  // warned once, not per call
    return failures;
  });
  if (!r.skip.empty()) GTEST_SKIP() << r.skip;
  EXPECT_EQ(r.failures, "");
}

// Whether the directory can be written is judged for the same identity as
// its ownership (the effective uid), not for the real uid.
TEST(LmdbStoreTest, ReadOnlyIsJudgedForTheEffectiveUid) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run with real uid != effective uid";
  TempDir tmp(/*in_tmp=*/true);
  const std::string dir = tmp / "cache";
  ChildResult made = RunUnprivileged(tmp.path(), [&]() -> std::string {
    absl::StatusOr<Opened> o = Open(dir);
    if (!o.ok()) return o.status().ToString();
    if (!o->store->Put({{Key(1), "one"}}, "").ok()) return "put failed";
    o->store.reset();
    if (chmod(dir.c_str(), 0500) != 0) return "chmod failed";
    return "";
  });
  if (!made.skip.empty()) GTEST_SKIP() << made.skip;
  ASSERT_EQ(made.failures, "");
  ChildResult r = RunUnprivileged(
      tmp.path(),
      [&]() -> std::string {
        std::string failures;
        absl::StatusOr<Opened> o = Open(dir);
        if (!o.ok()) return o.status().ToString();
        CHILD_CHECK(!o->store->writable());
        CHILD_CHECK(o->store->Put({{Key(2), "two"}}, "").code() ==
                    absl::StatusCode::kFailedPrecondition);
        return failures;
      },
      /*keep_real_root=*/true);
  if (!r.skip.empty()) GTEST_SKIP() << r.skip;
  EXPECT_EQ(r.failures, "");
}

// --- Damage ------------------------------------------------------------------

TEST(LmdbStoreTest, ACorruptDatabaseIsMovedAsideAndANewOneStarted) {
  TempDir tmp;
  const std::string dir = tmp / "cache";
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  const std::string garbage(64 << 10, '\xab');
  ASSERT_TRUE(WriteFile(dir + "/data.mdb", garbage, 0600));
  {
    absl::StatusOr<Opened> o = Open(dir);
    ASSERT_TRUE(o.ok()) << o.status();
    ASSERT_EQ(o->warnings->size(), 1u);
    EXPECT_TRUE(absl::StrContains(o->warnings->front(), "damaged")) << o->warnings->front();
    std::vector<std::string> aside;
    for (const std::string& name : ListDir(dir)) {
      if (absl::StartsWith(name, "data.mdb.corrupt-")) aside.push_back(name);
    }
    ASSERT_EQ(aside.size(), 1u);
    EXPECT_TRUE(absl::StrContains(o->warnings->front(), aside[0])) << o->warnings->front();
    struct stat st;
    ASSERT_EQ(stat((dir + "/" + aside[0]).c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 64 << 10);  // the damaged file itself, kept

    Store& store = *o->store;
    EXPECT_TRUE(store.writable());
    EXPECT_EQ(StatsOf(store).entries, 0u);
    ASSERT_TRUE(store.Put({{Key(1), "fresh"}}, Program(1)).ok());
    EXPECT_EQ(GetOne(store, Key(1)), "fresh");
  }
  // The new database is a good one: reopened without a warning.
  OPEN_OR_FAIL(store, dir);
  EXPECT_EQ(GetOne(store, Key(1)), "fresh");
  EXPECT_EQ(IndexOf(store, Program(1)).version, 1u);
}

// --- Concurrency ---------------------------------------------------------------

TEST(LmdbStoreTest, ThreadsShareOneStore) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache");
  constexpr int kThreads = 6, kOwn = 100, kShared = 40;
  const std::string program = Program(5);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOwn + kShared; ++i) {
        const std::string key = i % 7 == 6 && i / 7 < kShared ? Key((i / 7 + t * 3) % kShared, 1000)
                                                              : Key(t * 1000 + i, 1);
        if (!store.Put({{key, ValueFor(key)}}, program).ok()) ++errors;
        absl::StatusOr<std::vector<std::string>> got = store.Get({key});
        if (!got.ok() || (*got)[0] != ValueFor(key)) ++errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  ProgramIndex index = IndexOf(store, program);
  std::set<std::string> unique(index.keys.begin(), index.keys.end());
  EXPECT_EQ(unique.size(), index.keys.size());
  EXPECT_EQ(index.version, index.keys.size());
  uint64_t bytes = 0;
  for (const std::string& k : unique) bytes += ValueFor(k).size();
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, unique.size());
  EXPECT_EQ(st.bytes, bytes);
}

TEST(LmdbStoreTest, ProcessesWritingAtOnceLoseNothingAndDuplicateNothing) {
  TempDir tmp;
  const std::string dir = tmp / "cache";  // created by the children, racing
  constexpr int kProcs = 8, kOwn = 200, kShared = 50;
  const std::string program = Program(7);
  auto own_key = [](int proc, int i) { return Key(static_cast<uint64_t>(proc) * 10000 + i, 1); };
  auto shared_key = [](int i) { return Key(static_cast<uint64_t>(i), 2); };
  // Each process's order: a shared key after every four own keys, the shared
  // ones rotated differently per process.
  auto order = [&](int proc) {
    std::vector<std::string> keys;
    for (int own = 0, shared = 0; own < kOwn || shared < kShared;) {
      if (own < kOwn && (keys.size() % 5 != 4 || shared == kShared)) {
        keys.push_back(own_key(proc, own++));
      } else {
        keys.push_back(shared_key((shared++ + proc * 7) % kShared));
      }
    }
    return keys;
  };

  int barrier[2];
  ASSERT_EQ(pipe(barrier), 0);
  fflush(nullptr);
  std::vector<pid_t> pids;
  for (int proc = 0; proc < kProcs; ++proc) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0) << strerror(errno);
    if (pid == 0) {
      close(barrier[1]);
      char c;
      while (read(barrier[0], &c, 1) < 0 && errno == EINTR) {
      }
      absl::StatusOr<Opened> o = Open(dir);
      if (!o.ok()) {
        fprintf(stderr, "child %d: open: %s\n", proc, o.status().ToString().c_str());
        _exit(2);
      }
      const std::vector<std::string> keys = order(proc);
      for (size_t i = 0; i < keys.size(); i += 5) {
        std::vector<KeyValue> batch;
        for (size_t j = i; j < std::min(keys.size(), i + 5); ++j) {
          batch.emplace_back(keys[j], ValueFor(keys[j]));
        }
        if (absl::Status s = o->store->Put(batch, program); !s.ok()) {
          fprintf(stderr, "child %d: put: %s\n", proc, s.ToString().c_str());
          _exit(3);
        }
      }
      absl::StatusOr<std::vector<std::string>> got = o->store->Get(keys);
      if (!got.ok()) _exit(4);
      for (size_t i = 0; i < keys.size(); ++i) {
        if ((*got)[i] != ValueFor(keys[i])) _exit(5);
      }
      o->store.reset();
      _exit(0);
    }
    pids.push_back(pid);
  }
  close(barrier[0]);
  close(barrier[1]);  // go
  for (size_t i = 0; i < pids.size(); ++i) {
    int status = 0;
    ASSERT_EQ(waitpid(pids[i], &status, 0), pids[i]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "child " << i << " status " << status;
  }

  OPEN_OR_FAIL(store, dir);
  std::vector<std::string> all;
  for (int proc = 0; proc < kProcs; ++proc) {
    for (int i = 0; i < kOwn; ++i) all.push_back(own_key(proc, i));
  }
  for (int i = 0; i < kShared; ++i) all.push_back(shared_key(i));
  uint64_t bytes = 0;
  for (const std::string& k : all) bytes += ValueFor(k).size();

  absl::StatusOr<std::vector<std::string>> got = store.Get(all);
  ASSERT_TRUE(got.ok()) << got.status();
  int wrong = 0;
  for (size_t i = 0; i < all.size(); ++i) wrong += (*got)[i] != ValueFor(all[i]);
  EXPECT_EQ(wrong, 0);
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, all.size());
  EXPECT_EQ(st.bytes, bytes);
  EXPECT_EQ(st.programs, 1u);

  ProgramIndex index = IndexOf(store, program);
  EXPECT_EQ(index.version, all.size());
  EXPECT_EQ(index.keys.size(), all.size());
  const std::set<std::string> in_index(index.keys.begin(), index.keys.end());
  EXPECT_EQ(in_index.size(), index.keys.size()) << "duplicate keys in the index";
  EXPECT_EQ(in_index, std::set<std::string>(all.begin(), all.end()));
  // Each process's own keys are in the order it stored them.
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < index.keys.size(); ++i) position[index.keys[i]] = i;
  for (int proc = 0; proc < kProcs; ++proc) {
    for (int i = 1; i < kOwn; ++i) {
      ASSERT_LT(position[own_key(proc, i - 1)], position[own_key(proc, i)])
          << "process " << proc << " key " << i;
    }
  }
}

}  // namespace
}  // namespace dbt::cache
