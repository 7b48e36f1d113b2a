// riscv64's struct stat: asm-generic/stat.h, which is not x86-64's layout
// (x86-64 has a 64-bit st_nlink before st_mode, a 64-bit st_blksize and no
// __pad1), so stat results are translated field by field.
#ifndef DBT_SERVICES_EXECUTOR_SYSCALLS_GUEST_STAT_H_
#define DBT_SERVICES_EXECUTOR_SYSCALLS_GUEST_STAT_H_

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>

namespace dbt::executor {

struct GuestStat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint32_t st_mode;
  uint32_t st_nlink;
  uint32_t st_uid;
  uint32_t st_gid;
  uint64_t st_rdev;
  uint64_t pad1;
  int64_t st_size;
  int32_t st_blksize;
  int32_t pad2;
  int64_t st_blocks;
  int64_t st_atime_sec;
  uint64_t st_atime_nsec;
  int64_t st_mtime_sec;
  uint64_t st_mtime_nsec;
  int64_t st_ctime_sec;
  uint64_t st_ctime_nsec;
  uint32_t unused4;
  uint32_t unused5;
};
// Offsets from asm-generic/stat.h (unsigned long = 8, int = 4 bytes).
static_assert(offsetof(GuestStat, st_mode) == 16);
static_assert(offsetof(GuestStat, st_nlink) == 20);
static_assert(offsetof(GuestStat, st_uid) == 24);
static_assert(offsetof(GuestStat, st_rdev) == 32);
static_assert(offsetof(GuestStat, st_size) == 48);
static_assert(offsetof(GuestStat, st_blksize) == 56);
static_assert(offsetof(GuestStat, st_blocks) == 64);
static_assert(offsetof(GuestStat, st_atime_sec) == 72);
static_assert(offsetof(GuestStat, st_mtime_sec) == 88);
static_assert(offsetof(GuestStat, st_ctime_sec) == 104);
static_assert(sizeof(GuestStat) == 128);

GuestStat StatToGuest(const struct stat& host);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SYSCALLS_GUEST_STAT_H_
