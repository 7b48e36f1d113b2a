// The JIT execution engine: the dispatcher loop of each guest thread. Looks
// TBs up (jump cache, then the registry), has a TbProducer translate on a
// miss (the translator service over the shared-memory ring, or the
// translator library in-process), chains direct exits, and returns to the
// runtime for syscalls, exceptions and signals.
//
// Threads. One code buffer and one TB registry serve every thread of the
// process; each thread has its own GuestEnv and jump cache.
//  - The TB lock (QEMU's tb_lock) guards the registry, linking,
//    invalidation and the stats; lookups take it too. Translation runs with
//    no engine lock held (several threads may wait for the translator at
//    once): the guest bytes are copied under the memory's mapping lock, and
//    the TB is inserted under mapping lock + TB lock only if no
//    invalidation happened since the copy (code_epoch_), else translated
//    again. Lock order: the mapping lock, then the TB lock, then the thread
//    list's lock. Both runtime locks are FaultFreeScopes: no guest store
//    runs under them, so the SIGSEGV handler (a store to a code page ->
//    GuestMemory -> InvalidateGuestRange) never finds its own thread
//    holding one.
//  - Chaining patches are single aligned 4-byte stores: safe while other
//    threads run the code. An invalidated TB may still be running in
//    another thread; its code stays until the next flush.
//  - Jump caches are written only by their own thread (or by nobody during
//    a flush). Invalidation bumps a generation and sets every thread's
//    exit_request; each thread clears its own cache before it next enters
//    generated code, and a stale entry leads at worst to an invalidated
//    TB's entry check, which sees exit_request and leaves.
//  - A thread is "running" from the start of Run until it returns (or
//    faults out of it): between those points it may hold pointers to TBs
//    and jump into the buffer. Flushing the full buffer is an exclusive
//    section (QEMU's start_exclusive): with no lock held, the flushing
//    thread announces it, sets the exit_request of every running thread
//    and waits until none runs (a thread in the runtime or blocked in a
//    syscall is not running); threads that want to start running wait for
//    the end of the section.
#ifndef DBT_SERVICES_EXECUTOR_JIT_JIT_ENGINE_H_
#define DBT_SERVICES_EXECUTOR_JIT_JIT_ENGINE_H_

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/codegen/code_gen_buffer.h"
#include "services/executor/jit/jit_stats.h"
#include "services/executor/jit/jitdump.h"
#include "services/executor/jit/memory_code_source.h"
#include "services/executor/jit/tb_producer.h"
#include "services/executor/jit/tb_registry.h"
#include "services/executor/runtime/execution_engine.h"
#include "services/executor/runtime/fault_free_scope.h"
#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

struct JitOptions {
  size_t code_buffer_bytes = 0;  // 0: the default size (code_gen_buffer.h)
  bool one_insn_per_tb = false;
  bool chain = true;  // false: -d nochain
  // -d items; their output goes to `log`.
  bool log_in_asm = false;
  bool log_op = false;
  bool log_op_opt = false;
  bool log_out_asm = false;
  bool log_exec = false;  // one line per TB executed (with nochain: every one)
  bool log_cpu = false;   // registers before every TB executed
  FILE* log = stderr;
  // -jitdump: every TB put in the registry is recorded here (jitdump.h).
  std::shared_ptr<JitDump> jitdump;
  // The producer serves the cache (counts cache_misses when it does).
  bool cache = false;
};

class JitEngine final : public ExecutionEngine {
 public:
  // stats must outlive the engine. proc.env is attached. Translates
  // in-process (LocalTbProducer).
  static absl::StatusOr<std::unique_ptr<JitEngine>> Create(GuestProcess& proc,
                                                           const JitOptions& options,
                                                           JitStats* stats);
  // With TBs from `producer` (e.g. the translator service).
  static std::unique_ptr<JitEngine> Create(GuestProcess& proc, const JitOptions& options,
                                           JitStats* stats, std::unique_ptr<TbProducer> producer);
  ~JitEngine() override;

  EngineExit Run(GuestEnv& env) override;
  // Sets up env for generated code (epilogue, helper table, an empty jump
  // cache) and adds it to the threads. Run attaches an unknown env itself.
  void AttachThread(GuestEnv& env) override;
  void DetachThread(GuestEnv& env) override;
  void InvalidateGuestRange(uint64_t addr, uint64_t len) override;
  // Before the guest starts: puts the producer's cached TBs in the registry,
  // each only if the guest bytes it was made from are the ones in guest
  // memory now (same hash) and executable; the others are counted in
  // cache_rejected and never run.
  void Preload();
  const char* name() const override { return "jit"; }
  // A fault inside generated code: cpu.pc := the guest instruction whose
  // host code faulted (globals were written back before its access). A
  // fault in a helper leaves cpu.pc alone: the frontend writes pc before
  // every helper that touches guest memory.
  void RecoverAfterFault(GuestEnv& env, uintptr_t host_pc) override;
  void BeforeFork() override;
  void AfterForkParent() override;
  // The code buffer is a MAP_SHARED memfd: after fork the child would
  // translate and patch jumps in its parent's buffer. It gets a new, empty
  // buffer of its own (and its own translator session; its TBs are
  // re-translated on demand), and env is its only thread.
  void OnForkChild(GuestEnv& env) override;

