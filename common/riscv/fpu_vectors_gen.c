// Test-vector generator for the RISC-V F/D library (fpu.h), built for RISC-V
// and run under qemu-riscv64 (whose FPU is softfloat-exact): the results and
// flags it prints are the oracle fpu_test checks against.
//
// For every operation of DBT_RISCV_FP_OPS it runs the real instruction over a
// set of inputs (special values, boundaries, values near rounding ties, and
// random values from a fixed-seed PRNG) in each of the five rounding modes,
// given as the instruction's static rm field. Operands are loaded as raw
// 64-bit register contents (fmv.d.x), so single operands can also be
// improperly NaN-boxed. fflags is cleared right before the instruction and
// read right after it, inside one asm statement. Output, one line per vector:
//
//   <FpFn name> <rm> <a> <b> <c> -> <result> <fflags>
//
// with 64-bit hex register values; unused operands are 0. For operations
// without an rm field the instruction is the same for each rm (the line
// checks that the library ignores rm there).
//
// A second section (HostPath) exercises the host-FPU fast path of the
// library (fpu_host.h): many random zero/normal operands in RNE (and RTZ for
// conversions to integer), each run twice, with fflags cleared and with NX
// already set before the instruction. Those lines carry the preset:
//
//   <FpFn name> <rm> <a> <b> <c> <preset> -> <result> <fflags>
//
// and <fflags> is fflags after the instruction (preset included).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;
typedef uint32_t u32;

// ---------------------------------------------------------------------------
// Instruction runners. Each takes raw a, b, c and an rm 0..4, and stores the
// raw destination register and fflags.

#define LOAD3             \
  "fmv.d.x ft0, %[a]\n\t" \
  "fmv.d.x ft1, %[b]\n\t" \
  "fmv.d.x ft2, %[c]\n\t" \
  "csrw fflags, %[p]\n\t"
#define FLAGS "\n\tcsrr %[f], fflags"
#define IO                                              \
  : [r] "=&r"(*r), [f] "=&r"(*f)            \
  : [a] "r"(a), [b] "r"(b), [c] "r"(c), [p] "r"(preset) \
  : "ft0", "ft1", "ft2", "ft3", "memory"
// fflags before the instruction (0 except in the HostPath section).
static u64 preset;

// Result in ft3 (fp destination) or straight in %[r] (integer destination).
#define ASM_F(body) __asm__ volatile(LOAD3 body "\n\tfmv.x.d %[r], ft3" FLAGS IO)
#define ASM_X(body) __asm__ volatile(LOAD3 body FLAGS IO)

#define RM_SWITCH(M, insn) \
  switch (rm) {            \
    case 0:                \
      M(insn, "rne");      \
      break;               \
    case 1:                \
      M(insn, "rtz");      \
      break;               \
    case 2:                \
      M(insn, "rdn");      \
      break;               \
    case 3:                \
      M(insn, "rup");      \
      break;               \
    default:               \
      M(insn, "rmm");      \
      break;               \
  }

#define BODY_FFF_RM(insn, rmname) ASM_F(insn " ft3, ft0, ft1, ft2, " rmname)
#define BODY_FF_RM(insn, rmname) ASM_F(insn " ft3, ft0, ft1, " rmname)
#define BODY_F_RM(insn, rmname) ASM_F(insn " ft3, ft0, " rmname)
#define BODY_X_F_RM(insn, rmname) ASM_X(insn " %[r], ft0, " rmname)
#define BODY_F_X_RM(insn, rmname) ASM_F(insn " ft3, %[a], " rmname)

typedef void (*Runner)(u64 a, u64 b, u64 c, int rm, u64* r, u64* f);

#define RUNNER(fn, body_rm, insn) \
  static void fn(u64 a, u64 b, u64 c, int rm, u64* r, u64* f) { RM_SWITCH(body_rm, insn) }
#define RUNNER_NORM(fn, body)                                   \
  static void fn(u64 a, u64 b, u64 c, int rm, u64* r, u64* f) { \
    (void)rm;                                                   \
    body;                                                       \
  }

RUNNER(RunFaddS, BODY_FF_RM, "fadd.s")
RUNNER(RunFsubS, BODY_FF_RM, "fsub.s")
RUNNER(RunFmulS, BODY_FF_RM, "fmul.s")
RUNNER(RunFdivS, BODY_FF_RM, "fdiv.s")
RUNNER(RunFsqrtS, BODY_F_RM, "fsqrt.s")
RUNNER_NORM(RunFminS, ASM_F("fmin.s ft3, ft0, ft1"))
RUNNER_NORM(RunFmaxS, ASM_F("fmax.s ft3, ft0, ft1"))
RUNNER(RunFmaddS, BODY_FFF_RM, "fmadd.s")
RUNNER(RunFmsubS, BODY_FFF_RM, "fmsub.s")
RUNNER(RunFnmsubS, BODY_FFF_RM, "fnmsub.s")
RUNNER(RunFnmaddS, BODY_FFF_RM, "fnmadd.s")
RUNNER_NORM(RunFsgnjS, ASM_F("fsgnj.s ft3, ft0, ft1"))
RUNNER_NORM(RunFsgnjnS, ASM_F("fsgnjn.s ft3, ft0, ft1"))
RUNNER_NORM(RunFsgnjxS, ASM_F("fsgnjx.s ft3, ft0, ft1"))
RUNNER_NORM(RunFeqS, ASM_X("feq.s %[r], ft0, ft1"))
RUNNER_NORM(RunFltS, ASM_X("flt.s %[r], ft0, ft1"))
RUNNER_NORM(RunFleS, ASM_X("fle.s %[r], ft0, ft1"))
RUNNER_NORM(RunFclassS, ASM_X("fclass.s %[r], ft0"))
RUNNER(RunFcvtWS, BODY_X_F_RM, "fcvt.w.s")
RUNNER(RunFcvtWuS, BODY_X_F_RM, "fcvt.wu.s")
RUNNER(RunFcvtLS, BODY_X_F_RM, "fcvt.l.s")
RUNNER(RunFcvtLuS, BODY_X_F_RM, "fcvt.lu.s")
RUNNER(RunFcvtSW, BODY_F_X_RM, "fcvt.s.w")
RUNNER(RunFcvtSWu, BODY_F_X_RM, "fcvt.s.wu")
RUNNER(RunFcvtSL, BODY_F_X_RM, "fcvt.s.l")
RUNNER(RunFcvtSLu, BODY_F_X_RM, "fcvt.s.lu")
RUNNER_NORM(RunFmvXW, ASM_X("fmv.x.w %[r], ft0"))
RUNNER_NORM(RunFmvWX, ASM_F("fmv.w.x ft3, %[a]"))

