#include "clients/run_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/private_services.h"
#include "clients/remote_run.h"
#include "clients/run_flags.h"
#include "clients/service_supervisor.h"
#include "common/hash/content_hash.h"
#include "common/service/inherited_fds.h"
#include "services/cache/store/cache_dir.h"
#include "services/cache/store/flush_lock.h"
#include "services/cache/store/preload_files.h"
#include "services/executor/jit/jit_stats.h"
#include "services/executor/runtime/guest_runner.h"
#include "services/executor/runtime/sysroot.h"
#include "services/executor/service/session_spawn.h"
#include "services/executor/service/stdio_handoff.h"
#include "services/executor/session/session_runner.h"
#include "services/translator/cache/build_id.h"
#include "services/translator/cache/entry_convert.h"
#include "services/translator/translate_tb.h"

extern char** environ;

namespace dbt {
namespace {

// The guest's environment: ours, with -U removals and -E additions.
std::vector<std::string> GuestEnvironment(const RunFlags& flags) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    bool drop = false;
    for (const std::string& u : flags.unset_env) drop |= (u == name);
    for (const std::string& s : flags.set_env) drop |= (s.substr(0, s.find('=')) == name);
    if (!drop) env.push_back(entry);
  }
  for (const std::string& s : flags.set_env) env.push_back(s);
  return env;
}

std::string Cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
}

// What exec would pass on to the guest: our blocked and ignored signals,
// read before dbt changes its own.
void CaptureSignalState(v1::StartGuestRequest* request) {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  uint64_t blocked = 0;
  uint64_t ignored = 0;
  for (int sig = 1; sig < 64; ++sig) {
    const uint64_t bit = uint64_t{1} << (sig - 1);
    if (sigismember(&mask, sig) == 1) blocked |= bit;
    struct sigaction sa;
    if (sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN) ignored |= bit;
  }
  request->set_has_signal_state(true);
  request->set_blocked_signals(blocked);
  request->set_ignored_signals(ignored);
}

v1::StartGuestRequest MakeRequest(const RunFlags& flags) {
  v1::StartGuestRequest request;
  request.set_program(flags.program);
  for (const std::string& a : flags.args) request.add_args(a);
  for (const std::string& e : GuestEnvironment(flags)) request.add_env(e);
  request.set_cwd(Cwd());
  request.set_argv0(flags.argv0);
  v1::GuestRunOptions* o = request.mutable_options();
  for (const std::string& d : flags.debug_items) o->add_debug_items(d);
  o->set_log_file(flags.log_file);  // opened by the session, in cwd
  o->set_strace(flags.strace);
  if (flags.jitdump) {
    const char* tmp = getenv("TMPDIR");
    o->set_jitdump_dir(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp");
  }
  o->set_tb_size_mib(flags.tb_size_mib);
  o->set_one_insn_per_tb(flags.one_insn_per_tb);
  o->set_interpret(flags.interpret);
  o->set_no_cache(flags.no_cache);
  o->set_sysroot(executor::ChooseSysroot(flags.sysroot, getenv("QEMU_LD_PREFIX")));
  CaptureSignalState(&request);
  return request;
}

executor::JitStats FromProto(const v1::GuestStats& s) {
  executor::JitStats out;
#define DBT_JIT_STATS_GET(name) out.name = s.name();
  DBT_JIT_STATS_FIELDS(DBT_JIT_STATS_GET)
#undef DBT_JIT_STATS_GET
  return out;
}

void WriteStats(const RunFlags& flags, const executor::JitStats& stats) {
  if (flags.stats_json.empty()) return;
  std::ofstream out(flags.stats_json);
  out << executor::StatsToJson(stats, flags.interpret ? "interpreter" : "jit");
  if (!out) fprintf(stderr, "dbt: cannot write %s\n", flags.stats_json.c_str());
}

// Where the program's preload image would be: in the LMDB store the
// private translator opens (not for Redis), named by that translator's
// build. Nullopt when there is no such place.
struct PreloadImageAt {
  std::string store_dir;
  uint64_t translator_build = 0;
  bool exists = false;
};

std::optional<PreloadImageAt> FindPreloadImage(const PrivateCache& cache, const ContentHash& hash) {
  PreloadImageAt at;
  if (absl::StartsWith(cache.url, "redis://")) return std::nullopt;
  at.store_dir = absl::StartsWith(cache.url, "lmdb:") ? cache.url.substr(5) : cache.url;
  if (at.store_dir.empty()) at.store_dir = cache::DefaultCacheDir();
  if (at.store_dir[0] != '/') return std::nullopt;  // the translator refuses it
  absl::StatusOr<std::string> binary = FindServiceBinary("translator");
  if (!binary.ok()) return std::nullopt;
  at.translator_build = translator::BuildIdOfFile(*binary);
  if (at.translator_build == 0) return std::nullopt;
  const std::string path = cache::PreloadFilePath(
      at.store_dir, translator::ProgramKeyOf(hash, cache.preload_tb_flags, at.translator_build));
  at.exists = access(path.c_str(), F_OK) == 0;
  // The run before this one may still be writing it (its translator
  // stores after dbt exits, under the flush lock): wait, as its translator
  // would (bounded), and look again.
  if (!at.exists &&
      cache::WaitForFlushersReadOnly(cache::FlushLockPath(at.store_dir), absl::Seconds(3))) {
    at.exists = access(path.c_str(), F_OK) == 0;
  }
  return at;
}

// An absolute form of a path the user gave (relative to our cwd).
std::string Absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return Cwd() + "/" + path;
}

