// Bit manipulation and the RV64I shift/compare/logic instructions: register shift
// amounts use only their low 6 bits (5 for the *w forms, whose results are
// sign-extended), slt/sltu/slti/sltiu signedness, lui/auipc, and the C idioms a
// compiler lowers to sequences on RV64GC (no Zbb): popcount, clz, ctz, bswap,
// rotations, bit reversal, parity. Hand-computed values are asserted; a table of
// every instruction on pseudo-random operands is printed for qemu-riscv64.
#include <stdint.h>
#include <stdio.h>

#include "guest_check.h"

#define RR(name, insn)                                           \
  static uint64_t name(uint64_t a, uint64_t b) {                 \
    uint64_t r;                                                  \
    asm volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
    return r;                                                    \
  }
RR(Sll, "sll")
RR(Srl, "srl")
RR(Sra, "sra")
RR(Sllw, "sllw")
RR(Srlw, "srlw")
RR(Sraw, "sraw")
RR(Slt, "slt")
RR(Sltu, "sltu")
RR(Add, "add")
RR(Sub, "sub")
RR(Addw, "addw")
RR(Subw, "subw")
RR(Xor, "xor")
RR(Or, "or")
RR(And, "and")

// Immediate forms with fixed immediates, including the extremes of each field.
#define RI(name, insn, imm)                                 \
  static uint64_t name(uint64_t a) {                        \
    uint64_t r;                                             \
    asm volatile(insn " %0, %1, " #imm : "=r"(r) : "r"(a)); \
    return r;                                               \
  }
RI(Slli63, "slli", 63)
RI(Srli63, "srli", 63)
RI(Srai63, "srai", 63)
RI(Slliw31, "slliw", 31)
RI(Srliw0, "srliw", 0)
RI(Sraiw31, "sraiw", 31)
RI(Slti0, "slti", 0)
RI(SltiuM1, "sltiu", -1)
RI(Sltiu1, "sltiu", 1)
RI(Addiw0, "addiw", 0)
RI(AddiMin, "addi", -2048)
RI(AddiMax, "addi", 2047)
RI(XoriM1, "xori", -1)
RI(AndiM1, "andi", -1)
RI(Andi7ff, "andi", 2047)
RI(Ori800, "ori", -2048)

static uint64_t Lui80000(void) {  // lui with bit 31 set: sign-extended on RV64
  uint64_t r;
  asm volatile("lui %0, 0x80000" : "=r"(r));
  return r;
}
static uint64_t LuiAddiwIdiom(void) {  // the li idiom for 0x7ffff800
  uint64_t r;
  asm volatile("lui %0, 0x80000\n\taddiw %0, %0, -2048" : "=r"(r));
  return r;
}
static int64_t AuipcDistance(void) {  // two auipc 8 bytes apart differ by 8
  uint64_t a, b;
  asm volatile(
      ".option push\n\t.option norvc\n\tauipc %0, 0\n\tnop\n\tauipc %1, 0\n\t"
      ".option pop"
      : "=r"(a), "=r"(b));
  return (int64_t)(b - a);
}
static uint64_t AuipcUpper(void) {  // auipc 1 - auipc 0 at the same pc = 4096
  uint64_t a, b;
  asm volatile(
      ".option push\n\t.option norvc\n\tauipc %0, 1\n\taddi %0, %0, 4\n\t"
      "auipc %1, 0\n\t.option pop"
      : "=r"(a), "=r"(b));
  return a - b;  // (pc + 4096 + 4) - (pc + 8) = 4092
}

// Bit reversal, the portable way.
static uint64_t Reverse(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  return __builtin_bswap64(v);
}
static uint64_t Rotl(uint64_t v, unsigned s) { return (v << (s & 63)) | (v >> (-s & 63)); }

int main(void) {
  // Shift amounts are taken modulo 64 (modulo 32 for the *w forms).
  CHECK_EQ(Sll(1, 64), 1);
  CHECK_EQ(Sll(1, 65), 2);
  CHECK_EQ(Sll(1, 63), 0x8000000000000000ull);
  CHECK_EQ(Srl(0x8000000000000000ull, 127), 1);
  CHECK_EQ(Sra(0x8000000000000000ull, 63), ~0ull);
  CHECK_EQ(Sra(0x8000000000000000ull, 64), 0x8000000000000000ull);
  CHECK_EQ(Sllw(1, 31), 0xffffffff80000000ull);
  CHECK_EQ(Sllw(1, 32), 1);
  CHECK_EQ(Sllw(0xffffffff00000003ull, 1), 6);
  CHECK_EQ(Srlw(0xffffffff80000000ull, 31), 1);
  CHECK_EQ(Srlw(0x0000000080000000ull, 0), 0xffffffff80000000ull);  // sign-extends bit 31
  CHECK_EQ(Sraw(0x0000000080000000ull, 4), 0xfffffffff8000000ull);
  CHECK_EQ(Sraw(0x7fffffff00000000ull, 1), 0);  // upper word ignored
  CHECK_EQ(Slli63(3), 0x8000000000000000ull);
  CHECK_EQ(Srli63(0x8000000000000000ull), 1);
  CHECK_EQ(Srai63(0x8000000000000000ull), ~0ull);
  CHECK_EQ(Slliw31(3), 0xffffffff80000000ull);
  CHECK_EQ(Srliw0(0xdeadbeefcafef00dull), 0xffffffffcafef00dull);  // sext.w of low word
  CHECK_EQ(Sraiw31(0x80000000ull), ~0ull);
  CHECK_EQ(Addiw0(0x00000000ffffffffull), ~0ull);  // sext.w
  // Compares.
  CHECK_EQ(Slt(~0ull, 0), 1);
  CHECK_EQ(Sltu(~0ull, 0), 0);
  CHECK_EQ(Sltu(0, ~0ull), 1);
  CHECK_EQ(Slti0(0x8000000000000000ull), 1);
  CHECK_EQ(SltiuM1(0xfffffffffffffffeull), 1);  // -1 sign-extends to 2^64-1, then unsigned
  CHECK_EQ(SltiuM1(~0ull), 0);
  CHECK_EQ(Sltiu1(0), 1);  // seqz
  CHECK_EQ(Sltiu1(5), 0);
  // Immediates are sign-extended 12-bit values.
  CHECK_EQ(AddiMin(0), (uint64_t)-2048);
  CHECK_EQ(AddiMax(1), 2048);
  CHECK_EQ(XoriM1(0x0f), ~0x0full);  // not
  CHECK_EQ(AndiM1(0x123456789ull), 0x123456789ull);
  CHECK_EQ(Andi7ff(~0ull), 0x7ff);
  CHECK_EQ(Ori800(0), 0xfffffffffffff800ull);
  CHECK_EQ(Lui80000(), 0xffffffff80000000ull);
  CHECK_EQ(LuiAddiwIdiom(), 0x7ffff800ull);  // addiw wraps within 32 bits
  CHECK_EQ(AuipcDistance(), 8);
  CHECK_EQ(AuipcUpper(), 4092);
  CHECK_EQ(Addw(0x7fffffff, 1), 0xffffffff80000000ull);
  CHECK_EQ(Subw(0, 0x80000000ull), 0xffffffff80000000ull);
  // C idioms.
  volatile uint64_t v = 0x00f0000000000100ull;
  CHECK_EQ(__builtin_popcountll(v), 5);
  CHECK_EQ(__builtin_clzll(v), 8);
  CHECK_EQ(__builtin_ctzll(v), 8);
  CHECK_EQ(__builtin_bswap64(0x0102030405060708ull), 0x0807060504030201ull);
  CHECK_EQ(__builtin_bswap32(0x11223344u), 0x44332211u);
  CHECK_EQ(__builtin_bswap16(0xabcd), 0xcdab);
  CHECK_EQ(Reverse(1), 0x8000000000000000ull);
  CHECK_EQ(Reverse(0x00000000000000f1ull), 0x8f00000000000000ull);
  CHECK_EQ(Rotl(0x8000000000000001ull, 1), 3);
  CHECK_EQ(Rotl(0x123456789abcdef0ull, 68), 0x23456789abcdef01ull);
  CHECK_EQ(__builtin_parityll(v), 1);
  CHECK_EQ(__builtin_ffsll(0), 0);
  CHECK_EQ(__builtin_clrsbll(-1), 63);

  // Table: every op on pseudo-random operands (shift amounts include >= 64).
  typedef uint64_t (*Op)(uint64_t, uint64_t);
  static const Op kOps[] = {Sll, Srl, Sra,  Sllw, Srlw, Sraw, Slt, Sltu,
                            Add, Sub, Addw, Subw, Xor,  Or,   And};
  static const char* const kNames[] = {"sll", "srl", "sra",  "sllw", "srlw", "sraw", "slt", "sltu",
                                       "add", "sub", "addw", "subw", "xor",  "or",   "and"};
  uint64_t rng = 99;
  for (unsigned k = 0; k < sizeof kOps / sizeof kOps[0]; k++) {
    uint64_t h = FNV_INIT;
    for (int i = 0; i < 2000; i++) {
      uint64_t a = NextRandom(&rng), b = NextRandom(&rng);
      if (i % 4 == 1) b &= 127;
      if (i % 8 == 2) a = (uint64_t)(int64_t)(int32_t)a;
      uint64_t r = kOps[k](a, b);
      h = Fnv1a(h, &r, sizeof r);
    }
    printf("%-5s %016llx\n", kNames[k], (unsigned long long)h);
  }
  uint64_t h = FNV_INIT;
  for (int i = 0; i < 5000; i++) {
    uint64_t x = NextRandom(&rng) >> (i % 64);
    uint64_t r[6] = {(uint64_t)__builtin_popcountll(x),
                     x ? (uint64_t)__builtin_clzll(x) : 64,
                     x ? (uint64_t)__builtin_ctzll(x) : 64,
                     __builtin_bswap64(x),
                     Reverse(x),
                     Rotl(x, (unsigned)i)};
    h = Fnv1a(h, r, sizeof r);
  }
  printf("idioms %016llx\n", (unsigned long long)h);
  return GuestFinish();
}
