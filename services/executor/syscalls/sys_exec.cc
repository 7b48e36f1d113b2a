// execve, as qemu-user does it: the host kernel runs the program. A host
// program (the host's /bin/sh from system(), /usr/bin/env...) replaces this
// process natively, with the guest's fds, cwd, signal mask and ignored
// signals, which the runtime keeps mirrored on the host (host_signals.h).
// A RISC-V program fails with the kernel's ENOEXEC unless binfmt_misc hands
// it to an emulator, exactly as under qemu-riscv64 (see docs/ARCHITECTURE.md).
#include <errno.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

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
  std::vector<char*> argv_p = Pointers(*argv), envp_p = Pointers(*envp);
  fflush(nullptr);  // -strace and -d lines written so far
  execve(host_path.c_str(), argv_p.data(), envp_p.data());
  return HostError();  // only on failure: this process goes on
}

}  // namespace dbt::executor