RUNNER(RunFaddD, BODY_FF_RM, "fadd.d")
RUNNER(RunFsubD, BODY_FF_RM, "fsub.d")
RUNNER(RunFmulD, BODY_FF_RM, "fmul.d")
RUNNER(RunFdivD, BODY_FF_RM, "fdiv.d")
RUNNER(RunFsqrtD, BODY_F_RM, "fsqrt.d")
RUNNER_NORM(RunFminD, ASM_F("fmin.d ft3, ft0, ft1"))
RUNNER_NORM(RunFmaxD, ASM_F("fmax.d ft3, ft0, ft1"))
RUNNER(RunFmaddD, BODY_FFF_RM, "fmadd.d")
RUNNER(RunFmsubD, BODY_FFF_RM, "fmsub.d")
RUNNER(RunFnmsubD, BODY_FFF_RM, "fnmsub.d")
RUNNER(RunFnmaddD, BODY_FFF_RM, "fnmadd.d")
RUNNER_NORM(RunFsgnjD, ASM_F("fsgnj.d ft3, ft0, ft1"))
RUNNER_NORM(RunFsgnjnD, ASM_F("fsgnjn.d ft3, ft0, ft1"))
RUNNER_NORM(RunFsgnjxD, ASM_F("fsgnjx.d ft3, ft0, ft1"))
RUNNER_NORM(RunFeqD, ASM_X("feq.d %[r], ft0, ft1"))
RUNNER_NORM(RunFltD, ASM_X("flt.d %[r], ft0, ft1"))
RUNNER_NORM(RunFleD, ASM_X("fle.d %[r], ft0, ft1"))
RUNNER_NORM(RunFclassD, ASM_X("fclass.d %[r], ft0"))
RUNNER(RunFcvtWD, BODY_X_F_RM, "fcvt.w.d")
RUNNER(RunFcvtWuD, BODY_X_F_RM, "fcvt.wu.d")
RUNNER(RunFcvtLD, BODY_X_F_RM, "fcvt.l.d")
RUNNER(RunFcvtLuD, BODY_X_F_RM, "fcvt.lu.d")
RUNNER_NORM(RunFcvtDW, ASM_F("fcvt.d.w ft3, %[a]"))  // Exact: no rm operand.
RUNNER_NORM(RunFcvtDWu, ASM_F("fcvt.d.wu ft3, %[a]"))
RUNNER(RunFcvtDL, BODY_F_X_RM, "fcvt.d.l")
RUNNER(RunFcvtDLu, BODY_F_X_RM, "fcvt.d.lu")
RUNNER(RunFcvtSD, BODY_F_RM, "fcvt.s.d")
RUNNER_NORM(RunFcvtDS, ASM_F("fcvt.d.s ft3, ft0"))
RUNNER_NORM(RunFmvXD, ASM_X("fmv.x.d %[r], ft0"))
RUNNER_NORM(RunFmvDX, ASM_F("fmv.d.x ft3, %[a]"))

// ---------------------------------------------------------------------------
// Output.

// Operations without an rm field run once per input, labelled with a random
// rm (the library must ignore it); the others run in all five modes.
static int emit_all_modes;
static u64 Rand(void);

static void Emit(const char* name, Runner run, u64 a, u64 b, u64 c) {
  for (int rm = 0; rm < 5; ++rm) {
    int label = emit_all_modes ? rm : (int)(Rand() % 5);
    u64 r, f;
    run(a, b, c, label, &r, &f);
    printf("%s %d %llx %llx %llx -> %llx %llx\n", name, label, (unsigned long long)a,
           (unsigned long long)b, (unsigned long long)c, (unsigned long long)r,
           (unsigned long long)f);
    if (!emit_all_modes) break;
  }
}

// ---------------------------------------------------------------------------
// Inputs.

// xorshift64*, fixed seed: the vectors are the same on every run.
static u64 rng_state = 0x9e3779b97f4a7c15ull;
static u64 Rand(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}
static u64 RandBelow(u64 n) { return Rand() % n; }

static u64 Box(u32 s) { return 0xffffffff00000000ull | s; }

// Special and boundary single values, as 32-bit patterns.
static const u32 kSpecialS[] = {
    0x00000000, 0x80000000,  // +-0
    0x00000001, 0x80000001,  // +-min subnormal
    0x00000003, 0x00400000,  // subnormals
    0x007fffff, 0x807fffff,  // +-max subnormal
    0x00800000, 0x80800000,  // +-min normal
    0x00800001, 0x00ffffff,  // near min normal
    0x3f800000, 0xbf800000,  // +-1
    0x3f800001, 0x3f7fffff,  // 1 +- ulp
    0x3fc00000, 0x40000000,  // 1.5, 2
    0x40400000, 0xc0a00000,  // 3, -5
    0x3dcccccd, 0x40490fdb,  // 0.1, pi
    0x4b000000, 0x4b7fffff,  // 2^23, 2^24 - 1
    0x7f000000, 0x7f7fffff,  // 2^127, max normal
    0xff7fffff, 0x7effffff,  // -max normal, max/2
    0x7f800000, 0xff800000,  // +-inf
    0x7fc00000, 0xffc00000,  // canonical qNaN, negative qNaN
    0x7fc12345, 0x7f800001,  // qNaN payload, sNaN
    0xff812345, 0x7fbfffff,  // sNaNs
};
// Special and boundary double values.
static const u64 kSpecialD[] = {
    0x0000000000000000ull, 0x8000000000000000ull,  // +-0
    0x0000000000000001ull, 0x8000000000000001ull,  // +-min subnormal
    0x0000000000000003ull, 0x0008000000000000ull,  // subnormals
    0x000fffffffffffffull, 0x800fffffffffffffull,  // +-max subnormal
    0x0010000000000000ull, 0x8010000000000000ull,  // +-min normal
    0x0010000000000001ull, 0x001fffffffffffffull,  // near min normal
    0x3ff0000000000000ull, 0xbff0000000000000ull,  // +-1
    0x3ff0000000000001ull, 0x3fefffffffffffffull,  // 1 +- ulp
    0x3ff8000000000000ull, 0x4000000000000000ull,  // 1.5, 2
    0x4008000000000000ull, 0xc014000000000000ull,  // 3, -5
    0x3fb999999999999aull, 0x400921fb54442d18ull,  // 0.1, pi
    0x4330000000000000ull, 0x433fffffffffffffull,  // 2^52, 2^53 - 1
    0x7fe0000000000000ull, 0x7fefffffffffffffull,  // 2^1023, max normal
    0xffefffffffffffffull, 0x7fdfffffffffffffull,  // -max normal, max/2
    0x7ff0000000000000ull, 0xfff0000000000000ull,  // +-inf
    0x7ff8000000000000ull, 0xfff8000000000000ull,  // canonical qNaN, negative
    0x7ff8000000012345ull, 0x7ff0000000000001ull,  // qNaN payload, sNaN
    0xfff0000000012345ull, 0x7ff7ffffffffffffull,  // sNaNs
    0x36a0000000000000ull, 0x47efffffe0000000ull,  // float min subnormal, max
};
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

