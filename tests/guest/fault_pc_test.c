// A SIGSEGV handler sees the faulting instruction's pc in its ucontext and
// resumes after it, three times from inside one hot block: the translator
// must recover the exact guest pc of a load that faults in the middle of a
// translated block, with the registers of the instructions before it done
// and the rest not.
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>

extern char fault_insn[];
static int hits;

static void handler(int sig, siginfo_t* si, void* uc_) {
  ucontext_t* uc = uc_;
  unsigned long pc = uc->uc_mcontext.__gregs[0];
  printf("signal %d addr %p at fault_insn: %s\n", sig, si->si_addr,
         pc == (unsigned long)fault_insn ? "yes" : "NO");
  ++hits;
  uc->uc_mcontext.__gregs[0] = pc + 4;  // skip the faulting 4-byte load
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  long r = 0;
  for (long i = 1; i <= 3; i++) {
    // r += 1; r = *(long*)(i * 4096) faults and is skipped; r += 100.
    asm volatile(
        "addi %0, %0, 1\n\t"
        ".globl fault_insn\n"
        "fault_insn:\n\t"
        ".option push\n\t.option norvc\n\t"
        "ld %0, 0(%1)\n\t"
        ".option pop\n\t"
        "addi %0, %0, 100"
        : "+r"(r)
        : "r"(i * 4096)
        : "memory");
  }
  printf("r=%ld hits=%d\n", r, hits);
  return r == 303 && hits == 3 ? 0 : 1;
}
