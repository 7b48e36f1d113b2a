// Integer division corner cases for div/divu/rem/remu and their 32-bit forms
// divw/divuw/remw/remuw, executed with inline asm so that no compiler can fold or
// guard them. The M-extension rules ("Division by zero and division overflow"
// table in the ISA manual) are asserted:
//   x / 0  -> quotient all ones (-1 / 2^XLEN-1), remainder x
//   INT_MIN / -1 -> quotient INT_MIN, remainder 0 (no trap)
// and the *w forms sign-extend their 32-bit result. Every pair of a set of edge
// operands is also printed for comparison with qemu-riscv64, and C-level division
// through volatile operands checks what the compiler emits.
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "guest_check.h"

#define DEFINE_OP(name, insn)                                    \
  static uint64_t name(uint64_t a, uint64_t b) {                 \
    uint64_t r;                                                  \
    asm volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
    return r;                                                    \
  }
DEFINE_OP(Div, "div")
DEFINE_OP(Divu, "divu")
DEFINE_OP(Rem, "rem")
DEFINE_OP(Remu, "remu")
DEFINE_OP(Divw, "divw")
DEFINE_OP(Divuw, "divuw")
DEFINE_OP(Remw, "remw")
DEFINE_OP(Remuw, "remuw")

// Division with the same register as destination and source, and with x0 as an
// operand: encodings a translator may special-case.
static uint64_t DivSelf(uint64_t a) {
  asm volatile("div %0, %0, %0" : "+r"(a));
  return a;
}
static uint64_t DivByX0(uint64_t a) {
  uint64_t r;
  asm volatile("divu %0, %1, x0" : "=r"(r) : "r"(a));
  return r;
}
static uint64_t RemOfX0(uint64_t b) {
  uint64_t r;
  asm volatile("rem %0, x0, %1" : "=r"(r) : "r"(b));
  return r;
}

static const uint64_t kOperands[] = {0,
                                     1,
                                     2,
                                     3,
                                     7,
                                     (uint64_t)-1,
                                     (uint64_t)-2,
                                     (uint64_t)-7,
                                     0x7fffffff,
                                     0x80000000,
                                     0xffffffff,
                                     0x100000000ull,
                                     0xffffffff80000000ull,
                                     0x7fffffffffffffffull,
                                     0x8000000000000000ull,
                                     0x8000000000000001ull,
                                     0x123456789abcdef0ull,
                                     0xfedcba9876543210ull,
                                     0x00000001ffffffffull,
                                     0xdeadbeef00000005ull};

int main(void) {
  const uint64_t kMin = 0x8000000000000000ull, kAllOnes = ~0ull;
  // Division by zero.
  CHECK_EQ(Div(42, 0), kAllOnes);
  CHECK_EQ(Divu(42, 0), kAllOnes);
  CHECK_EQ(Rem(42, 0), 42);
  CHECK_EQ(Remu(42, 0), 42);
  CHECK_EQ(Rem((uint64_t)-42, 0), (uint64_t)-42);
  CHECK_EQ(Divw(42, 0), kAllOnes);
  CHECK_EQ(Divuw(42, 0), kAllOnes);                                 // 2^32-1, sign-extended
  CHECK_EQ(Remw(0x1234567880000000ull, 0), 0xffffffff80000000ull);  // low word, sign-ext
  CHECK_EQ(Remuw(0x12345678ffffffffull, 0), kAllOnes);
  CHECK_EQ(Remuw(0x000000007fffffffull, 0), 0x7fffffff);
  // Overflow.
  CHECK_EQ(Div(kMin, kAllOnes), kMin);
  CHECK_EQ(Rem(kMin, kAllOnes), 0);
  CHECK_EQ(Divw(0x80000000, kAllOnes), 0xffffffff80000000ull);
  CHECK_EQ(Remw(0x80000000, kAllOnes), 0);
  CHECK_EQ(Divu(kMin, kAllOnes), 0);
  CHECK_EQ(Remu(kMin, kAllOnes), kMin);
  // Signs: the quotient rounds toward zero, the remainder has the dividend's sign.
  CHECK_EQ(Div((uint64_t)-7, 2), (uint64_t)-3);
  CHECK_EQ(Rem((uint64_t)-7, 2), (uint64_t)-1);
  CHECK_EQ(Div(7, (uint64_t)-2), (uint64_t)-3);
  CHECK_EQ(Rem(7, (uint64_t)-2), 1);
  CHECK_EQ(Divu((uint64_t)-7, 2), 0x7ffffffffffffffcull);
  CHECK_EQ(Remu((uint64_t)-7, 2), 1);
  // 32-bit forms read only the low words and sign-extend the result.
  CHECK_EQ(Divw(0xffffffff00000064ull, 0x1234567800000005ull), 20);
  CHECK_EQ(Divuw(0x00000000fffffffeull, 1), 0xfffffffffffffffeull);
  CHECK_EQ(Divuw(0xfffffffeull, 2), 0x7fffffff);
  CHECK_EQ(Remuw(0xffffffffull, 0x10), 15);
  CHECK_EQ(DivSelf(5), 1);
  CHECK_EQ(DivSelf(0), kAllOnes);
  CHECK_EQ(DivByX0(9), kAllOnes);
  CHECK_EQ(RemOfX0(9), 0);

  enum { kN = sizeof kOperands / sizeof kOperands[0] };
  uint64_t hash = FNV_INIT;
  for (int i = 0; i < kN; i++) {
    for (int j = 0; j < kN; j++) {
      uint64_t a = kOperands[i], b = kOperands[j];
      uint64_t r[8] = {Div(a, b),  Divu(a, b),  Rem(a, b),  Remu(a, b),
                       Divw(a, b), Divuw(a, b), Remw(a, b), Remuw(a, b)};
      printf("%016llx %016llx: %llx %llx %llx %llx | %llx %llx %llx %llx\n", (unsigned long long)a,
             (unsigned long long)b, (unsigned long long)r[0], (unsigned long long)r[1],
             (unsigned long long)r[2], (unsigned long long)r[3], (unsigned long long)r[4],
             (unsigned long long)r[5], (unsigned long long)r[6], (unsigned long long)r[7]);
      hash = Fnv1a(hash, r, sizeof r);
      // Identity a == b*q + r for the non-trapping 64-bit cases (holds for every b).
      CHECK_EQ(b * r[0] + r[2], a);
      CHECK_EQ(b * r[1] + r[3], a);
    }
  }
  printf("hash %016llx\n", (unsigned long long)hash);

  // C division through volatile operands (the compiler emits div/rem directly; C
  // calls INT_MIN / -1 undefined, so only defined cases here).
  volatile int ia = -17, ib = 5;
  volatile long la = LONG_MIN + 1, lb = -3;
  volatile unsigned ua = 4000000000u, ub = 7;
  printf("C: %d %d %ld %ld %u %u\n", ia / ib, ia % ib, la / lb, la % lb, ua / ub, ua % ub);
  CHECK_EQ(ia / ib, -3);
  CHECK_EQ(ia % ib, -2);
  CHECK_EQ(ua / ub, 571428571u);
  CHECK_EQ(ua % ub, 3);
  return GuestFinish();
}