// Register values for single operands: boxed specials plus improperly boxed
// patterns (which must read as the canonical NaN).
static u64 special_s[64];
static int num_special_s;
static void InitSpecialS(void) {
  for (unsigned i = 0; i < COUNT(kSpecialS); ++i) special_s[num_special_s++] = Box(kSpecialS[i]);
  special_s[num_special_s++] = 0x000000003f800000ull;  // 1.0, unboxed
  special_s[num_special_s++] = 0xfffffffe00000000ull;  // +0, upper bits almost all ones
  special_s[num_special_s++] = 0x7fffffffff800000ull;  // -inf, unboxed
}

// Random values whose classes are spread: any bit pattern, values near 1
// (so operations interact: cancellation, carries), sparse significands (exact
// products and ties), and exponents near the subnormal and overflow edges.
static u64 RandomD(void) {
  u64 sign = Rand() & 0x8000000000000000ull;
  u64 frac = Rand() & 0x000fffffffffffffull;
  u64 exp;
  switch (RandBelow(8)) {
    case 0:
      return Rand();
    case 1:  // Sparse fraction: a few set bits.
      frac = 0;
      for (int i = (int)RandBelow(4); i >= 0; --i) frac |= 1ull << RandBelow(52);
      exp = 1023 + RandBelow(9) - 4;
      break;
    case 2:  // Fraction with a run of ones or zeros at the bottom.
      frac = (frac >> RandBelow(52)) << RandBelow(8);
      frac &= 0x000fffffffffffffull;
      exp = 1023 + RandBelow(9) - 4;
      break;
    case 3:
      exp = RandBelow(60);  // Near the subnormal range (0: subnormal).
      break;
    case 4:
      exp = 2046 - RandBelow(60);  // Near overflow.
      break;
    case 5:  // Near the single-precision edges (for fcvt.s.d).
      exp = RandBelow(2) ? 1023 - 126 - 30 + RandBelow(40) : 1023 + 110 + RandBelow(20);
      break;
    default:
      exp = 1023 + RandBelow(41) - 20;
      break;
  }
  return sign | exp << 52 | frac;
}
static u32 RandomS(void) {
  u32 sign = (u32)Rand() & 0x80000000u;
  u32 frac = (u32)Rand() & 0x007fffffu;
  u32 exp;
  switch (RandBelow(7)) {
    case 0:
      return (u32)Rand();
    case 1:
      frac = 0;
      for (int i = (int)RandBelow(4); i >= 0; --i) frac |= 1u << RandBelow(23);
      exp = 127 + RandBelow(9) - 4;
      break;
    case 2:
      frac = ((frac >> RandBelow(23)) << RandBelow(6)) & 0x007fffffu;
      exp = 127 + RandBelow(9) - 4;
      break;
    case 3:
      exp = RandBelow(30);
      break;
    case 4:
      exp = 254 - RandBelow(30);
      break;
    default:
      exp = 127 + RandBelow(31) - 15;
      break;
  }
  return sign | exp << 23 | frac;
}

// A second operand related to the first so that the pair is interesting:
// same or nearby exponent (cancellation), or a shift of about the precision
// (ties and sticky bits in addition).
static u64 RelatedD(u64 a) {
  int shift = (int)RandBelow(70) - 8;
  u64 exp = (a >> 52) & 0x7ff;
  u64 new_exp = exp > (u64)shift + 1 ? exp - shift : 1;
  if (new_exp > 2046) new_exp = 2046;
  u64 frac = RandBelow(2) ? (a & 0x000fffffffffffffull) ^ (1ull << RandBelow(52)) : Rand();
  return (Rand() & 0x8000000000000000ull) | new_exp << 52 | (frac & 0x000fffffffffffffull);
}
static u32 RelatedS(u32 a) {
  int shift = (int)RandBelow(40) - 8;
  u32 exp = (a >> 23) & 0xff;
  u32 new_exp = exp > (u32)(shift + 1) ? exp - shift : 1;
  if (new_exp > 254) new_exp = 254;
  u32 frac = RandBelow(2) ? (a & 0x007fffffu) ^ (1u << RandBelow(23)) : (u32)Rand();
  return ((u32)Rand() & 0x80000000u) | new_exp << 23 | (frac & 0x007fffffu);
}

// ---------------------------------------------------------------------------
// Per-shape drivers.

typedef struct {
  const char* name;
  Runner run;
  int has_rm;
} Op;

