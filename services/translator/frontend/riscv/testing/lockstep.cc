#include "services/translator/frontend/riscv/testing/lockstep.h"

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/codegen/code_gen_buffer.h"
#include "common/riscv/disasm.h"
#include "common/riscv/helpers.h"
#include "common/riscv/interpreter.h"
#include "services/translator/frontend/riscv/in_asm.h"
#include "services/translator/ir/evaluator.h"
#include "services/translator/ir/printer.h"
#include "services/translator/ir/verifier.h"
#include "services/translator/tb/translate.h"

namespace dbt::frontend::riscv::testing {
namespace {

namespace rv = dbt::riscv;

static_assert(rv::kNoReservation == ~uint64_t{0}, "helpers_atomic.cc uses the same value");

void Compare(std::string& diffs, std::string_view what, uint64_t jit, uint64_t interp) {
  if (jit != interp) {
    absl::StrAppendFormat(&diffs, "  %-12s jit 0x%016x  interpreter 0x%016x\n", what, jit, interp);
  }
}

std::string ExitName(uint32_t e) {
  static constexpr const char* kNames[] = {"none/insn_limit", "ecall", "ebreak", "illegal",
                                           "fence.i"};
  return e < 5 ? kNames[e] : absl::StrCat("bad(", e, ")");
}

}  // namespace

TbRunner EvaluatorRunner() {
  return [](const TranslatedBlock& tb, GuestEnv& env) -> absl::StatusOr<TbExitKind> {
    if (absl::Status s = ir::Verify(tb.block); !s.ok()) return s;
    absl::StatusOr<ir::EvalExit> exit = ir::Evaluate(tb.block, env);
    if (!exit.ok()) return exit.status();
    return exit->kind;
  };
}

TbRunner JitRunner(bool optimize) {
  auto created = codegen::CodeGenBuffer::Create({.size = 8 << 20, .region_size = 1 << 20});
  if (!created.ok()) {
    std::fprintf(stderr, "JitRunner: %s\n", created.status().ToString().c_str());
    std::abort();
  }
  std::shared_ptr<codegen::CodeGenBuffer> buffer = std::move(*created);
  return
      [buffer, optimize](const TranslatedBlock& tb, GuestEnv& env) -> absl::StatusOr<TbExitKind> {
        ir::Block block = tb.block;  // the pipeline works in place
        tb::TranslateOptions options;
        options.optimize = optimize;
        options.verify = true;
        absl::StatusOr<tb::TranslatedTb> code = tb::TranslateBlock(block, *buffer, options);
        if (code.status().code() == absl::StatusCode::kResourceExhausted) {
          buffer->Flush();
          block = tb.block;
          code = tb::TranslateBlock(block, *buffer, options);
        }
        if (!code.ok()) return code.status();
        env.epilogue = buffer->epilogue_address();
        const uint64_t start = reinterpret_cast<uint64_t>(buffer->rx_at(code->code_offset));
        const uint64_t left = buffer->EnterGeneratedCode(&env, buffer->rx_at(code->code_offset));
        if ((left & ~kTbExitMask) != start) {
          return absl::InternalError(
              absl::StrFormat("TB returned 0x%x, its code is at 0x%x", left, start));
        }
        return static_cast<TbExitKind>(left & kTbExitMask);
      };
}

TbRunner RunnerFromEnvironment() {
  const char* name = std::getenv("DBT_LOCKSTEP_RUNNER");
  const std::string runner = name == nullptr ? "eval" : name;
  if (runner == "jit") return JitRunner(/*optimize=*/true);
  if (runner == "jit_noopt") return JitRunner(/*optimize=*/false);
  if (runner != "eval") {
    std::fprintf(stderr, "DBT_LOCKSTEP_RUNNER: unknown runner %s\n", runner.c_str());
    std::abort();
  }
  return EvaluatorRunner();
}

std::vector<uint8_t> CodeBytes(const std::vector<uint32_t>& insns) {
  std::vector<uint8_t> bytes;
  for (uint32_t w : insns) {
    const int n = (w & 3) != 3 && w < 0x10000 ? 2 : 4;
    for (int i = 0; i < n; ++i) bytes.push_back(static_cast<uint8_t>(w >> (8 * i)));
  }
  return bytes;
}

Lockstep::Lockstep(TbRunner runner)
    : runner_(std::move(runner)), env_(std::make_unique<GuestEnv>()) {}

Lockstep::~Lockstep() = default;

std::string Lockstep::Run(const LockstepCase& c) {
  // Identical guest memories: zeros, the code, the data.
  for (GuestMemory* m : {&jit_memory_, &interp_memory_}) {
    std::memset(m->base(), 0, kGuestSize);
    std::memcpy(m->at(c.code_pc), c.code.data(), c.code.size());
    if (!c.data.empty()) std::memcpy(m->at(kDataBase), c.data.data(), kDataSize);
  }
  rv::CpuState initial = c.cpu;
  initial.pc = c.code_pc;

  BufferCodeSource source(0, {jit_memory_.base(), kGuestSize});
  TranslateResult translated = TranslateBlock(source, c.code_pc, c.options);
  if (!translated.tb) return absl::StrFormat("fetch fault at 0x%x", translated.fault_addr);
  last_tb_ = std::move(*translated.tb);
  const TranslatedBlock& tb = last_tb_;

  GuestEnv& env = *env_;
  std::memset(&env, 0, sizeof(env));
  env.cpu = initial;
  env.guest_base = reinterpret_cast<uint64_t>(jit_memory_.base());
  rv::FillHelperTable(env.helpers);
  absl::StatusOr<TbExitKind> exit = runner_(tb, env);

  rv::CpuState interp = initial;
  uint64_t executed = 0;
  const rv::InterpExit interp_exit =
      rv::Interpret(interp, interp_memory_.base(), tb.insns.size(), &executed);

  std::string diffs;
  if (!exit.ok()) {
    absl::StrAppend(&diffs, "  runner failed: ", exit.status().ToString(), "\n");
  } else {
    const rv::CpuState& jit = env.cpu;
    for (int r = 0; r < 32; ++r) Compare(diffs, absl::StrCat("x", r), jit.x[r], interp.x[r]);
    for (int r = 0; r < 32; ++r) Compare(diffs, absl::StrCat("f", r), jit.f[r], interp.f[r]);
    Compare(diffs, "pc", jit.pc, interp.pc);
    Compare(diffs, "fflags", jit.fflags, interp.fflags);
    Compare(diffs, "frm", jit.frm, interp.frm);
    Compare(diffs, "resv_addr", jit.reservation_addr, interp.reservation_addr);
    Compare(diffs, "resv_value", jit.reservation_value, interp.reservation_value);
    if (env.pending_exception != static_cast<uint32_t>(interp_exit)) {
      absl::StrAppend(&diffs, "  exit: jit ", ExitName(env.pending_exception), ", interpreter ",
                      ExitName(static_cast<uint32_t>(interp_exit)), "\n");
    }
    const bool jit_left_for_runtime = *exit == kTbExitNoChain;
    if (env.pending_exception != 0 && !jit_left_for_runtime) {
      absl::StrAppend(&diffs, "  pending_exception set but exit kind ", *exit, "\n");
    }
    for (uint64_t a = 0; a < kGuestSize; ++a) {
      if (*jit_memory_.at(a) != *interp_memory_.at(a)) {
        absl::StrAppendFormat(&diffs, "  memory at 0x%x: jit 0x%02x  interpreter 0x%02x\n", a,
                              *jit_memory_.at(a), *interp_memory_.at(a));
        break;
      }
    }
  }
  if (diffs.empty()) return "";

  std::string report = "lockstep mismatch\n";
  absl::StrAppend(&report, FormatInAsm(tb));
  absl::StrAppend(&report, "initial state:\n");
  for (int r = 0; r < 32; ++r) {
    absl::StrAppendFormat(&report, "  x%-2d %016x  f%-2d %016x\n", r, initial.x[r], r,
                          initial.f[r]);
  }
  absl::StrAppendFormat(&report, "  fflags %x frm %x resv %x/%x\n", initial.fflags, initial.frm,
                        initial.reservation_addr, initial.reservation_value);
  absl::StrAppend(&report, "IR:\n", ir::PrintBlock(tb.block));
  absl::StrAppend(&report, "differences:\n", diffs);
  return report;
}

}  // namespace dbt::frontend::riscv::testing
