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
// Lazy start (dbt run, private mode): with a preload image of the program
// (services/cache/store/preload_files.h; image_store_dir and
// translator_build set), Preload() places the image's code in the buffer
// itself and the translator is neither started nor attached until a TB is
// missing (or the guest forks): `before_connect` starts it then, and the
// Hello tells it where the executor's code ends (code_start). Without an
// image the preload comes from the translator, as before.
//
// Translator death: a request notices it within the peer poll interval
// (the pidfd), then this producer reconnects to the same socket for up to
// `reconnect_timeout` (dbt run restarts its translator; systemd restarts a
// service). Reconnected, it answers Aborted until the engine has flushed,
// since the new translator allocates from the buffer's start. No translator
// within the timeout: Unavailable, with a message saying so.
#ifndef DBT_SERVICES_EXECUTOR_JIT_REMOTE_TB_PRODUCER_H_
#define DBT_SERVICES_EXECUTOR_JIT_REMOTE_TB_PRODUCER_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
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
  // Lazy start: attach only when first needed, calling before_connect
  // (once) first; it may start the translator (start_timeout then applies).
  bool lazy_connect = false;
  std::function<absl::Status()> before_connect;
  // Preload images: the LMDB store's directory and the build id of the
  // translator that would make the code (its images are named by it).
  std::string image_store_dir;
  uint64_t translator_build = 0;
  // Counts connections made (JitStats::translator_connects); may be null.
  uint64_t* connects = nullptr;
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
  // A forked child attaches to the translator: it must be running.
  void BeforeFork() override {
    (void)EnsureConnected();
    mutex_.lock();
  }
  void AfterForkParent() override { mutex_.unlock(); }
  absl::Status ResetForChild() override;

 private:
  struct Connection;
  struct Lease;  // a requester borrowed from a connection's pool

  RemoteTbProducer(const RemoteTbProducerOptions& options,
                   std::unique_ptr<codegen::CodeGenBuffer> buffer)
      : options_(options), buffer_(std::move(buffer)) {}

  absl::StatusOr<std::shared_ptr<Connection>> Connect() const;
  // Connect, retrying for options_.start_timeout while the translator
  // starts.
  absl::StatusOr<std::shared_ptr<Connection>> ConnectWhenUp() const;
  // Attaches now if attaching was put off (lazy_connect). OK when attached.
  absl::Status EnsureConnected();
  // The program's preload image placed in the buffer; nullopt when there is
  // none to use (the translator's preload is asked then).
  std::optional<translator::wire::Preload> PreloadFromImage();
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
  bool attach_pending_ = false;             // guarded by mutex_: lazy, not attached yet
  bool before_connect_called_ = false;      // guarded by mutex_
  absl::Status lost_;                       // guarded by mutex_: why there is no translator
  std::string notice_;                      // guarded by mutex_: not yet taken
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_REMOTE_TB_PRODUCER_H_
