// The JIT execution engine: the dispatcher loop of one guest thread. Looks
// TBs up (jump cache, then the registry), translates on a miss (in this
// process for now; the translator service later), chains direct exits, and
// returns to the runtime for syscalls, exceptions and signals.
#ifndef DBT_SERVICES_EXECUTOR_JIT_JIT_ENGINE_H_
#define DBT_SERVICES_EXECUTOR_JIT_JIT_ENGINE_H_

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/codegen/code_gen_buffer.h"
#include "services/executor/jit/jit_stats.h"
#include "services/executor/jit/memory_code_source.h"
#include "services/executor/jit/tb_registry.h"
#include "services/executor/runtime/execution_engine.h"
#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

struct JitOptions {
  size_t code_buffer_bytes = 0;  // 0: the default size (code_gen_buffer.h)
  bool one_insn_per_tb = false;
  bool chain = true;             // false: -d nochain
  // -d items; their output goes to `log`.
  bool log_in_asm = false;
  bool log_op = false;
  bool log_op_opt = false;
  bool log_out_asm = false;
  bool log_exec = false;  // one line per TB executed (with nochain: every one)
  bool log_cpu = false;   // registers before every TB executed
  FILE* log = stderr;
};

class JitEngine final : public ExecutionEngine {
 public:
  // stats must outlive the engine.
  static absl::StatusOr<std::unique_ptr<JitEngine>> Create(GuestProcess& proc,
                                                           const JitOptions& options,
                                                           JitStats* stats);

  EngineExit Run(GuestEnv& env) override;
  void InvalidateGuestRange(uint64_t addr, uint64_t len) override;
  const char* name() const override { return "jit"; }
  // A fault inside generated code: cpu.pc := the guest instruction whose
  // host code faulted (globals were written back before its access). A
  // fault in a helper leaves cpu.pc alone: the frontend writes pc before
  // every helper that touches guest memory.
  void RecoverAfterFault(GuestEnv& env, uintptr_t host_pc) override;
  // The code buffer is a MAP_SHARED memfd: after fork the child would
  // translate and patch jumps in its parent's buffer. It gets a new, empty
  // buffer of its own (its TBs are re-translated on demand).
  void OnForkChild(GuestEnv& env) override;

  // After a guest memory fault inside generated code: the guest pc of the
  // instruction that faulted, from the host pc; nullopt when host_pc is not
  // in generated code.
  std::optional<uint64_t> GuestPcAtHostPc(uintptr_t host_pc) const;

 private:
  JitEngine(GuestProcess& proc, const JitOptions& options, JitStats* stats,
            std::unique_ptr<codegen::CodeGenBuffer> buffer);

  // The TB for pc, translating it if needed; null on a fetch fault
  // (fetch_faulted_ set) or a translator error (the caller interprets one
  // instruction instead).
  TranslationBlock* FindOrTranslate(uint64_t pc);
  // Drops every TB and empties the code buffer. Only between TBs.
  void FlushAll();
  void ClearJumpCache();
  void LogCpu(const GuestEnv& env) const;

  GuestProcess& proc_;
  const JitOptions options_;
  const uint32_t tb_flags_;
  JitStats* const stats_;
  std::unique_ptr<codegen::CodeGenBuffer> buffer_;
  std::unique_ptr<TbRegistry> registry_;
  MemoryCodeSource code_source_;
  std::string debug_text_;
  bool fetch_faulted_ = false;  // the last FindOrTranslate met a fetch fault
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_JIT_ENGINE_H_
