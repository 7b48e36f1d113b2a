// One executor session, translator side: the attach handshake on its
// accepted connection, then serving its request ring from a thread of its
// own until the session process exits or closes the connection (or the
// translator shuts down).
//
// Life cycle, on the session's thread (Run):
//   ReceiveHello -> HelloReply -> attached: Receive / HandleRequest / Respond
//   ... -> detached: buffer and channel unmapped, fds closed.
// Other threads may call Interrupt() and RequestFlush() at any time; the
// mutex keeps them off the channel once Run has released it.
#ifndef DBT_SERVICES_TRANSLATOR_DATA_PLANE_TRANSLATOR_SESSION_H_
#define DBT_SERVICES_TRANSLATOR_DATA_PLANE_TRANSLATOR_SESSION_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/codegen/code_gen_buffer.h"
#include "common/shm/channel_server.h"
#include "common/shm/peer_process.h"
#include "common/shm/unique_fd.h"
#include "services/translator/cache/session_cache.h"
#include "services/translator/data_plane/data_plane_stats.h"

namespace dbt::translator {

class TranslatorSession {
 public:
  // `serial` numbers sessions in this translator's logs; `stats` outlives it.
  // `programs` (null: no cache service) outlives the session.
  TranslatorSession(shm::UniqueFd conn, uint64_t serial, DataPlaneStats* stats,
                    ProgramRegistry* programs = nullptr);
  TranslatorSession(const TranslatorSession&) = delete;
  TranslatorSession& operator=(const TranslatorSession&) = delete;

  // Handshake, then serve; returns once the session is over and everything
  // it mapped or opened is released.
  void Run();

  // Ends the session soon: a pending handshake fails, Receive returns
  // Cancelled. Any thread, any time.
  void Interrupt();
  // Marks a flush (see request_handler.h) when the session is attached and
  // `session_id` is empty or its Hello.session_id. True when marked.
  bool RequestFlush(std::string_view session_id);
  // True once Run has returned (the thread can be joined without waiting).
  bool finished() const { return finished_.load(std::memory_order_acquire); }

 private:
  // Serves the ring until the peer exits, closes `conn`, or Interrupt();
  // returns why.
  absl::Status Serve(int conn, shm::ChannelServer& channel, codegen::CodeGenBuffer& buffer,
                     const shm::PeerProcess& peer, SessionCache* cache);

  const uint64_t serial_;
  DataPlaneStats* const stats_;
  ProgramRegistry* const programs_;
  std::atomic<bool> flush_requested_{false};
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> finished_{false};

  std::mutex mutex_;
  shm::UniqueFd conn_;                           // guarded by mutex_
  std::unique_ptr<shm::ChannelServer> channel_;  // guarded by mutex_; set while attached
  std::string session_id_;                       // guarded by mutex_
};

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_DATA_PLANE_TRANSLATOR_SESSION_H_
