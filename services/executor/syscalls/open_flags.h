// The guest's open(2)/fcntl(2) file status flags (asm-generic/fcntl.h) and
// their translation to and from the host's. On x86-64 the kernel uses the
// same generic values, so for riscv64 every entry maps a bit to itself; the
// table is still the one place to change for a guest whose values differ
// (AArch32's O_DIRECTORY and friends do).
#ifndef DBT_SERVICES_EXECUTOR_SYSCALLS_OPEN_FLAGS_H_
#define DBT_SERVICES_EXECUTOR_SYSCALLS_OPEN_FLAGS_H_

#include <cstdint>

namespace dbt::executor {

inline constexpr uint64_t kGuestOAccmode = 03;
inline constexpr uint64_t kGuestOCreat = 0100;
inline constexpr uint64_t kGuestOExcl = 0200;
inline constexpr uint64_t kGuestONoctty = 0400;
inline constexpr uint64_t kGuestOTrunc = 01000;
inline constexpr uint64_t kGuestOAppend = 02000;
inline constexpr uint64_t kGuestONonblock = 04000;
inline constexpr uint64_t kGuestODsync = 010000;
inline constexpr uint64_t kGuestOAsync = 020000;  // FASYNC
inline constexpr uint64_t kGuestODirect = 040000;
inline constexpr uint64_t kGuestOLargefile = 0100000;
inline constexpr uint64_t kGuestODirectory = 0200000;
inline constexpr uint64_t kGuestONofollow = 0400000;
inline constexpr uint64_t kGuestONoatime = 01000000;
inline constexpr uint64_t kGuestOCloexec = 02000000;
inline constexpr uint64_t kGuestOSync = 04000000 | kGuestODsync;
inline constexpr uint64_t kGuestOPath = 010000000;
inline constexpr uint64_t kGuestOTmpfile = 020000000 | kGuestODirectory;

// Guest flags to host flags; bits neither side knows pass through so the
// host kernel rejects them as it would.
int OpenFlagsToHost(uint64_t guest_flags);
// Host flags (F_GETFL) to guest flags.
uint64_t OpenFlagsToGuest(int host_flags);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SYSCALLS_OPEN_FLAGS_H_
