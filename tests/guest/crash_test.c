// Death by signal, one way per argv[1]: the runner must report the same status a
// shell would see (128 + signal number) and must not lose output written before
// the fault. Modes and expected statuses:
//   abort          SIGABRT  134   abort()
//   segv_write     SIGSEGV  139   store to NULL
//   segv_read      SIGSEGV  139   load from an unmapped address
//   segv_exec      SIGSEGV  139   jump to an unmapped address
//   segv_stack     SIGSEGV  139   unbounded recursion overflows the stack
//   sigill_zero    SIGILL   132   executes .word 0 (0x0000 is the defined illegal c.unimp)
//   sigill_unimp   SIGILL   132   executes unimp (csrrw x0, cycle, x0: a read-only CSR write)
//   sigill_reserved SIGILL  132   an encoding in a reserved major opcode
//   ebreak         SIGTRAP  133   ebreak (32-bit form)
//   c_ebreak       SIGTRAP  133   c.ebreak (16-bit form)
//   bus_amo        SIGBUS   135   misaligned AMO (address-misaligned exception)
//   kill_self      SIGKILL  137   kill(getpid(), SIGKILL)
//   term_self      SIGTERM  143   raise(SIGTERM)
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int* volatile null_pointer;
static volatile uintptr_t low_address = 0x10;

static int __attribute__((noinline)) Recurse(int n) {
  volatile char frame[256];
  frame[n % 256] = (char)n;
  if (n < 0) return 0;  // never: keeps -Winfinite-recursion quiet
  return Recurse(n + 1) + frame[(n + 1) % 256];
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODE\n", argv[0]);
    return 2;
  }
  const char* mode = argv[1];
  // Written (and flushed) before dying: must reach stdout under every runner.
  printf("before %s\n", mode);
  fflush(stdout);
  fprintf(stderr, "stderr before %s\n", mode);

  if (strcmp(mode, "abort") == 0) {
    abort();
  } else if (strcmp(mode, "segv_write") == 0) {
    *null_pointer = 1;
  } else if (strcmp(mode, "segv_read") == 0) {
    volatile long* p = (volatile long*)low_address;
    printf("%ld\n", *p);
  } else if (strcmp(mode, "segv_exec") == 0) {
    void (*volatile f)(void) = (void (*)(void))(uintptr_t)0x1000;
    f();
  } else if (strcmp(mode, "segv_stack") == 0) {
    printf("%d\n", Recurse(0));
  } else if (strcmp(mode, "sigill_zero") == 0) {
    asm volatile(".word 0");
  } else if (strcmp(mode, "sigill_unimp") == 0) {
    asm volatile(".option push\n\t.option norvc\n\tunimp\n\t.option pop");
  } else if (strcmp(mode, "sigill_reserved") == 0) {
    asm volatile(".4byte 0x0000007f");  // opcode 1111111: reserved for >=80-bit encodings
  } else if (strcmp(mode, "ebreak") == 0) {
    asm volatile(".4byte 0x00100073");  // ebreak, 32-bit encoding
  } else if (strcmp(mode, "c_ebreak") == 0) {
    asm volatile(".2byte 0x9002");  // c.ebreak
  } else if (strcmp(mode, "bus_amo") == 0) {
    static long words[2];
    long old;
    asm volatile("amoadd.d %0, %2, (%1)" : "=r"(old) : "r"((char*)words + 1), "r"(1L) : "memory");
    printf("%ld\n", old);
  } else if (strcmp(mode, "kill_self") == 0) {
    kill(getpid(), SIGKILL);
  } else if (strcmp(mode, "term_self") == 0) {
    raise(SIGTERM);
  } else {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  printf("still alive after %s\n", mode);
  return 3;
}
