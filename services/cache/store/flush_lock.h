// Makes what a run stored visible to the next run without making the run
// wait for the writes. dbt run's translator stores the entries it holds when
// it stops; dbt does not wait for that. The translator takes this lock
// (shared) as soon as it is told to stop and keeps it until its writes are
// committed; dbt exits once it has the lock (an ack over a pipe). A
// translator about to load a program first waits, bounded, until no one
// holds it (exclusive, then released). Runs that are still going hold
// nothing: only stores in their final flush are waited for.
//
// The lock file is DIR/flush.lock in an LMDB store's directory. Redis
// stores have no such guarantee (their writes are another host's).
#ifndef DBT_SERVICES_CACHE_STORE_FLUSH_LOCK_H_
#define DBT_SERVICES_CACHE_STORE_FLUSH_LOCK_H_

#include <string>

#include "absl/time/time.h"

namespace dbt::cache {

std::string FlushLockPath(const std::string& store_dir);

class FlushLock {
 public:
  explicit FlushLock(std::string path) : path_(std::move(path)) {}
  ~FlushLock();  // releases (the process's exit does too)
  FlushLock(const FlushLock&) = delete;
  FlushLock& operator=(const FlushLock&) = delete;

  // Shared: "my writes are not committed yet". False if the file cannot be
  // opened or locked (then nobody waits for us: a slower warm start).
  bool HoldWhileFlushing();
  // Waits until no one holds the lock, at most `limit`. False on timeout.
  bool WaitForFlushers(absl::Duration limit);

 private:
  int Open();
  const std::string path_;
  int fd_ = -1;
};

// WaitForFlushers for a reader that must not create or write anything in
// the store (dbt run about to read a preload image): the lock file is
// opened read-only; none there means no one to wait for.
bool WaitForFlushersReadOnly(const std::string& path, absl::Duration limit);

}  // namespace dbt::cache

#endif  // DBT_SERVICES_CACHE_STORE_FLUSH_LOCK_H_
