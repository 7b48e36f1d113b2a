// execve. A host program (the host's /bin/sh from system(), /usr/bin/env...)
// replaces this process natively, as under qemu-user, with the guest's fds,
// cwd, signal mask and ignored signals, which the runtime keeps mirrored on
// the host (host_signals.h). A RISC-V program, or a #! script whose
// interpreter is one, runs under dbt again with this run's settings
// (GuestProcess::reexec_prefix: `dbt run -L ... -0 ARGV0 -- PROG ARGS`):
// the same pid, fds and signal state, no binfmt_misc needed. A RISC-V ELF
// file with malformed headers is ENOEXEC, as Linux says. Without a prefix
// (a session of the executor service) the host kernel decides, as under
// qemu-riscv64 without binfmt_misc.
#include <errno.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/executor/runtime/elf_loader.h"
#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

// Linux's limits: one string at most MAX_ARG_STRLEN (32 pages); all of them
// at most a quarter of the stack limit, which is 8 MiB by default.
constexpr size_t kMaxArgString = 32 * 4096;
constexpr size_t kMaxArgTotal = 2 << 20;

// A NULL-terminated array of guest string pointers (argv, envp); a NULL
// array is empty, as Linux takes it. -EFAULT / -E2BIG in *error.
std::optional<std::vector<std::string>> ReadStringArray(GuestProcess& proc, uint64_t array,
                                                        size_t* total, int64_t* error) {
  std::vector<std::string> strings;
  if (array == 0) return strings;
  for (uint64_t at = array;; at += 8) {
    uint64_t ptr = 0;
    if (!ReadGuest(proc, at, &ptr)) {
      *error = -EFAULT;
      return std::nullopt;
    }
    if (ptr == 0) return strings;
    std::optional<std::string> s = proc.memory.ReadString(ptr, kMaxArgString);
    if (!s) {
      *error = proc.memory.ReadString(ptr, 1) ? -E2BIG : -EFAULT;
      return std::nullopt;
    }
    *total += s->size() + 1 + 8;
    if (*total > kMaxArgTotal) {
      *error = -E2BIG;
      return std::nullopt;
    }
    strings.push_back(*std::move(s));
  }
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (std::string& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

// The interpreter line of a #! script: {interpreter, optional argument};
// nullopt when `path` is not a script.
std::optional<std::pair<std::string, std::string>> ScriptInterpreter(const std::string& path) {
  FILE* f = fopen(path.c_str(), "re");
  if (f == nullptr) return std::nullopt;
  char line[256];
  const bool got = fgets(line, sizeof line, f) != nullptr;
  fclose(f);
  if (!got || line[0] != '#' || line[1] != '!') return std::nullopt;
  std::string rest(line + 2);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ' || rest.back() == '\t')) {
    rest.pop_back();
  }
  const size_t start = rest.find_first_not_of(" \t");
  if (start == std::string::npos) return std::nullopt;
  rest = rest.substr(start);
  const size_t space = rest.find_first_of(" \t");
  if (space == std::string::npos) return std::make_pair(rest, std::string());
  std::string arg = rest.substr(rest.find_first_not_of(" \t", space));
  return std::make_pair(rest.substr(0, space), arg);
}

// execve of `prog` (a RISC-V program's guest path) under dbt again;
// returns only on failure.
int64_t ExecUnderDbt(GuestProcess& proc, const std::string& prog, std::vector<std::string> argv,
                     std::vector<std::string>& envp) {
  std::vector<std::string> args = proc.reexec_prefix;
  args.push_back("-0");
  args.push_back(argv.empty() ? prog : argv[0]);
  args.push_back("--");
  args.push_back(prog);
  for (size_t i = 1; i < argv.size(); ++i) args.push_back(std::move(argv[i]));
  std::vector<char*> args_p = Pointers(args), envp_p = Pointers(envp);
  fflush(nullptr);
  execve(args[0].c_str(), args_p.data(), envp_p.data());
  return HostError();
}

}  // namespace

int64_t SysExecve(GuestProcess& proc, const SyscallArgs& args) {
  int64_t error = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[0], &error);
  if (!path) return error;
  size_t total = 0;
  std::optional<std::vector<std::string>> argv = ReadStringArray(proc, args.a[1], &total, &error);
  if (!argv) return error;
  std::optional<std::vector<std::string>> envp = ReadStringArray(proc, args.a[2], &total, &error);
  if (!envp) return error;
  const std::string host_path = GuestToHostPath(proc, *path);
  if (!proc.reexec_prefix.empty() && access(host_path.c_str(), X_OK) == 0) {
    switch (ClassifyElf(host_path)) {
      case ElfKind::kRiscv:
        return ExecUnderDbt(proc, host_path, *std::move(argv), *envp);
      case ElfKind::kBadRiscv:
        return -ENOEXEC;
      case ElfKind::kForeign:
        break;
      case ElfKind::kNotElf:
        // A script whose interpreter is a RISC-V program: the kernel would
        // run the interpreter with (its argument,) the script and the rest.
        if (auto interp = ScriptInterpreter(host_path)) {
          const std::string interp_host = GuestToHostPath(proc, interp->first);
          if (ClassifyElf(interp_host) == ElfKind::kRiscv) {
            std::vector<std::string> script_argv = {interp->first};
            if (!interp->second.empty()) script_argv.push_back(interp->second);
            script_argv.push_back(*path);
            for (size_t i = 1; i < argv->size(); ++i) script_argv.push_back((*argv)[i]);
            return ExecUnderDbt(proc, interp_host, std::move(script_argv), *envp);
          }
        }
        break;
    }
  }
  std::vector<char*> argv_p = Pointers(*argv), envp_p = Pointers(*envp);
  fflush(nullptr);  // -strace and -d lines written so far
  execve(host_path.c_str(), argv_p.data(), envp_p.data());
  return HostError();  // only on failure: this process goes on
}

}  // namespace dbt::executor
