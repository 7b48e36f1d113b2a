// Behaviour where qemu-riscv64 7.2 departs from Linux, so this program's
// oracle is its native x86-64 twin on the host kernel: sa_mask inside a
// handler, MAP_FIXED_NOREPLACE, mprotect stopping at a hole after changing
// what came before it, [heap] in /proc/self/maps, the environment's order.
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern char** environ;
static volatile int usr1_inside, usr2_inside, term_inside;
static sigjmp_buf back;

static void Handler(int sig) {
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  usr1_inside = sigismember(&now, SIGUSR1);
  usr2_inside = sigismember(&now, SIGUSR2);
  term_inside = sigismember(&now, SIGTERM);
}

static void Segv(int sig) { siglongjmp(back, 1); }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = Handler;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("sa_mask inside: usr1 %d usr2 %d term %d\n", usr1_inside, usr2_inside, term_inside);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  printf("sa_mask after: usr1 %d usr2 %d\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGUSR2));

  long page = sysconf(_SC_PAGESIZE);
  char* a = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  errno = 0;
  char* nore = mmap(a, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  int nore_errno = errno;
  printf("MAP_FIXED_NOREPLACE on a mapping: failed %d errno %d\n", nore == MAP_FAILED, nore_errno);
  munmap(a + page, page);
  errno = 0;
  int r = mprotect(a, 3 * page, PROT_READ);
  printf("mprotect across a hole: %d errno %d\n", r, errno);
  signal(SIGSEGV, Segv);
  int first_writable = 1, last_writable = 1;
  if (sigsetjmp(back, 1) == 0) a[0] = 1; else first_writable = 0;
  if (sigsetjmp(back, 1) == 0) a[2 * page] = 1; else last_writable = 0;
  printf("before the hole writable %d, after it %d\n", first_writable, last_writable);

  sbrk(4096);
  FILE* maps = fopen("/proc/self/maps", "r");
  char line[512];
  int heap = 0;
  while (maps && fgets(line, sizeof(line), maps)) heap |= strstr(line, "[heap]") != NULL;
  printf("maps has [heap]: %d\n", heap);
  for (char** e = environ; *e; ++e) printf("env %s\n", *e);
  return 0;
}