// How a RISC-V program the guest execs runs: this dbt, `run`, and the
// options of this run that still apply to it (not --stats-json, -E/-U: the
// guest's environment is what it passes; not -D, whose file the new run
// would truncate). Empty if our own binary cannot be named.
std::vector<std::string> ReexecPrefix(const RunFlags& flags, const std::string& sysroot) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return {};
  std::vector<std::string> p = {std::string(self, static_cast<size_t>(n)), "run"};
  if (flags.one_process) p.push_back("--one-process");
  if (flags.interpret) p.push_back("--interpret");
  if (flags.no_cache) p.push_back("--no-cache");
  if (!flags.cache_url.empty()) {
    p.push_back("--cache=" + (flags.cache_url.find("://") == std::string::npos
                                  ? Absolute(flags.cache_url)
                                  : flags.cache_url));
  }
  if (!flags.cache_max_size.empty()) p.push_back("--cache-max-size=" + flags.cache_max_size);
  if (!flags.cache_key_file.empty())
    p.push_back("--cache-key-file=" + Absolute(flags.cache_key_file));
  if (flags.cache_unauthenticated) p.push_back("--cache-unauthenticated");
  if (!sysroot.empty()) p.push_back("-L=" + Absolute(sysroot));
  if (flags.log_file.empty()) {
    if (flags.strace) p.push_back("-strace");
    if (!flags.debug_items.empty()) p.push_back("-d=" + absl::StrJoin(flags.debug_items, ","));
  }
  if (flags.tb_size_mib != 0) p.push_back(absl::StrCat("--tb-size=", flags.tb_size_mib));
  if (flags.one_insn_per_tb) p.push_back("--one-insn-per-tb");
  return p;
}

// The session runs right here; `services` (none with --one-process or
// --interpret) are stopped once the guest has ended.
int RunHere(const RunFlags& flags, const v1::SessionConfig& config,
            std::unique_ptr<PrivateServices> services) {
  const pid_t owner = getpid();
  executor::JitStats stats;
  executor::SessionHooks hooks;
  hooks.reexec_prefix = ReexecPrefix(flags, config.request().options().sysroot());
  if (services != nullptr) {
    hooks.start_translator = [s = services.get()] { return s->EnsureTranslator(); };
  }
  absl::StatusOr<executor::GuestExit> exit = executor::RunSession(config, &stats, hooks);
  if (getpid() != owner) {
    // A child the guest forked ends here: the services and --stats-json
    // are the parent's.
    if (!exit.ok()) {
      fprintf(stderr, "dbt: %s\n", std::string(exit.status().message()).c_str());
      fflush(nullptr);
      _exit(1);
    }
    executor::ExitLikeGuest(*exit);
  }
  services.reset();
  if (!exit.ok()) {
    fprintf(stderr, "dbt: %s\n", std::string(exit.status().message()).c_str());
    return 1;
  }
  WriteStats(flags, stats);
  executor::ExitLikeGuest(*exit);
}

// --one-process: the translator too runs in this process.
int RunInProcess(const RunFlags& flags, v1::StartGuestRequest request) {
  v1::SessionConfig config;
  config.set_session_id("local");
  request.mutable_options()->set_local_translator(true);
  *config.mutable_request() = std::move(request);
  return RunHere(flags, config, nullptr);
}

