#include "services/executor/jit/jit_engine.h"

#include <time.h>
#include <unistd.h>

#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "common/codegen/jump_cache.h"
#include "common/hash/content_hash.h"
#include "common/riscv/helpers.h"
#include "common/riscv/interpreter.h"
#include "services/executor/jit/local_tb_producer.h"
#include "services/executor/runtime/guest_layout.h"

namespace dbt::executor {
namespace {

// A jump-cache entry that matches no pc: guest pcs are even.
constexpr uint64_t kNoGuestPc = 1;

}  // namespace

struct JitEngine::JitThread {
  GuestEnv* env = nullptr;
  // Between the start of Run and its end: may hold TB pointers and enter
  // generated code. Written by its thread; read by an exclusive section.
  std::atomic<bool> running{false};
  // The invalidation generation the jump cache is clean for.
  uint64_t jump_cache_generation = 0;
};

namespace {

std::atomic<uint64_t> g_next_engine_id{1};

// The calling thread's JitThread of the engine it last ran (the lookup by
// env under the thread list's lock is for the first Run of a thread).
struct ThreadCache {
  uint64_t engine_id = 0;
  const GuestEnv* env = nullptr;
  void* thread = nullptr;
};
thread_local ThreadCache t_cache;

}  // namespace

absl::StatusOr<std::unique_ptr<JitEngine>> JitEngine::Create(GuestProcess& proc,
                                                             const JitOptions& options,
                                                             JitStats* stats) {
  absl::StatusOr<std::unique_ptr<LocalTbProducer>> producer =
      LocalTbProducer::Create(options.code_buffer_bytes);
  if (!producer.ok()) return producer.status();
  return Create(proc, options, stats, *std::move(producer));
}

std::unique_ptr<JitEngine> JitEngine::Create(GuestProcess& proc, const JitOptions& options,
                                             JitStats* stats,
                                             std::unique_ptr<TbProducer> producer) {
  return std::unique_ptr<JitEngine>(new JitEngine(proc, options, stats, std::move(producer)));
}

JitEngine::JitEngine(GuestProcess& proc, const JitOptions& options, JitStats* stats,
                     std::unique_ptr<TbProducer> producer)
    : id_(g_next_engine_id.fetch_add(1)),
      proc_(proc),
      options_(options),
      tb_flags_(options.one_insn_per_tb ? translator::kTbFlagOneInsn : 0),
      stats_(stats),
      producer_(std::move(producer)),
      buffer_(&producer_->buffer()),
      registry_(std::make_unique<TbRegistry>(*buffer_)),
      code_source_(proc.memory) {
  namespace wire = translator::wire;
  debug_bits_ =
      (options.log_in_asm ? wire::kDebugInAsm : 0) | (options.log_op ? wire::kDebugOp : 0) |
      (options.log_op_opt ? wire::kDebugOpOpt : 0) | (options.log_out_asm ? wire::kDebugOutAsm : 0);
  AttachThread(proc_.env);
}

JitEngine::~JitEngine() {
  if (t_cache.engine_id == id_) t_cache = ThreadCache{};
}

void JitEngine::AttachThread(GuestEnv& env) {
  env.epilogue = buffer_->epilogue_address();
  riscv::FillHelperTable(env.helpers);
  ClearJumpCache(env);
  auto thread = std::make_unique<JitThread>();
  thread->env = &env;
  thread->jump_cache_generation = jump_cache_generation_.load(std::memory_order_seq_cst);
  std::lock_guard<std::mutex> lock(threads_mutex_);
  threads_.push_back(std::move(thread));
}

void JitEngine::DetachThread(GuestEnv& env) {
  if (t_cache.engine_id == id_ && t_cache.env == &env) t_cache = ThreadCache{};
  std::lock_guard<std::mutex> lock(threads_mutex_);
  for (auto it = threads_.begin(); it != threads_.end(); ++it) {
    if ((*it)->env == &env) {
      threads_.erase(it);
      break;
    }
  }
  // An exclusive section may be waiting for this thread.
  threads_cv_.notify_all();
}

JitEngine::JitThread& JitEngine::ThreadOf(GuestEnv& env) {
  if (t_cache.engine_id == id_ && t_cache.env == &env) {
    return *static_cast<JitThread*>(t_cache.thread);
  }
  JitThread* found = nullptr;
  {
    std::lock_guard<std::mutex> lock(threads_mutex_);
    for (const auto& t : threads_) {
      if (t->env == &env) found = t.get();
    }
  }
  if (found == nullptr) {
    AttachThread(env);
    std::lock_guard<std::mutex> lock(threads_mutex_);
    found = threads_.back().get();
  }
  t_cache = ThreadCache{id_, &env, found};
  return *found;
}

void JitEngine::ClearJumpCache(GuestEnv& env) {
  for (JumpCacheEntry& e : env.jump_cache) {
    e.guest_pc = kNoGuestPc;
    e.host_code = 0;
  }
}

void JitEngine::RefreshJumpCache(JitThread& self) {
  const uint64_t generation = jump_cache_generation_.load(std::memory_order_seq_cst);
  if (generation == self.jump_cache_generation) return;
  ClearJumpCache(*self.env);
  self.jump_cache_generation = generation;
}

void JitEngine::StartRunning(JitThread& self) {
  // ORDER: announce running, then look for an exclusive section; the
  // section announces itself, then looks at who runs (all seq_cst): one of
  // the two sees the other.
  self.running.store(true, std::memory_order_seq_cst);
  if (!exclusive_pending_.load(std::memory_order_seq_cst)) return;
  std::unique_lock<std::mutex> lock(threads_mutex_);
  while (exclusive_pending_.load(std::memory_order_seq_cst)) {
    self.running.store(false, std::memory_order_seq_cst);
    threads_cv_.notify_all();
    threads_cv_.wait(lock, [&] { return !exclusive_pending_.load(std::memory_order_seq_cst); });
    self.running.store(true, std::memory_order_seq_cst);
  }
}

void JitEngine::StopRunning(JitThread& self) {
  self.running.store(false, std::memory_order_seq_cst);
  if (exclusive_pending_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(threads_mutex_);
    threads_cv_.notify_all();
  }
}

void JitEngine::StartExclusive(JitThread& self) {
  std::unique_lock<std::mutex> lock(threads_mutex_);
  // One section at a time.
  threads_cv_.wait(lock, [&] { return !exclusive_pending_.load(std::memory_order_seq_cst); });
  exclusive_pending_.store(true, std::memory_order_seq_cst);
  for (const auto& t : threads_) {
    if (t.get() != &self && t->running.load(std::memory_order_seq_cst)) {
      __atomic_store_n(&t->env->exit_request, 1, __ATOMIC_SEQ_CST);
    }
  }
  threads_cv_.wait(lock, [&] {
    for (const auto& t : threads_) {
      if (t.get() != &self && t->running.load(std::memory_order_seq_cst)) return false;
    }
    return true;
  });
}

void JitEngine::EndExclusive() {
  std::lock_guard<std::mutex> lock(threads_mutex_);
  exclusive_pending_.store(false, std::memory_order_seq_cst);
  threads_cv_.notify_all();
}

void JitEngine::FlushExclusive(JitThread& self, uint64_t seen_flushes) {
  StartExclusive(self);
  {
    TbLock lock(*this);
    // Another thread may have flushed while this one waited for its turn.
    if (flushes_ == seen_flushes) {
      registry_->Clear();
      deferred_.clear();  // their code was in the buffer too
      if (absl::Status s = producer_->Flush(); !s.ok()) TranslatorLost(s);
      ++flushes_;
      ++stats_->tb_flushes;
      // Every jump cache points into the old code: each thread clears its
      // own before it runs again.
      jump_cache_generation_.fetch_add(1, std::memory_order_seq_cst);
    }
  }
  EndExclusive();
}

void JitEngine::LinkLocked(uint64_t prev_code, int prev_slot, TranslationBlock* to) {
  if (!options_.chain || prev_code == 0) return;
  // No flush since the previous TB ran (this thread has been running), so
  // its code start still names it; it may have been invalidated since.
  TranslationBlock* from = registry_->ByCodeStart(prev_code);
  if (from != nullptr && from->valid && to->valid && from->slot_target[prev_slot] == nullptr) {
    registry_->Link(from, prev_slot, to);
    ++stats_->chain_links;
  }
}

std::vector<uint8_t> JitEngine::FetchTbBytes(uint64_t pc) const {
  // Everything a TB at pc may read (translate.h "Pages"): instructions start
  // on pc's page, the last may end 2 bytes into the next one.
  const uint64_t max =
      tb_flags_ & translator::kTbFlagOneInsn ? 4 : translator::wire::kMaxGuestBytes - 2;
  const uint64_t page_end = PageDown(pc) + kGuestPageSize;
  const uint64_t first = std::min(max, page_end - pc);
  std::vector<uint8_t> bytes(first);
  if (!code_source_.Fetch(pc, bytes.data(), first)) return {};
  if (first < max) {
    uint8_t tail[2];
    if (code_source_.Fetch(page_end, tail, 2)) bytes.insert(bytes.end(), tail, tail + 2);
  }
  return bytes;
}

void JitEngine::TranslatorLost(const absl::Status& status) const {
  fprintf(stderr, "dbt: cannot go on without a translator: %s\n",
          std::string(status.message()).c_str());
  fflush(nullptr);
  _exit(1);
}

JitEngine::Lookup JitEngine::FindOrTranslate(uint64_t pc, uint64_t prev_code, int prev_slot) {
  bool deferred = false;
  {
    TbLock lock(*this);
    ++stats_->tb_lookups;
    if (TranslationBlock* tb = registry_->Find(pc, tb_flags_)) {
      LinkLocked(prev_code, prev_slot, tb);
      return Lookup{tb};
    }
    deferred = deferred_.contains(pc);
  }
  if (deferred) {
    if (TranslationBlock* tb = UseDeferred(pc)) {
      TbLock lock(*this);
      LinkLocked(prev_code, prev_slot, tb);
      return Lookup{tb};
    }
  }
  while (true) {
    // 1. Copy the guest bytes (the translator never reads guest memory).
    std::vector<uint8_t> bytes;
    uint64_t epoch = 0;
    bool from_file = false;
    {
      GuestMemory::MappingLock mapping(proc_.memory);
      epoch = code_epoch_.load(std::memory_order_seq_cst);
      bytes = FetchTbBytes(pc);
      const Vma* vma = proc_.memory.vmas().Find(pc);
      from_file = vma != nullptr && !vma->anonymous;
    }
    if (bytes.empty()) {
      // The guest may not execute pc: the caller raises the fetch fault.
      Lookup failed;
      failed.fetch_fault = true;
      return failed;
    }

    // 2. Translate, with no engine lock held.
    translator::wire::TranslateRequest request;
    request.flags = tb_flags_;
    request.pc = pc;
    request.debug = debug_bits_;
    request.bytes = bytes;
    request.from_file = from_file;
    std::string debug_text;
    const uint64_t start = dbt::MonotonicNs();
    absl::StatusOr<translator::TbTranslation> t = producer_->Translate(request, &debug_text);
    const uint64_t elapsed = dbt::MonotonicNs() - start;
    if (options_.cache) PrintNotice();

    // 3. Insert, unless the code changed meanwhile.
    GuestMemory::MappingLock mapping(proc_.memory);
    TbLock lock(*this);
    stats_->translate_ns += elapsed;
    const absl::StatusCode code = t.status().code();
    if (code == absl::StatusCode::kResourceExhausted || code == absl::StatusCode::kAborted) {
      Lookup full;
      full.buffer_full = true;
      full.flushes = flushes_;
      return full;
    }
    if (code == absl::StatusCode::kUnavailable) TranslatorLost(t.status());
    if (!t.ok()) {
      Lookup failed;
      failed.fetch_fault = code == absl::StatusCode::kNotFound;
      if (!failed.fetch_fault) {
        // A translator bug. Correctness first: this pc runs in the
        // interpreter; say so, because it is a bug to fix.
        fprintf(stderr, "dbt: cannot translate pc 0x%llx (%s); interpreting it\n",
                static_cast<unsigned long long>(pc), std::string(t.status().message()).c_str());
      }
      return failed;
    }
    if (code_epoch_.load(std::memory_order_seq_cst) != epoch) continue;  // made from stale bytes
    TranslationBlock* tb = registry_->Find(pc, tb_flags_);
    if (tb == nullptr) {
      // (Another thread may have inserted pc meanwhile: then this code is
      // left unused in the buffer.)
      if (!debug_text.empty() && options_.log != nullptr) {
        fwrite(debug_text.data(), 1, debug_text.size(), options_.log);
      }
      if (t->from_cache) {
        ++stats_->cache_hits;
      } else {
        ++stats_->tbs_translated;
        stats_->guest_insns_translated += t->guest_insns;
        if (options_.cache) ++stats_->cache_misses;
      }
      if (t->stored) ++stats_->cache_stored;
      stats_->host_bytes_emitted += t->code.code_size;
      tb = InsertLocked(*std::move(t));
    }
    LinkLocked(prev_code, prev_slot, tb);
    return Lookup{tb};
  }
}

TranslationBlock* JitEngine::InsertLocked(translator::TbTranslation t) {
  TranslationBlock* tb = registry_->Insert(std::move(t));
  if (options_.jitdump) options_.jitdump->CodeLoad(tb->pc(), tb->rx, tb->t.code.code_size);
  // Stores to these pages must now fault first, so the TB is dropped
  // before its code changes (GuestMemory write-protects them).
  for (uint64_t page = tb->first_page; page <= tb->last_page; page += kGuestPageSize) {
    proc_.memory.MarkCodePage(page);
  }
  return tb;
}

void JitEngine::PrintNotice() const {
  const std::string notice = producer_->TakeNotice();
  if (!notice.empty()) fprintf(stderr, "dbt: warning: %s\n", notice.c_str());
}

bool JitEngine::MatchesGuestMemory(const translator::TbTranslation& t, bool* mapped) {
  // The key says which bytes the code was made from; only those may run
  // it. Fetch checks that every byte is mapped executable.
  *mapped = true;
  std::vector<uint8_t> bytes;
  ContentHasher hasher;
  for (const frontend::riscv::GuestRange& range : t.ranges) {
    bytes.resize(range.size);
    if (!code_source_.Fetch(range.start, bytes.data(), range.size)) {
      *mapped = false;
      return false;
    }
    hasher.Update(bytes.data(), bytes.size());
  }
  return hasher.Finish() == t.hash;
}

void JitEngine::Preload() {
  const uint64_t start = dbt::MonotonicNs();
  absl::StatusOr<translator::wire::Preload> preload = producer_->Preload();
  if (!preload.ok()) {
    if (absl::IsUnavailable(preload.status())) TranslatorLost(preload.status());
    fprintf(stderr, "dbt: warning: the cache is off: %s\n",
            std::string(preload.status().message()).c_str());
    return;
  }
  if (!preload->notice.empty()) fprintf(stderr, "dbt: warning: %s\n", preload->notice.c_str());
  PrintNotice();
  stats_->cache_rejected += preload->rejected;
  GuestMemory::MappingLock mapping(proc_.memory);
  TbLock lock(*this);
  for (translator::TbTranslation& t : preload->tbs) {
    if (t.flags != tb_flags_ || registry_->Find(t.guest_pc, t.flags) != nullptr) {
      ++stats_->cache_rejected;
      continue;
    }
    bool mapped = false;
    if (MatchesGuestMemory(t, &mapped)) {
      ++stats_->tbs_loaded_from_cache;
      stats_->host_bytes_emitted += t.code.code_size;
      InsertLocked(std::move(t));
    } else if (!mapped) {
      // Not there yet (a library the dynamic loader maps later): checked
      // at its first miss.
      deferred_.insert_or_assign(t.guest_pc, std::move(t));
    } else {
      ++stats_->cache_rejected;
    }
  }
  stats_->translate_ns += dbt::MonotonicNs() - start;
}

TranslationBlock* JitEngine::UseDeferred(uint64_t pc) {
  GuestMemory::MappingLock mapping(proc_.memory);
  TbLock lock(*this);
  auto it = deferred_.find(pc);
  if (it == deferred_.end()) return nullptr;
  translator::TbTranslation t = std::move(it->second);
  deferred_.erase(it);
  if (TranslationBlock* tb = registry_->Find(pc, tb_flags_)) return tb;
  bool mapped = false;
  if (!MatchesGuestMemory(t, &mapped)) {
    ++stats_->cache_rejected;
    return nullptr;
  }
  ++stats_->tbs_loaded_from_cache;
  stats_->host_bytes_emitted += t.code.code_size;
  return InsertLocked(std::move(t));
}

EngineExit JitEngine::Run(GuestEnv& env) {
  JitThread& self = ThreadOf(env);
  StartRunning(self);
  const EngineExit exit = Dispatch(self);
  StopRunning(self);
  return exit;
}

EngineExit JitEngine::Dispatch(JitThread& self) {
  GuestEnv& env = *self.env;
  uint64_t last_code = 0;  // code start of the TB that just exited through a slot
  int last_slot = 0;
  bool just_flushed = false;
  uint8_t* guest_base = reinterpret_cast<uint8_t*>(env.guest_base);
  while (true) {
    if (__atomic_load_n(&env.exit_request, __ATOMIC_SEQ_CST) != 0) return EngineExit::kInsnLimit;
    RefreshJumpCache(self);
    const uint64_t pc = env.cpu.pc;
    const Lookup found = FindOrTranslate(pc, last_code, last_slot);
    last_code = 0;
    if (found.buffer_full && !just_flushed) {
      // Not running while the buffer is flushed: no TB pointer survives.
      StopRunning(self);
      FlushExclusive(self, found.flushes);
      StartRunning(self);
      just_flushed = true;
      continue;
    }
    just_flushed = false;
    TranslationBlock* tb = found.tb;
    if (tb == nullptr) {
      // The guest may not execute this code (unmapped or without PROT_EXEC):
      // the runtime raises SIGSEGV, as the kernel would on the fetch.
      if (found.fetch_fault) return EngineExit::kFetchFault;
      // A translator failure, or a TB that did not fit even in a buffer
      // just flushed (other threads may have filled it again): the
      // interpreter executes the instruction.
      riscv::InterpExit e = riscv::StepOne(env.cpu, guest_base);
      if (e != riscv::InterpExit::kInsnLimit) return static_cast<EngineExit>(e);
      continue;
    }
    JumpCacheEntry& jc = env.jump_cache[codegen::JumpCacheIndex(pc)];
    jc.guest_pc = pc;
    jc.host_code = reinterpret_cast<uint64_t>(tb->rx);

    if (options_.log_exec && options_.log != nullptr) {
      fprintf(options_.log, "Trace: [%016llx]\n", static_cast<unsigned long long>(pc));
    }
    if (options_.log_cpu) LogCpu(env);

    const uint64_t ret = buffer_->EnterGeneratedCode(&env, tb->rx);
    const uint64_t kind = ret & kTbExitMask;
    switch (kind) {
      case kTbExitSlot0:
      case kTbExitSlot1:
        last_code = ret & ~kTbExitMask;
        last_slot = static_cast<int>(kind);
        break;
      case kTbExitNoChain: {
        uint32_t exception = env.pending_exception;
        if (exception != 0) {
          env.pending_exception = 0;
          return static_cast<EngineExit>(exception);
        }
        break;
      }
      case kTbExitRequested:
      default:
        return EngineExit::kInsnLimit;
    }
  }
}

void JitEngine::InvalidateGuestRange(uint64_t addr, uint64_t len) {
  // May run in the SIGSEGV handler of a thread that was in generated code
  // (a store to a code page): it holds no runtime lock (FaultFreeScope).
  TbLock lock(*this);
  code_epoch_.fetch_add(1, std::memory_order_seq_cst);
  size_t dropped = registry_->InvalidateRange(addr, len);
  if (dropped == 0) return;
  stats_->tb_invalidations += dropped;
  // ORDER: the generation before the requests (see RefreshJumpCache): a
  // thread that sees its request cleared by its run loop then sees the
  // new generation.
  jump_cache_generation_.fetch_add(1, std::memory_order_seq_cst);
  std::lock_guard<std::mutex> threads_lock(threads_mutex_);
  for (const auto& t : threads_) __atomic_store_n(&t->env->exit_request, 1, __ATOMIC_SEQ_CST);
}

void JitEngine::RecoverAfterFault(GuestEnv& env, uintptr_t host_pc) {
  JitThread& self = ThreadOf(env);
  // Still running (the fault left Run by siglongjmp): no flush has
  // happened, so host_pc still names its TB.
  if (std::optional<uint64_t> pc = GuestPcAtHostPc(host_pc)) env.cpu.pc = *pc;
  StopRunning(self);
}

void JitEngine::BeforeFork() {
  producer_->BeforeFork();
  tb_mutex_.lock();
  threads_mutex_.lock();
}

void JitEngine::AfterForkParent() {
  threads_mutex_.unlock();
  tb_mutex_.unlock();
  producer_->AfterForkParent();
}

void JitEngine::OnForkChild(GuestEnv& env) {
  // This is the only thread now; the locks the parent took for the fork
  // are released, and the other threads forgotten.
  threads_mutex_.unlock();
  tb_mutex_.unlock();
  exclusive_pending_.store(false);
  {
    std::lock_guard<std::mutex> lock(threads_mutex_);
    std::erase_if(threads_, [&](const std::unique_ptr<JitThread>& t) { return t->env != &env; });
    for (const auto& t : threads_) t->running.store(false);
  }
  if (absl::Status s = producer_->ResetForChild(); !s.ok()) {
    fprintf(stderr, "dbt: fork: cannot set up the child's translation: %s\n",
            std::string(s.message()).c_str());
    _exit(127);
  }
  TbLock lock(*this);
  // ORDER: the registry refers to the old buffer (whose mapping the
  // producer kept or abandoned): replace it before anything looks up.
  registry_ = std::make_unique<TbRegistry>(producer_->buffer());
  deferred_.clear();
  buffer_ = &producer_->buffer();
  env.epilogue = buffer_->epilogue_address();
  ClearJumpCache(env);
  if (options_.jitdump) options_.jitdump->ReopenInChild();
}

std::optional<uint64_t> JitEngine::GuestPcAtHostPc(uintptr_t host_pc) const {
  TbLock lock(*this);
  TranslationBlock* tb = registry_->ByHostPc(host_pc);
  if (tb == nullptr) return std::nullopt;
  // pc_map is ascending by host offset: the last entry at or before the
  // faulting offset is the instruction being executed.
  const size_t offset = host_pc - reinterpret_cast<uintptr_t>(tb->rx);
  std::optional<uint64_t> guest_pc;
  for (const tb::PcMapEntry& e : tb->t.code.pc_map) {
    if (e.host_offset > offset) break;
    guest_pc = e.guest_pc;
  }
  return guest_pc;
}

void JitEngine::LogCpu(const GuestEnv& env) const {
  if (options_.log == nullptr) return;
  std::string text = absl::StrFormat(" pc       %016x\n", env.cpu.pc);
  static const char* kNames[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                   "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                   "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                   "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
  for (int i = 0; i < 32; ++i) {
    absl::StrAppendFormat(&text, " x%-2d/%-4s %016x%s", i, kNames[i], env.cpu.x[i],
                          i % 4 == 3 ? "\n" : "");
  }
  fwrite(text.data(), 1, text.size(), options_.log);
}

}  // namespace dbt::executor
