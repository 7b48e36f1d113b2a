// Test support shared by the store tests (lmdb_store_test, redis_store_test):
// keys and values made from numbers, Store calls that fail the test on an
// error, and the cases both stores must pass alike, written once against
// the Store interface.
//
// A helper that uses ASSERT_* stops at the first fatal failure but cannot
// stop its caller: call it through ASSERT_NO_FATAL_FAILURE (said below).
#ifndef DBT_SERVICES_CACHE_STORE_STORE_TEST_UTIL_H_
#define DBT_SERVICES_CACHE_STORE_STORE_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/cache/store/store.h"

namespace dbt::cache::testing {

// --- Keys and values ---------------------------------------------------------

// The 48-byte key of TB number `i` (distinct i, distinct keys); another
// `space` gives another set of keys.
std::string Key(uint64_t i, uint64_t space = 0);

// The key of program number `i` (distinct i, distinct keys).
std::string Program(uint64_t i);

// An entry's value is a function of its key (as the store assumes): `size`
// bytes derived from the key, so that a mixed-up value shows.
std::string ValueFor(const std::string& key, size_t size);

// A value whose size also follows from the key: 40..295 bytes.
std::string ValueFor(const std::string& key);

// --- Store calls that fail the test (not fatally) on an error ----------------

// The value of `key` ("" when absent); "<error>" when Get failed.
std::string GetOne(Store& store, const std::string& key);

// The store's stats; all zero when Stats failed.
StoreStats StatsOf(Store& store);

// `program`'s index from `since` on; empty when GetIndex failed.
ProgramIndex IndexOf(Store& store, const std::string& program, uint64_t since = 0);

// --- Entries -----------------------------------------------------------------

// On an empty store: stores Key(1) (50 bytes), then Key(1) again with other
// values, alone and in a batch that also has Key(2) twice (20 bytes first),
// and expects each key's first value to stay and be counted once (2
// entries, 70 bytes).
// Fatal failures: call through ASSERT_NO_FATAL_FAILURE.
void ExpectPutOfAnExistingKeyChangesNothing(Store& store);

// --- Program indexes ---------------------------------------------------------

// On an empty store: expects `p`'s index to be empty (version 0), and no
// program counted once Key(9) is stored without one; stores Key(2), Key(0),
// Key(1) under `p`, then Key(0), Key(3), Key(9), Key(3), and expects `p`'s
// index to list each key once, in the order first stored under `p` (Key(2),
// Key(0), Key(1), Key(3), Key(9): version 5), and with a `since` of 3 or 5
// only what came after.
// Fatal failures: call through ASSERT_NO_FATAL_FAILURE.
void ExpectIndexInFirstStoredOrder(Store& store, const std::string& p);

// With `p` the only indexed program, at `p_version`: adds Key(4), Key(0) to
// `q`'s index and expects `q`'s index to list them, `p`'s to be unchanged,
// two programs counted, and Program(3)'s index to be empty.
// Fatal failures: call through ASSERT_NO_FATAL_FAILURE.
void ExpectIndexesArePerProgram(Store& store, const std::string& p, const std::string& q,
                                uint64_t p_version);

// --- Eviction ----------------------------------------------------------------

// Stores Key(0)..Key(count - 1), ValueFor(Key(i), size) each, one Put each,
// calling `pause` after each so that their use times follow that order.
// OK, or the first Put's failure (the rest are not tried).
absl::Status PutOneByOne(Store& store, int count, size_t size, const std::function<void()>& pause);

// With Key(0)..Key(2) stored, 300 bytes each, in a store limited to 1000
// bytes: stores Key(3) (300 bytes: 1200 > 1000) and expects exactly
// Key(`evicted`) to be evicted, the other three to keep their values (3
// entries, 1 evicted).
// Fatal failures: call through ASSERT_NO_FATAL_FAILURE.
void ExpectAFourthEntryEvicts(Store& store, int evicted);

// On an empty store without a size limit: stores five 100-byte entries
// (`pause` apart) and touches the first, then expects Evict(500) to delete
// nothing, Evict(250) the three least recently used (leaving 200 bytes)
// and Evict(0) the rest, with the evicted count following.
// Fatal failures: call through ASSERT_NO_FATAL_FAILURE.
void ExpectEvictDownToTargetLeastRecentlyUsedFirst(Store& store,
                                                   const std::function<void()>& pause);

// --- Clear -------------------------------------------------------------------

// Expects `store` to hold nothing (as after Clear): no entries, no bytes, no
// program indexes, `key` absent and `program`'s index at version 0.
void ExpectNothingStored(Store& store, const std::string& key, const std::string& program);

// --- Concurrency -------------------------------------------------------------

// Six threads share `store`: each stores 140 keys under `program`, one Put
// a key, every seventh from a set of 40 the other threads store too, the
// rest its own; it reads each back right after storing it and, with
// `touch`, then touches it. Returns how many of those calls failed or read
// back another value.
int StoreFromSixThreads(Store& store, const std::string& program, bool touch);

// Expects `program`'s index to list each key once (its version its length)
// and `store` to hold exactly those entries: as many, with the bytes of
// their ValueFor values plus `tag_bytes` each. Returns the stats it checked.
StoreStats ExpectEachIndexedKeyStoredOnce(Store& store, const std::string& program,
                                          uint64_t tag_bytes);

// The keys of the "processes writing at once" cases: each of `procs`
// writers stores `own` keys no other writer stores, and every writer
// stores the same `shared` keys.
struct WriterKeys {
  int procs = 0;
  int own = 0;
  int shared = 0;

  // Writer `proc`'s own key number `i`.
  std::string Own(int proc, int i) const;
  // Shared key number `i`.
  std::string Shared(int i) const;
  // Writer `proc`'s keys in the order it stores them: a shared key after
  // every four own keys, the shared ones rotated differently per writer.
  std::vector<std::string> Order(int proc) const;
  // Every key once: writer 0's own keys in order, writer 1's, ..., then the
  // shared ones.
  std::vector<std::string> All() const;
};

// A writer's work: stores `keys` (ValueFor values) under `program`, five a
// Put, then reads them all back. Returns 0 when each value came back as
// stored; else 3 (a Put failed: said on stderr as child `proc`'s), 4 (the
// Get failed) or 5 (a value differs). For a child's exit code.
int StoreAndReadBack(Store& store, const std::vector<std::string>& keys, const std::string& program,
                     int proc);

// Forks `count` children and lets them go at once (they wait for a pipe to
// close); child `i` runs `body(i)` and _exits with what it returns. Waits
// for all of them, expecting each to exit 0. Fork with no other threads
// running.
// Fatal failures (pipe, fork, waitpid): call through ASSERT_NO_FATAL_FAILURE.
void RunProcessesAtOnce(int count, const std::function<int(int)>& body);

}  // namespace dbt::cache::testing

#endif  // DBT_SERVICES_CACHE_STORE_STORE_TEST_UTIL_H_
