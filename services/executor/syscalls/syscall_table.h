// riscv64 Linux syscall emulation: the table from syscall number to
// {name, handler, strace format, flags} (syscall_table.inc) and the entry
// point the run loop calls for an ecall.
#ifndef DBT_SERVICES_EXECUTOR_SYSCALLS_SYSCALL_TABLE_H_
#define DBT_SERVICES_EXECUTOR_SYSCALLS_SYSCALL_TABLE_H_

#include <cstdint>

#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

struct SyscallArgs {
  uint64_t a[6];  // a0..a5.
};

// Handlers return the guest's a0 (a value, or -errno), or this: the
// handler set every register itself (rt_sigreturn) or ended the process.
inline constexpr int64_t kSyscallNoResult = INT64_MIN;

using SyscallHandler = int64_t (*)(GuestProcess& proc, const SyscallArgs& args);

enum SyscallFlags : uint8_t {
  kSysRestart = 1 << 0,
  kSysRetAddr = 1 << 1,
  kSysNoReturn = 1 << 2,
};

struct SyscallDesc {
  int number;
  const char* name;
  SyscallHandler handler;
  const char* strace_format;
  uint8_t flags;
};

// The entry for a syscall number, or null when it is not emulated.
const SyscallDesc* FindSyscall(uint64_t number);

// Performs the ecall at cpu.pc (number in a7, arguments in a0..a5): writes
// the result to a0 and steps past the ecall, or leaves pc on the ecall when
// an interrupted syscall is to be restarted. Logs it when strace is on.
void DoSyscall(GuestProcess& proc);

// Every handler of the table.
#define X(number, name, handler, format, flags) \
  int64_t handler(GuestProcess& proc, const SyscallArgs& args);
#include "services/executor/syscalls/syscall_table.inc"
#undef X

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SYSCALLS_SYSCALL_TABLE_H_
