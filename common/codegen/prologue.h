// The entry/exit path between C++ and generated code, written once at the
// start of every code_gen_buffer (offsets in frame.h).
//
// Enter (kEnterOffset), called as uint64_t (*)(GuestEnv* env, const void* tb):
//   pushes rbp rbx r12 r13 r14 r15, reserves kFrameBytes (spill slots),
//   rbp = env, r14 = env->guest_base, jumps to tb.
// Epilogue (kEpilogueOffset), reached by `jmp [rbp + epilogue]` from a TB
// with the exit value in rax: releases the frame, restores, returns rax.
#ifndef DBT_COMMON_CODEGEN_PROLOGUE_H_
#define DBT_COMMON_CODEGEN_PROLOGUE_H_

#include <cstdint>

namespace dbt::codegen {

// Writes the prologue/epilogue into rw (kPrologueAreaBytes bytes).
void WritePrologue(uint8_t* rw);

}  // namespace dbt::codegen

#endif  // DBT_COMMON_CODEGEN_PROLOGUE_H_
