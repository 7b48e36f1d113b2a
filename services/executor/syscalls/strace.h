// -strace output in qemu's format, e.g.
//   12345 openat(AT_FDCWD,"/etc/passwd",O_RDONLY) = 3
//   12345 write(1,0x7df90,13) = 13
//   12345 brk(NULL) = 0x000000000007d000
//   12345 openat(AT_FDCWD,"/x",O_RDONLY) = -1 errno=2 (No such file or directory)
// The call is printed before it runs and the result after, so output the
// syscall itself produces lands between them, as with qemu.
#ifndef DBT_SERVICES_EXECUTOR_SYSCALLS_STRACE_H_
#define DBT_SERVICES_EXECUTOR_SYSCALLS_STRACE_H_

#include <cstdint>
#include <string>

#include "services/executor/runtime/guest_process.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {

// "openat(AT_FDCWD,\"/etc/passwd\",O_RDONLY)"
std::string FormatSyscallCall(GuestProcess& proc, const SyscallDesc& desc, const SyscallArgs& args);
// " = 3", " = 0x000000000007d000", " = -1 errno=2 (No such file or directory)"
std::string FormatSyscallResult(const SyscallDesc& desc, int64_t result);

// Symbolic forms, also used in tests.
std::string FormatOpenFlags(uint64_t flags);
std::string FormatMmapProt(uint64_t prot);
std::string FormatMmapFlags(uint64_t flags);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SYSCALLS_STRACE_H_
