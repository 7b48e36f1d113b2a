// stat family: newfstatat and fstat translate struct stat to riscv64's
// layout; statx's struct is the same everywhere and passes through.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "services/executor/syscalls/guest_access.h"
#include "services/executor/syscalls/guest_stat.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {

GuestStat StatToGuest(const struct stat& host) {
  GuestStat g = {};
  g.st_dev = host.st_dev;
  g.st_ino = host.st_ino;
  g.st_mode = host.st_mode;
  g.st_nlink = static_cast<uint32_t>(host.st_nlink);
  g.st_uid = host.st_uid;
  g.st_gid = host.st_gid;
  g.st_rdev = host.st_rdev;
  g.st_size = host.st_size;
  g.st_blksize = static_cast<int32_t>(host.st_blksize);
  g.st_blocks = host.st_blocks;
  g.st_atime_sec = host.st_atim.tv_sec;
  g.st_atime_nsec = host.st_atim.tv_nsec;
  g.st_mtime_sec = host.st_mtim.tv_sec;
  g.st_mtime_nsec = host.st_mtim.tv_nsec;
  g.st_ctime_sec = host.st_ctim.tv_sec;
  g.st_ctime_nsec = host.st_ctim.tv_nsec;
  return g;
}

namespace {

int64_t StatResultToGuest(GuestProcess& proc, int r, const struct stat& st, uint64_t addr) {
  if (r != 0) return HostError();
  if (!WriteGuest(proc, addr, StatToGuest(st))) return -EFAULT;
  return 0;
}

}  // namespace

int64_t SysNewfstatat(GuestProcess& proc, const SyscallArgs& args) {
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  if (!proc.memory.CanWrite(args.a[2], sizeof(GuestStat))) return -EFAULT;
  std::string host_path = GuestToHostPath(proc, *path);
  struct stat st;
  int r = fstatat(static_cast<int>(args.a[0]), host_path.c_str(), &st, static_cast<int>(args.a[3]));
  return StatResultToGuest(proc, r, st, args.a[2]);
}

int64_t SysFstat(GuestProcess& proc, const SyscallArgs& args) {
  if (!proc.memory.CanWrite(args.a[1], sizeof(GuestStat))) return -EFAULT;
  struct stat st;
  int r = fstat(static_cast<int>(args.a[0]), &st);
  return StatResultToGuest(proc, r, st, args.a[1]);
}

int64_t SysStatx(GuestProcess& proc, const SyscallArgs& args) {
  // statx(dirfd, path, flags, mask, buf): path may be "" with AT_EMPTY_PATH.
  int64_t err = 0;
  std::optional<std::string> path = ReadGuestPath(proc, args.a[1], &err);
  if (!path) return err;
  constexpr uint64_t kStatxSize = 256;  // struct statx, arch-independent.
  void* buf = HostOut(proc, args.a[4], kStatxSize);
  if (buf == nullptr) return -EFAULT;
  std::string host_path = GuestToHostPath(proc, *path);
  return HostResult(syscall(SYS_statx, static_cast<int>(args.a[0]), host_path.c_str(),
                            static_cast<int>(args.a[2]), static_cast<unsigned>(args.a[3]), buf));
}

}  // namespace dbt::executor
