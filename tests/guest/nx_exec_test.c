// Executing from a page without PROT_EXEC, or from an unmapped page, is a
// SIGSEGV at the fetch (SEGV_ACCERR / SEGV_MAPERR, si_addr = the target), as
// on Linux; after mprotect(PROT_EXEC) the same code runs.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static void* expected_addr;

static void handler(int sig, siginfo_t* si, void* uc) {
  printf("signal %d code %d addr ok %d\n", sig, si->si_code, si->si_addr == expected_addr);
  siglongjmp(jb, 1);
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  uint32_t* page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  page[0] = 0x02a00513;  // li a0, 42
  page[1] = 0x00008067;  // ret
  int (*fn)(void) = (int (*)(void))page;

  expected_addr = page;
  if (!sigsetjmp(jb, 1)) printf("ran from a non-exec page: %d\n", fn());

  mprotect(page, 4096, PROT_READ | PROT_EXEC);
  __builtin___clear_cache((char*)page, (char*)page + 8);
  printf("exec page returns %d\n", fn());

  munmap(page, 4096);
  expected_addr = page;
  if (!sigsetjmp(jb, 1)) printf("ran from an unmapped page: %d\n", fn());
  return 0;
}
