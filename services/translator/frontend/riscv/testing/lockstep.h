// Lock-step differential testing of the frontend against the reference
// interpreter: translate one TB, run it (through a TbRunner: the IR
// evaluator, or the compiled host code), run the interpreter from an
// identical copy of the state for the TB's instruction count, and compare
// every register, fflags, frm, the reservation, pc, the data memory and the
// exit reason (pending_exception against the interpreter's InterpExit).
// cpu.instret is left out: the interpreter counts retired instructions,
// generated code does not (helpers_counter.cc).
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_LOCKSTEP_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_LOCKSTEP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/jit_abi.h"
#include "common/riscv/cpu_state.h"
#include "services/translator/frontend/riscv/testing/guest_memory.h"
#include "services/translator/frontend/riscv/translate.h"

namespace dbt::frontend::riscv::testing {

// Runs a translated block on env (cpu state, guest_base and helpers set up)
// and returns how it left.
using TbRunner =
    std::function<absl::StatusOr<TbExitKind>(const TranslatedBlock& tb, GuestEnv& env)>;

// The IR evaluator (ir/evaluator.h), after ir::Verify.
TbRunner EvaluatorRunner();
// The real thing: the optimizer pipeline (or none) and the x86-64 backend
// into a code_gen_buffer of its own, run through the prologue. The runner
// owns the buffer; copies share it.
TbRunner JitRunner(bool optimize);
// The runner the environment variable DBT_LOCKSTEP_RUNNER names: "eval"
// (default), "jit" or "jit_noopt".
TbRunner RunnerFromEnvironment();

struct LockstepCase {
  uint64_t code_pc = kCodeBase;
  std::vector<uint8_t> code;   // guest bytes at code_pc
  dbt::riscv::CpuState cpu{};  // initial state; pc is set to code_pc
  std::vector<uint8_t> data;   // kDataSize bytes at kDataBase (or empty: zeros)
  TranslateOptions options;
};

class Lockstep {
 public:
  explicit Lockstep(TbRunner runner);
  ~Lockstep();

  // "" when translation + runner and the interpreter agree; otherwise a
  // report with the TB's disassembly, its IR and every difference.
  std::string Run(const LockstepCase& c);

  // The TB of the last Run (for tests that look at its shape).
  const TranslatedBlock& last_tb() const { return last_tb_; }

 private:
  TbRunner runner_;
  GuestMemory jit_memory_;
  GuestMemory interp_memory_;
  std::unique_ptr<GuestEnv> env_;
  TranslatedBlock last_tb_;
};

// Little-endian bytes of instruction words; a word < 0x10000 whose low two
// bits are not 11 is a 16-bit instruction and takes two bytes.
std::vector<uint8_t> CodeBytes(const std::vector<uint32_t>& insns);

}  // namespace dbt::frontend::riscv::testing

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_LOCKSTEP_H_
