// Recursion: Ackermann (deep, irregular call/return patterns: a translator's
// return-address prediction and stack of frames), mutual recursion, and a very
// deep recursion (1,000,000 frames) on a 256 MiB stack allocated with mmap and
// entered with makecontext/swapcontext, so it does not depend on the runner's
// default stack size. Ackermann values: A(2,n) = 2n+3, A(3,n) = 2^(n+3)-3.
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest_check.h"

static long calls;

static long Ackermann(long m, long n) {
  calls++;
  if (m == 0) return n + 1;
  if (n == 0) return Ackermann(m - 1, 1);
  return Ackermann(m - 1, Ackermann(m, n - 1));
}

static int IsEven(unsigned n);
static int __attribute__((noinline)) IsOdd(unsigned n) { return n == 0 ? 0 : IsEven(n - 1); }
static int __attribute__((noinline)) IsEven(unsigned n) { return n == 0 ? 1 : IsOdd(n - 1); }

// Not a tail call: the frame holds `local` across the recursive call, and the
// volatile access keeps the compiler from turning it into a loop.
static uint64_t __attribute__((noinline)) Deep(uint64_t n) {
  volatile uint64_t local = n * 2654435761u;
  if (n == 0) return 0;
  return Deep(n - 1) + (local & 0xff);
}

static ucontext_t main_context, deep_context;
static uint64_t deep_result;
static uint64_t deep_depth;

static void DeepEntry(void) { deep_result = Deep(deep_depth); }

int main(void) {
  for (long m = 0; m <= 3; m++) {
    for (long n = 0; n <= 6; n++) {
      calls = 0;
      long a = Ackermann(m, n);
      printf("A(%ld,%ld) = %ld (%ld calls)\n", m, n, a, calls);
      if (m == 2) CHECK_EQ(a, 2 * n + 3);
      if (m == 3) CHECK_EQ(a, (1L << (n + 3)) - 3);
    }
  }
  calls = 0;
  CHECK_EQ(Ackermann(3, 8), 2045);
  printf("A(3,8) = 2045 took %ld calls\n", calls);

  CHECK(IsEven(100000));
  CHECK(IsOdd(77777));

  const size_t kStack = 256u << 20;
  void* stack = mmap(NULL, kStack, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  CHECK(stack != MAP_FAILED);
  CHECK(getcontext(&deep_context) == 0);
  deep_context.uc_stack.ss_sp = stack;
  deep_context.uc_stack.ss_size = kStack;
  deep_context.uc_link = &main_context;
  makecontext(&deep_context, DeepEntry, 0);
  deep_depth = 1000000;
  CHECK(swapcontext(&main_context, &deep_context) == 0);
  // Expected: sum over n = 1..depth of (n * 2654435761 mod 2^64) & 0xff.
  uint64_t expected = 0;
  for (uint64_t n = 1; n <= deep_depth; n++) expected += (n * 2654435761u) & 0xff;
  printf("deep recursion of %llu frames: %llu\n", (unsigned long long)deep_depth,
         (unsigned long long)deep_result);
  CHECK_EQ(deep_result, expected);
  return GuestFinish();
}
