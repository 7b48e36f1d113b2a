// A function in its own page of the program's text, patched by smc_text_test.c
// after mprotect. `smc_patchme` must stay exactly `addi a0, a0, 1; ret` (both
// 32-bit: no C extension here) so the test can rewrite the addi's immediate.
    .option norvc
    .option norelax
    .section .text.smc_patchme, "ax", @progbits
    .balign 4096
    .globl smc_patchme
    .type smc_patchme, @function
smc_patchme:
    addi a0, a0, 1
    ret
    .size smc_patchme, . - smc_patchme

    // A loop calling smc_patchme n times from the same page (a hot caller that a
    // translator chains to the callee): returns the sum of smc_patchme(i).
    .globl smc_patch_caller
    .type smc_patch_caller, @function
smc_patch_caller:
    addi sp, sp, -32
    sd ra, 24(sp)
    sd s0, 16(sp)
    sd s1, 8(sp)
    mv s0, a0
    li s1, 0
1:  beqz s0, 2f
    mv a0, s0
    jal ra, smc_patchme
    add s1, s1, a0
    addi s0, s0, -1
    j 1b
2:  mv a0, s1
    ld s1, 8(sp)
    ld s0, 16(sp)
    ld ra, 24(sp)
    addi sp, sp, 32
    ret
    .size smc_patch_caller, . - smc_patch_caller
    .balign 4096
