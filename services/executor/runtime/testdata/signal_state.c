// The signal state a program starts with: SIGTERM blocked? SIGPIPE ignored?
#include <signal.h>
#include <stdio.h>

int main(void) {
  sigset_t set;
  sigprocmask(SIG_SETMASK, NULL, &set);
  struct sigaction sa;
  sigaction(SIGPIPE, NULL, &sa);
  printf("SIGTERM blocked %d\n", sigismember(&set, SIGTERM));
  printf("SIGPIPE ignored %d\n", sa.sa_handler == SIG_IGN);
  return 0;
}
