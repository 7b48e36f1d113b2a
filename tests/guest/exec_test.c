// execve as qemu-user does it: the host kernel runs the program. Host programs
// (/bin/echo, /usr/bin/env, /bin/sh, /bin/cat) replace a forked child with
// the argv and envp given; the exit status comes back through waitpid; an
// ignored signal stays ignored and a blocked one stays blocked across the
// exec; an fd without O_CLOEXEC is inherited and one with it is not; errors
// (ENOENT, EFAULT for a bad path or argv entry) leave the caller running.
// An exec of a RISC-V program is not compared with qemu here (qemu needs
// binfmt_misc for it, dbt does not): tests/dbt_run/guest_exec_test.sh.
#define _GNU_SOURCE  // dup3
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_check.h"

extern char** environ;

// Runs argv[0]=path in a child with execve; returns the child's exit status
// (or 128 + signal).
static int Run(const char* path, char* const argv[], char* const envp[]) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execve(path, argv, envp);
    printf("execve %s failed: %s\n", path, strerror(errno));
    fflush(stdout);
    _exit(127);
  }
  int status = 0;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void ExpectFailure(const char* what, const char* path, char* const argv[], int expected) {
  errno = 0;
  int r = execve(path, argv, environ);
  printf("%s: execve returned %d, %s\n", what, r, strerror(errno));
  CHECK_EQ(r, -1);
  CHECK_EQ(errno, expected);
}

int main(int argc, char** argv) {
  char* echo[] = {"echo", "hello from a host program", NULL};
  printf("echo: status %d\n", Run("/bin/echo", echo, environ));

  char* env_argv[] = {"env", NULL};
  char* env_vars[] = {"A=1", "B=two words", NULL};
  printf("env: status %d\n", Run("/usr/bin/env", env_argv, env_vars));

  char* exit3[] = {"sh", "-c", "exit 3", NULL};
  printf("sh exit 3: status %d\n", Run("/bin/sh", exit3, environ));

  char* killed[] = {"sh", "-c", "kill -TERM $$; echo not reached", NULL};
  printf("sh killed by SIGTERM: status %d\n", Run("/bin/sh", killed, environ));

  // Signal state across exec: ignored stays ignored, blocked stays blocked.
  signal(SIGUSR1, SIG_IGN);
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, NULL);
  char* signals[] = {"sh", "-c", "kill -USR1 $$; kill -USR2 $$; echo survived USR1 and USR2", NULL};
  printf("signals: status %d\n", Run("/bin/sh", signals, environ));
  sigprocmask(SIG_UNBLOCK, &usr2, NULL);
  signal(SIGUSR1, SIG_DFL);

  // fds: inherited without O_CLOEXEC, closed with it.
  const char* base = getenv("TEST_TMPDIR");
  if (!base || !*base) base = "/tmp";
  char path[4096];
  snprintf(path, sizeof path, "%s/dbt-exec-test-XXXXXX", base);
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char text[] = "text through an inherited fd\n";
  CHECK_EQ(write(fd, text, sizeof text - 1), sizeof text - 1);
  CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ(dup2(fd, 7), 7);
  int cloexec = open(path, O_RDONLY | O_CLOEXEC);
  CHECK(cloexec >= 0);
  CHECK_EQ(dup3(cloexec, 8, O_CLOEXEC), 8);
  char* fds[] = {"sh", "-c",
                 "cat <&7; if (exec <&8) 2>/dev/null; then echo fd 8 open; else echo fd 8 closed; fi",
                 NULL};
  printf("fds: status %d\n", Run("/bin/sh", fds, environ));
  unlink(path);

  // Failures return to the caller.
  char* none[] = {"none", NULL};
  ExpectFailure("missing program", "/nonexistent/program", none, ENOENT);
  ExpectFailure("bad path pointer", (const char*)8, none, EFAULT);
  char* bad_argv[] = {"x", (char*)8, NULL};
  ExpectFailure("bad argv entry", "/bin/echo", bad_argv, EFAULT);
  return GuestFinish();
}
