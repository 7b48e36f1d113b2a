// setjmp/longjmp: the return value (0 becomes 1), volatile locals surviving the
// jump, longjmp out of deep recursion, nested jump buffers, and sigsetjmp /
// siglongjmp restoring (or not) the signal mask.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

#include "guest_check.h"

static jmp_buf outer;
static jmp_buf inner;

static void __attribute__((noinline)) Recurse(int depth, int target) {
  volatile char pad[64];
  pad[depth % 64] = (char)depth;
  if (depth == target) longjmp(outer, depth + pad[depth % 64] * 0);
  if (depth > target) return;  // unreachable; keeps -Winfinite-recursion quiet
  Recurse(depth + 1, target);
  pad[0] = 0;  // not a tail call
}

static int __attribute__((noinline)) NestedInner(int v) {
  if (setjmp(inner) == 0) {
    longjmp(inner, v);
  }
  return v * 2;
}

int main(void) {
  volatile int counter = 0;
  int r = setjmp(outer);
  counter++;
  if (r == 0) {
    printf("first return from setjmp\n");
    longjmp(outer, 0);  // longjmp(env, 0) makes setjmp return 1
  }
  printf("setjmp returned %d, counter %d\n", r, counter);
  CHECK_EQ(r, 1);
  CHECK_EQ(counter, 2);

  for (int target = 1; target <= 5000; target *= 10) {
    int got = setjmp(outer);
    if (got == 0) Recurse(0, target);
    printf("jumped out of depth %d\n", got);
    CHECK_EQ(got, target);
  }

  CHECK_EQ(NestedInner(21), 42);

  // Registers callee-saved across setjmp: many live values around the jump.
  volatile long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
  volatile double x = 1.5, y = 2.5;
  if (setjmp(outer) == 0) {
    a += 10, b += 10, c += 10, d += 10, e += 10, f += 10, g += 10, h += 10;
    x *= 2, y *= 2;
    longjmp(outer, 3);
  }
  printf("after jump: %ld %ld %ld %ld %ld %ld %ld %ld %g %g\n", a, b, c, d, e, f, g, h, x, y);
  CHECK_EQ(a + b + c + d + e + f + g + h, 116);

  // sigsetjmp(env, 1) restores the mask saved at sigsetjmp; with 0 it does not.
  sigjmp_buf sj;
  sigset_t set, now;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  for (int save = 0; save <= 1; save++) {
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    if (sigsetjmp(sj, save) == 0) {
      sigprocmask(SIG_BLOCK, &set, NULL);
      siglongjmp(sj, 1);
    }
    sigprocmask(SIG_BLOCK, NULL, &now);
    int blocked = sigismember(&now, SIGUSR2);
    printf("sigsetjmp(save=%d): SIGUSR2 blocked after siglongjmp: %d\n", save, blocked);
    CHECK_EQ(blocked, save ? 0 : 1);
  }
  return GuestFinish();
}