#define OP(name) \
  { #name, Run##name, 1 }
#define OP_NO_RM(name) \
  { #name, Run##name, 0 }

// Helpers that compute inputs with the instructions themselves (in a random
// mode): the rounding error they leave is what makes the next result land on
// either side of a boundary.
static u64 MulS(u64 a, u64 b) {
  u64 r, f;
  RunFmulS(a, b, 0, (int)RandBelow(5), &r, &f);
  return r;
}
static u64 MulD(u64 a, u64 b) {
  u64 r, f;
  RunFmulD(a, b, 0, (int)RandBelow(5), &r, &f);
  return r;
}
static u64 DivS(u64 a, u64 b) {
  u64 r, f;
  RunFdivS(a, b, 0, (int)RandBelow(5), &r, &f);
  return r;
}
static u64 DivD(u64 a, u64 b) {
  u64 r, f;
  RunFdivD(a, b, 0, (int)RandBelow(5), &r, &f);
  return r;
}

// Pairs (a, b) with a*b or a/b within a few units of the smallest normal or
// the largest finite value: where tininess after rounding and overflow in
// each mode decide flags and results.
static u64 EdgeTargetS(void) {
  u32 sign = (u32)Rand() & 0x80000000u;
  switch (RandBelow(3)) {
    case 0:
      return Box(sign | (0x00800000u - (u32)RandBelow(4)));
    case 1:
      return Box(sign | (0x00800000u + (u32)RandBelow(4)));
    default:
      return Box(sign | (0x7f7fffffu - (u32)RandBelow(4)));
  }
}
static u64 EdgeTargetD(void) {
  u64 sign = Rand() & 0x8000000000000000ull;
  switch (RandBelow(3)) {
    case 0:
      return sign | (0x0010000000000000ull - RandBelow(4));
    case 1:
      return sign | (0x0010000000000000ull + RandBelow(4));
    default:
      return sign | (0x7fefffffffffffffull - RandBelow(4));
  }
}
static void EdgePairS(u64* a, u64* b) {
  const u64 target = EdgeTargetS();
  *b = Box(((u32)Rand() & 0x807fffffu) | (u32)(126 + RandBelow(3)) << 23);
  *a = RandBelow(2) ? DivS(target, *b) : MulS(target, *b);
}
static void EdgePairD(u64* a, u64* b) {
  const u64 target = EdgeTargetD();
  *b = (Rand() & 0x800fffffffffffffull) | (1022 + RandBelow(3)) << 52;
  *a = RandBelow(2) ? DivD(target, *b) : MulD(target, *b);
}

static void BinaryS(const Op* op, int randoms) {
  for (int i = 0; i < num_special_s; ++i)
    for (int j = 0; j < num_special_s; ++j) Emit(op->name, op->run, special_s[i], special_s[j], 0);
  for (int k = 0; k < randoms; ++k) {
    u64 a, b;
    switch (RandBelow(5)) {
      case 0:
        EdgePairS(&a, &b);
        break;
      case 1:
      case 2:
        a = Box(RandomS()), b = Box(RandomS());
        break;
      default:
        a = Box(RandomS()), b = Box(RelatedS((u32)a));
        break;
    }
    Emit(op->name, op->run, a, b, 0);
  }
}
static void BinaryD(const Op* op, int randoms) {
  for (unsigned i = 0; i < COUNT(kSpecialD); ++i)
    for (unsigned j = 0; j < COUNT(kSpecialD); ++j)
      Emit(op->name, op->run, kSpecialD[i], kSpecialD[j], 0);
  for (int k = 0; k < randoms; ++k) {
    u64 a, b;
    switch (RandBelow(5)) {
      case 0:
        EdgePairD(&a, &b);
        break;
      case 1:
      case 2:
        a = RandomD(), b = RandomD();
        break;
      default:
        a = RandomD(), b = RelatedD(a);
        break;
    }
    Emit(op->name, op->run, a, b, 0);
  }
}

// Products of two sparse significands are exact in 2p bits, and with the
// right low bits they sit exactly on, or one unit beside, a rounding tie.
static u32 SparseS(void) {
  u32 frac = 0;
  for (int i = (int)RandBelow(3); i >= 0; --i) frac |= 1u << RandBelow(23);
  return ((u32)Rand() & 0x80000000u) | (u32)(127 + RandBelow(5) - 2) << 23 | frac;
}
static u64 SparseD(void) {
  u64 frac = 0;
  for (int i = (int)RandBelow(3); i >= 0; --i) frac |= 1ull << RandBelow(52);
  return (Rand() & 0x8000000000000000ull) | (1023 + RandBelow(5) - 2) << 52 | frac;
}

// Fused multiply-add: a smaller special set cubed, random triples, and
// triples where c cancels most of a*b (c = -round(a*b) and neighbours), which
// exposes the single rounding and exact-zero signs.
static const u32 kFmaSpecialS[] = {0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000,
                                   0x3f800000, 0xbf800000, 0x3f800001, 0x7f7fffff, 0xff7fffff,
                                   0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001};
static const u64 kFmaSpecialD[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff0000000000001ull,
    0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0x7ff0000000000001ull};

static void FusedS(const Op* op, int randoms) {
  const unsigned n = COUNT(kFmaSpecialS);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j)
      for (unsigned k = 0; k < n; ++k)
        Emit(op->name, op->run, Box(kFmaSpecialS[i]), Box(kFmaSpecialS[j]), Box(kFmaSpecialS[k]));
  // inf * 0 with a quiet NaN addend, and an unboxed addend.
  Emit(op->name, op->run, Box(0x7f800000), Box(0x00000000), Box(0x7fc00000));
  Emit(op->name, op->run, Box(0x3f800000), Box(0x3f800000), 0x3f800000);
  for (int k = 0; k < randoms; ++k) {
    u64 a, b, c;
    switch (RandBelow(5)) {
      case 4:  // Product at a range edge, small addend.
        EdgePairS(&a, &b);
        c = Box(RelatedS((u32)EdgeTargetS()) ^ (RandBelow(2) ? 0 : 0x03000000u));
        break;
      case 0:
        a = Box(RandomS()), b = Box(RandomS()), c = Box(RandomS());
        break;
      case 1: {  // c near -(a*b), or a*b for the negated forms.
        a = Box(RandomS()), b = Box(RandomS());
        u64 p = MulS(a, b);
        u32 pc = (u32)p + (u32)(RandBelow(5) - 2);
        if (RandBelow(2)) pc ^= 0x80000000u;
        c = Box(pc);
        break;
      }
      case 2:
        a = Box(SparseS()), b = Box(SparseS()), c = Box(RelatedS(SparseS()));
        break;
      default: {
        a = Box(RandomS());
        b = Box(RandomS());
        c = Box(RelatedS((u32)MulS(a, b)));
        break;
      }
    }
    Emit(op->name, op->run, a, b, c);
  }
}
static void FusedD(const Op* op, int randoms) {
  const unsigned n = COUNT(kFmaSpecialD);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j)
      for (unsigned k = 0; k < n; ++k)
        Emit(op->name, op->run, kFmaSpecialD[i], kFmaSpecialD[j], kFmaSpecialD[k]);
  Emit(op->name, op->run, 0x7ff0000000000000ull, 0, 0x7ff8000000000000ull);
  for (int k = 0; k < randoms; ++k) {
    u64 a, b, c;
    switch (RandBelow(5)) {
      case 4:
        EdgePairD(&a, &b);
        c = RelatedD(EdgeTargetD());
        break;
      case 0:
        a = RandomD(), b = RandomD(), c = RandomD();
        break;
      case 1: {
        a = RandomD(), b = RandomD();
        c = MulD(a, b) + (RandBelow(5) - 2);
        if (RandBelow(2)) c ^= 0x8000000000000000ull;
        break;
      }
      case 2:
        a = SparseD(), b = SparseD(), c = RelatedD(SparseD());
        break;
      default:
        a = RandomD(), b = RandomD();
        c = RelatedD(MulD(a, b));
        break;
    }
    Emit(op->name, op->run, a, b, c);
  }
}

