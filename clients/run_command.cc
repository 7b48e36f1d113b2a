#include "clients/run_command.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "absl/strings/match.h"
#include "clients/run_flags.h"
#include "services/executor/jit/jit_engine.h"
#include "services/executor/jit/jit_stats.h"
#include "services/executor/runtime/guest_runner.h"
#include "services/executor/runtime/interpreter_engine.h"

extern char** environ;

namespace dbt {
namespace {

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

bool HasItem(const RunFlags& flags, const char* item) {
  for (const std::string& d : flags.debug_items) {
    if (d == item) return true;
  }
  return false;
}

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

// `-d page`: the guest's memory map once the program is loaded, as qemu
// prints it before running.
void LogPages(executor::GuestProcess& proc, FILE* log) {
  fprintf(log, "guest_base  0x%llx\n%s\n",
          static_cast<unsigned long long>(proc.env.guest_base), proc.memory.DumpMaps().c_str());
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  absl::StatusOr<RunFlags> parsed = ParseRunFlags(args);
  if (!parsed.ok()) {
    fprintf(stderr, "dbt run: %s\n%s", std::string(parsed.status().message()).c_str(),
            RunUsage());
    return 2;
  }
  const RunFlags& flags = *parsed;
  if (flags.help) {
    fputs(RunUsage(), stdout);
    return 0;
  }

  FILE* log = stderr;
  if (!flags.log_file.empty()) {
    log = fopen(flags.log_file.c_str(), "w");
    if (log == nullptr) {
      fprintf(stderr, "dbt run: cannot open log file %s\n", flags.log_file.c_str());
      return 1;
    }
  }

  executor::RunOptions options;
  options.program = flags.program;
  options.argv.push_back(flags.argv0.empty() ? flags.program : flags.argv0);
  options.argv.insert(options.argv.end(), flags.args.begin(), flags.args.end());
  options.envp = GuestEnvironment(flags);
  options.strace = flags.strace;
  options.log = log;

  // Outlives the engine, which RunGuest owns and destroys before returning.
  auto stats = std::make_shared<executor::JitStats>();
  const bool log_page = HasItem(flags, "page");
  if (flags.interpret) {
    for (const std::string& item : flags.debug_items) {
      if (item != "page") {
        fprintf(stderr, "dbt: -d %s has no effect with --interpret\n", item.c_str());
      }
    }
    if (log_page) {
      options.engine_factory =
          [log](executor::GuestProcess& proc) -> std::unique_ptr<executor::ExecutionEngine> {
        LogPages(proc, log);
        return std::make_unique<executor::InterpreterEngine>();
      };
    }
  } else {
    executor::JitOptions jit;
    jit.code_buffer_bytes = flags.tb_size_mib << 20;
    jit.one_insn_per_tb = flags.one_insn_per_tb;
    jit.chain = !HasItem(flags, "nochain");
    jit.log_in_asm = HasItem(flags, "in_asm");
    jit.log_op = HasItem(flags, "op");
    jit.log_op_opt = HasItem(flags, "op_opt");
    jit.log_out_asm = HasItem(flags, "out_asm");
    jit.log_exec = HasItem(flags, "exec");
    jit.log_cpu = HasItem(flags, "cpu");
    jit.log = log;
    options.engine_factory = [jit, stats, log_page, log](executor::GuestProcess& proc)
        -> std::unique_ptr<executor::ExecutionEngine> {
      if (log_page) LogPages(proc, log);
      absl::StatusOr<std::unique_ptr<executor::JitEngine>> engine =
          executor::JitEngine::Create(proc, jit, stats.get());
      if (!engine.ok()) {
        fprintf(stderr, "dbt: cannot set up the JIT: %s\n",
                std::string(engine.status().message()).c_str());
        _exit(1);
      }
      return *std::move(engine);
    };
  }

  const uint64_t start = NowNs();
  absl::StatusOr<executor::GuestExit> exit = executor::RunGuest(options);
  stats->wall_ns = NowNs() - start;
  if (!exit.ok()) {
    fprintf(stderr, "dbt: %s\n", std::string(exit.status().message()).c_str());
    return 1;
  }
  if (!flags.stats_json.empty()) {
    std::ofstream out(flags.stats_json);
    out << executor::StatsToJson(*stats, flags.interpret ? "interpreter" : "jit");
    if (!out) fprintf(stderr, "dbt: cannot write %s\n", flags.stats_json.c_str());
  }
  if (log != stderr) fclose(log);
  executor::ExitLikeGuest(*exit);
}

}  // namespace dbt
