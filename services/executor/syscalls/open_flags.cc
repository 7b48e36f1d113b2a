#include "services/executor/syscalls/open_flags.h"

#include <fcntl.h>

#include <iterator>

namespace dbt::executor {
namespace {

// The kernel's value of O_LARGEFILE on x86-64 (glibc's header says 0 because
// it is implied for 64-bit programs, but the kernel reports the bit).
constexpr int kHostOLargefile = 0100000;

struct FlagPair {
  uint64_t guest;
  int host;
};

// ORDER: multi-bit flags (O_SYNC contains O_DSYNC, O_TMPFILE contains
// O_DIRECTORY) before their parts.
constexpr FlagPair kOpenFlags[] = {
    {kGuestOSync, O_SYNC},           {kGuestOTmpfile, O_TMPFILE},
    {kGuestOCreat, O_CREAT},         {kGuestOExcl, O_EXCL},
    {kGuestONoctty, O_NOCTTY},       {kGuestOTrunc, O_TRUNC},
    {kGuestOAppend, O_APPEND},       {kGuestONonblock, O_NONBLOCK},
    {kGuestODsync, O_DSYNC},         {kGuestOAsync, O_ASYNC},
    {kGuestODirect, O_DIRECT},       {kGuestOLargefile, kHostOLargefile},
    {kGuestODirectory, O_DIRECTORY}, {kGuestONofollow, O_NOFOLLOW},
    {kGuestONoatime, O_NOATIME},     {kGuestOCloexec, O_CLOEXEC},
    {kGuestOPath, O_PATH},
};

uint64_t AllGuestBits() {
  uint64_t all = kGuestOAccmode;
  for (const FlagPair& f : kOpenFlags) all |= f.guest;
  return all;
}

int AllHostBits() {
  int all = O_ACCMODE;
  for (const FlagPair& f : kOpenFlags) all |= f.host;
  return all;
}

}  // namespace

int OpenFlagsToHost(uint64_t guest_flags) {
  int host = static_cast<int>(guest_flags & kGuestOAccmode);
  for (const FlagPair& f : kOpenFlags) {
    if ((guest_flags & f.guest) == f.guest) {
      host |= f.host;
      guest_flags &= ~f.guest;
    }
  }
  return host | static_cast<int>(guest_flags & ~AllGuestBits());
}

uint64_t OpenFlagsToGuest(int host_flags) {
  uint64_t guest = static_cast<uint64_t>(host_flags & O_ACCMODE);
  for (const FlagPair& f : kOpenFlags) {
    if ((host_flags & f.host) == f.host) {
      guest |= f.guest;
      host_flags &= ~f.host;
    }
  }
  return guest | static_cast<uint64_t>(host_flags & ~AllHostBits() & 0x7fffffff);
}

}  // namespace dbt::executor