// Unary floating-point operand.
static void UnaryS(const Op* op, int randoms) {
  for (int i = 0; i < num_special_s; ++i) Emit(op->name, op->run, special_s[i], 0, 0);
  for (int k = 0; k < randoms; ++k) {
    u64 a;
    switch (RandBelow(4)) {
      case 0:
        a = Box(SparseS());
        break;
      case 1: {  // Exact squares and their neighbours (for fsqrt).
        u64 s = Box(SparseS());
        a = MulS(s, s) + (RandBelow(3) - 1);
        break;
      }
      default:
        a = Box(RandomS());
        break;
    }
    Emit(op->name, op->run, a, 0, 0);
  }
}
static void UnaryD(const Op* op, int randoms) {
  for (unsigned i = 0; i < COUNT(kSpecialD); ++i) Emit(op->name, op->run, kSpecialD[i], 0, 0);
  for (int k = 0; k < randoms; ++k) {
    u64 a;
    switch (RandBelow(4)) {
      case 0:
        a = SparseD();
        break;
      case 1: {
        u64 s = SparseD();
        a = MulD(s, s) + (RandBelow(3) - 1);
        break;
      }
      default:
        a = RandomD();
        break;
    }
    Emit(op->name, op->run, a, 0, 0);
  }
}

// Floating point to integer: values around integer bounds, halves (ties in
// every mode), small fractions, and random magnitudes.
static const double kToIntD[] = {0.0,
                                 -0.0,
                                 0.25,
                                 0.5,
                                 0.75,
                                 1.0,
                                 1.5,
                                 2.5,
                                 3.5,
                                 -0.25,
                                 -0.5,
                                 -0.75,
                                 -1.0,
                                 -1.5,
                                 -2.5,
                                 -3.5,
                                 2147483647.0,
                                 2147483647.5,
                                 2147483648.0,
                                 2147483648.5,
                                 2147483646.5,
                                 -2147483648.0,
                                 -2147483648.5,
                                 -2147483649.0,
                                 -2147483647.5,
                                 4294967295.0,
                                 4294967295.5,
                                 4294967296.0,
                                 4294967294.5,
                                 9223372036854775808.0,
                                 -9223372036854775808.0,
                                 9223372036854774784.0,
                                 -9223372036854774784.0,
                                 18446744073709551616.0,
                                 18446744073709549568.0,
                                 -18446744073709551616.0,
                                 1e300,
                                 -1e300,
                                 4503599627370495.5,
                                 -4503599627370495.5};
static const float kToIntS[] = {0.0f,
                                -0.0f,
                                0.25f,
                                0.5f,
                                0.75f,
                                1.0f,
                                1.5f,
                                2.5f,
                                -0.25f,
                                -0.5f,
                                -1.0f,
                                -1.5f,
                                -2.5f,
                                2147483648.0f,
                                2147483520.0f,
                                -2147483648.0f,
                                -2147483904.0f,
                                4294967296.0f,
                                4294967040.0f,
                                9223372036854775808.0f,
                                9223371487098961920.0f,
                                -9223372036854775808.0f,
                                -9223373136366403584.0f,
                                18446744073709551616.0f,
                                18446742974197923840.0f,
                                8388607.5f,
                                -8388607.5f,
                                1e30f,
                                -1e30f};

