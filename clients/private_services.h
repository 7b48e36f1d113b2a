// The service that `dbt run` starts for one run: a translator on unix
// sockets in a private directory; with the cache on, it hosts the cache
// service on the user's store in its own process (--cache_embedded: one
// process fewer to start). dbt itself is the session: it runs the guest in
// its own process (clients/run_command.cc) and connects to the
// translator's data socket.
//
// The translator is not dbt's child (started through an intermediate that
// exits at once): the guest's wait(-1), ECHILD and SIGCHLD concern the
// guest's own children only. It is in a process group of its own (the
// terminal's ^C reaches dbt, which is the guest, not it), stops when dbt
// ends (--exit_with_pid), runs with --v=-1 and logs to DIR/translator.log.
//
// While the run lasts a supervisor thread (all signals blocked: they are the
// guest's) restarts a translator that dies; the session reconnects to it
// (RemoteTbProducer).
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

// The private translator's store (dbt run's --cache* options).
struct PrivateCache {
  bool enabled = false;
  std::string url;  // empty: the default directory
  std::string max_size;
  std::string key_file;
  bool unauthenticated = false;
  // The program's content hash (32 hex digits) and TB flags: the translator
  // starts loading its entries while dbt loads the guest. Empty: not.
  std::string preload_program;
  uint32_t preload_tb_flags = 0;
};

class PrivateServices {
 public:
  // With cache.enabled, the translator hosts the cache (on the user's store,
  // which it shares with every other run); the translator stores to it.
  // start_now false: the translator is started by the first
  // EnsureTranslator() (a warm run that a preload image serves whole never
  // starts it).
  static absl::StatusOr<std::unique_ptr<PrivateServices>> Start(const PrivateCache& cache = {},
                                                                bool start_now = true);
  // Starts the translator unless that was done (or tried) already; from any
  // thread. Its outcome, the same for every caller.
  absl::Status EnsureTranslator();
  // Stops the translator (it stores what it still holds) and removes the
  // directory. Only in the process that started it (not in a guest's
  // forked child).
  ~PrivateServices();

  // Start does not wait for the translator: dbt loads the guest meanwhile,
  // and the session's first connect waits for this socket.
  std::string translator_data_socket() const;

  // A service process: not our child (ServiceSpawn::not_our_child), so
  // watched through a pidfd.
  struct Process {
    pid_t pid = 0;
    int pidfd = -1;
    // Read end of the pipe whose write end the translator closes once it
    // took the cache's flush lock on SIGTERM (--flush_ack_fd): then dbt
    // may exit while it stores.
    int ack_fd = -1;
  };

 private:
  PrivateServices() = default;
  // Tells the supervisor the run is ending: a translator exit is expected.
  void BeginShutdown();
  absl::StatusOr<Process> StartTranslator();
  void Supervise();

  std::string dir_;
  std::atomic<bool> stopping_{false};
  int stop_event_ = -1;  // eventfd: wakes the supervisor at shutdown
  mutable std::mutex mutex_;
  Process translator_;  // guarded by mutex_
  PrivateCache cache_;
  std::thread supervisor_;
  std::mutex start_mutex_;
  bool start_attempted_ = false;  // guarded by start_mutex_
  absl::Status start_status_;     // guarded by start_mutex_
};

}  // namespace dbt

#endif  // DBT_CLIENTS_PRIVATE_SERVICES_H_
