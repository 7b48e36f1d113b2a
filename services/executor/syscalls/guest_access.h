// How syscall handlers touch guest memory.
//
// Buffers handed to a host syscall (read(2) into a guest buffer) are passed
// as host pointers after a range check only: the host pages carry the
// guest's protections, so the host kernel faults exactly where Linux would
// (EFAULT, or a short count). Structures a handler builds or reads itself
// are copied with full protection checks.
#ifndef DBT_SERVICES_EXECUTOR_SYSCALLS_GUEST_ACCESS_H_
#define DBT_SERVICES_EXECUTOR_SYSCALLS_GUEST_ACCESS_H_

#include <errno.h>
#include <limits.h>

#include <cstdint>
#include <optional>
#include <string>

#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

// Host address of a guest buffer the host kernel will read, or null when it
// is not inside the guest address space (the handler returns -EFAULT).
inline const void* HostIn(GuestProcess& proc, uint64_t addr, uint64_t len) {
  if (!proc.memory.InRange(addr, len)) return nullptr;
  return proc.memory.Host(addr);
}

// Same for a buffer the host kernel will write; code pages in it are made
// writable first (their translations are dropped).
inline void* HostOut(GuestProcess& proc, uint64_t addr, uint64_t len) {
  if (!proc.memory.InRange(addr, len)) return nullptr;
  proc.memory.UnprotectCodePages(addr, len);
  return proc.memory.Host(addr);
}

// Like HostIn/HostOut, but a guest NULL stays a host NULL (optional
// arguments such as a timeout or an old-value pointer).
inline const void* HostInOrNull(GuestProcess& proc, uint64_t addr, uint64_t len, bool* fault) {
  if (addr == 0) return nullptr;
  const void* p = HostIn(proc, addr, len);
  if (p == nullptr) *fault = true;
  return p;
}
inline void* HostOutOrNull(GuestProcess& proc, uint64_t addr, uint64_t len, bool* fault) {
  if (addr == 0) return nullptr;
  void* p = HostOut(proc, addr, len);
  if (p == nullptr) *fault = true;
  return p;
}

template <typename T>
bool ReadGuest(GuestProcess& proc, uint64_t addr, T* out) {
  return proc.memory.CopyFromGuest(out, addr, sizeof(T));
}

template <typename T>
bool WriteGuest(GuestProcess& proc, uint64_t addr, const T& value) {
  return proc.memory.CopyToGuest(addr, &value, sizeof(T));
}

// A path argument: nullopt means EFAULT (or ENAMETOOLONG, reported through
// *error).
std::optional<std::string> ReadGuestPath(GuestProcess& proc, uint64_t addr, int64_t* error);

// The host path for a path the guest gave: its /proc/self/exe is the guest
// program, not dbt; an absolute path that exists under the sysroot (-L) is
// that one (runtime/sysroot.h).
std::string GuestToHostPath(GuestProcess& proc, const std::string& path);

// -errno for the last failed host call.
inline int64_t HostError() { return -static_cast<int64_t>(errno); }
// A host call's result as a guest result.
inline int64_t HostResult(int64_t r) { return r < 0 ? HostError() : r; }

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SYSCALLS_GUEST_ACCESS_H_
