// dbt_safe_syscall: a host syscall that an asynchronous signal recorded for
// the guest interrupts reliably (qemu's safe_syscall, in our words).
//
//   long dbt_safe_syscall(const volatile uint64_t* recorded, long nr,
//                         long a1, long a2, long a3, long a4, long a5, long a6);
//
// `recorded` points at two words of the calling thread's signal record:
// the recorded signals, then the stop request (exit_group, fatal signal).
// Returns the raw kernel result (-errno on failure), or -ERESTARTNOINTR
// (-513, a kernel-internal value no syscall returns) without entering the
// kernel when either word is non-zero: the runtime then delivers the signal
// and executes the guest's ecall again, as if the signal had come just
// before it. The host signal handlers
// that set *recorded move an interrupted pc inside [start, end) back to
// start, so a signal landing between the check and the syscall instruction
// is seen by the check instead of being left behind a blocking syscall.
// A signal that arrives while the kernel blocks makes the syscall return
// EINTR (the handlers have no SA_RESTART) with pc == end: no rewind.

        .text
        .globl  dbt_safe_syscall
        .type   dbt_safe_syscall, @function
        .globl  dbt_safe_syscall_start
        .globl  dbt_safe_syscall_end
        .hidden dbt_safe_syscall_start
        .hidden dbt_safe_syscall_end
dbt_safe_syscall:
        .cfi_startproc
        pushq   %rbp
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset rbp, 0
        movq    %rdi, %rbp          // recorded: callee-saved, survives syscall
        movq    %rsi, %rax          // nr
        movq    %rdx, %rdi          // a1
        movq    %rcx, %rsi          // a2
        movq    %r8, %rdx           // a3
        movq    %r9, %r10           // a4
        movq    16(%rsp), %r8       // a5 (above the return address and rbp)
        movq    24(%rsp), %r9       // a6
dbt_safe_syscall_start:
        cmpq    $0, (%rbp)
        jne     1f
        cmpq    $0, 8(%rbp)
        jne     1f
        syscall
dbt_safe_syscall_end:
        popq    %rbp
        .cfi_remember_state
        .cfi_adjust_cfa_offset -8
        .cfi_restore rbp
        ret
1:
        .cfi_restore_state
        movq    $-513, %rax         // -ERESTARTNOINTR: not entered, run it again
        popq    %rbp
        .cfi_adjust_cfa_offset -8
        .cfi_restore rbp
        ret
        .cfi_endproc
        .size   dbt_safe_syscall, .-dbt_safe_syscall

        .section .note.GNU-stack,"",@progbits
