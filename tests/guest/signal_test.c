// Signal delivery: SA_SIGINFO handlers for raise/kill (si_code, si_pid), SIGSEGV
// recovered with siglongjmp (si_addr, SEGV_MAPERR vs SEGV_ACCERR), blocked and
// pending signals, the handled signal blocked in its handler, nested delivery, SA_RESETHAND,
// SA_ONSTACK with sigaltstack, sigwaitinfo, handlers that edit the interrupted
// context (skip an ebreak or an illegal instruction by advancing the pc, change
// a0), FP registers restored on sigreturn, and an asynchronous SIGALRM from a
// timer interrupting a hot loop. Only relations are printed, never addresses.
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <time.h>
#include <unistd.h>

#include "guest_check.h"

static volatile sig_atomic_t usr1_count, usr2_count;
static volatile int last_code, last_pid_matches, last_signo, usr2_was_blocked_in_usr1;
static volatile int usr2_during_usr1;

static void Usr1Handler(int sig, siginfo_t* info, void* context) {
  usr1_count++;
  last_signo = info->si_signo;
  last_code = info->si_code;
  last_pid_matches = info->si_pid == getpid();
  CHECK(sig == SIGUSR1);
  CHECK(context != NULL);
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  usr2_was_blocked_in_usr1 = sigismember(&now, SIGUSR2);
  CHECK(sigismember(&now, SIGUSR1));  // the handled signal is blocked (no SA_NODEFER)
}

static void Usr2Handler(int sig, siginfo_t* info, void* context) {
  usr2_count++;
  (void)info;
  (void)context;
}

// SIGUSR1 handler that raises SIGUSR2 (not in its mask): delivered nested, at once.
static void Usr1RaisesUsr2(int sig) {
  int before = usr2_count;
  raise(SIGUSR2);
  usr2_during_usr1 = usr2_count - before;
}

static sigjmp_buf segv_jump;
static void* volatile segv_addr;
static volatile int segv_code;
static void SegvHandler(int sig, siginfo_t* info, void* context) {
  segv_addr = info->si_addr;
  segv_code = info->si_code;
  siglongjmp(segv_jump, 1);
}

// Skips the faulting instruction (4 bytes: only 32-bit encodings are used) and
// sets a0 = 99 in the interrupted context.
static volatile int trap_signo, trap_code, trap_addr_is_pc;
static void SkipHandler(int sig, siginfo_t* info, void* context) {
  ucontext_t* uc = context;
  trap_signo = sig;
  trap_code = info->si_code;
  trap_addr_is_pc = (uintptr_t)info->si_addr == uc->uc_mcontext.__gregs[REG_PC];
  uc->uc_mcontext.__gregs[REG_PC] += 4;
  uc->uc_mcontext.__gregs[REG_A0] = 99;
  // Clobber FP state in the handler; sigreturn must restore the interrupted one.
  asm volatile("fmv.d.x fa0, zero\n\tfmv.d.x fs0, zero\n\tfsrmi 2" ::: "fa0", "fs0");
}

static volatile char* altstack_lo;
static volatile char* altstack_hi;
static volatile int on_altstack;
static void AltStackHandler(int sig) {
  volatile char local;
  on_altstack = &local >= altstack_lo && &local < altstack_hi;
}

static volatile sig_atomic_t alarm_fired;
static void AlarmHandler(int sig) { alarm_fired = 1; }

