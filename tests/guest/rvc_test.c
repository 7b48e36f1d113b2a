// Compressed instructions: the explicit c.* forms in rvc_ops.S with expected
// values computed by hand from the C-extension definitions (immediates are
// sign-extended 6-bit values; c.lui loads imm << 12 sign-extended from bit 17;
// c.addiw/c.addw/c.subw sign-extend from bit 31). The test also runs built with
// -Os, where GCC prefers compressible encodings throughout.
#include <stdint.h>
#include <stdio.h>

#include "guest_check.h"

void rvc_alu(long x, long y, long out[16]);
long rvc_mem(long p[5], double d[4]);
long rvc_branch(long n);

int main(void) {
  static const long kPairs[][2] = {{0x123456789abcdef0, 0x0fedcba987654321},
                                   {-1, 1},
                                   {0x7fffffff, 1},
                                   {(long)0x8000000000000000ull, -1},
                                   {42, 100}};
  for (unsigned i = 0; i < sizeof kPairs / sizeof kPairs[0]; i++) {
    long x = kPairs[i][0], y = kPairs[i][1];
    long out[16];
    rvc_alu(x, y, out);
    uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
    CHECK_EQ(out[0], ux + 7);
    CHECK_EQ(out[1], (uint64_t)-32);
    CHECK_EQ(out[2], 0x1f000);
    CHECK_EQ(out[3], 0xfffffffffffe0000ull);
    CHECK_EQ(out[4], (uint64_t)(int64_t)(int32_t)(uint32_t)(ux + 1));
    CHECK_EQ(out[5], ux << 60);
    CHECK_EQ(out[6], ux >> 4);
    CHECK_EQ(out[7], (uint64_t)(x >> 4));
    CHECK_EQ(out[8], ux & ~15ull);
    CHECK_EQ(out[9], ux + uy);
    CHECK_EQ(out[10], ux - uy);
    CHECK_EQ(out[11], ux ^ uy);
    CHECK_EQ(out[12], ux | uy);
    CHECK_EQ(out[13], ux & uy);
    CHECK_EQ(out[14], (uint64_t)(int64_t)(int32_t)(uint32_t)(ux + uy));
    CHECK_EQ(out[15], (uint64_t)(int64_t)(int32_t)(uint32_t)(ux - uy));
    printf("rvc_alu(%lx, %lx): %lx %lx %lx %lx\n", x, y, out[4], out[7], out[14], out[15]);
  }

  long p[5] = {(long)0x80000001deadbeefull, 1000, 0, 0, 0};
  double d[4] = {1.25, 2.5, 0, 0};
  long r = rvc_mem(p, d);
  const int64_t hi = (int32_t)0x80000001;  // ((int*)p)[1], little-endian
  const int64_t a = 1000 + hi;
  CHECK_EQ(r, (uint64_t)hi);
  CHECK_EQ((uint32_t)((int32_t*)p)[4], (uint32_t)a);
  CHECK_EQ(p[3], (uint64_t)a);
  CHECK_EQ(p[4], (uint64_t)(2 * a));
  CHECK(d[2] == 3.75 && d[3] == 3.75);
  printf("rvc_mem: %ld %ld %g\n", r, p[4], d[3]);

  static const long kN[] = {0, 1, 2, 3, 10, 1001, 100000};
  for (unsigned i = 0; i < sizeof kN / sizeof kN[0]; i++) {
    long n = kN[i];
    long expected = (n + 1) / 2 * 5 + n / 2 * 3;
    long got = rvc_branch(n);
    printf("rvc_branch(%ld) = %ld\n", n, got);
    CHECK_EQ(got, expected);
  }
  return GuestFinish();
}
