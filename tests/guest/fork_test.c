// Processes: fork (the child gets a copy of memory: writes on either side are not
// seen by the other), a pipe between parent and child, waitpid with exit statuses
// and death by signal (WIFSIGNALED/WTERMSIG), getppid in the child equal to the
// parent's pid, and stdio buffers flushed before fork so output is not doubled.
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_check.h"

static long shared_looking = 100;

int main(void) {
  printf("parent starts\n");
  fflush(stdout);
  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t parent = getpid();
  pid_t child = fork();
  CHECK(child >= 0);
  if (child == 0) {
    close(fds[0]);
    shared_looking += 1;  // private to the child
    char msg[64];
    int len = snprintf(msg, sizeof msg, "child: ppid is parent %d, value %ld", getppid() == parent,
                       shared_looking);
    if (write(fds[1], msg, (size_t)len) != len) _exit(10);
    close(fds[1]);
    _exit(3);
  }
  close(fds[1]);
  shared_looking += 10;
  char buf[128] = {0};
  size_t total = 0;
  ssize_t n;
  while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += (size_t)n;
  close(fds[0]);
  int status = 0;
  CHECK_EQ(waitpid(child, &status, 0), child);
  printf("%s\n", buf);
  printf("child exited normally %d with status %d; parent value %ld\n", WIFEXITED(status),
         WEXITSTATUS(status), shared_looking);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
  CHECK_EQ(shared_looking, 110);

  // A child killed by a signal.
  child = fork();
  if (child == 0) {
    raise(SIGUSR1);  // default action: terminate
    _exit(0);
  }
  CHECK_EQ(waitpid(child, &status, 0), child);
  printf("second child signaled %d with signal %d\n", WIFSIGNALED(status),
         WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1);

  // Several children, reaped in any order; the sum of statuses is fixed.
  int sum = 0;
  for (int i = 1; i <= 5; i++) {
    if (fork() == 0) _exit(i * 10);
  }
  for (int i = 0; i < 5; i++) {
    CHECK(wait(&status) > 0);
    sum += WEXITSTATUS(status);
  }
  printf("five children: status sum %d\n", sum);
  CHECK_EQ(sum, 150);
  CHECK(wait(&status) == -1);  // no children left
  return GuestFinish();
}
