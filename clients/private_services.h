// The translator and executor that `dbt run` starts for one run: children
// of dbt on unix sockets in a private directory, each in a process group of
// its own (the terminal's ^C reaches dbt and the guest, not them), killed
// with dbt (PR_SET_PDEATHSIG) and stopped when the run ends.
//
// The executor inherits dbt's stdin/stdout/stderr, and its session (the
// guest) gets them as they are (StartGuest.inherit_stdio): the guest writes
// straight to the user's terminal, pipe or file, nothing is relayed. The
// services run with --v=-1 so they print nothing there themselves; the
// translator's stderr goes to DIR/translator.log.
//
// While the run lasts a supervisor thread restarts a translator that dies;
// the session reconnects to it (RemoteTbProducer).
#ifndef DBT_CLIENTS_PRIVATE_SERVICES_H_
#define DBT_CLIENTS_PRIVATE_SERVICES_H_

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace dbt {

// The private cache service's store (dbt run's --cache* options).
struct PrivateCache {
  bool enabled = false;
  std::string url;  // empty: the default directory
  std::string max_size;
  std::string key_file;
  bool unauthenticated = false;
};

class PrivateServices {
 public:
  // With cache.enabled, a private cache service too (on the user's store,
  // which it shares with every other run); the translator stores to it.
  static absl::StatusOr<std::unique_ptr<PrivateServices>> Start(const PrivateCache& cache = {});
  // Stops the services (the cache service last: the translator sends it
  // what it still holds) and removes the directory.
  ~PrivateServices();

  std::string executor_socket() const;
  std::string translator_data_socket() const;
  pid_t translator_pid() const;

 private:
  PrivateServices() = default;
  // Tells the supervisor the run is ending: a translator exit is expected.
  void BeginShutdown();
  absl::StatusOr<pid_t> StartTranslator();
  absl::StatusOr<pid_t> StartExecutor();
  absl::StatusOr<pid_t> StartCache();
  void Supervise();

  std::string dir_;
  std::atomic<bool> stopping_{false};
  int stop_event_ = -1;  // eventfd: wakes the supervisor at shutdown
  mutable std::mutex mutex_;
  pid_t translator_pid_ = 0;  // guarded by mutex_
  pid_t executor_pid_ = 0;
  pid_t cache_pid_ = 0;
  PrivateCache cache_;
  std::thread supervisor_;
};

}  // namespace dbt

#endif  // DBT_CLIENTS_PRIVATE_SERVICES_H_
