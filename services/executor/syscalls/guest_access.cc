#include "services/executor/syscalls/guest_access.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "services/executor/runtime/sysroot.h"

namespace dbt::executor {

std::optional<std::string> ReadGuestPath(GuestProcess& proc, uint64_t addr, int64_t* error) {
  std::optional<std::string> s = proc.memory.ReadString(addr, PATH_MAX - 1);
  if (!s) {
    // Distinguish "too long" from "unreadable" the way Linux does.
    *error = proc.memory.ReadString(addr, 1 << 20) ? -ENAMETOOLONG : -EFAULT;
  }
  return s;
}

std::string GuestToHostPath(GuestProcess& proc, const std::string& path) {
  static const std::string kSelfExe = "/proc/self/exe";
  if (path == kSelfExe || path == absl::StrCat("/proc/", getpid(), "/exe")) {
    return proc.exe_path;
  }
  return SysrootPath(proc.sysroot, path);
}

}  // namespace dbt::executor