static u64 DoubleBits(double d) {
  u64 u;
  memcpy(&u, &d, sizeof u);
  return u;
}
static u32 FloatBits(float f) {
  u32 u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static double RandomNearInteger(void) {
  // An integer of random width, plus a fraction that is often a tie.
  int width = (int)RandBelow(66);
  u64 n = width == 0 ? 0 : Rand() >> (64 - width);
  static const double kFractions[] = {0.0, 0.5, 0.25, 0.75, 0.5000001, 0.4999999, 1e-9};
  double d = (double)n + kFractions[RandBelow(COUNT(kFractions))];
  return RandBelow(2) ? -d : d;
}

static void ToIntS(const Op* op, int randoms) {
  UnaryS(op, randoms / 2);
  for (unsigned i = 0; i < COUNT(kToIntS); ++i)
    Emit(op->name, op->run, Box(FloatBits(kToIntS[i])), 0, 0);
  for (int k = 0; k < randoms / 2; ++k) {
    Emit(op->name, op->run, Box(FloatBits((float)RandomNearInteger())), 0, 0);
  }
}
static void ToIntD(const Op* op, int randoms) {
  UnaryD(op, randoms / 2);
  for (unsigned i = 0; i < COUNT(kToIntD); ++i)
    Emit(op->name, op->run, DoubleBits(kToIntD[i]), 0, 0);
  for (int k = 0; k < randoms / 2; ++k) {
    Emit(op->name, op->run, DoubleBits(RandomNearInteger()), 0, 0);
  }
}

// Integer to floating point: full 64-bit register values (the 32-bit forms
// must ignore the upper half), bounds, and integers one bit wider than the
// precision with tie patterns at the bottom.
static const u64 kIntegers[] = {0,
                                1,
                                2,
                                3,
                                0xffffffffffffffffull,
                                0xfffffffffffffffeull,
                                0x7fffffff,
                                0x80000000,
                                0xffffffff80000000ull,
                                0xffffffff,
                                0x100000000ull,
                                0xffffffff00000001ull,
                                0x1000000,
                                0x1000001,
                                0x1000002,
                                0x1000003,
                                0x2000003,
                                0x7fffff80,
                                0x7fffffc0,
                                0xffffff80,
                                0x20000000000000ull,
                                0x20000000000001ull,
                                0x20000000000003ull,
                                0x7fffffffffffffffull,
                                0x8000000000000000ull,
                                0x8000000000000001ull,
                                0x7ffffffffffffc00ull,
                                0x7ffffffffffffe00ull,
                                0xfffffffffffff800ull,
                                0xfffffffffffffc00ull,
                                0x8000008000000000ull,
                                0x12345678abcdef01ull,
                                0xdeadbeef00000001ull};

static void FromInt(const Op* op, int randoms) {
  for (unsigned i = 0; i < COUNT(kIntegers); ++i) Emit(op->name, op->run, kIntegers[i], 0, 0);
  for (int k = 0; k < randoms; ++k) {
    u64 x;
    switch (RandBelow(3)) {
      case 0:
        x = Rand();
        break;
      case 1:  // Random width (so both 32- and 64-bit forms round).
        x = Rand() >> RandBelow(64);
        break;
      default: {  // p+1 .. p+3 significant bits at a random position.
        int bits = 24 + (int)RandBelow(4) + (RandBelow(2) ? 29 : 0);
        x = (Rand() | 1ull << 63) >> (64 - bits);
        x <<= RandBelow(64 - bits + 1);
        if (RandBelow(2)) x = ~x + 1;
        break;
      }
    }
    Emit(op->name, op->run, x, 0, 0);
  }
}

// fcvt.s.d: doubles near float ties and the float range edges.
static void NarrowD(const Op* op, int randoms) {
  UnaryD(op, randoms / 2);
  // Within about 2^-22 of the smallest normal and the largest finite float.
  static const u64 kEdges[] = {0x3810000000000000ull, 0x47efffffe0000000ull, 0x47f0000000000000ull,
                               0x36a0000000000000ull};
  for (int k = 0; k < randoms / 4; ++k) {
    u64 d = kEdges[RandBelow(COUNT(kEdges))];
    d = RandBelow(2) ? d + RandBelow(1u << 31) : d - RandBelow(1u << 31);
    Emit(op->name, op->run, d ^ (Rand() & 0x8000000000000000ull), 0, 0);
  }
  for (int k = 0; k < randoms / 2; ++k) {
    u64 d = RandomD();
    // Put a tie (or one ulp beside it) at the float rounding position.
    u64 low = (1ull << 28) + (RandBelow(3) - 1);
    if (RandBelow(2)) d = (d & ~((1ull << 29) - 1)) | (low & ((1ull << 29) - 1));
    Emit(op->name, op->run, d, 0, 0);
  }
}

// Raw bit moves: arbitrary register contents.
static void MoveS(const Op* op, int randoms) {
  UnaryS(op, 0);
  for (int k = 0; k < randoms; ++k) Emit(op->name, op->run, Rand(), 0, 0);
}

// ---------------------------------------------------------------------------
// HostPath section: zero/normal operands in RNE, where the library's host-FPU
// fast path answers, each vector with fflags cleared, with NX preset, and
// with a random preset.

static void EmitPresets(const char* name, Runner run, u64 a, u64 b, u64 c, int rm) {
  const u64 presets[3] = {0, 1 /* NX */, RandBelow(32)};
  for (int i = 0; i < 3; ++i) {
    u64 r, f;
    preset = presets[i];
    run(a, b, c, rm, &r, &f);
    printf("%s %d %llx %llx %llx %llx -> %llx %llx\n", name, rm, (unsigned long long)a,
           (unsigned long long)b, (unsigned long long)c, (unsigned long long)preset,
           (unsigned long long)r, (unsigned long long)f);
  }
  preset = 0;
}

static double DoubleFromBits(u64 u) {
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}
static float FloatFromBits(u32 u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

// Normal values: mostly ordinary magnitudes, some sparse (exact results) and
// small integers (exact sums, products, quotients), some zeros.
static u64 NormalD(void) {
  switch (RandBelow(8)) {
    case 0:
      return SparseD();
    case 1:
      return DoubleBits((double)((int)RandBelow(41) - 20));
    default:
      return (Rand() & 0x8000000000000000ull) | (1023 + RandBelow(61) - 30) << 52 |
             (Rand() & 0x000fffffffffffffull);
  }
}
static u32 NormalS(void) {
  switch (RandBelow(8)) {
    case 0:
      return SparseS();
    case 1:
      return FloatBits((float)((int)RandBelow(41) - 20));
    default:
      return ((u32)Rand() & 0x80000000u) | (u32)(127 + RandBelow(31) - 15) << 23 |
             ((u32)Rand() & 0x007fffffu);
  }
}

// A value within a few units (or up to 2^20 units) of a decision point of
// the fast path: the smallest normal, 2^-968 (binary64 residual bound,
// single: 2^-101 for symmetry) and the largest finite value.
static u64 ThresholdD(void) {
  static const u64 kPoints[] = {0x0010000000000000ull, 0x0370000000000000ull,
                                0x7fefffffffffffffull};
  const int which = (int)RandBelow(3);
  const u64 delta = RandBelow(2) ? RandBelow(4) : RandBelow(1u << 20);
  const u64 magnitude =
      which == 2 || RandBelow(2) ? kPoints[which] - delta : kPoints[which] + delta;
  return (Rand() & 0x8000000000000000ull) | magnitude;
}
static u32 ThresholdS(void) {
  static const u32 kPoints[] = {0x00800000u, 0x0d000000u, 0x7f7fffffu};
  const int which = (int)RandBelow(3);
  const u32 delta = RandBelow(2) ? (u32)RandBelow(4) : (u32)RandBelow(1u << 12);
  const u32 magnitude =
      which == 2 || RandBelow(2) ? kPoints[which] - delta : kPoints[which] + delta;
  return ((u32)Rand() & 0x80000000u) | magnitude;
}

typedef enum { kHostAdd, kHostMul, kHostDiv, kHostSqrt, kHostFused } HostShape;

static void HostPathD(const Op* op, HostShape shape, int randoms) {
  for (int k = 0; k < randoms; ++k) {
    u64 a = NormalD(), b = NormalD(), c = NormalD();
    const int pick = (int)RandBelow(4);
    switch (shape) {
      case kHostAdd:
        if (pick == 0) b = RelatedD(a);
        if (pick == 1) a = ThresholdD(), b = RelatedD(a);
        break;
      case kHostMul:  // a * b near a threshold.
        if (pick == 0) a = DivD(ThresholdD(), b);
        break;
      case kHostDiv:  // a / b near a threshold, or exact.
        if (pick == 0) a = MulD(ThresholdD(), b);
        if (pick == 1) a = MulD(NormalD(), b);
        break;
      case kHostSqrt:  // Exact squares, their neighbours, thresholds.
        a &= ~0x8000000000000000ull;
        if (pick == 0) a = MulD(a, a) + (RandBelow(3) - 1);
        if (pick == 1) a = ThresholdD() & ~0x8000000000000000ull;
        break;
      case kHostFused:
        if (pick == 0) c = (MulD(a, b) + (RandBelow(5) - 2)) ^ (Rand() & 0x8000000000000000ull);
        if (pick == 1) a = DivD(ThresholdD(), b);
        if (pick == 2) c = RelatedD(MulD(a, b));
        break;
    }
    EmitPresets(op->name, op->run, a, shape == kHostSqrt ? 0 : b, shape == kHostFused ? c : 0, 0);
  }
}
static void HostPathS(const Op* op, HostShape shape, int randoms) {
  for (int k = 0; k < randoms; ++k) {
    u64 a = Box(NormalS()), b = Box(NormalS()), c = Box(NormalS());
    const int pick = (int)RandBelow(4);
    switch (shape) {
      case kHostAdd:
        if (pick == 0) b = Box(RelatedS((u32)a));
        if (pick == 1) a = Box(ThresholdS()), b = Box(RelatedS((u32)a));
        break;
      case kHostMul:
        if (pick == 0) a = DivS(Box(ThresholdS()), b);
        break;
      case kHostDiv:
        if (pick == 0) a = MulS(Box(ThresholdS()), b);
        if (pick == 1) a = MulS(Box(NormalS()), b);
        break;
      case kHostSqrt:
        a &= ~0x80000000ull;
        if (pick == 0) a = MulS(a, a) + (RandBelow(3) - 1);
        if (pick == 1) a = Box(ThresholdS() & ~0x80000000u);
        break;
      case kHostFused:
        if (pick == 0)
          c = Box(((u32)MulS(a, b) + (u32)(RandBelow(5) - 2)) ^ ((u32)Rand() & 0x80000000u));
        if (pick == 1) a = DivS(Box(ThresholdS()), b);
        if (pick == 2) c = Box(RelatedS((u32)MulS(a, b)));
        break;
    }
    EmitPresets(op->name, op->run, a, shape == kHostSqrt ? 0 : b, shape == kHostFused ? c : 0, 0);
  }
}
// Conversions: to integer in RNE and RTZ, from integer and between formats
// in RNE.
static void HostPathToInt(const Op* op, int is_single, int randoms) {
  static const double kBounds[] = {2147483647.0, 2147483648.0, 9223372036854775808.0};
  for (int k = 0; k < randoms; ++k) {
    double d;
    switch (RandBelow(4)) {
      case 0:  // Within a few ulps of an integer bound.
        d = DoubleFromBits(DoubleBits(kBounds[RandBelow(COUNT(kBounds))]) + RandBelow(9) - 4);
        if (RandBelow(2)) d = -d;
        break;
      case 1:
        d = DoubleFromBits(NormalD());
        break;
      default:
        d = RandomNearInteger();
        break;
    }
    const u64 a = is_single ? Box(FloatBits((float)d)) : DoubleBits(d);
    EmitPresets(op->name, op->run, a, 0, 0, RandBelow(2) ? 0 : 1);
  }
}
static void HostPathFromInt(const Op* op, int randoms) {
  static const int kWidths[] = {16, 24, 25, 31, 32, 53, 54, 63, 64};
  for (int k = 0; k < randoms; ++k) {
    u64 x = Rand() >> (64 - kWidths[RandBelow(COUNT(kWidths))]);
    if (RandBelow(2)) x <<= RandBelow(12);  // Trailing zeros: exact conversions.
    if (RandBelow(2)) x = ~x + 1;
    EmitPresets(op->name, op->run, x, 0, 0, 0);
  }
}
static void HostPathNarrow(const Op* op, int randoms) {
  for (int k = 0; k < randoms; ++k) {
    u64 a;
    switch (RandBelow(4)) {
      case 0:  // Exact: a binary32 value.
        a = DoubleBits((double)FloatFromBits(NormalS()));
        break;
      case 1:  // Near the binary32 thresholds.
        a = DoubleBits((double)FloatFromBits(ThresholdS())) +
            (RandBelow(2) ? RandBelow(1u << 30) : -RandBelow(1u << 30));
        break;
      default:
        a = NormalD();
        break;
    }
    EmitPresets(op->name, op->run, a, 0, 0, 0);
  }
}
static void HostPathWiden(const Op* op, int randoms) {
  for (int k = 0; k < randoms; ++k) EmitPresets(op->name, op->run, Box(NormalS()), 0, 0, 0);
}

static void RunHostPath(int randoms) {
  static const struct {
    Op op;
    HostShape shape;
  } kArithS[] = {{OP(FaddS), kHostAdd},    {OP(FsubS), kHostAdd},     {OP(FmulS), kHostMul},
                 {OP(FdivS), kHostDiv},    {OP(FsqrtS), kHostSqrt},   {OP(FmaddS), kHostFused},
                 {OP(FmsubS), kHostFused}, {OP(FnmsubS), kHostFused}, {OP(FnmaddS), kHostFused}},
    kArithD[] = {{OP(FaddD), kHostAdd},    {OP(FsubD), kHostAdd},     {OP(FmulD), kHostMul},
                 {OP(FdivD), kHostDiv},    {OP(FsqrtD), kHostSqrt},   {OP(FmaddD), kHostFused},
                 {OP(FmsubD), kHostFused}, {OP(FnmsubD), kHostFused}, {OP(FnmaddD), kHostFused}};
  for (unsigned i = 0; i < COUNT(kArithS); ++i)
    HostPathS(&kArithS[i].op, kArithS[i].shape, randoms);
  for (unsigned i = 0; i < COUNT(kArithD); ++i)
    HostPathD(&kArithD[i].op, kArithD[i].shape, randoms);
  static const Op kToIntS[] = {OP(FcvtWS), OP(FcvtLS)}, kToIntD[] = {OP(FcvtWD), OP(FcvtLD)};
  for (unsigned i = 0; i < COUNT(kToIntS); ++i) HostPathToInt(&kToIntS[i], 1, randoms);
  for (unsigned i = 0; i < COUNT(kToIntD); ++i) HostPathToInt(&kToIntD[i], 0, randoms);
  static const Op kFromInt[] = {OP(FcvtSW), OP(FcvtSWu), OP(FcvtSL), OP(FcvtSLu),
                                OP(FcvtDW), OP(FcvtDWu), OP(FcvtDL), OP(FcvtDLu)};
  for (unsigned i = 0; i < COUNT(kFromInt); ++i) HostPathFromInt(&kFromInt[i], randoms);
  static const Op kNarrow = OP(FcvtSD), kWiden = OP(FcvtDS);
  HostPathNarrow(&kNarrow, randoms);
  HostPathWiden(&kWiden, randoms);
}

typedef void (*Driver)(const Op* op, int randoms);
static void RunAll(Driver driver, const Op* ops, unsigned count, int randoms) {
  for (unsigned i = 0; i < count; ++i) {
    emit_all_modes = ops[i].has_rm;
    // Operations that ignore rm get five times the inputs instead.
    driver(&ops[i], ops[i].has_rm ? randoms : 5 * randoms);
  }
}

int main(void) {
  static char buffer[1 << 20];
  setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  InitSpecialS();

  const int kRandoms = 1500;
  static const Op kBinaryS[] = {OP(FaddS),        OP(FsubS),         OP(FmulS),
                                OP(FdivS),        OP_NO_RM(FminS),   OP_NO_RM(FmaxS),
                                OP_NO_RM(FsgnjS), OP_NO_RM(FsgnjnS), OP_NO_RM(FsgnjxS),
                                OP_NO_RM(FeqS),   OP_NO_RM(FltS),    OP_NO_RM(FleS)};
  static const Op kBinaryD[] = {OP(FaddD),        OP(FsubD),         OP(FmulD),
                                OP(FdivD),        OP_NO_RM(FminD),   OP_NO_RM(FmaxD),
                                OP_NO_RM(FsgnjD), OP_NO_RM(FsgnjnD), OP_NO_RM(FsgnjxD),
                                OP_NO_RM(FeqD),   OP_NO_RM(FltD),    OP_NO_RM(FleD)};
  static const Op kFusedS[] = {OP(FmaddS), OP(FmsubS), OP(FnmsubS), OP(FnmaddS)};
  static const Op kFusedD[] = {OP(FmaddD), OP(FmsubD), OP(FnmsubD), OP(FnmaddD)};
  static const Op kUnaryS[] = {OP(FsqrtS), OP_NO_RM(FclassS), OP_NO_RM(FcvtDS)};
  static const Op kUnaryD[] = {OP(FsqrtD), OP_NO_RM(FclassD), OP_NO_RM(FmvXD)};
  static const Op kToIntOpsS[] = {OP(FcvtWS), OP(FcvtWuS), OP(FcvtLS), OP(FcvtLuS)};
  static const Op kToIntOpsD[] = {OP(FcvtWD), OP(FcvtWuD), OP(FcvtLD), OP(FcvtLuD)};
  static const Op kFromInt[] = {OP(FcvtSW),       OP(FcvtSWu),       OP(FcvtSL), OP(FcvtSLu),
                                OP_NO_RM(FcvtDW), OP_NO_RM(FcvtDWu), OP(FcvtDL), OP(FcvtDLu),
                                OP_NO_RM(FmvWX),  OP_NO_RM(FmvDX)};
  static const Op kMoveS[] = {OP_NO_RM(FmvXW)};
  static const Op kNarrow[] = {OP(FcvtSD)};

  RunAll(BinaryS, kBinaryS, COUNT(kBinaryS), kRandoms);
  RunAll(BinaryD, kBinaryD, COUNT(kBinaryD), kRandoms);
  RunAll(FusedS, kFusedS, COUNT(kFusedS), kRandoms);
  RunAll(FusedD, kFusedD, COUNT(kFusedD), kRandoms);
  RunAll(UnaryS, kUnaryS, COUNT(kUnaryS), kRandoms);
  RunAll(UnaryD, kUnaryD, COUNT(kUnaryD), kRandoms);
  RunAll(ToIntS, kToIntOpsS, COUNT(kToIntOpsS), kRandoms);
  RunAll(ToIntD, kToIntOpsD, COUNT(kToIntOpsD), kRandoms);
  RunAll(FromInt, kFromInt, COUNT(kFromInt), kRandoms);
  RunAll(MoveS, kMoveS, COUNT(kMoveS), kRandoms);
  RunAll(NarrowD, kNarrow, COUNT(kNarrow), kRandoms);
  RunHostPath(3000);
  return 0;
}
