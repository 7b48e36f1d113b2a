#include "services/cache/store/store_test_util.h"

#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <set>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "common/cache/tb_entry.h"
#include "gtest/gtest.h"

namespace dbt::cache::testing {

// --- Keys and values ---------------------------------------------------------

std::string Key(uint64_t i, uint64_t space) {
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

std::string ValueFor(const std::string& key) {
  uint64_t h = 0;
  for (unsigned char c : key) h = h * 131 + c;
  return ValueFor(key, 40 + h % 256);
}

// --- Store calls that fail the test (not fatally) on an error ----------------

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

ProgramIndex IndexOf(Store& store, const std::string& program, uint64_t since) {
  absl::StatusOr<ProgramIndex> i = store.GetIndex(program, since);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? *i : ProgramIndex{};
}

// --- Entries -----------------------------------------------------------------

void ExpectPutOfAnExistingKeyChangesNothing(Store& store) {
  const std::string a = ValueFor(Key(1), 50);
  ASSERT_TRUE(store.Put({{Key(1), a}}, "").ok());
  // Same key again (with another value, alone and together with a new one,
  // and twice in one batch): the first value stays, bytes count it once.
  ASSERT_TRUE(store.Put({{Key(1), std::string(500, 'x')}}, "").ok());
  const std::vector<KeyValue> again = {{Key(2), std::string(20, 'b')},
                                       {Key(1), std::string(9, 'y')},
                                       {Key(2), std::string(30, 'c')}};
  ASSERT_TRUE(store.Put(again, "").ok());
  EXPECT_EQ(GetOne(store, Key(1)), a);
  EXPECT_EQ(GetOne(store, Key(2)), std::string(20, 'b'));
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 2u);
  EXPECT_EQ(st.bytes, 70u);
}

// --- Program indexes ---------------------------------------------------------

void ExpectIndexInFirstStoredOrder(Store& store, const std::string& p) {
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
}

void ExpectIndexesArePerProgram(Store& store, const std::string& p, const std::string& q,
                                uint64_t p_version) {
  ASSERT_TRUE(store.AddToIndex(q, {Key(4), Key(0)}).ok());
  EXPECT_EQ(IndexOf(store, q).keys, (std::vector<std::string>{Key(4), Key(0)}));
  EXPECT_EQ(IndexOf(store, p).version, p_version);
  EXPECT_EQ(StatsOf(store).programs, 2u);
  EXPECT_EQ(IndexOf(store, Program(3)).version, 0u);
}

// --- Eviction ----------------------------------------------------------------

absl::Status PutOneByOne(Store& store, int count, size_t size, const std::function<void()>& pause) {
  for (int i = 0; i < count; ++i) {
    if (absl::Status s = store.Put({{Key(i), ValueFor(Key(i), size)}}, ""); !s.ok()) return s;
    pause();
  }
  return absl::OkStatus();
}

void ExpectAFourthEntryEvicts(Store& store, int evicted) {
  ASSERT_TRUE(store.Put({{Key(3), ValueFor(Key(3), 300)}}, "").ok());  // 1200 > 1000
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(GetOne(store, Key(i)), i == evicted ? "" : ValueFor(Key(i), 300)) << i;
  }
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 3u);
  EXPECT_EQ(st.evicted, 1u);
}

void ExpectEvictDownToTargetLeastRecentlyUsedFirst(Store& store,
                                                   const std::function<void()>& pause) {
  ASSERT_TRUE(PutOneByOne(store, 5, 100, pause).ok());
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

// --- Clear -------------------------------------------------------------------

void ExpectNothingStored(Store& store, const std::string& key, const std::string& program) {
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 0u);
  EXPECT_EQ(st.bytes, 0u);
  EXPECT_EQ(st.programs, 0u);
  EXPECT_EQ(GetOne(store, key), "");
  EXPECT_EQ(IndexOf(store, program).version, 0u);
}

// --- Concurrency -------------------------------------------------------------

int StoreFromSixThreads(Store& store, const std::string& program, bool touch) {
  constexpr int kThreads = 6, kOwn = 100, kShared = 40;
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
        if (touch && !store.Touch({key}).ok()) ++errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return errors.load();
}

StoreStats ExpectEachIndexedKeyStoredOnce(Store& store, const std::string& program,
                                          uint64_t tag_bytes) {
  ProgramIndex index = IndexOf(store, program);
  std::set<std::string> unique(index.keys.begin(), index.keys.end());
  EXPECT_EQ(unique.size(), index.keys.size());
  EXPECT_EQ(index.version, index.keys.size());
  uint64_t bytes = 0;
  for (const std::string& k : unique) bytes += ValueFor(k).size() + tag_bytes;
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, unique.size());
  EXPECT_EQ(st.bytes, bytes);
  return st;
}

std::string WriterKeys::Own(int proc, int i) const {
  return Key(static_cast<uint64_t>(proc) * 10000 + i, 1);
}

std::string WriterKeys::Shared(int i) const { return Key(static_cast<uint64_t>(i), 2); }

std::vector<std::string> WriterKeys::Order(int proc) const {
  std::vector<std::string> keys;
  for (int o = 0, s = 0; o < own || s < shared;) {
    if (o < own && (keys.size() % 5 != 4 || s == shared)) {
      keys.push_back(Own(proc, o++));
    } else {
      keys.push_back(Shared((s++ + proc * 7) % shared));
    }
  }
  return keys;
}

std::vector<std::string> WriterKeys::All() const {
  std::vector<std::string> all;
  for (int proc = 0; proc < procs; ++proc) {
    for (int i = 0; i < own; ++i) all.push_back(Own(proc, i));
  }
  for (int i = 0; i < shared; ++i) all.push_back(Shared(i));
  return all;
}

int StoreAndReadBack(Store& store, const std::vector<std::string>& keys, const std::string& program,
                     int proc) {
  for (size_t i = 0; i < keys.size(); i += 5) {
    std::vector<KeyValue> batch;
    for (size_t j = i; j < std::min(keys.size(), i + 5); ++j) {
      batch.emplace_back(keys[j], ValueFor(keys[j]));
    }
    if (absl::Status s = store.Put(batch, program); !s.ok()) {
      fprintf(stderr, "child %d: put: %s\n", proc, s.ToString().c_str());
      return 3;
    }
  }
  absl::StatusOr<std::vector<std::string>> got = store.Get(keys);
  if (!got.ok()) return 4;
  for (size_t i = 0; i < keys.size(); ++i) {
    if ((*got)[i] != ValueFor(keys[i])) return 5;
  }
  return 0;
}

void RunProcessesAtOnce(int count, const std::function<int(int)>& body) {
  int barrier[2];
  ASSERT_EQ(pipe(barrier), 0);
  fflush(nullptr);
  std::vector<pid_t> pids;
  for (int i = 0; i < count; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0) << strerror(errno);
    if (pid == 0) {
      close(barrier[1]);
      char c;
      while (read(barrier[0], &c, 1) < 0 && errno == EINTR) {
      }
      _exit(body(i));
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
}

}  // namespace dbt::cache::testing
