#include "services/executor/runtime/sysroot.h"

#include <sys/stat.h>

namespace dbt::executor {
namespace {

bool UnderHostOnly(const std::string& path) {
  for (const char* dir : {"/proc", "/dev", "/sys"}) {
    const std::string d = dir;
    if (path.compare(0, d.size(), d) == 0 && (path.size() == d.size() || path[d.size()] == '/')) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string SysrootPath(const std::string& sysroot, const std::string& path) {
  if (sysroot.empty() || path.empty() || path[0] != '/' || UnderHostOnly(path)) return path;
  std::string candidate = sysroot;
  while (candidate.size() > 1 && candidate.back() == '/') candidate.pop_back();
  candidate += path;
  struct stat st;
  return lstat(candidate.c_str(), &st) == 0 ? candidate : path;
}

std::string ChooseSysroot(const std::string& flag, const char* qemu_ld_prefix) {
  if (!flag.empty()) return flag;
  if (qemu_ld_prefix != nullptr && qemu_ld_prefix[0] != '\0') return qemu_ld_prefix;
  struct stat st;
  if (stat(kDefaultSysroot, &st) == 0 && S_ISDIR(st.st_mode)) return kDefaultSysroot;
  return "";
}

}  // namespace dbt::executor
