// Identity, limits, time, uname, /proc/self/exe, fork and wait.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  struct utsname u;
  uname(&u);
  printf("machine %s\n", u.machine);
  printf("pid==tid %d ppid>0 %d\n", getpid() == gettid(), getppid() > 0);
  printf("uid %d euid %d gid %d egid %d\n", getuid() == geteuid(), 1, getgid() == getegid(), 1);
  char exe[4096] = {0};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  char* real = realpath(argv[0], NULL);
  printf("/proc/self/exe is the program: %d\n", n > 0 && real && strcmp(exe, real) == 0);
  struct rlimit rl;
  printf("getrlimit nofile %d soft>0 %d\n", getrlimit(RLIMIT_NOFILE, &rl), rl.rlim_cur > 0);
  struct timespec t1, t2, res;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  struct timespec nap = {0, 2000000};
  printf("nanosleep %d\n", nanosleep(&nap, NULL));
  clock_gettime(CLOCK_MONOTONIC, &t2);
  long ns = (t2.tv_sec - t1.tv_sec) * 1000000000L + (t2.tv_nsec - t1.tv_nsec);
  printf("slept at least 2ms: %d\n", ns >= 2000000);
  printf("clock_getres %d\n", clock_getres(CLOCK_MONOTONIC, &res));
  struct timeval tv;
  printf("gettimeofday %d sane %d\n", gettimeofday(&tv, NULL), tv.tv_sec > 1600000000);
  printf("time sane %d\n", time(NULL) > 1600000000);
  struct tms tm;
  printf("times ok %d\n", times(&tm) != (clock_t)-1);
  struct sysinfo si;
  printf("sysinfo %d uptime>0 %d\n", sysinfo(&si), si.uptime > 0);
  cpu_set_t cpus;
  printf("sched_getaffinity %d count>0 %d\n", sched_getaffinity(0, sizeof(cpus), &cpus),
         CPU_COUNT(&cpus) > 0);
  printf("sched_yield %d\n", sched_yield());
  struct rusage ru;
  printf("getrusage %d\n", getrusage(RUSAGE_SELF, &ru));
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    printf("in child: pid differs %d\n", getpid() != getppid());
    fflush(stdout);
    _exit(7);
  }
  int status;
  pid_t w = waitpid(child, &status, 0);
  printf("waited %d exited %d status %d\n", w == child, WIFEXITED(status), WEXITSTATUS(status));
  return 5;
}
