// System information, printed only as relations (no values that vary between
// runs): clock_gettime (MONOTONIC non-decreasing, REALTIME plausible and close to
// gettimeofday and time()), nanosleep advancing the monotonic clock, process ids
// (pid > 0, ppid > 0, pid != ppid, gettid == pid in a single-threaded process),
// uname (machine "riscv64", sysname "Linux"), getrandom lengths, sysconf page size
// and processor count, user ids, getcwd against $TEST_TMPDIR (the harness runs the
// guest there), and resource limits.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "guest_check.h"

static int64_t Nanos(const struct timespec* t) {
  return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int main(void) {
  // Clocks.
  struct timespec prev, cur;
  CHECK(clock_gettime(CLOCK_MONOTONIC, &prev) == 0);
  int decreasing = 0;
  for (int i = 0; i < 10000; i++) {
    CHECK(clock_gettime(CLOCK_MONOTONIC, &cur) == 0);
    decreasing += Nanos(&cur) < Nanos(&prev);
    prev = cur;
  }
  printf("CLOCK_MONOTONIC decreased %d times in 10000 reads\n", decreasing);
  CHECK_EQ(decreasing, 0);
  struct timespec real;
  CHECK(clock_gettime(CLOCK_REALTIME, &real) == 0);
  struct timeval tv;
  CHECK(gettimeofday(&tv, NULL) == 0);
  time_t now = time(NULL);
  printf("CLOCK_REALTIME after 2020: %d; gettimeofday within 5 s: %d; time() within 5 s: %d\n",
         real.tv_sec > 1577836800, labs(tv.tv_sec - real.tv_sec) <= 5,
         labs(now - real.tv_sec) <= 5);
  CHECK(real.tv_sec > 1577836800);
  CHECK(real.tv_nsec >= 0 && real.tv_nsec < 1000000000);
  struct timespec res;
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
  printf("CLOCK_MONOTONIC resolution <= 1 ms: %d\n", Nanos(&res) > 0 && Nanos(&res) <= 1000000);
  struct timespec cpu;
  CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0);
  CHECK(Nanos(&cpu) >= 0);

  struct timespec before, after, nap = {0, 5 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &before);
  CHECK(nanosleep(&nap, NULL) == 0);
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("nanosleep(5 ms) advanced CLOCK_MONOTONIC by >= 5 ms: %d\n",
         Nanos(&after) - Nanos(&before) >= 5000000);
  CHECK(Nanos(&after) - Nanos(&before) >= 5000000);

  // Process identity.
  pid_t pid = getpid(), ppid = getppid();
  pid_t tid = (pid_t)syscall(SYS_gettid);
  printf("pid > 0: %d, ppid > 0: %d, pid != ppid: %d, gettid == pid: %d, pgid > 0: %d\n", pid > 0,
         ppid > 0, pid != ppid, tid == pid, getpgrp() > 0);
  CHECK(pid > 0 && ppid > 0 && pid != ppid && tid == pid);
  CHECK(syscall(SYS_getpid) == pid);
  printf("uid == euid: %d, gid == egid: %d\n", getuid() == geteuid(), getgid() == getegid());

  // uname.
  struct utsname u;
  CHECK(uname(&u) == 0);
  printf("uname: sysname %s, machine %s, release non-empty %d\n", u.sysname, u.machine,
         u.release[0] != 0);
  CHECK(strcmp(u.machine, "riscv64") == 0);
  CHECK(strcmp(u.sysname, "Linux") == 0);

  // getrandom: full lengths, and two reads differ (2^-256 chance of a false alarm).
  unsigned char r1[32], r2[32];
  CHECK_EQ(getrandom(r1, sizeof r1, 0), 32);
  CHECK_EQ(getrandom(r2, sizeof r2, GRND_NONBLOCK), 32);
  unsigned char big[256];
  ssize_t got = getrandom(big, sizeof big, 0);
  printf("getrandom: 32 32 %zd, two reads differ %d\n", got, memcmp(r1, r2, 32) != 0);
  CHECK_EQ(got, 256);
  CHECK(memcmp(r1, r2, 32) != 0);
  CHECK(getrandom(r1, 1, 0xffff) == -1 && errno == EINVAL);  // unknown flags

  // sysconf.
  long page = sysconf(_SC_PAGESIZE);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  long conf = sysconf(_SC_NPROCESSORS_CONF);
  printf("sysconf: page size %ld, online processors > 0: %d, configured >= online: %d\n", page,
         cpus > 0, conf >= cpus);
  CHECK_EQ(page, 4096);
  CHECK(cpus > 0);
  CHECK(sysconf(_SC_CLK_TCK) == 100);

  // Working directory: the harness starts the guest in $TEST_TMPDIR.
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  const char* tmpdir = getenv("TEST_TMPDIR");
  printf("getcwd == $TEST_TMPDIR: %d\n", tmpdir && strcmp(cwd, tmpdir) == 0);

  // Resource limits.
  struct rlimit stack, files;
  CHECK(getrlimit(RLIMIT_STACK, &stack) == 0);
  CHECK(getrlimit(RLIMIT_NOFILE, &files) == 0);
  printf("RLIMIT_STACK cur > 0: %d, RLIMIT_NOFILE cur >= 64: %d\n", stack.rlim_cur > 0,
         files.rlim_cur >= 64);
  struct rusage usage;
  CHECK(getrusage(RUSAGE_SELF, &usage) == 0);
  return GuestFinish();
}
