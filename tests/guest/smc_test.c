// Self-modifying code in an RWX mapping: generate `addi a0, a0, IMM; ret`, run it,
// rewrite the immediate, fence.i, run again - many times, so that a translator
// has the block translated (and chained from a hot call site) before each rewrite.
// Also: code that stores into its own page and executes the patched instruction
// after a fence.i; the JIT pattern of RW -> mprotect RX -> RW; and
// __builtin___clear_cache (the riscv_flush_icache syscall) instead of fence.i.
// Expected values follow from the RV64I encodings (ISA manual, chapter 2).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "guest_check.h"

// I-type encodings: imm[11:0] | rs1 | funct3 | rd | opcode.
static uint32_t EncodeAddi(int rd, int rs1, int imm) {
  return ((uint32_t)(imm & 0xfff) << 20) | (uint32_t)rs1 << 15 | 0u << 12 | (uint32_t)rd << 7 |
         0x13u;
}
enum { kA0 = 10, kA1 = 11, kA2 = 12, kZero = 0, kRa = 1 };
static const uint32_t kRet = 0x00008067;     // jalr x0, 0(ra)
static const uint32_t kFenceI = 0x0000100f;  // fence.i

static void FenceI(void) { asm volatile("fence.i" ::: "memory"); }

typedef long (*Fn)(long, long);

// A call site that stays hot across rewrites: the same indirect call every time.
static long __attribute__((noinline)) CallMany(Fn f, long n) {
  long acc = 0;
  for (long i = 0; i < n; i++) acc = f(acc, i);
  return acc;
}

int main(void) {
  uint32_t* code =
      mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(code != MAP_FAILED);
  Fn fn = (Fn)(void*)code;

  // 1. Rewrite the immediate of a hot function 1000 times.
  long total = 0;
  int bad = 0;
  for (int imm = -500; imm < 500; imm++) {
    code[0] = EncodeAddi(kA0, kA0, imm);
    code[1] = kRet;
    FenceI();
    long r = CallMany(fn, 50);  // 50 calls of acc += imm
    if (r != 50L * imm) bad++;
    total += r;
  }
  printf("rewrite loop: %d wrong results, total %ld\n", bad, total);
  CHECK_EQ(bad, 0);
  CHECK_EQ(total, -25000);  // 50 * sum(-500..499) = 50 * -500

  // 2. Change the instruction itself, not only the immediate: addi -> add a0,a0,a1
  //    (R-type: funct7 0, rs2 a1, rs1 a0, funct3 0, rd a0, opcode 0x33).
  code[0] = 0x00b50533;
  FenceI();
  CHECK_EQ(fn(40, 2), 42);
  code[0] = 0x40b50533;  // sub a0, a0, a1
  FenceI();
  CHECK_EQ(fn(40, 2), 38);

  // 3. Code that patches a later instruction in its own page, then fences and runs
  //    it:  sw a1, 12(a2) ; fence.i ; nop ; <target: addi a0, zero, 1> ; ret
  //    called with a2 = code address and a1 = the new instruction word.
  uint32_t* p = code + 64;
  p[0] = 0x00b62623;  // sw a1, 12(a2)
  p[1] = kFenceI;
  p[2] = EncodeAddi(kZero, kZero, 0);  // nop
  p[3] = EncodeAddi(kA0, kZero, 1);    // target: li a0, 1
  p[4] = kRet;
  FenceI();
  long (*patcher)(long, uint32_t, uint32_t*) = (long (*)(long, uint32_t, uint32_t*))(void*)p;
  int patched_ok = 0;
  for (int k = 2; k < 200; k++) {
    long got = patcher(0, EncodeAddi(kA0, kZero, k), p);
    patched_ok += got == k;  // the store happened before the fetch of the target
  }
  printf("in-page patching: %d of 198 saw the new instruction\n", patched_ok);
  CHECK_EQ(patched_ok, 198);

  // 4. The JIT pattern: write while RW, execute while RX, and back.
  uint32_t* jit = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(jit != MAP_FAILED);
  long jit_sum = 0;
  for (int round = 1; round <= 20; round++) {
    CHECK(mprotect(jit, 8192, PROT_READ | PROT_WRITE) == 0);
    // Second page: addi a0, a0, round*3 ; ret
    jit[1024] = EncodeAddi(kA0, kA0, round * 3);
    jit[1025] = kRet;
    CHECK(mprotect(jit, 8192, PROT_READ | PROT_EXEC) == 0);
    __builtin___clear_cache((char*)jit, (char*)(jit + 2048));
    jit_sum += CallMany((Fn)(void*)(jit + 1024), 10);
  }
  printf("mprotect JIT: sum %ld\n", jit_sum);
  CHECK_EQ(jit_sum, 10L * 3 * (20 * 21 / 2));

  // 5. Many small functions in one page, each rewritten in turn, called through a
  //    table: only the rewritten one may change.
  uint32_t* many = code + 256;
  for (int i = 0; i < 32; i++) {
    many[2 * i] = EncodeAddi(kA0, kA0, i);
    many[2 * i + 1] = kRet;
  }
  FenceI();
  long before = 0;
  for (int i = 0; i < 32; i++) before += ((Fn)(void*)(many + 2 * i))(0, 0);
  many[2 * 7] = EncodeAddi(kA0, kA0, 1000);
  FenceI();
  long after = 0;
  for (int i = 0; i < 32; i++) after += ((Fn)(void*)(many + 2 * i))(0, 0);
  printf("table of 32: before %ld after %ld\n", before, after);
  CHECK_EQ(before, 496);
  CHECK_EQ(after, 496 - 7 + 1000);
  return GuestFinish();
}
