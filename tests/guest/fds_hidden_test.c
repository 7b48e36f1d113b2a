// The fds a program sees are its own: /proc/self/fd lists only them, as
// natively (qemu-riscv64 keeps none of its own there either; dbt's are
// hidden), close_range(3, ~0) closes them all and the program goes on
// (under dbt: its translator link is not among them), and the next open()
// gets 3.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest_check.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static int Compare(const void* a, const void* b) { return *(const int*)a - *(const int*)b; }

// The numbers in /proc/self/fd but the listing's own, ascending.
static int ListFds(int* out, int max) {
  DIR* d = opendir("/proc/self/fd");
  CHECK(d != NULL);
  const int self = dirfd(d);
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    const int fd = atoi(e->d_name);
    if (fd != self && n < max) out[n++] = fd;
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof(int), Compare);
  return n;
}

static void PrintFds(const char* when) {
  int fds[64];
  const int n = ListFds(fds, 64);
  printf("%s:", when);
  for (int i = 0; i < n; ++i) printf(" %d", fds[i]);
  printf("\n");
}

// Code that runs only after close_range: it must still be translatable.
static unsigned long long __attribute__((noinline)) Collatz(unsigned long long x) {
  unsigned long long steps = 0;
  while (x != 1) {
    x = (x & 1) ? 3 * x + 1 : x / 2;
    ++steps;
  }
  return steps;
}

int main(void) {
  PrintFds("at start");
  const int a = open("/dev/null", O_RDONLY);
  const int b = open("/dev/null", O_RDONLY | O_CLOEXEC);
  printf("opened %d %d\n", a, b);
  PrintFds("two open");
  fflush(stdout);
  CHECK_EQ(syscall(SYS_close_range, 3, ~0u, 0), 0);
  PrintFds("after close_range(3, ~0)");
  printf("close(600): %s\n", close(600) == 0 ? "ok" : strerror(errno));
  // Numbers dbt may use for itself: none answers as an open fd or socket.
  int answered = 0;
  for (int fd = 500; fd < 560; ++fd) {
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) ++answered;
    if (getsockname(fd, (struct sockaddr*)&addr, &len) == 0 || errno != EBADF) ++answered;
    if (shutdown(fd, SHUT_RDWR) == 0 || errno != EBADF) ++answered;
  }
  printf("fds 500..559 that answer: %d\n", answered);
  printf("collatz(27) = %llu, collatz(97) = %llu\n", Collatz(27), Collatz(97));
  printf("next open: %d\n", open("/dev/null", O_RDONLY));
  return GuestFinish();
}
