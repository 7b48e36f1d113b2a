// The translator's data socket: where executor sessions attach (unix
// SOCK_SEQPACKET; tb_wire.h "Session attach"). An accept thread takes
// connections and gives each one a TranslatorSession on a thread of its own;
// finished sessions are joined as they end.
//
//   SessionListener listener(path);
//   if (absl::Status s = listener.Start(); !s.ok()) ...;   // bound, accepting
//   ... RunServer(...) ...
//   listener.Stop();   // stop accepting, interrupt and join every session,
//                      // remove the socket
#ifndef DBT_SERVICES_TRANSLATOR_DATA_PLANE_SESSION_LISTENER_H_
#define DBT_SERVICES_TRANSLATOR_DATA_PLANE_SESSION_LISTENER_H_

#include <sys/types.h>

#include <cstdint>
#include <list>
#include <memory>

#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include "services/translator/cache/session_cache.h"

#include "absl/status/status.h"
#include "common/shm/unique_fd.h"
#include "services/translator/data_plane/data_plane_stats.h"
#include "services/translator/data_plane/translator_session.h"

namespace dbt::translator {

// Connections beyond this many sessions (attached or in their handshake) are
// answered ResourceExhausted: each session costs a thread and two mappings.
inline constexpr size_t kMaxSessions = 1024;

class SessionListener {
 public:
  // `programs` (null: no cache service) serves every session's cache use;
  // it must outlive the listener.
  explicit SessionListener(std::string socket_path, ProgramRegistry* programs = nullptr);
  ~SessionListener();  // Stop()
  SessionListener(const SessionListener&) = delete;
  SessionListener& operator=(const SessionListener&) = delete;

  // Binds the socket (a live socket at the path is refused, a stale one
  // replaced: PrepareUnixSocketPath) and starts accepting.
  absl::Status Start();
  // Idempotent. After it returns no session thread runs and the socket file
  // is gone (if it is still the one Start bound).
  void Stop();

  const std::string& socket_path() const { return socket_path_; }
  DataPlaneSnapshot Stats() const { return stats_.Snapshot(); }
  // Marks attached sessions for a flush: all of them when `session_id` is
  // empty, else those whose Hello.session_id equals it. Returns how many.
  uint32_t RequestFlush(std::string_view session_id);

 private:
  struct Entry {
    std::unique_ptr<TranslatorSession> session;
    std::thread thread;
  };
  void AcceptLoop();
  void StartSession(shm::UniqueFd conn);
  // Joins the threads of sessions that have ended. Caller holds mutex_.
  void ReapFinished();

  const std::string socket_path_;
  ProgramRegistry* const programs_;
  shm::UniqueFd listen_fd_;
  shm::UniqueFd wake_fd_;  // eventfd: tells the accept thread to stop
  dev_t socket_dev_ = 0;   // identity of the socket file Start bound
  ino_t socket_ino_ = 0;
  std::thread accept_thread_;
  bool started_ = false;
  bool stopped_ = false;
  uint64_t next_serial_ = 1;  // accept thread only
  DataPlaneStats stats_;

  std::mutex mutex_;
  std::list<Entry> sessions_;  // guarded by mutex_
};

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_DATA_PLANE_SESSION_LISTENER_H_
