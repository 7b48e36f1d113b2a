// Explicit C-extension (compressed) instructions, for rvc_test.c. Every 16-bit
// form an RV64GC program can contain appears here at least once, spelled with its
// c.* mnemonic so the assembler cannot choose a 32-bit encoding instead.
    .option rvc
    .option norelax
    .text

// void rvc_alu(long x, long y, long out[16])
    .globl rvc_alu
    .type rvc_alu, @function
rvc_alu:
    c.mv a3, a0
    c.addi a3, 7
    c.sd a3, 0(a2)          // out[0] = x + 7
    c.li a4, -32
    c.sd a4, 8(a2)          // out[1] = -32
    c.lui a5, 0x1f
    c.sd a5, 16(a2)         // out[2] = 0x1f000
    c.lui a5, 0xfffe0
    c.sd a5, 24(a2)         // out[3] = sign-extended 0xfffe0000 (c.lui imm is 6 bits)
    c.mv a3, a0
    c.addiw a3, 1
    c.sd a3, 32(a2)         // out[4] = sext32(x + 1)
    c.mv a3, a0
    c.slli a3, 60
    c.sd a3, 40(a2)         // out[5] = x << 60
    c.mv a3, a0
    c.srli a3, 4
    c.sd a3, 48(a2)         // out[6] = (unsigned)x >> 4
    c.mv a3, a0
    c.srai a3, 4
    c.sd a3, 56(a2)         // out[7] = x >> 4 (arithmetic)
    c.mv a3, a0
    c.andi a3, -16
    c.sd a3, 64(a2)         // out[8] = x & -16
    c.mv a3, a0
    c.add a3, a1
    c.sd a3, 72(a2)         // out[9] = x + y
    c.mv a3, a0
    c.sub a3, a1
    c.sd a3, 80(a2)         // out[10] = x - y
    c.mv a3, a0
    c.xor a3, a1
    c.sd a3, 88(a2)         // out[11] = x ^ y
    c.mv a3, a0
    c.or a3, a1
    c.sd a3, 96(a2)         // out[12] = x | y
    c.mv a3, a0
    c.and a3, a1
    c.sd a3, 104(a2)        // out[13] = x & y
    c.mv a3, a0
    c.addw a3, a1
    c.sd a3, 112(a2)        // out[14] = sext32(x + y)
    c.mv a3, a0
    c.subw a3, a1
    c.sd a3, 120(a2)        // out[15] = sext32(x - y)
    c.nop
    c.jr ra
    .size rvc_alu, . - rvc_alu

// long rvc_mem(long p[5], double d[4])
//   a = p[1] + sext32(((int*)p)[1]); ((int*)p)[4] = (int)a; p[3] = a; p[4] = 2a;
//   d[2] = d[3] = d[0] + d[1]; returns sext32(((int*)p)[1]) (through the stack)
    .globl rvc_mem
    .type rvc_mem, @function
rvc_mem:
    c.ld a2, 8(a0)
    c.lw a3, 4(a0)
    c.add a2, a3
    c.sw a2, 16(a0)
    c.sd a2, 24(a0)
    c.fld fa0, 0(a1)
    c.fld fa1, 8(a1)
    fadd.d fa0, fa0, fa1
    c.fsd fa0, 16(a1)
    c.addi16sp sp, -64
    c.addi4spn a4, sp, 16   // a4 = sp + 16
    c.sdsp a2, 16(sp)
    c.ld a5, 0(a4)          // a5 = a
    c.swsp a3, 24(sp)
    c.li a3, 0
    c.lwsp a3, 24(sp)
    c.ldsp a4, 16(sp)
    c.fsdsp fa0, 32(sp)
    c.fldsp fa2, 32(sp)
    c.addi16sp sp, 64
    c.add a5, a4            // 2a
    c.sd a5, 32(a0)
    c.fsd fa2, 24(a1)
    c.mv a0, a3
    c.jr ra
    .size rvc_mem, . - rvc_mem

// long rvc_branch(long n): sum over i = n..1 of (i odd ? 5 : 3), with c.beqz,
// c.bnez, c.j and a c.jalr call; ra is kept in t1 across the call.
    .globl rvc_branch
    .type rvc_branch, @function
rvc_branch:
    c.mv t1, ra
    c.li a1, 0
1:  c.beqz a0, 3f
    c.mv a2, a0
    c.andi a2, 1
    c.bnez a2, 2f
    c.addi a1, 3
    c.addi a0, -1
    c.j 1b
2:  la a3, rvc_helper
    c.jalr a3
    c.addi a0, -1
    c.j 1b
3:  c.mv a0, a1
    c.mv ra, t1
    c.jr ra
    .size rvc_branch, . - rvc_branch

rvc_helper:
    c.addi a1, 5
    c.jr ra
