# div x10,x11,x12; remu x13,x11,7; muluh x14,x11,x12.
# Reviewed: div checks b == 0 (-> -1) and b == -1 (-> neg, which maps
# INT64_MIN to itself) around cqo/idiv; remu by the constant 7 needs no
# checks (xor edx,edx; div); rax is a copy of x11 each time (x11 stays
# live), x12 stays in rbx for the mulhu.
0x0000:  cmp dword ptr [rbp + 0x238], 0
0x0007:  jne 0x6d
0x000d:  mov rax, qword ptr [rbp + 0x58]
0x0011:  mov rbx, qword ptr [rbp + 0x60]
0x0015:  test rbx, rbx
0x0018:  je 0x27
0x001a:  cmp rbx, -1
0x001e:  je 0x30
0x0020:  cqo
0x0022:  idiv rbx
0x0025:  jmp 0x33
0x0027:  mov rax, -1
0x002e:  jmp 0x33
0x0030:  neg rax
0x0033:  mov qword ptr [rbp + 0x50], rax
0x0037:  mov rax, qword ptr [rbp + 0x58]
0x003b:  mov r12d, 7
0x0041:  xor edx, edx
0x0043:  div r12
0x0046:  mov qword ptr [rbp + 0x68], rdx
0x004a:  mov rax, qword ptr [rbp + 0x58]
0x004e:  mul rbx
0x0051:  mov qword ptr [rbp + 0x70], rdx
0x0055:  mov qword ptr [rbp + 0x200], 0x2000c
0x0060:  lea rax, [rip - 0x65]
0x0067:  jmp qword ptr [rbp + 0x230]
0x006d:  mov qword ptr [rbp + 0x200], 0x20000
0x0078:  lea rax, [rip - 0x7c]
0x007f:  jmp qword ptr [rbp + 0x230]
