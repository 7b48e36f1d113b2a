// Masks and pending signals, sigaltstack with SA_ONSTACK, SA_NODEFER and
// SA_RESETHAND, SIGILL and SIGTRAP from instructions, kill to self, and an
// asynchronous SIGALRM from setitimer interrupting a loop and a blocking
// read (EINTR without SA_RESTART, transparently restarted with it).
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int count, depth, max_depth, calls, on_alt, alt_flags;
static char alt[65536];
static sigjmp_buf back;
static int pipe_fds[2];

static void Count(int sig) { ++count; }

static void CheckAlt(int sig) {
  char here;
  on_alt = &here >= alt && &here < alt + sizeof(alt);
  stack_t ss;
  sigaltstack(NULL, &ss);
  alt_flags = ss.ss_flags;
}

// Raises its own signal until it has run three times: nested with
// SA_NODEFER, one after the other without.
static void Nested(int sig) {
  ++depth;
  if (depth > max_depth) max_depth = depth;
  if (++calls < 3) raise(sig);
  --depth;
}

static void Jump(int sig, siginfo_t* info, void* uc) { siglongjmp(back, sig * 1000 + info->si_code); }

static void Alarm(int sig) {
  ++count;
  write(pipe_fds[1], "!", 1);
}

static void Install(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
}

int main(void) {
  // Blocked, pending, delivered on unblock.
  Install(SIGUSR1, Count, 0);
  sigset_t set, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  kill(getpid(), SIGUSR1);
  sigpending(&pend);
  printf("pending while blocked: %d count %d\n", sigismember(&pend, SIGUSR1), count);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  printf("after unblock: count %d\n", count);

  // Ignored signals vanish.
  Install(SIGUSR2, SIG_IGN, 0);
  raise(SIGUSR2);
  printf("ignored: still running\n");

  // Alternate stack.
  stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0};
  printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
  Install(SIGUSR1, CheckAlt, SA_ONSTACK);
  raise(SIGUSR1);
  printf("handler on alt stack %d flags %d\n", on_alt, alt_flags);
  Install(SIGUSR1, CheckAlt, 0);
  raise(SIGUSR1);
  printf("without SA_ONSTACK on alt %d\n", on_alt);
  stack_t small = {.ss_sp = alt, .ss_size = 100, .ss_flags = 0};
  {
    errno = 0;
    long r_ = (long)(sigaltstack(&small, NULL));
    printf("tiny altstack: %ld errno %d\n", r_, errno);
  }

  // SA_NODEFER lets the handler interrupt itself; the default does not.
  Install(SIGUSR1, Nested, SA_NODEFER);
  raise(SIGUSR1);
  printf("nodefer depth %d calls %d\n", max_depth, calls);
  max_depth = depth = calls = 0;
  Install(SIGUSR1, Nested, 0);
  raise(SIGUSR1);
  printf("deferred depth %d calls %d\n", max_depth, calls);

  // SA_RESETHAND: one shot.
  count = 0;
  Install(SIGUSR2, Count, SA_RESETHAND);
  raise(SIGUSR2);
  struct sigaction now;
  sigaction(SIGUSR2, NULL, &now);
  printf("resethand count %d reset %d\n", count, now.sa_handler == SIG_DFL);

  // Instructions that trap.
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = Jump;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGTRAP, &sa, NULL);
  int r = sigsetjmp(back, 1);
  if (r == 0) __asm__ volatile(".word 0xffffffff");
  printf("illegal instruction: %d\n", r);
  r = sigsetjmp(back, 1);
  if (r == 0) __asm__ volatile("ebreak");
  printf("ebreak: %d\n", r);

  // Asynchronous SIGALRM while computing.
  count = 0;
  Install(SIGALRM, Count, 0);
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  volatile unsigned long spin = 0;
  while (count == 0) ++spin;
  printf("alarm while computing: %d\n", count);

  // A blocking read interrupted: EINTR without SA_RESTART...
  pipe(pipe_fds);
  Install(SIGALRM, Alarm, 0);
  setitimer(ITIMER_REAL, &it, NULL);
  char c;
  ssize_t n = read(pipe_fds[0], &c, 1);
  printf("read without SA_RESTART: %zd errno %d\n", n, errno);
  read(pipe_fds[0], &c, 1);  // The byte the handler wrote.
  // ...restarted with it (the handler's byte is what the restarted read gets).
  Install(SIGALRM, Alarm, SA_RESTART);
  setitimer(ITIMER_REAL, &it, NULL);
  n = read(pipe_fds[0], &c, 1);
  printf("read with SA_RESTART: %zd '%c'\n", n, c);

  // Kill to self with the default action of SIGTERM ends the process.
  printf("bye\n");
  fflush(stdout);
  kill(getpid(), SIGTERM);
  printf("not reached\n");
  return 0;
}
