// Hot loops whose blocks straddle and chain across page boundaries (see
// xpage_loops.S for the layout). Each loop runs many times so a translator
// chains its blocks, and the result is checked against the same computation in C.
#include <stdint.h>
#include <stdio.h>

#include "guest_check.h"

long xpage_straddle(long n, long x);
long xpage_pingpong(long n, long x);
long xpage_leaf(long v);
extern const char xpage_straddle_insn[];
extern const char xpage_pingpong_page3[];

static uint64_t StraddleModel(uint64_t n, uint64_t x) {
  uint64_t h = 0;
  for (uint64_t i = n; i != 0; i--) {
    x = 5 * x + 1;
    h ^= x + i;
  }
  return h;
}

static uint64_t PingPongModel(uint64_t n, uint64_t x) {
  uint64_t h = x;
  for (uint64_t i = n; i != 0; i--) {
    h = h * 3 + i;
    h ^= h >> 7;
    h += (h & 0xff) + 1;
  }
  return h;
}

int main(void) {
  // The functions sit on distinct pages (an address difference is printed, never
  // an address).
  printf("straddle->pingpong: %ld bytes, pingpong->leaf: %ld bytes\n",
         (long)((char*)xpage_pingpong - (char*)xpage_straddle),
         (long)((char*)xpage_leaf - (char*)xpage_pingpong));
  // The layout xpage_loops.S promises.
  CHECK_EQ((uintptr_t)xpage_straddle_insn & 4095, 4094);
  CHECK_EQ((uintptr_t)xpage_straddle & ~(uintptr_t)4095,
           (((uintptr_t)xpage_straddle_insn + 4) & ~(uintptr_t)4095) - 4096);
  CHECK_EQ((uintptr_t)xpage_pingpong_page3 & 4095, 4096 - 8);
  CHECK_EQ((uintptr_t)xpage_leaf & 4095, 1024);
  static const long kCounts[] = {1, 2, 3, 10, 1000, 100000, 2000000};
  for (unsigned i = 0; i < sizeof kCounts / sizeof kCounts[0]; i++) {
    long n = kCounts[i];
    uint64_t s = (uint64_t)xpage_straddle(n, 12345 + n);
    uint64_t p = (uint64_t)xpage_pingpong(n, 777 * n);
    printf("n=%ld straddle=%016llx pingpong=%016llx\n", n, (unsigned long long)s,
           (unsigned long long)p);
    CHECK_EQ(s, StraddleModel(n, 12345 + n));
    CHECK_EQ(p, PingPongModel(n, 777 * n));
  }
  CHECK_EQ(xpage_leaf(0x1234), 0x35);
  return GuestFinish();
}