// Default: dbt is the session. The guest runs in this process, as with
// --one-process (its pid, parent, stdio, fds, process group and signals are
// dbt's own, as for a native program), and the code comes from a private
// translator process (and cache service) over shared memory.
int RunWithPrivateServices(const RunFlags& flags, v1::StartGuestRequest request) {
  PrivateCache cache;
  cache.enabled = !flags.no_cache && !flags.interpret;
  cache.url = flags.cache_url;
  cache.max_size = flags.cache_max_size;
  cache.key_file = flags.cache_key_file;
  cache.unauthenticated = flags.cache_unauthenticated;
  v1::SessionConfig config;
  config.set_session_id("private");
  bool start_now = true;
  if (cache.enabled) {
    // Read once, here: the translator starts loading the program's entries
    // at once, and the session keys them by the same hash.
    const int fd = open(flags.program.c_str(), O_RDONLY | O_CLOEXEC);
    ContentHash hash;
    if (fd >= 0 && HashFd(fd, &hash)) {
      cache.preload_program = absl::StrFormat("%016x%016x", hash.lo, hash.hi);
      cache.preload_tb_flags = flags.one_insn_per_tb ? translator::kTbFlagOneInsn : 0;
      config.set_program_hash(ContentHashToBytes(hash));
      // With a preload image of the program, the session places it itself
      // and starts the translator only if a TB is missing.
      if (std::optional<PreloadImageAt> image = FindPreloadImage(cache, hash);
          image && image->exists) {
        config.set_preload_image_dir(image->store_dir);
        config.set_translator_build(image->translator_build);
        start_now = false;
      }
    }
    if (fd >= 0) close(fd);
  }
  std::unique_ptr<PrivateServices> services;
  if (!flags.interpret) {
    absl::StatusOr<std::unique_ptr<PrivateServices>> started =
        PrivateServices::Start(cache, start_now);
    if (!started.ok()) {
      fprintf(stderr, "dbt: cannot start the translator: %s\n",
              std::string(started.status().message()).c_str());
      return 1;
    }
    services = *std::move(started);
    config.set_translator_data_socket(services->translator_data_socket());
    // It starts while we load the guest (or when first needed).
    config.set_translator_start_ms(10000);
  }
  *config.mutable_request() = std::move(request);
  return RunHere(flags, config, std::move(services));
}

// Our own open fds beyond stdio, which the guest gets at the same numbers,
// as a shell's `PROG 5<file` gives them to a native program.
std::vector<int> FdsForTheGuest() {
  std::vector<int> fds;
  for (int fd : InheritableFds()) {
    if (fd < executor::kMaxPassedFdNumber && fds.size() < executor::kMaxPassedFds) {
      fds.push_back(fd);
    } else {
      fprintf(stderr, "dbt: fd %d is not passed on to the guest (at most %zu, below %d)\n", fd,
              executor::kMaxPassedFds, executor::kMaxPassedFdNumber);
    }
  }
  return fds;
}

// The unix socket path of an executor address, or "" for TCP.
std::string UnixPath(const std::string& address) {
  if (address.rfind("unix:", 0) == 0) return address.substr(5);
  if (!address.empty() && address[0] == '/') return address;
  return "";
}

// --connect=ADDR: services already running. On the same host the guest gets
// dbt's own stdin/stdout/stderr (handed over on the executor's stdio socket);
// otherwise its output is streamed back and dbt's stdin is sent to it.
int RunConnected(const RunFlags& flags, v1::StartGuestRequest request) {
  std::optional<executor::StdioTicket> ticket;
  if (const std::string path = UnixPath(flags.connect); !path.empty()) {
    absl::StatusOr<executor::StdioTicket> t =
        executor::HandOverStdio(executor::StdioHandoffPath(path), FdsForTheGuest());
    if (t.ok()) {
      ticket = *std::move(t);
      request.set_stdio_token(ticket->token);
    }
  }
  if (!ticket) {
    request.set_stream_output(true);
    request.set_stream_stdin(true);
  }
  // The executor is not in our terminal's process group: ^C is forwarded.
  absl::StatusOr<RemoteRunResult> result = RunRemote(flags.connect, request);
  if (!result.ok()) {
    fprintf(stderr, "dbt: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  WriteStats(flags, FromProto(result->stats));
  executor::ExitLikeGuest(result->exit, /*report_core_dump=*/false);
}

}  // namespace

// The store is chosen where the cache service starts: with private
// services. Say so when it is asked for elsewhere.
void WarnIgnoredCacheFlags(const RunFlags& flags) {
  const bool chosen = !flags.cache_url.empty() || !flags.cache_max_size.empty() ||
                      !flags.cache_key_file.empty() || flags.cache_unauthenticated;
  if (flags.one_process && chosen) {
    fprintf(stderr,
            "dbt: warning: --one-process runs without the cache (a process that runs guest "
            "code never writes it)\n");
  } else if (!flags.connect.empty() && chosen) {
    fprintf(stderr,
            "dbt: warning: --cache options have no effect with --connect: the running "
            "services' cache is used (--no-cache still applies)\n");
  }
}

int RunCommand(const std::vector<std::string>& args) {
  absl::StatusOr<RunFlags> parsed = ParseRunFlags(args);
  if (!parsed.ok()) {
    fprintf(stderr, "dbt run: %s\n%s", std::string(parsed.status().message()).c_str(), RunUsage());
    return 2;
  }
  const RunFlags& flags = *parsed;
  if (flags.help) {
    fputs(RunUsage(), stdout);
    return 0;
  }
  v1::StartGuestRequest request = MakeRequest(flags);
  WarnIgnoredCacheFlags(flags);
  if (flags.one_process) return RunInProcess(flags, std::move(request));
  if (!flags.connect.empty()) return RunConnected(flags, std::move(request));
  return RunWithPrivateServices(flags, std::move(request));
}

}  // namespace dbt
