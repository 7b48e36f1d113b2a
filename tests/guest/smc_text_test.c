// Patches code in the program's own text segment: mprotect the page holding
// smc_patchme (smc_text_patch.S) to RWX, rewrite the immediate of its
// `addi a0, a0, 1`, fence.i, and call it again, directly and from a hot loop in
// the same page; then restore R-X. A translator must notice the store to a page
// it has translated code from (or honour fence.i) and re-translate.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_check.h"

long smc_patchme(long x);
long smc_patch_caller(long n);

static uint32_t EncodeAddiA0(int imm) {  // addi a0, a0, imm
  return ((uint32_t)(imm & 0xfff) << 20) | 10u << 15 | 10u << 7 | 0x13u;
}

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  uint32_t* insn = (uint32_t*)(void*)smc_patchme;
  uintptr_t start = (uintptr_t)insn & ~(uintptr_t)(page - 1);
  CHECK_EQ(insn[0], EncodeAddiA0(1));
  CHECK_EQ(insn[1], 0x00008067u);  // ret

  // Warm up: translated and chained before any patch.
  CHECK_EQ(smc_patchme(41), 42);
  CHECK_EQ(smc_patch_caller(1000), 1000 * 1001 / 2 + 1000);

  CHECK(mprotect((void*)start, page, PROT_READ | PROT_WRITE | PROT_EXEC) == 0);
  long total = 0;
  for (int imm = -2048; imm <= 2047; imm += 91) {
    insn[0] = EncodeAddiA0(imm);
    asm volatile("fence.i" ::: "memory");
    long direct = smc_patchme(100);
    long looped = smc_patch_caller(100);  // sum(1..100) + 100*imm
    CHECK_EQ(direct, 100 + imm);
    CHECK_EQ(looped, 5050 + 100L * imm);
    total += direct + looped;
  }
  insn[0] = EncodeAddiA0(1);
  asm volatile("fence.i" ::: "memory");
  CHECK(mprotect((void*)start, page, PROT_READ | PROT_EXEC) == 0);
  CHECK_EQ(smc_patchme(1), 2);
  printf("patched text: total %ld\n", total);
  return GuestFinish();
}