  // After a guest memory fault inside generated code: the guest pc of the
  // instruction that faulted, from the host pc; nullopt when host_pc is not
  // in generated code.
  std::optional<uint64_t> GuestPcAtHostPc(uintptr_t host_pc) const;

 private:
  struct JitThread;
  // What FindOrTranslate found.
  struct Lookup {
    TranslationBlock* tb = nullptr;  // null: see the flags
    bool fetch_fault = false;        // pc's code may not be executed
    bool buffer_full = false;        // flush (exclusively), then try again
    uint64_t flushes = 0;            // with buffer_full: the flush count seen
  };
  // The guest bytes a TB at pc may be made of (empty: pc cannot be
  // fetched). Under the mapping lock.
  std::vector<uint8_t> FetchTbBytes(uint64_t pc) const;
  // Reports a translator that is gone for good and ends the process.
  [[noreturn]] void TranslatorLost(const absl::Status& status) const;
  // Prints what the producer wants the user to know (once each).
  void PrintNotice() const;
  // Puts a TB in the registry and write-protects its pages. Under the
  // mapping lock and the TB lock.
  TranslationBlock* InsertLocked(translator::TbTranslation t);
  // The TB lock, as a scope that must not fault.
  class TbLock {
   public:
    explicit TbLock(const JitEngine& engine) : lock_(engine.tb_mutex_) {}

   private:
    FaultFreeScope no_faults_;
    std::lock_guard<std::mutex> lock_;
  };

  JitEngine(GuestProcess& proc, const JitOptions& options, JitStats* stats,
            std::unique_ptr<TbProducer> producer);

  JitThread& ThreadOf(GuestEnv& env);
  EngineExit Dispatch(JitThread& self);
  // The TB for pc, translating it if needed, and the chaining of the slot
  // the previous TB (whose code starts at prev_code, 0 if none) left
  // through to it. tb null: a fetch fault, a full buffer, or a translator
  // error (the caller interprets one instruction instead).
  Lookup FindOrTranslate(uint64_t pc, uint64_t prev_code, int prev_slot);
  // Whether a preloaded TB's guest bytes are mapped executable and hash to
  // its key (under the mapping lock). *mapped: whether all were mapped.
  bool MatchesGuestMemory(const translator::TbTranslation& t, bool* mapped);
  // The deferred preloaded TB for pc, inserted if its bytes are there now
  // and hash to its key (then counted loaded, else rejected); null if none.
  TranslationBlock* UseDeferred(uint64_t pc);
  void LinkLocked(uint64_t prev_code, int prev_slot, TranslationBlock* to);
  // Flushes the code buffer unless another thread did since `seen_flushes`.
  void FlushExclusive(JitThread& self, uint64_t seen_flushes);

  // The running state and the exclusive section (see the file comment).
  void StartRunning(JitThread& self);
  void StopRunning(JitThread& self);
  void StartExclusive(JitThread& self);
  void EndExclusive();
  // Makes the thread's jump cache current before it enters generated code.
  void RefreshJumpCache(JitThread& self);
  static void ClearJumpCache(GuestEnv& env);
  void LogCpu(const GuestEnv& env) const;

  const uint64_t id_;  // Tells engines apart in the thread-local cache.
  GuestProcess& proc_;
  const JitOptions options_;
  const uint32_t tb_flags_;
  JitStats* const stats_;  // Under tb_mutex_.

  mutable std::mutex tb_mutex_;
  std::unique_ptr<TbProducer> producer_;
  codegen::CodeGenBuffer* buffer_;  // producer_'s
  std::unique_ptr<TbRegistry> registry_;
  MemoryCodeSource code_source_;
  uint32_t debug_bits_ = 0;  // -d dumps the translator writes (wire::DebugBits)
  uint64_t flushes_ = 0;
  // Preloaded TBs whose guest bytes were not mapped yet at the start (a
  // shared library's, before the dynamic loader maps it): placed in the
  // buffer, checked and inserted at their first miss. Under tb_mutex_;
  // cleared with the buffer (flush, fork).
  absl::flat_hash_map<uint64_t, translator::TbTranslation> deferred_;
  // Bumped by every invalidation (stores to code pages, fence.i, unmaps):
  // a translation made from bytes copied before a bump is thrown away.
  std::atomic<uint64_t> code_epoch_{0};

  std::mutex threads_mutex_;
  std::condition_variable threads_cv_;
  std::vector<std::unique_ptr<JitThread>> threads_;
  std::atomic<bool> exclusive_pending_{false};
  std::atomic<uint64_t> jump_cache_generation_{0};
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_JIT_ENGINE_H_
