// TbProducer backed by the translator service: this session's code buffer
// and request channel are memfds handed to the translator over its data
// socket (SCM_RIGHTS); requests carry the guest bytes, answers name the code
// the translator wrote into the buffer (services/translator/wire/tb_wire.h).
//
// Views: the translator maps the buffer read-write only; this process maps
// it read+execute to run it, plus a read-write alias used for one thing:
// patching goto_tb jump fields when chaining (4-byte aligned stores, atomic
// for threads running the code). A pwrite() to the memfd would avoid the
// alias but is not a single store (threads could run a half-written jump),
// and toggling an alias page with mprotect costs two syscalls and a TLB
// shootdown per link; see docs/ARCHITECTURE.md "Chaining across processes".
//
// Translator death: a request notices it within the peer poll interval
// (the pidfd), then this producer reconnects to the same socket for up to
// `reconnect_timeout` (dbt run restarts its translator; systemd restarts a
// service). Reconnected, it answers Aborted until the engine has flushed,
// since the new translator allocates from the buffer's start. No translator
// within the timeout: Unavailable, with a message saying so.
#ifndef DBT_SERVICES_EXECUTOR_JIT_REMOTE_TB_PRODUCER_H_
#define DBT_SERVICES_EXECUTOR_JIT_REMOTE_TB_PRODUCER_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/shm/channel_client.h"
#include "common/shm/peer_process.h"
#include "common/shm/unique_fd.h"
#include "services/executor/jit/tb_producer.h"

namespace dbt::executor {

struct RemoteTbProducerOptions {
  std::string socket_path;  // the translator's data socket
  std::string session_id;   // for the translator's logs and Flush(session)
  // The cache: the program file's content hash (16 bytes; empty: no cache),
  // the flags of every request, and the program image (TBs inside it are
  // indexed under the program).
  std::string cache_file_hash;
  uint32_t tb_flags = 0;
  uint64_t image_start = 0;
  uint64_t image_end = 0;
  size_t buffer_bytes = 0;  // 0: default
  absl::Duration reconnect_timeout = absl::Seconds(10);
  // How long Create waits for a translator that is still starting (its
  // socket not there or not accepting yet); zero: it must be up.
  absl::Duration start_timeout = absl::ZeroDuration();
  // Longest a single translation may take before the translator counts as
  // hung (and is treated as gone).
  absl::Duration request_timeout = absl::Seconds(60);
  // Poll for the answer this long before sleeping: most TBs are translated
  // within it, and a sleeping requester costs a cross-CPU wake-up (~35 us on
  // this project's 2-CPU VM; docs/ARCHITECTURE.md "Ring latency").
  absl::Duration request_spin = absl::Microseconds(100);
};

class RemoteTbProducer final : public TbProducer {
 public:
  // Creates the buffer and attaches to the translator. Unavailable when no
  // translator answers at socket_path.
  static absl::StatusOr<std::unique_ptr<RemoteTbProducer>> Create(
      const RemoteTbProducerOptions& options);
  ~RemoteTbProducer() override;

  codegen::CodeGenBuffer& buffer() override { return *buffer_; }
  absl::StatusOr<translator::TbTranslation> Translate(
      const translator::wire::TranslateRequest& request, std::string* debug_text) override;
  absl::Status Flush() override;
  absl::StatusOr<translator::wire::Preload> Preload() override;
  std::string TakeNotice() override;
  void BeforeFork() override { mutex_.lock(); }
  void AfterForkParent() override { mutex_.unlock(); }
  absl::Status ResetForChild() override;

 private:
  struct Connection;
  struct Lease;  // a requester borrowed from a connection's pool

  RemoteTbProducer(const RemoteTbProducerOptions& options,
                   std::unique_ptr<codegen::CodeGenBuffer> buffer)
      : options_(options), buffer_(std::move(buffer)) {}

  absl::StatusOr<std::shared_ptr<Connection>> Connect() const;
  // The current connection and its generation (null after a failed
  // reconnect: the session is over).
  std::shared_ptr<Connection> Current(uint64_t* generation) const;
  // Replaces the connection of `generation` (unless someone already did).
  absl::Status Reconnect(uint64_t generation, const absl::Status& why);
  absl::StatusOr<std::vector<uint8_t>> Call(const std::vector<uint8_t>& request);

  const RemoteTbProducerOptions options_;
  std::unique_ptr<codegen::CodeGenBuffer> buffer_;

  mutable std::mutex mutex_;
  std::shared_ptr<Connection> connection_;  // guarded by mutex_
  uint64_t generation_ = 0;                 // guarded by mutex_
  bool needs_flush_ = false;                // guarded by mutex_
  absl::Status lost_;                       // guarded by mutex_: why there is no translator
  std::string notice_;                      // guarded by mutex_: not yet taken
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_REMOTE_TB_PRODUCER_H_
