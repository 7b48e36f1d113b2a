// A misaligned AMO: Linux does not emulate it, the process gets SIGBUS
// (BUS_ADRALN) with the address.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf back;
static volatile uintptr_t addr;
static volatile int code;

static void Handler(int sig, siginfo_t* info, void* uc) {
  addr = (uintptr_t)info->si_addr;
  code = info->si_code;
  siglongjmp(back, sig);
}

int main(void) {
  static uint64_t words[4];
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = Handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGSEGV, &sa, NULL);
  char* p = (char*)words + 2;
  int sig = sigsetjmp(back, 1);
  if (sig == 0) {
    int old;
    __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(1) : "memory");
    printf("no signal, old %d\n", old);
  } else {
    printf("signal %d code %d offset %ld\n", sig, code, (long)(addr - (uintptr_t)words));
  }
  return 0;
}
