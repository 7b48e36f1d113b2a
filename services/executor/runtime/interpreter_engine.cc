#include "services/executor/runtime/interpreter_engine.h"

#include <cstring>

#include "common/riscv/interpreter.h"
#include "services/executor/runtime/guest_layout.h"

namespace dbt::executor {

using riscv::InterpExit;
static_assert(static_cast<int>(EngineExit::kInsnLimit) == static_cast<int>(InterpExit::kInsnLimit));
static_assert(static_cast<int>(EngineExit::kEcall) == static_cast<int>(InterpExit::kEcall));
static_assert(static_cast<int>(EngineExit::kEbreak) == static_cast<int>(InterpExit::kEbreak));
static_assert(static_cast<int>(EngineExit::kIllegal) == static_cast<int>(InterpExit::kIllegal));
static_assert(static_cast<int>(EngineExit::kFenceI) == static_cast<int>(InterpExit::kFenceI));
static_assert(static_cast<int>(EngineExit::kMisaligned) ==
              static_cast<int>(InterpExit::kMisaligned));

bool InterpreterEngine::Executable(uint64_t pc, const uint8_t* base) const {
  if (!memory_->InRange(pc, 2) || !memory_->IsExecutable(PageDown(pc))) return false;
  const uint64_t page_end = PageDown(pc) + kGuestPageSize;
  if (pc + 2 < page_end) return true;
  // The last parcel of the page: a 4-byte instruction (low bits 11) needs
  // the next page too.
  uint16_t parcel;
  std::memcpy(&parcel, base + pc, 2);
  return (parcel & 3) != 3 || (memory_->InRange(page_end, 2) && memory_->IsExecutable(page_end));
}

EngineExit InterpreterEngine::Run(GuestEnv& env) {
  // The interpreter leaves cpu.pc on an instruction whose access faults and
  // applies none of its effects, which is what the fault path needs.
  uint8_t* base = reinterpret_cast<uint8_t*>(env.guest_base);
  if (memory_ != nullptr) {
    // Checked fetches: one instruction at a time, the page looked at when pc
    // moves to another page (or to a page's last parcel).
    uint64_t checked_page = ~uint64_t{0};
    while (true) {
      for (uint64_t i = 0; i < slice_; ++i) {
        const uint64_t pc = env.cpu.pc;
        const bool page_end = (pc & (kGuestPageSize - 1)) == kGuestPageSize - 2;
        if (PageDown(pc) != checked_page || page_end) {
          if (!Executable(pc, base)) return EngineExit::kFetchFault;
          checked_page = page_end ? ~uint64_t{0} : PageDown(pc);
        }
        InterpExit exit = riscv::StepOne(env.cpu, base);
        if (exit != InterpExit::kInsnLimit) return static_cast<EngineExit>(exit);
      }
      if (__atomic_load_n(&env.exit_request, __ATOMIC_ACQUIRE) != 0) return EngineExit::kInsnLimit;
    }
  }
  while (true) {
    uint64_t executed = 0;
    InterpExit exit = riscv::Interpret(env.cpu, base, slice_, &executed);
    if (exit != InterpExit::kInsnLimit) return static_cast<EngineExit>(exit);
    if (__atomic_load_n(&env.exit_request, __ATOMIC_ACQUIRE) != 0) return EngineExit::kInsnLimit;
  }
}

}  // namespace dbt::executor
