// dbt-translator: the translator service. See docs/ARCHITECTURE.md for its role.
//
// Two sockets: --socket (gRPC: Control, health, dbt.v1.Translator) and
// --data_socket (SOCK_SEQPACKET, where executor sessions attach their
// request rings and code buffers; default: the --socket path + ".data").
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "common/log.h"
#include "common/service/server.h"
#include "services/cache/cache_from_flags.h"
#include "services/cache/store/flush_lock.h"
#include "services/translator/cache/build_id.h"
#include "services/translator/cache/cache_client.h"
#include "services/translator/cache/session_cache.h"
#include "services/translator/data_plane/session_listener.h"
#include "services/translator/translator_service.h"

ABSL_FLAG(std::string, cache_service, "",
          "gRPC address of the cache service (e.g. unix:/run/dbt/cache.sock): sessions that "
          "ask for the cache get their program's entries from it and store what is translated. "
          "Empty: no cache.");
ABSL_FLAG(bool, cache_embedded, false,
          "Host the cache in this process, on the store of --cache (and --cache_max_size, "
          "--cache_key_file, --cache_unauthenticated), reached over an in-process gRPC channel: "
          "dbt run's private mode, one process fewer to start. Not with --cache_service.");
ABSL_FLAG(std::string, preload_program, "",
          "With a cache: start loading this program's entries at once, before its session "
          "attaches (32 hex digits: the content hash's low then high 64 bits, as dbt run "
          "passes them).");
ABSL_FLAG(uint32_t, preload_tb_flags, 0, "The TB flags of --preload_program's session.");
ABSL_FLAG(int, flush_ack_fd, -1,
          "An fd (a pipe's write end) written to and closed once a SIGTERM was received and, with "
          "--cache_embedded on an LMDB store, the store's flush lock taken: dbt run then exits "
          "while this translator stores what it holds, and the next run waits for those "
          "writes (services/cache/store/flush_lock.h).");
ABSL_FLAG(std::string, data_socket, "",
          "Unix SOCK_SEQPACKET socket where executor sessions attach (default: the --socket "
          "path + \".data\"; none when only --listen is given).");

int main(int argc, char** argv) {
  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "dbt translator service: --socket=PATH [--data_socket=PATH] [--listen=HOST:PORT] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("translator", &config)) return 2;

  std::string data_socket = absl::GetFlag(FLAGS_data_socket);
  if (data_socket.empty() && !config.unix_socket.empty())
    data_socket = config.unix_socket + ".data";
  // ORDER: declared before the listener, so destroyed after its sessions.
  std::unique_ptr<dbt::cache::FlushLock> flush_lock;  // held from SIGTERM to _exit
  std::unique_ptr<dbt::CacheService> embedded_cache;
  std::unique_ptr<grpc::Server> embedded_server;  // no port: in-process only
  std::unique_ptr<dbt::translator::CacheClient> cache_client;
  std::unique_ptr<dbt::translator::ProgramRegistry> programs;
  dbt::translator::PreloadImages images;
  if (absl::GetFlag(FLAGS_cache_embedded)) {
    if (!absl::GetFlag(FLAGS_cache_service).empty()) {
      fprintf(stderr, "dbt-translator: --cache_embedded and --cache_service exclude each other\n");
      return 2;
    }
    std::string lmdb_dir;
    uint64_t max_bytes = 0;
    absl::StatusOr<std::unique_ptr<dbt::CacheService>> made =
        dbt::CacheServiceFromFlags(&lmdb_dir, &max_bytes);
    if (!made.ok()) {
      fprintf(stderr, "dbt-translator: %s\n", std::string(made.status().message()).c_str());
      return 2;
    }
    embedded_cache = *std::move(made);
    if (!lmdb_dir.empty()) {
      // Preload images beside the store, for dbt run to place without us;
      // a quarter of the store's limit for all of them.
      images.store_dir = lmdb_dir;
      images.budget_bytes = max_bytes / 4;
      flush_lock = std::make_unique<dbt::cache::FlushLock>(dbt::cache::FlushLockPath(lmdb_dir));
      // What a run that just ended still stores: wait for it (bounded), so
      // that a run after a run is warm.
      if (!flush_lock->WaitForFlushers(absl::Seconds(3))) {
        DBT_LOG(0) << "cache: another translator is still storing after 3 s; not waiting";
      }
    }
    grpc::ServerBuilder builder;
    builder.SetMaxReceiveMessageSize(dbt::kMaxServiceMessageBytes);
    builder.SetMaxSendMessageSize(64 << 20);
    builder.RegisterService(embedded_cache.get());
    embedded_server = builder.BuildAndStart();
    if (embedded_server == nullptr) {
      fprintf(stderr, "dbt-translator: cannot start the embedded cache\n");
      return 1;
    }
    cache_client = std::make_unique<dbt::translator::CacheClient>(*embedded_server);
  } else if (const std::string address = absl::GetFlag(FLAGS_cache_service); !address.empty()) {
    cache_client = std::make_unique<dbt::translator::CacheClient>(address);
  }
  if (cache_client != nullptr) {
    programs = std::make_unique<dbt::translator::ProgramRegistry>(cache_client.get(), images);
    dbt::translator::TranslatorBuildId();  // computed once, before the first session
  }
  if (const std::string hex = absl::GetFlag(FLAGS_preload_program);
      !hex.empty() && programs != nullptr) {
    dbt::ContentHash hash;
    if (hex.size() == 32 && absl::SimpleHexAtoi(hex.substr(0, 16), &hash.lo) &&
        absl::SimpleHexAtoi(hex.substr(16), &hash.hi)) {
      programs->Prefetch(hash, absl::GetFlag(FLAGS_preload_tb_flags));
    } else {
      DBT_LOG(0) << "ignoring --preload_program=" << hex << ": not 32 hex digits";
    }
  }
  std::unique_ptr<dbt::translator::SessionListener> listener;
  if (!data_socket.empty()) {
    // Started before the gRPC server (its threads inherit the blocked
    // termination signals) and stopped after it: a client that sees the
    // service healthy can attach.
    listener = std::make_unique<dbt::translator::SessionListener>(data_socket, programs.get());
    if (absl::Status s = listener->Start(); !s.ok()) {
      fprintf(stderr, "dbt-translator: data socket: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  } else {
    DBT_LOG(0) << "no data socket (give --socket or --data_socket): no executor can attach";
  }

  config.on_stop = [&flush_lock, ack_fd = absl::GetFlag(FLAGS_flush_ack_fd)] {
    if (flush_lock != nullptr && !flush_lock->HoldWhileFlushing()) {
      DBT_LOG(0) << "cache: cannot take the flush lock: the next run may start cold";
    }
    if (ack_fd >= 0) {
      // A byte, not only EOF: a copy of the write end elsewhere (a guest
      // that forked while dbt started us) must not hold dbt up.
      (void)!write(ack_fd, "s", 1);
      close(ack_fd);  // dbt run may exit now
    }
  };
  dbt::TranslatorService service(listener.get());
  config.services.push_back({"dbt.v1.Translator", &service});
  const int status = dbt::RunServer(config);
  if (listener != nullptr) listener->Stop();
  listener.reset();
  if (cache_client != nullptr) cache_client->Drain();
  if (embedded_server != nullptr) {
    programs.reset();
    cache_client.reset();
    embedded_server->Shutdown();
    embedded_server.reset();
    // The use times are written and the store is closed here...
    embedded_cache.reset();
    fflush(nullptr);
    // ...and, as the cache service does, skip gRPC's library shutdown (it
    // can wait seconds for an internal poller thread).
    _exit(status);
  }
  return status;
}
