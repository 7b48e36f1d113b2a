#include "common/codegen/prologue.h"

#include <cassert>
#include <cstddef>

#include <xbyak/xbyak.h>

#include "common/codegen/frame.h"
#include "common/jit_abi.h"

namespace dbt::codegen {

void WritePrologue(uint8_t* rw) {
  using namespace Xbyak::util;
  Xbyak::CodeGenerator gen(kPrologueAreaBytes, rw);
  // ORDER: the epilogue pops in the reverse order of these pushes.
  static const Xbyak::Reg64 kSaved[] = {rbp, rbx, r12, r13, r14, r15};
  for (const auto& r : kSaved) gen.push(r);
  gen.sub(rsp, kFrameBytes);
  gen.mov(rbp, rdi);
  gen.mov(r14, gen.qword[rdi + offsetof(GuestEnv, guest_base)]);
  gen.jmp(rsi);

  assert(gen.getSize() <= kEpilogueOffset);
  while (gen.getSize() < kEpilogueOffset) gen.int3();
  gen.add(rsp, kFrameBytes);
  for (int i = 5; i >= 0; --i) gen.pop(kSaved[i]);
  gen.ret();
  while (gen.getSize() < kPrologueAreaBytes) gen.int3();
}

}  // namespace dbt::codegen
