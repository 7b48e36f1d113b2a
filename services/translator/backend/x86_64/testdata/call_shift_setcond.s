# t=x1+x2; x10=helper4(env,x10) (may read/write globals); x11=t^x10;
# x12=ext32s(x3<<x4); x13=(x3 <u x4); pc=x1&~1; lookup_and_goto_ptr.
# Reviewed: t lives in rbx (callee-saved) across the call; helper via
# [rbp+0x280+8*4]; the shift count goes to rcx; the jump-cache entry is
# [rbp + (pc & 0x1ffe)*8 + 0xa80] (index (pc>>1)&0xfff, 16 bytes each),
# guest_pc compared, host_code tested for 0, then jmp; a miss returns
# start+2 (no_chain).
0x0000:  cmp dword ptr [rbp + 0x238], 0
0x0007:  jne 0x93
0x000d:  mov rbx, qword ptr [rbp + 8]
0x0011:  mov r12, qword ptr [rbp + 0x10]
0x0015:  add rbx, r12
0x0018:  mov rdi, rbp
0x001b:  mov rsi, qword ptr [rbp + 0x50]
0x001f:  call qword ptr [rbp + 0x2a0]
0x0025:  mov qword ptr [rbp + 0x50], rax
0x0029:  xor rbx, rax
0x002c:  mov qword ptr [rbp + 0x58], rbx
0x0030:  mov rcx, qword ptr [rbp + 0x20]
0x0034:  mov rbx, qword ptr [rbp + 0x18]
0x0038:  shl rbx, cl
0x003b:  movsxd rbx, ebx
0x003e:  mov qword ptr [rbp + 0x60], rbx
0x0042:  mov rbx, qword ptr [rbp + 0x18]
0x0046:  cmp rbx, rcx
0x0049:  setb bl
0x004c:  movzx ebx, bl
0x004f:  mov qword ptr [rbp + 0x68], rbx
0x0053:  mov rbx, qword ptr [rbp + 8]
0x0057:  and rbx, 0xfffffffffffffffe
0x005b:  mov qword ptr [rbp + 0x200], rbx
0x0062:  mov r12, rbx
0x0065:  and r12, 0x1ffe
0x006c:  cmp rbx, qword ptr [rbp + r12*8 + 0xa80]
0x0074:  jne 0x86
0x0076:  mov r12, qword ptr [rbp + r12*8 + 0xa88]
0x007e:  test r12, r12
0x0081:  je 0x86
0x0083:  jmp r12
0x0086:  lea rax, [rip - 0x8b]
0x008d:  jmp qword ptr [rbp + 0x230]
0x0093:  mov qword ptr [rbp + 0x200], 0x30000
0x009e:  lea rax, [rip - 0xa2]
0x00a5:  jmp qword ptr [rbp + 0x230]
