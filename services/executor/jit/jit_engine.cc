#include "services/executor/jit/jit_engine.h"

#include <time.h>
#include <unistd.h>

#include "absl/strings/str_format.h"
#include "common/codegen/jump_cache.h"
#include "common/riscv/helpers.h"
#include "common/riscv/interpreter.h"
#include "services/executor/runtime/guest_layout.h"

namespace dbt::executor {
namespace {

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

// A jump-cache entry that matches no pc: guest pcs are even.
constexpr uint64_t kNoGuestPc = 1;

}  // namespace

absl::StatusOr<std::unique_ptr<JitEngine>> JitEngine::Create(GuestProcess& proc,
                                                             const JitOptions& options,
                                                             JitStats* stats) {
  codegen::CodeGenBufferOptions buffer_options;
  buffer_options.size = options.code_buffer_bytes;
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> buffer =
      codegen::CodeGenBuffer::Create(buffer_options);
  if (!buffer.ok()) return buffer.status();
  return std::unique_ptr<JitEngine>(new JitEngine(proc, options, stats, *std::move(buffer)));
}

JitEngine::JitEngine(GuestProcess& proc, const JitOptions& options, JitStats* stats,
                     std::unique_ptr<codegen::CodeGenBuffer> buffer)
    : proc_(proc),
      options_(options),
      tb_flags_(options.one_insn_per_tb ? translator::kTbFlagOneInsn : 0),
      stats_(stats),
      buffer_(std::move(buffer)),
      registry_(std::make_unique<TbRegistry>(*buffer_)),
      code_source_(proc.memory) {
  GuestEnv& env = proc_.env;
  env.epilogue = buffer_->epilogue_address();
  riscv::FillHelperTable(env.helpers);
  ClearJumpCache();
}

void JitEngine::ClearJumpCache() {
  for (JumpCacheEntry& e : proc_.env.jump_cache) {
    e.guest_pc = kNoGuestPc;
    e.host_code = 0;
  }
}

void JitEngine::FlushAll() {
  registry_->Clear();
  buffer_->Flush();
  ClearJumpCache();
  ++stats_->tb_flushes;
}

TranslationBlock* JitEngine::FindOrTranslate(uint64_t pc) {
  ++stats_->tb_lookups;
  fetch_faulted_ = false;
  if (TranslationBlock* tb = registry_->Find(pc, tb_flags_)) return tb;

  translator::TranslateDebug debug;
  debug.in_asm = options_.log_in_asm;
  debug.op = options_.log_op;
  debug.op_opt = options_.log_op_opt;
  debug.out_asm = options_.log_out_asm;
  debug_text_.clear();
  debug.log = debug.any() ? &debug_text_ : nullptr;

  uint64_t start = NowNs();
  absl::StatusOr<translator::TbTranslation> t =
      translator::TranslateTb(code_source_, pc, tb_flags_, *buffer_, debug);
  if (t.status().code() == absl::StatusCode::kResourceExhausted) {
    // The buffer is full. We are between TBs (no thread in generated code),
    // so everything can go.
    FlushAll();
    debug_text_.clear();
    t = translator::TranslateTb(code_source_, pc, tb_flags_, *buffer_, debug);
  }
  stats_->translate_ns += NowNs() - start;
  if (!t.ok()) {
    fetch_faulted_ = t.status().code() == absl::StatusCode::kNotFound;
    if (!fetch_faulted_) {
      // A translator bug. Correctness first: this pc runs in the
      // interpreter; say so, because it is a bug to fix.
      fprintf(stderr, "dbt: cannot translate pc 0x%llx (%s); interpreting it\n",
              static_cast<unsigned long long>(pc), std::string(t.status().message()).c_str());
    }
    return nullptr;
  }
  if (!debug_text_.empty() && options_.log != nullptr) {
    fwrite(debug_text_.data(), 1, debug_text_.size(), options_.log);
  }
  ++stats_->tbs_translated;
  stats_->guest_insns_translated += t->guest_insns;
  stats_->host_bytes_emitted += t->code.code_size;
  TranslationBlock* tb = registry_->Insert(*std::move(t));
  // Stores to these pages must now fault first, so the TB is dropped before
  // its code changes (GuestMemory write-protects them).
  for (uint64_t page = tb->first_page; page <= tb->last_page; page += kGuestPageSize) {
    proc_.memory.MarkCodePage(page);
  }
  return tb;
}

EngineExit JitEngine::Run(GuestEnv& env) {
  TranslationBlock* last = nullptr;  // the TB that just exited through a slot
  int last_slot = 0;
  uint8_t* guest_base = reinterpret_cast<uint8_t*>(env.guest_base);
  while (true) {
    if (__atomic_load_n(&env.exit_request, __ATOMIC_ACQUIRE) != 0) return EngineExit::kInsnLimit;
    const uint64_t pc = env.cpu.pc;
    TranslationBlock* tb = FindOrTranslate(pc);
    if (tb == nullptr) {
      // The guest may not execute this code (unmapped or without PROT_EXEC):
      // the runtime raises SIGSEGV, as the kernel would on the fetch.
      if (fetch_faulted_) return EngineExit::kFetchFault;
      // A translator failure: the interpreter executes the instruction.
      riscv::InterpExit e = riscv::StepOne(env.cpu, guest_base);
      if (e != riscv::InterpExit::kInsnLimit) return static_cast<EngineExit>(e);
      last = nullptr;
      continue;
    }
    JumpCacheEntry& jc = env.jump_cache[codegen::JumpCacheIndex(pc)];
    jc.guest_pc = pc;
    jc.host_code = reinterpret_cast<uint64_t>(tb->rx);

    if (last != nullptr && options_.chain && last->valid && tb->valid &&
        last->slot_target[last_slot] == nullptr) {
      registry_->Link(last, last_slot, tb);
      ++stats_->chain_links;
    }
    if (options_.log_exec && options_.log != nullptr) {
      fprintf(options_.log, "Trace: [%016llx]\n", static_cast<unsigned long long>(pc));
    }
    if (options_.log_cpu) LogCpu(env);

    const uint64_t ret = buffer_->EnterGeneratedCode(&env, tb->rx);
    const uint64_t kind = ret & kTbExitMask;
    switch (kind) {
      case kTbExitSlot0:
      case kTbExitSlot1:
        last = registry_->ByCodeStart(ret & ~kTbExitMask);
        last_slot = static_cast<int>(kind);
        break;
      case kTbExitNoChain: {
        last = nullptr;
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
  size_t dropped = registry_->InvalidateRange(addr, len);
  if (dropped == 0) return;
  stats_->tb_invalidations += dropped;
  // Entries may point at dropped TBs; the cache is small, clear it all.
  ClearJumpCache();
}

void JitEngine::RecoverAfterFault(GuestEnv& env, uintptr_t host_pc) {
  if (std::optional<uint64_t> pc = GuestPcAtHostPc(host_pc)) env.cpu.pc = *pc;
}

void JitEngine::OnForkChild(GuestEnv& env) {
  codegen::CodeGenBufferOptions buffer_options;
  buffer_options.size = buffer_->size();
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> fresh =
      codegen::CodeGenBuffer::Create(buffer_options);
  if (!fresh.ok()) {
    fprintf(stderr, "dbt: fork: cannot create the child's code buffer: %s\n",
            std::string(fresh.status().message()).c_str());
    _exit(127);
  }
  // ORDER: the registry refers to the old buffer; replace it first, then
  // let the old mapping go (unmapping it in the child leaves the parent's
  // untouched).
  registry_ = std::make_unique<TbRegistry>(**fresh);
  buffer_ = *std::move(fresh);
  env.epilogue = buffer_->epilogue_address();
  ClearJumpCache();
}

std::optional<uint64_t> JitEngine::GuestPcAtHostPc(uintptr_t host_pc) const {
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
