// A fast interval timer (SIGALRM handler without SA_RESTART) while the
// program does I/O that never blocks: Linux never fails those calls with
// EINTR, whatever the timing. Then a read that does block is interrupted
// (EINTR). The oracle is the native twin on the host kernel.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int ticks;
static void Tick(int sig) { ++ticks; }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = Tick;  // No SA_RESTART.
  sigaction(SIGALRM, &sa, NULL);
  int p[2];
  pipe(p);
  struct itimerval it = {{0, 100}, {0, 100}};
  setitimer(ITIMER_REAL, &it, NULL);
  int eintr = 0, other = 0;
  char c = 'x';
  for (int i = 0; i < 20000 || ticks < 10; ++i) {
    if (write(p[1], &c, 1) != 1) (errno == EINTR ? ++eintr : ++other);
    if (read(p[0], &c, 1) != 1) (errno == EINTR ? ++eintr : ++other);
    if (getppid() <= 0) ++other;
  }
  printf("non-blocking calls: eintr %d other errors %d, timer ran: %d\n", eintr, other, ticks >= 10);
  // Now a read that blocks: the next tick interrupts it.
  ssize_t n = read(p[0], &c, 1);
  printf("blocking read: %zd %s\n", n, n < 0 && errno == EINTR ? "EINTR" : "?");
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  return 0;
}
