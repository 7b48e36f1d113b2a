#include "clients/run_flags.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace dbt {
namespace {

bool KnownDebugItem(const std::string& item) {
  for (const char* known : kDebugItems) {
    if (item == known) return true;
  }
  return false;
}

}  // namespace

const char* RunUsage() {
  return "usage: dbt run [OPTIONS] PROG [ARGS...]\n"
         "Runs a RISC-V 64 Linux program (static or dynamically linked ELF) on this machine.\n"
         "  -d ITEM[,ITEM]     log per TB: in_asm, op, op_opt, out_asm, exec, cpu, page, nochain\n"
         "  -D FILE            write the -d and -strace logs to FILE instead of stderr\n"
         "  -strace            log every system call\n"
         "  -jitdump           write $TMPDIR/jit-PID.dump (default /tmp) naming every TB, for\n"
         "                     perf record -k mono + perf inject --jit\n"
         "  --tb-size N        code buffer size in MiB\n"
         "  --one-insn-per-tb  translate one guest instruction per block (-singlestep)\n"
         "  --interpret        run the reference interpreter instead of translating\n"
         "  --stats-json PATH  write translation statistics as JSON at exit\n"
         "  -E VAR=VALUE       set an environment variable for the guest\n"
         "  -U VAR             remove an environment variable for the guest\n"
         "  -0 ARGV0           the guest's argv[0] (default: PROG)\n"
         "  -L DIR             the riscv64 sysroot: the dynamic loader and libraries, and any\n"
         "                     absolute path that exists under DIR (default $QEMU_LD_PREFIX,\n"
         "                     else /usr/riscv64-linux-gnu when it exists)\n"
         "Processes: by default dbt starts a private translator and executor service for the\n"
         "run (the guest runs in an executor session, with dbt's stdin/stdout/stderr).\n"
         "  --one-process      run everything inside this process instead\n"
         "  --connect ADDR     use the executor service at ADDR (dbt services up); on this host\n"
         "                     the guest gets dbt's stdin/stdout/stderr, over TCP they are\n"
         "                     relayed (dbt reads its stdin ahead of the guest)\n"
         "Cache (translated blocks kept across runs; on by default with private services):\n"
         "  --no-cache         neither load nor store translated blocks\n"
         "  --cache-dir DIR    the store's directory (default $XDG_CACHE_HOME/dbt or\n"
         "                     ~/.cache/dbt; it must be writable by this user only)\n"
         "  --cache URL        DIR, lmdb:DIR or redis://HOST:PORT[/DB]\n"
         "  --cache-max-size S largest total size (e.g. 512M, 2G; default 1G), LRU eviction\n"
         "  --cache-key-file F HMAC-SHA256 key authenticating Redis entries (mode 0600)\n"
         "  --cache-unauthenticated  use a Redis store without a key\n";
}

absl::StatusOr<RunFlags> ParseRunFlags(const std::vector<std::string>& args) {
  RunFlags flags;
  size_t i = 0;
  // Options take their value either as the next argument or after '='.
  auto value = [&](const std::string& arg, const std::string& name,
                   std::string* out) -> absl::Status {
    if (arg.size() > name.size() && arg[name.size()] == '=') {
      *out = arg.substr(name.size() + 1);
      return absl::OkStatus();
    }
    if (i + 1 >= args.size()) return absl::InvalidArgumentError(name + " needs a value");
    *out = args[++i];
    return absl::OkStatus();
  };
  auto is = [](const std::string& arg, const std::string& name) {
    return arg == name || absl::StartsWith(arg, name + "=");
  };
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.empty() || arg[0] != '-') break;
    std::string v;
    if (is(arg, "-d")) {
      if (absl::Status st = value(arg, "-d", &v); !st.ok()) return st;
      for (absl::string_view item : absl::StrSplit(v, ',', absl::SkipEmpty())) {
        if (!KnownDebugItem(std::string(item))) {
          return absl::InvalidArgumentError(absl::StrCat(
              "unknown -d item '", item, "'; known: ", absl::StrJoin(kDebugItems, ",")));
        }
        flags.debug_items.emplace_back(item);
      }
    } else if (is(arg, "-D")) {
      if (absl::Status st = value(arg, "-D", &flags.log_file); !st.ok()) return st;
    } else if (arg == "-strace" || arg == "--strace") {
      flags.strace = true;
    } else if (arg == "-jitdump" || arg == "--jitdump") {
      flags.jitdump = true;
    } else if (is(arg, "--tb-size") || is(arg, "-tb-size")) {
      if (absl::Status st = value(arg, arg.rfind("--", 0) == 0 ? "--tb-size" : "-tb-size", &v);
          !st.ok()) {
        return st;
      }
      if (!absl::SimpleAtoi(v, &flags.tb_size_mib) || flags.tb_size_mib == 0 ||
          flags.tb_size_mib > 4096) {
        return absl::InvalidArgumentError("--tb-size takes a size in MiB from 1 to 4096");
      }
    } else if (arg == "--one-insn-per-tb" || arg == "-one-insn-per-tb" || arg == "-singlestep") {
      flags.one_insn_per_tb = true;
    } else if (arg == "--interpret") {
      flags.interpret = true;
    } else if (arg == "--one-process") {
      flags.one_process = true;
    } else if (is(arg, "--connect")) {
      if (absl::Status st = value(arg, "--connect", &flags.connect); !st.ok()) return st;
    } else if (arg == "--no-cache") {
      flags.no_cache = true;
    } else if (is(arg, "--cache-dir")) {
      if (absl::Status st = value(arg, "--cache-dir", &flags.cache_url); !st.ok()) return st;
      if (flags.cache_url.empty())
        return absl::InvalidArgumentError("--cache-dir needs a directory");
    } else if (is(arg, "--cache-max-size")) {
      if (absl::Status st = value(arg, "--cache-max-size", &flags.cache_max_size); !st.ok()) {
        return st;
      }
    } else if (is(arg, "--cache-key-file")) {
      if (absl::Status st = value(arg, "--cache-key-file", &flags.cache_key_file); !st.ok()) {
        return st;
      }
    } else if (arg == "--cache-unauthenticated") {
      flags.cache_unauthenticated = true;
    } else if (is(arg, "--cache")) {
      if (absl::Status st = value(arg, "--cache", &flags.cache_url); !st.ok()) return st;
    } else if (is(arg, "--stats-json")) {
      if (absl::Status st = value(arg, "--stats-json", &flags.stats_json); !st.ok()) return st;
    } else if (is(arg, "-E")) {
      if (absl::Status st = value(arg, "-E", &v); !st.ok()) return st;
      if (v.find('=') == std::string::npos) {
        return absl::InvalidArgumentError("-E takes VAR=VALUE");
      }
      flags.set_env.push_back(v);
    } else if (is(arg, "-U")) {
      if (absl::Status st = value(arg, "-U", &v); !st.ok()) return st;
      flags.unset_env.push_back(v);
    } else if (is(arg, "-L")) {
      if (absl::Status st = value(arg, "-L", &flags.sysroot); !st.ok()) return st;
      if (flags.sysroot.empty()) return absl::InvalidArgumentError("-L needs a directory");
    } else if (is(arg, "-0")) {
      if (absl::Status st = value(arg, "-0", &flags.argv0); !st.ok()) return st;
    } else if (arg == "-h" || arg == "--help" || arg == "-help") {
      flags.help = true;
      return flags;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option '", arg, "'"));
    }
  }
  if (i >= args.size()) return absl::InvalidArgumentError("no program given");
  flags.program = args[i];
  flags.args.assign(args.begin() + i + 1, args.end());
  return flags;
}

}  // namespace dbt
