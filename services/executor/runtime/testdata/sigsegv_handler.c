// SIGSEGV handlers: one that siglongjmps out (unmapped address, then a
// write to a read-only page), and one that fixes the protection and returns
// so the store is retried through rt_sigreturn.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jump_back;
static volatile uintptr_t fault_addr;
static volatile int fault_code;
static volatile int pc_ok;
static char* page;

extern char __executable_start[], etext[];

static void Escape(int sig, siginfo_t* info, void* uc_void) {
  ucontext_t* uc = uc_void;
  uintptr_t pc = uc->uc_mcontext.__gregs[REG_PC];
  fault_addr = (uintptr_t)info->si_addr;
  fault_code = info->si_code;
  pc_ok = pc >= (uintptr_t)__executable_start && pc < (uintptr_t)etext;
  siglongjmp(jump_back, sig);
}

static void Unprotect(int sig, siginfo_t* info, void* uc) {
  fault_addr = (uintptr_t)info->si_addr;
  mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = Escape;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);

  int sig = sigsetjmp(jump_back, 1);
  if (sig == 0) {
    *(volatile int*)0x123 = 42;
    printf("not reached\n");
  } else {
    printf("caught signal %d code %d addr %#lx pc_in_text %d\n", sig, fault_code,
           (unsigned long)fault_addr, pc_ok);
  }

  page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  sig = sigsetjmp(jump_back, 1);
  if (sig == 0) {
    *(volatile char*)&page[100] = 1;
    printf("not reached\n");
  } else {
    printf("caught signal %d code %d offset %ld\n", sig, fault_code,
           (long)(fault_addr - (uintptr_t)page));
  }
  // The signal mask was restored by siglongjmp: SIGSEGV is not blocked.
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  printf("segv blocked after longjmp: %d\n", sigismember(&now, SIGSEGV));

  sa.sa_sigaction = Unprotect;
  sigaction(SIGSEGV, &sa, NULL);
  // Faults once; the handler fixes it; the store is retried. (volatile: the
  // store must happen before fault_addr is read.)
  *(volatile char*)&page[200] = 7;
  printf("retried store: %d, offset %ld\n", page[200], (long)(fault_addr - (uintptr_t)page));
  return 0;
}
