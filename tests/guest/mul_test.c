// Multiplication: 64x64 -> 128 through __int128 (GCC emits mul + mulh/mulhu, and
// mulhsu for mixed signedness), and the instructions mul, mulh, mulhu, mulhsu, mulw
// written out. Hand-computed high halves:
//   mulhu(2^64-1, 2^64-1) = 2^64-2          ((2^64-1)^2 = 2^128 - 2^65 + 1)
//   mulh(-2^63, -2^63)    = 2^62            (2^126)
//   mulh(-1, -1)          = 0               (1)
//   mulhsu(-1, 2^64-1)    = -1              (-(2^64-1) = -2^64 + 1)
//   mulhu(2^63, 4)        = 2
//   mulw(0x7fffffff, 2)   = -2              (low word 0xfffffffe, sign-extended)
// and a table over edge operands compared with qemu-riscv64.
#include <stdint.h>
#include <stdio.h>

#include "guest_check.h"

#define DEFINE_OP(name, insn)                                    \
  static uint64_t name(uint64_t a, uint64_t b) {                 \
    uint64_t r;                                                  \
    asm volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
    return r;                                                    \
  }
DEFINE_OP(Mul, "mul")
DEFINE_OP(Mulh, "mulh")
DEFINE_OP(Mulhu, "mulhu")
DEFINE_OP(Mulhsu, "mulhsu")
DEFINE_OP(Mulw, "mulw")

typedef unsigned __int128 u128;
typedef __int128 s128;

static volatile uint64_t kOps[] = {0,
                                   1,
                                   2,
                                   3,
                                   0xffffffffffffffffull,
                                   0x8000000000000000ull,
                                   0x7fffffffffffffffull,
                                   0x00000000ffffffffull,
                                   0x0000000100000000ull,
                                   0xffffffff00000000ull,
                                   0x123456789abcdef0ull,
                                   0xfedcba9876543210ull,
                                   0x00000000deadbeefull,
                                   0x80000000ull,
                                   0x5555555555555555ull};

int main(void) {
  const uint64_t kMax = ~0ull, kMin = 0x8000000000000000ull;
  CHECK_EQ(Mulhu(kMax, kMax), 0xfffffffffffffffeull);
  CHECK_EQ(Mul(kMax, kMax), 1);
  CHECK_EQ(Mulh(kMin, kMin), 0x4000000000000000ull);
  CHECK_EQ(Mulh(kMax, kMax), 0);
  CHECK_EQ(Mulhsu(kMax, kMax), kMax);
  CHECK_EQ(Mulhsu(kMin, 2), kMax);  // -2^63 * 2 = -2^64: high = -1
  CHECK_EQ(Mulhsu(2, kMax), 1);     // 2 * (2^64-1) = 2^65 - 2: high = 1
  CHECK_EQ(Mulhu(kMin, 4), 2);
  CHECK_EQ(Mulh(kMin, 4), kMax - 1);  // -2^63 * 4 = -2^65: high = -2
  CHECK_EQ(Mulw(0x7fffffff, 2), 0xfffffffffffffffeull);
  CHECK_EQ(Mulw(0x1234567800010000ull, 0x10000), 0);  // low word 0x10000 * 0x10000 = 2^32
  CHECK_EQ(Mulw(0xffffffff, 0xffffffff), 1);

  enum { kN = sizeof kOps / sizeof kOps[0] };
  uint64_t hash = FNV_INIT;
  int bad = 0;
  for (int i = 0; i < kN; i++) {
    for (int j = 0; j < kN; j++) {
      uint64_t a = kOps[i], b = kOps[j];
      uint64_t r[5] = {Mul(a, b), Mulh(a, b), Mulhu(a, b), Mulhsu(a, b), Mulw(a, b)};
      // The same products through __int128 (what C code would write).
      u128 uu = (u128)a * b;
      s128 ss = (s128)(int64_t)a * (int64_t)b;
      s128 su = (s128)(int64_t)a * (s128)(u128)b;
      bad += r[0] != (uint64_t)uu;
      bad += r[1] != (uint64_t)((u128)ss >> 64);
      bad += r[2] != (uint64_t)(uu >> 64);
      bad += r[3] != (uint64_t)((u128)su >> 64);
      bad += r[4] != (uint64_t)(int64_t)(int32_t)(uint32_t)(a * b);
      hash = Fnv1a(hash, r, sizeof r);
      printf("%016llx * %016llx: %016llx %016llx %016llx %016llx %016llx\n", (unsigned long long)a,
             (unsigned long long)b, (unsigned long long)r[0], (unsigned long long)r[1],
             (unsigned long long)r[2], (unsigned long long)r[3], (unsigned long long)r[4]);
    }
  }
  printf("table hash %016llx, %d disagreements with __int128\n", (unsigned long long)hash, bad);
  CHECK_EQ(bad, 0);

  // 128-bit arithmetic in C: a factorial and a 64-bit modular exponentiation.
  u128 fact = 1;
  for (int k = 1; k <= 34; k++) fact *= (u128)k;  // 34! < 2^128
  printf("34! = %016llx%016llx\n", (unsigned long long)(fact >> 64), (unsigned long long)fact);
  // 34! = 0xde1bc4d19efcac82445da75b00000000 (computed with bc).
  CHECK_EQ((uint64_t)(fact >> 64), 0xde1bc4d19efcac82ull);
  CHECK_EQ((uint64_t)fact, 0x445da75b00000000ull);
  uint64_t base = 0x123456789ull, e = 0xfffffffffull, mod = 0xffffffffffffffc5ull, acc = 1;
  while (e) {
    if (e & 1) acc = (uint64_t)((u128)acc * base % mod);
    base = (uint64_t)((u128)base * base % mod);
    e >>= 1;
  }
  printf("powmod = %016llx\n", (unsigned long long)acc);
  CHECK_EQ(acc, 0xcb7d9b8122396c67ull);  // Python: hex(pow(0x123456789, 0xfffffffff, mod))
  return GuestFinish();
}
