# A position-independent static program without libc: prints "pie" and exits
# with the value of a bss word (0).
  .text
  .globl _start
_start:
  lla a1, msg
  li a0, 1
  li a2, 4
  li a7, 64
  ecall
  lla t0, counter
  ld a0, 0(t0)
  li a7, 93
  ecall
  .data
msg: .ascii "pie\n"
  .bss
counter: .zero 8
