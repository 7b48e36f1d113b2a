# div x10,x11,x12; remu x13,x11,7; muluh x14,x11,x12.
# Reviewed: div checks b == 0 (-> -1) and b == -1 (-> neg, which maps
# INT64_MIN to itself) around cqo/idiv; remu by the constant 7 needs no
# checks (xor edx,edx; div); x11 is loaded once into rbx (read three times)
# and rax is a register copy of it each time; x12 stays in r12 for the mulhu.
0x0000:  cmp dword ptr [rbp + 0x238], 0
0x0007:  jne 0x6e
0x000d:  mov rbx, qword ptr [rbp + 0x58]
0x0011:  mov rax, rbx
0x0014:  mov r12, qword ptr [rbp + 0x60]
0x0018:  test r12, r12
0x001b:  je 0x2a
0x001d:  cmp r12, -1
0x0021:  je 0x33
0x0023:  cqo
0x0025:  idiv r12
0x0028:  jmp 0x36
0x002a:  mov rax, -1
0x0031:  jmp 0x36
0x0033:  neg rax
0x0036:  mov qword ptr [rbp + 0x50], rax
0x003a:  mov rax, rbx
0x003d:  mov r13d, 7
0x0043:  xor edx, edx
0x0045:  div r13
0x0048:  mov qword ptr [rbp + 0x68], rdx
0x004c:  mov rax, rbx
0x004f:  mul r12
0x0052:  mov qword ptr [rbp + 0x70], rdx
0x0056:  mov qword ptr [rbp + 0x200], 0x2000c
0x0061:  lea rax, [rip - 0x66]
0x0068:  jmp qword ptr [rbp + 0x230]
0x006e:  mov qword ptr [rbp + 0x200], 0x20000
0x0079:  lea rax, [rip - 0x7d]
0x0080:  jmp qword ptr [rbp + 0x230]
