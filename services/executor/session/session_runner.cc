#include "services/executor/session/session_runner.h"

#include <cstdlib>

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/hash/content_hash.h"
#include "common/shm/deadline.h"
#include "services/executor/jit/jit_engine.h"
#include "services/executor/jit/local_tb_producer.h"
#include "services/executor/jit/remote_tb_producer.h"
#include "services/executor/runtime/guest_runner.h"
#include "services/executor/runtime/interpreter_engine.h"

namespace dbt::executor {
namespace {

// The program's content hash as the translator takes it (Hello's
// cache_file_hash: 16 bytes, low then high 64 bits).
absl::StatusOr<std::string> HashFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", strerror(errno)));
  ContentHash hash;
  const bool ok = HashFd(fd, &hash);
  const int err = errno;
  close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("cannot read ", path, ": ", strerror(err)));
  return ContentHashToBytes(hash);
}

bool HasItem(const v1::GuestRunOptions& options, const char* item) {
  for (const std::string& d : options.debug_items()) {
    if (d == item) return true;
  }
  return false;
}

// `-d page`: the guest's memory map once the program is loaded, as qemu
// prints it before running.
void LogPages(GuestProcess& proc, FILE* log) {
  fprintf(log, "guest_base  0x%llx\n%s\n", static_cast<unsigned long long>(proc.env.guest_base),
          proc.memory.DumpMaps().c_str());
}

// The signal state exec would pass on: the client's mask and ignored set.
void ApplySignalState(const v1::StartGuestRequest& request) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig = 1; sig < 64; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    const uint64_t bit = uint64_t{1} << (sig - 1);
    if (request.blocked_signals() & bit) sigaddset(&mask, sig);
    struct sigaction sa = {};
    sa.sa_handler = (request.ignored_signals() & bit) ? SIG_IGN : SIG_DFL;
    sigaction(sig, &sa, nullptr);
  }
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);
}

JitOptions MakeJitOptions(const v1::GuestRunOptions& o, FILE* log) {
  JitOptions jit;
  jit.code_buffer_bytes = o.tb_size_mib() << 20;
  jit.one_insn_per_tb = o.one_insn_per_tb();
  jit.chain = !HasItem(o, "nochain");
  jit.log_in_asm = HasItem(o, "in_asm");
  jit.log_op = HasItem(o, "op");
  jit.log_op_opt = HasItem(o, "op_opt");
  jit.log_out_asm = HasItem(o, "out_asm");
  jit.log_exec = HasItem(o, "exec");
  jit.log_cpu = HasItem(o, "cpu");
  jit.log = log;
  return jit;
}

}  // namespace

