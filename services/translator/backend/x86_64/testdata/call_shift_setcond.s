# t=x1+x2; x10=helper4(env,x10) (may read/write globals); x11=t^x10;
# x12=ext32s(x3<<x4); x13=(x3 <u x4); pc=x1&~1; lookup_and_goto_ptr.
# Reviewed: t lives in rbx (callee-saved) across the call; helper via
# [rbp+0x280+8*4]; the shift count goes to rcx; the jump-cache entry is
# [rbp + (pc & 0x1ffe)*8 + 0xa80] (index (pc>>1)&0xfff, 16 bytes each),
# guest_pc compared, host_code tested for 0, then jmp; a miss returns
# start+2 (no_chain).
# x2 is added straight from its env slot (a global only in memory).
# x3 (read by the shift and the setcond) is loaded once into rbx; the shift
# overwrites a copy (r12), the setcond compares rbx directly.
0x0000:  cmp dword ptr [rbp + 0x238], 0
0x0007:  jne 0x8f
0x000d:  mov rbx, qword ptr [rbp + 8]
0x0011:  add rbx, qword ptr [rbp + 0x10]
0x0015:  mov rdi, rbp
0x0018:  mov rsi, qword ptr [rbp + 0x50]
0x001c:  call qword ptr [rbp + 0x2a0]
0x0022:  mov qword ptr [rbp + 0x50], rax
0x0026:  xor rbx, rax
0x0029:  mov qword ptr [rbp + 0x58], rbx
0x002d:  mov rcx, qword ptr [rbp + 0x20]
0x0031:  mov rbx, qword ptr [rbp + 0x18]
0x0035:  mov r12, rbx
0x0038:  shl r12, cl
0x003b:  movsxd r12, r12d
0x003e:  mov qword ptr [rbp + 0x60], r12
0x0042:  cmp rbx, rcx
0x0045:  setb bl
0x0048:  movzx ebx, bl
0x004b:  mov qword ptr [rbp + 0x68], rbx
0x004f:  mov rbx, qword ptr [rbp + 8]
0x0053:  and rbx, 0xfffffffffffffffe
0x0057:  mov qword ptr [rbp + 0x200], rbx
0x005e:  mov r12, rbx
0x0061:  and r12, 0x1ffe
0x0068:  cmp rbx, qword ptr [rbp + r12*8 + 0xa80]
0x0070:  jne 0x82
0x0072:  mov r12, qword ptr [rbp + r12*8 + 0xa88]
0x007a:  test r12, r12
0x007d:  je 0x82
0x007f:  jmp r12
0x0082:  lea rax, [rip - 0x87]
0x0089:  jmp qword ptr [rbp + 0x230]
0x008f:  mov qword ptr [rbp + 0x200], 0x30000
0x009a:  lea rax, [rip - 0x9e]
0x00a1:  jmp qword ptr [rbp + 0x230]
