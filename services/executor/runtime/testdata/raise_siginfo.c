// raise(SIGUSR1) with an SA_SIGINFO handler: the siginfo, the signal
// blocked inside its handler, and the interrupted registers (integer and
// FP, plus the rounding mode) coming back intact through rt_sigreturn.
// (sa_mask is checked by sa_mask.c: qemu 7.2 gets it wrong.)
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int got_signo, got_code, pid_matches, usr1_blocked_inside;
static volatile double handler_result;

static void Handler(int sig, siginfo_t* info, void* uc) {
  got_signo = info->si_signo;
  got_code = info->si_code;
  pid_matches = info->si_pid == getpid();
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  usr1_blocked_inside = sigismember(&now, SIGUSR1);
  fesetround(FE_UPWARD);  // Must not leak out of the handler.
  volatile double a = 1.0, b = 3.0;
  handler_result = a / b;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = Handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);

  fesetround(FE_TOWARDZERO);
  volatile double x = 2.0 / 3.0;
  long keep = 0x1234567890abcdefL;
  int r = raise(SIGUSR1);
  volatile double y = 2.0 / 3.0;
  printf("raise=%d signo=%d code=%d pid_ok=%d\n", r, got_signo, got_code, pid_matches);
  printf("inside: usr1 blocked %d\n", usr1_blocked_inside);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  printf("after: usr1 blocked %d\n", sigismember(&now, SIGUSR1));
  printf("rounding kept: %d, same result: %d, keep=%lx\n", fegetround() == FE_TOWARDZERO,
         x == y, keep);
  printf("handler 1/3 rounded up: %.17g\n", handler_result);
  return 0;
}
