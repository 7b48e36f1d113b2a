// Hot loops laid out across page boundaries, for xpage_test.c. A translator must
// handle a block whose instructions continue on the next page, a 32-bit
// instruction whose two halves lie on different pages (possible with the C
// extension: it starts at page offset 4094), and chains between blocks on
// different pages. Positions are fixed with .org in a page-aligned section (and
// checked by xpage_test.c); linker relaxation is off so nothing moves.
//
// long xpage_straddle(long n, long x)   // n > 0
//   h = 0; for (i = n; i != 0; i--) { x = 5*x + 1; h ^= x + i; } return h;
// long xpage_pingpong(long n, long x)   // n > 0
//   h = x; for (i = n; i != 0; i--) { h = h*3 + i (page 2); h ^= h >> 7 (page 3);
//                                     h += leaf(h) (page 3 -> page 4 call); }
//   where leaf(v) = (v & 0xff) + 1
//   return h;

    .option norelax
    .section .text.xpage, "ax", @progbits
    .balign 4096
page1:
    // Filler before the functions: never executed (zero halfwords are illegal).
    .org 4094 - 12
    .globl xpage_straddle
    .type xpage_straddle, @function
xpage_straddle:
    .option push
    .option rvc
    c.li a2, 0                  // 4082: h = 0
    c.nop                       // 4084
1:  slli t0, a1, 2              // 4086: 4 bytes (t0 has no compressed form here)
    add a1, a1, t0              // 4090: c.add, 2 bytes
    c.addi a1, 1                // 4092: x = 5x + 1
    .option norvc
    .globl xpage_straddle_insn
xpage_straddle_insn:
    add a3, a1, a0              // 4094: 4 bytes, crosses into page 2
    .option rvc
    c.xor a2, a3                // page 2
    c.addi a0, -1
    c.bnez a0, 1b               // back to page 1
    c.mv a0, a2
    c.jr ra
    .option pop
    .size xpage_straddle, . - xpage_straddle

    // Page 2: the head of the ping-pong loop.
    .org 8192 + 256
    .globl xpage_pingpong
    .type xpage_pingpong, @function
xpage_pingpong:
    addi sp, sp, -16
    sd ra, 8(sp)
    mv a2, a1                   // h = x
pingpong_head:
    slli t0, a2, 1
    add a2, a2, t0              // h *= 3
    add a2, a2, a0              // h += i
    j pingpong_page3            // to page 3
pingpong_back:
    addi a0, a0, -1
    bnez a0, pingpong_head
    mv a0, a2
    ld ra, 8(sp)
    addi sp, sp, 16
    ret
    .size xpage_pingpong, . - xpage_pingpong

    // Page 3, near its end: the block runs into page 4 and calls a leaf there.
    .org 3 * 4096 - 8
    .globl xpage_pingpong_page3
xpage_pingpong_page3:
pingpong_page3:
    srli t0, a2, 7              // 12280
    xor a2, a2, t0              // 12284
    mv t2, a0                   // 12288: page 4
    mv a0, a2
    call xpage_leaf             // page 4 -> leaf on page 4
    add a2, a2, a0              // h += leaf(h)
    mv a0, t2
    j pingpong_back             // back to page 2

    .org 4 * 4096 + 1024
    .globl xpage_leaf
    .type xpage_leaf, @function
xpage_leaf:
    andi a0, a0, 0xff
    addi a0, a0, 1
    ret
    .size xpage_leaf, . - xpage_leaf

    // The layout is asserted by xpage_test.c at run time (label addresses modulo
    // the page size): gas cannot evaluate label differences across .org here.
