// The guest's file system view under a sysroot (`dbt run -L DIR`,
// QEMU_LD_PREFIX; qemu-user's rule): an absolute path that exists under the
// sysroot means that file, else the host's. That is how a dynamically
// linked riscv64 program finds /lib/ld-linux-riscv64-lp64d.so.1 and its
// libraries in Debian's cross packages (/usr/riscv64-linux-gnu) while
// /etc, /tmp and the user's files stay the host's.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_SYSROOT_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_SYSROOT_H_

#include <string>

namespace dbt::executor {

// Where riscv64 libraries are on a Debian host with the cross packages.
inline constexpr char kDefaultSysroot[] = "/usr/riscv64-linux-gnu";

// The host path for a guest path: sysroot + path when `path` is absolute and
// that exists (lstat: a dangling symlink there counts), else `path`.
// /proc, /dev and /sys are always the host's.
std::string SysrootPath(const std::string& sysroot, const std::string& path);

// The sysroot a run uses: `flag` (-L) if given, else $QEMU_LD_PREFIX, else
// kDefaultSysroot if it is a directory, else none ("").
std::string ChooseSysroot(const std::string& flag, const char* qemu_ld_prefix);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_SYSROOT_H_
