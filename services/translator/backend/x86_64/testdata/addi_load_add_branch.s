# addi x5,x5,16; lw x6,8(x5); add x7,x6,x5; bne x7,x0 (two goto_tb exits).
# Reviewed: exit_request check first (env+0x238), its cold stub at the end
# stores pc=0x10000 and returns start+3 (lea at 0x7f: 0x86-0x83 = 3).
# x5 is written back before the load (it may fault); the load address is a
# lea (x5 stays live in rbx); tmp5's register is reused for x7.
# goto_tb: rel32 fields at 0x38 and 0x58 (4-aligned), jumping to the next
# instruction; the exits return start+0 / start+1.
0x0000:  cmp dword ptr [rbp + 0x238], 0
0x0007:  jne 0x74
0x000d:  mov rbx, qword ptr [rbp + 0x28]
0x0011:  add rbx, 0x10
0x0015:  mov qword ptr [rbp + 0x28], rbx
0x0019:  lea r12, [rbx + 8]
0x001d:  movsxd r12, dword ptr [r14 + r12]
0x0021:  mov qword ptr [rbp + 0x30], r12
0x0025:  add r12, rbx
0x0028:  mov qword ptr [rbp + 0x38], r12
0x002c:  test r12, r12
0x002f:  jne 0x54
0x0035:  nop
0x0037:  jmp 0x3c
0x003c:  mov qword ptr [rbp + 0x200], 0x10010
0x0047:  lea rax, [rip - 0x4e]
0x004e:  jmp qword ptr [rbp + 0x230]
0x0054:  nop dword ptr [rax]
0x0057:  jmp 0x5c
0x005c:  mov qword ptr [rbp + 0x200], 0x10000
0x0067:  lea rax, [rip - 0x6d]
0x006e:  jmp qword ptr [rbp + 0x230]
0x0074:  mov qword ptr [rbp + 0x200], 0x10000
0x007f:  lea rax, [rip - 0x83]
0x0086:  jmp qword ptr [rbp + 0x230]
