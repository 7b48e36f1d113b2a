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
#include "services/cache/store/store_test_util.h"

// The namespace of the shared test support (store_test_util.h): its helpers
// need no qualifying.
namespace dbt::cache::testing {
namespace {

// An unprivileged uid/gid for the cases root would otherwise pass regardless
// of permission bits ("nobody" on Debian).
constexpr uid_t kNobodyUid = 65534;
constexpr gid_t kNobodyGid = 65534;

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
    std::string tmpl =
        absl::StrCat(base != nullptr && base[0] != '\0' ? base : "/tmp", "/lmdb_store_test.XXXXXX");
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
#define OPEN_OR_FAIL(var, ...)                         \
  absl::StatusOr<Opened> var##_or = Open(__VA_ARGS__); \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status();     \
  Store& var = *var##_or->store;                       \
  EXPECT_TRUE(var##_or->warnings->empty()) << var##_or->warnings->front()

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
  const std::vector<KeyValue> entries = {{Key(1), ValueFor(Key(1), 100)},
                                         {Key(2), ValueFor(Key(2), 7)},
                                         {Key(3), ValueFor(Key(3), 1000)}};
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
  ASSERT_NO_FATAL_FAILURE(ExpectPutOfAnExistingKeyChangesNothing(store));
}

// --- Program indexes --------------------------------------------------------

TEST(LmdbStoreTest, ProgramIndexKeepsFirstStoredOrderEachKeyOnce) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache");
  const std::string p = Program(1), q = Program(2);
  ASSERT_EQ(Key(0).size(), kTbKeyBytes);
  // Index p to Key(2), Key(0), Key(1), Key(3), Key(9) (version 5).
  ASSERT_NO_FATAL_FAILURE(ExpectIndexInFirstStoredOrder(store, p));
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
  ASSERT_NO_FATAL_FAILURE(ExpectIndexesArePerProgram(store, p, q, /*p_version=*/7));
}

// --- Eviction ---------------------------------------------------------------

TEST(LmdbStoreTest, PutOverTheLimitEvictsLeastRecentlyStoredFirst) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache", 1000);
  ASSERT_TRUE(PutOneByOne(store, 3, 300, Pause).ok());
  EXPECT_EQ(StatsOf(store).bytes, 900u);
  EXPECT_EQ(StatsOf(store).evicted, 0u);
  ASSERT_NO_FATAL_FAILURE(ExpectAFourthEntryEvicts(store, /*evicted=*/0));
  EXPECT_EQ(StatsOf(store).bytes, 900u);
}

TEST(LmdbStoreTest, TouchMakesAnEntryRecentlyUsed) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache", 1000);
  ASSERT_TRUE(PutOneByOne(store, 3, 300, Pause).ok());
  ASSERT_TRUE(store.Touch({Key(0), Key(77)}).ok());  // Key(77) is absent: ignored
  Pause();
  // Key(1) is now the least recently used; 3 entries: Touch did not store
  // Key(77).
  ASSERT_NO_FATAL_FAILURE(ExpectAFourthEntryEvicts(store, /*evicted=*/1));
}

TEST(LmdbStoreTest, EvictDeletesLeastRecentlyUsedDownToTarget) {
  TempDir tmp;
  OPEN_OR_FAIL(store, tmp / "cache", 0);  // no limit: only explicit eviction
  ASSERT_NO_FATAL_FAILURE(ExpectEvictDownToTargetLeastRecentlyUsedFirst(store, Pause));
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
  EXPECT_EQ(*n, 4u);     // i = 0, 3, 6, 9
  EXPECT_EQ(seen, all);  // every entry, with its value, once
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(GetOne(store, Key(i)), i % 3 == 0 ? "" : entries[i].second) << i;
  }
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 6u);
  EXPECT_EQ(st.bytes, kept_bytes);

  absl::StatusOr<uint64_t> again =
      store.Sweep([](std::string_view, std::string_view) { return true; });
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
  ExpectNothingStored(store, Key(3), Program(1));
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
          (keep_real_root ? setresuid(0, kNobodyUid, 0)
                          : setresuid(kNobodyUid, kNobodyUid, kNobodyUid)) != 0) {
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

#define CHILD_CHECK(cond)                                                       \
  do {                                                                          \
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
    CHILD_CHECK(
        store.Sweep([](std::string_view, std::string_view) { return false; }).status().code() ==
        absl::StatusCode::kFailedPrecondition);
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
  const std::string program = Program(5);
  EXPECT_EQ(StoreFromSixThreads(store, program, /*touch=*/false), 0);
  ExpectEachIndexedKeyStoredOnce(store, program, /*tag_bytes=*/0);
}

TEST(LmdbStoreTest, ProcessesWritingAtOnceLoseNothingAndDuplicateNothing) {
  TempDir tmp;
  const std::string dir = tmp / "cache";  // created by the children, racing
  const WriterKeys writers{.procs = 8, .own = 200, .shared = 50};
  const std::string program = Program(7);
  ASSERT_NO_FATAL_FAILURE(RunProcessesAtOnce(writers.procs, [&](int proc) {
    absl::StatusOr<Opened> o = Open(dir);
    if (!o.ok()) {
      fprintf(stderr, "child %d: open: %s\n", proc, o.status().ToString().c_str());
      return 2;
    }
    const int code = StoreAndReadBack(*o->store, writers.Order(proc), program, proc);
    o->store.reset();
    return code;
  }));

  OPEN_OR_FAIL(store, dir);
  const std::vector<std::string> all = writers.All();
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
  for (int proc = 0; proc < writers.procs; ++proc) {
    for (int i = 1; i < writers.own; ++i) {
      ASSERT_LT(position[writers.Own(proc, i - 1)], position[writers.Own(proc, i)])
          << "process " << proc << " key " << i;
    }
  }
}

}  // namespace
}  // namespace dbt::cache::testing
