// The rt_sigframe seen through glibc's ucontext_t: a handler reads the
// interrupted integer and FP registers, fcsr and pc from uc_mcontext, and
// changes some of them; rt_sigreturn must bring the changes back.
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

extern char after_ecall[];
static volatile uint64_t seen_s2, seen_f8, seen_pc_ok, seen_a0, seen_fcsr, seen_sp_aligned;
static volatile uint64_t frame_below_sp;

static void Handler(int sig, siginfo_t* info, void* uc_void) {
  ucontext_t* uc = uc_void;
  mcontext_t* mc = &uc->uc_mcontext;
  seen_s2 = mc->__gregs[REG_S2];
  seen_f8 = mc->__fpregs.__d.__f[8];
  seen_fcsr = mc->__fpregs.__d.__fcsr;
  seen_pc_ok = mc->__gregs[REG_PC] == (uintptr_t)after_ecall;
  seen_a0 = mc->__gregs[REG_A0];
  seen_sp_aligned = (uintptr_t)uc % 16 == 0;
  frame_below_sp = (uintptr_t)uc < mc->__gregs[REG_SP];
  mc->__gregs[REG_S2] = 0x5678;
  double two_and_half = 2.5;
  memcpy((void*)&mc->__fpregs.__d.__f[8], &two_and_half, 8);
  mc->__fpregs.__d.__fcsr = 0x20 | 0x1;  // frm = RDN (1 << 5), fflags = NX.
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = Handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);

  double one_and_half = 1.5;
  uint64_t bits;
  memcpy(&bits, &one_and_half, 8);
  long pid = getpid(), tid = syscall(SYS_gettid);
  uint64_t out_s2, out_f8, out_fcsr;
  __asm__ volatile(
      "li s2, 0x1234\n"
      "fmv.d.x fs0, %[bits]\n"
      "li t0, 0x80\n"  // frm = RMM (4 << 5), no flags.
      "csrw fcsr, t0\n"
      "mv a0, %[pid]\n"
      "mv a1, %[tid]\n"
      "li a2, 10\n"  // SIGUSR1
      "li a7, 131\n"  // tgkill
      "ecall\n"
      ".globl after_ecall\n"
      "after_ecall:\n"
      "mv %[out_s2], s2\n"
      "fmv.x.d %[out_f8], fs0\n"
      "csrr %[out_fcsr], fcsr\n"
      "csrwi fcsr, 0\n"
      : [out_s2] "=r"(out_s2), [out_f8] "=r"(out_f8), [out_fcsr] "=r"(out_fcsr)
      : [bits] "r"(bits), [pid] "r"(pid), [tid] "r"(tid)
      : "s2", "fs0", "t0", "a0", "a1", "a2", "a7", "memory");
  printf("handler saw s2=%#lx f8=%#lx fcsr=%#lx pc_ok=%lu a0=%lu\n", (unsigned long)seen_s2,
         (unsigned long)seen_f8, (unsigned long)seen_fcsr, (unsigned long)seen_pc_ok,
         (unsigned long)seen_a0);
  printf("ucontext aligned %lu below interrupted sp %lu\n", (unsigned long)seen_sp_aligned,
         (unsigned long)frame_below_sp);
  printf("after sigreturn s2=%#lx f8=%#lx fcsr=%#lx\n", (unsigned long)out_s2,
         (unsigned long)out_f8, (unsigned long)out_fcsr);
  return 0;
}