static void Install(int sig, void (*action)(int, siginfo_t*, void*), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = action;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

int main(void) {
  // 1. raise and kill with SA_SIGINFO; SIGUSR2 in sa_mask during the handler.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = Usr1Handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  Install(SIGUSR2, Usr2Handler, 0);
  CHECK(raise(SIGUSR1) == 0);
  printf("raise: count %d signo ok %d code SI_TKILL %d pid ok %d\n", usr1_count,
         last_signo == SIGUSR1, last_code == SI_TKILL, last_pid_matches);
  CHECK_EQ(usr1_count, 1);
  CHECK_EQ(last_code, SI_TKILL);
  // Linux blocks sa_mask (SIGUSR2 here) while the handler runs; qemu-user 7.2 does
  // not (checked on this machine: native x86-64 reports 1, qemu-riscv64 0), so
  // usr2_was_blocked_in_usr1 is neither printed nor checked: qemu is no oracle.
  CHECK(kill(getpid(), SIGUSR1) == 0);
  printf("kill: count %d code SI_USER %d pid ok %d\n", usr1_count, last_code == SI_USER,
         last_pid_matches);
  CHECK_EQ(usr1_count, 2);
  CHECK_EQ(last_code, SI_USER);

  // 2. Blocked signals stay pending until unblocked, then arrive before
  //    sigprocmask returns.
  sigset_t block, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
  raise(SIGUSR2);
  raise(SIGUSR2);  // standard signals do not queue: one delivery
  CHECK(sigpending(&pending) == 0);
  printf("pending while blocked: %d, delivered %d\n", sigismember(&pending, SIGUSR2), usr2_count);
  CHECK_EQ(usr2_count, 0);
  CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
  printf("after unblock: delivered %d\n", usr2_count);
  CHECK_EQ(usr2_count, 1);

  // 3. sigwaitinfo takes a blocked pending signal without running the handler.
  CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
  raise(SIGUSR2);
  siginfo_t info;
  CHECK_EQ(sigwaitinfo(&block, &info), SIGUSR2);
  CHECK_EQ(info.si_signo, SIGUSR2);
  CHECK_EQ(usr2_count, 1);
  CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);

  // 4. Nested delivery: SIGUSR2 raised inside a SIGUSR1 handler that does not
  //    block it runs immediately.
  signal(SIGUSR1, Usr1RaisesUsr2);
  raise(SIGUSR1);
  printf("nested: SIGUSR2 ran inside SIGUSR1 handler %d\n", usr2_during_usr1);
  CHECK_EQ(usr2_during_usr1, 1);

  // 5. SA_RESETHAND: the disposition is back to SIG_DFL after one delivery.
  Install(SIGUSR2, Usr2Handler, SA_RESETHAND);
  raise(SIGUSR2);
  struct sigaction now;
  CHECK(sigaction(SIGUSR2, NULL, &now) == 0);
  printf("SA_RESETHAND: reset to SIG_DFL %d\n", now.sa_handler == SIG_DFL);
  CHECK(now.sa_handler == SIG_DFL);

  // 6. SIGSEGV recovered with siglongjmp, repeatedly (the mask must be restored,
  //    or the second fault would kill the process).
  Install(SIGSEGV, SegvHandler, 0);
  for (int i = 0; i < 3; i++) {
    if (sigsetjmp(segv_jump, 1) == 0) {
      *(volatile int*)(uintptr_t)(0x10 + i * 8) = 1;
      CHECK(0);
    }
    CHECK(segv_addr == (void*)(uintptr_t)(0x10 + i * 8));
    CHECK_EQ(segv_code, SEGV_MAPERR);
  }
  char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(ro != MAP_FAILED);
  if (sigsetjmp(segv_jump, 1) == 0) {
    ro[123] = 1;
    CHECK(0);
  }
  printf("SIGSEGV: write to read-only page, si_addr exact %d, SEGV_ACCERR %d\n",
         segv_addr == ro + 123, segv_code == SEGV_ACCERR);
  CHECK(segv_addr == ro + 123);
  CHECK_EQ(segv_code, SEGV_ACCERR);

  // 7. Handlers that resume after the faulting instruction, with an edited a0 and
  //    with the interrupted FP state (fa0, fs0 and frm) restored.
  Install(SIGTRAP, SkipHandler, 0);
  Install(SIGILL, SkipHandler, 0);
  const uint64_t kFp = 0x400921fb54442d18ull;  // pi
  static const char* const kWhat[] = {"ebreak", "illegal"};
  for (int k = 0; k < 2; k++) {
    uint64_t a0_after, fa0_after, fs0_after, frm_after;
    if (k == 0) {
      asm volatile(
          "fsrmi 3\n\tfmv.d.x fa0, %4\n\tfmv.d.x fs0, %4\n\tli a0, 1\n\t"
          ".4byte 0x00100073\n\t"  // ebreak
          "mv %0, a0\n\tfmv.x.d %1, fa0\n\tfmv.x.d %2, fs0\n\tfrrm %3\n\tfsrmi 0"
          : "=r"(a0_after), "=r"(fa0_after), "=r"(fs0_after), "=r"(frm_after)
          : "r"(kFp)
          : "a0", "fa0", "fs0", "memory");
    } else {
      asm volatile(
          "fsrmi 3\n\tfmv.d.x fa0, %4\n\tfmv.d.x fs0, %4\n\tli a0, 1\n\t"
          ".4byte 0xc0001073\n\t"  // csrrw x0, cycle, x0: illegal
          "mv %0, a0\n\tfmv.x.d %1, fa0\n\tfmv.x.d %2, fs0\n\tfrrm %3\n\tfsrmi 0"
          : "=r"(a0_after), "=r"(fa0_after), "=r"(fs0_after), "=r"(frm_after)
          : "r"(kFp)
          : "a0", "fa0", "fs0", "memory");
    }
    printf("%s: signal %d, si_addr is pc %d, a0 %llu, fa0 kept %d, fs0 kept %d, frm %llu\n",
           kWhat[k], trap_signo, trap_addr_is_pc, (unsigned long long)a0_after, fa0_after == kFp,
           fs0_after == kFp, (unsigned long long)frm_after);
    CHECK_EQ(trap_signo, k == 0 ? SIGTRAP : SIGILL);
    CHECK(trap_addr_is_pc);
    CHECK_EQ(a0_after, 99);
    CHECK_EQ(fa0_after, kFp);
    CHECK_EQ(fs0_after, kFp);
    CHECK_EQ(frm_after, 3);
  }
  CHECK_EQ(trap_code, ILL_ILLOPC);

  // 8. SA_ONSTACK: the handler runs on the alternate stack.
  static char alt[64 * 1024];
  stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
  CHECK(sigaltstack(&ss, NULL) == 0);
  altstack_lo = alt;
  altstack_hi = alt + sizeof alt;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = AltStackHandler;
  sa.sa_flags = SA_ONSTACK;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  raise(SIGUSR1);
  printf("SA_ONSTACK: handler on alternate stack %d\n", on_altstack);
  CHECK(on_altstack);

  // 9. An asynchronous signal (a 20 ms timer) interrupting a hot loop that makes
  //    no system calls: the runner must deliver it while translated code runs.
  signal(SIGALRM, AlarmHandler);
  struct itimerval timer = {.it_interval = {0, 0}, .it_value = {0, 20000}};
  CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
  volatile uint64_t spins = 0;
  uint64_t x = 1;
  while (!alarm_fired) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    if (++spins == (1ull << 40)) break;  // a bound far beyond any timeout
  }
  printf("SIGALRM interrupted the loop: %d\n", (int)alarm_fired);
  CHECK(alarm_fired);
  return GuestFinish();
}