absl::StatusOr<GuestExit> RunSession(const v1::SessionConfig& config, JitStats* stats,
                                     const SessionHooks& hooks) {
  const v1::StartGuestRequest& request = config.request();
  const v1::GuestRunOptions& o = request.options();

  FILE* log = stderr;
  if (!o.log_file().empty()) {
    log = fopen(o.log_file().c_str(), "we");  // not inherited by an exec'd program
    if (log == nullptr)
      return absl::NotFoundError(absl::StrCat("cannot open log file ", o.log_file()));
  }

  RunOptions options;
  options.program = request.program();
  options.argv.push_back(request.argv0().empty() ? request.program() : request.argv0());
  options.argv.insert(options.argv.end(), request.args().begin(), request.args().end());
  options.envp.assign(request.env().begin(), request.env().end());
  options.strace = o.strace();
  options.sysroot = o.sysroot();
  options.reexec_prefix = hooks.reexec_prefix;
  options.log = log;
  if (request.has_signal_state()) ApplySignalState(request);
  options.inherit_signal_state = request.has_signal_state();

  const bool log_page = HasItem(o, "page");
  if (o.interpret()) {
    for (const std::string& item : o.debug_items()) {
      if (item != "page")
        fprintf(stderr, "dbt: -d %s has no effect with --interpret\n", item.c_str());
    }
    if (!o.jitdump_dir().empty()) fprintf(stderr, "dbt: -jitdump has no effect with --interpret\n");
    if (log_page) {
      options.engine_factory = [log](GuestProcess& proc) -> std::unique_ptr<ExecutionEngine> {
        LogPages(proc, log);
        return std::make_unique<InterpreterEngine>(&proc.memory);
      };
    }
  } else {
    JitOptions jit = MakeJitOptions(o, log);
    if (!o.jitdump_dir().empty()) {
      absl::StatusOr<std::unique_ptr<JitDump>> dump = JitDump::Create(o.jitdump_dir());
      if (!dump.ok()) return dump.status();
      jit.jitdump = std::move(*dump);
    }
    const bool remote = !o.local_translator() && !config.translator_data_socket().empty();
    // The cache is the translator's: a session that translates in-process
    // runs guest code and may not write it.
    // Nor with -d dumps of translations: the user wants to see them made.
    jit.cache = remote && !o.no_cache() && !jit.log_in_asm && !jit.log_op && !jit.log_op_opt &&
                !jit.log_out_asm;
    RemoteTbProducerOptions remote_options;
    remote_options.socket_path = config.translator_data_socket();
    remote_options.session_id = config.session_id();
    remote_options.buffer_bytes = jit.code_buffer_bytes;
    if (config.translator_reconnect_ms() != 0) {
      remote_options.reconnect_timeout = absl::Milliseconds(config.translator_reconnect_ms());
    }
    remote_options.start_timeout = absl::Milliseconds(config.translator_start_ms());
    remote_options.tb_flags = jit.one_insn_per_tb ? translator::kTbFlagOneInsn : 0;
    remote_options.connects = &stats->translator_connects;
    // The translator is attached (and, by the hook, started if it was not)
    // only when a TB is needed that no preload image holds.
    if (hooks.start_translator) {
      remote_options.lazy_connect = true;
      remote_options.before_connect = hooks.start_translator;
      if (jit.cache && !config.preload_image_dir().empty() && config.translator_build() != 0) {
        remote_options.image_store_dir = config.preload_image_dir();
        remote_options.translator_build = config.translator_build();
      }
    }
    options.engine_factory =
        [jit, stats, log_page, log, remote, remote_options, known_hash = config.program_hash(),
         program = request.program()](GuestProcess& proc) -> std::unique_ptr<ExecutionEngine> {
      if (log_page) LogPages(proc, log);
      absl::StatusOr<std::unique_ptr<TbProducer>> producer;
      if (remote) {
        RemoteTbProducerOptions with_cache = remote_options;
        if (jit.cache) {
          // The program's identity is its content, not its path: a rebuilt
          // program is another program.
          absl::StatusOr<std::string> file_hash =
              known_hash.size() == 16 ? known_hash : HashFile(proc.exe_path);
          if (file_hash.ok()) {
            with_cache.cache_file_hash = *std::move(file_hash);
            with_cache.image_start = proc.image_start;
            with_cache.image_end = proc.image_end;
          } else {
            fprintf(stderr, "dbt: warning: the cache is off: %s\n",
                    std::string(file_hash.status().message()).c_str());
          }
        }
        producer = RemoteTbProducer::Create(with_cache);
      } else {
        producer = LocalTbProducer::Create(jit.code_buffer_bytes);
      }
      if (!producer.ok()) {
        fprintf(stderr, "dbt: cannot set up the JIT: %s\n",
                std::string(producer.status().message()).c_str());
        _exit(1);
      }
      std::unique_ptr<JitEngine> engine = JitEngine::Create(proc, jit, stats, *std::move(producer));
      // DBT_CACHE_NO_PRELOAD=1 (a measuring knob: bench/cache.sh): every
      // cached TB is then found by a lookup on its first miss instead.
      if (jit.cache && getenv("DBT_CACHE_NO_PRELOAD") == nullptr) engine->Preload();
      return engine;
    };
  }

  const int64_t start = shm::MonotonicNowNs();
  absl::StatusOr<GuestExit> exit = RunGuest(options);
  stats->wall_ns = static_cast<uint64_t>(shm::MonotonicNowNs() - start);
  if (log != stderr) fclose(log);
  return exit;
}

}  // namespace dbt::executor
