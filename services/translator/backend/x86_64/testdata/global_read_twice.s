# sieve's inner loop (add x13, x8, x15; sb x18, 0(x13); add x15, x15, x14; goto_tb).
# Look for: x15 (rbp+0x78) loaded ONCE into r12 and reused by the second add,
# not re-read from env after the guest store; x8 into the output register;
# x14 (rbp+0x70, last read) read in place; x13 written back before the store.
0x0000:  cmp dword ptr [rbp + 0x238], 0
0x0007:  jne 0x4c
0x000d:  mov rbx, qword ptr [rbp + 0x40]
0x0011:  mov r12, qword ptr [rbp + 0x78]
0x0015:  add rbx, r12
0x0018:  mov qword ptr [rbp + 0x68], rbx
0x001c:  mov r13, qword ptr [rbp + 0x90]
0x0023:  mov byte ptr [r14 + rbx], r13b
0x0027:  add r12, qword ptr [rbp + 0x70]
0x002b:  mov qword ptr [rbp + 0x78], r12
0x002f:  jmp 0x34
0x0034:  mov qword ptr [rbp + 0x200], 0x105b6
0x003f:  lea rax, [rip - 0x46]
0x0046:  jmp qword ptr [rbp + 0x230]
0x004c:  mov qword ptr [rbp + 0x200], 0x105ba
0x0057:  lea rax, [rip - 0x5b]
0x005e:  jmp qword ptr [rbp + 0x230]
