// The strong test: thousands of random IR blocks, each run by the JIT
// (through the whole pipeline and the x86-64 backend) and by the IR
// evaluator from the same state; exit kind, guest registers and guest
// memory must match exactly. Variants cover the optimizer off and on,
// register pressure beyond the host's registers (spills), helper calls in
// the middle of blocks and branches.
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "services/translator/ir/evaluator.h"
#include "services/translator/ir/printer.h"
#include "services/translator/ir/random_block.h"
#include "services/translator/ir/verifier.h"
#include "services/translator/tb/jit_runner.h"

namespace dbt::tb {
namespace {

struct Variant {
  const char* name;
  ir::RandomBlockOptions options;
  int blocks;
};

const Variant kVariants[] = {
    {"mixed", {.num_ops = 40}, 4000},
    {"pressure", {.num_ops = 80, .num_globals = 20, .live_values = 24}, 1000},
    {"straight_line", {.num_ops = 60, .branches = false}, 1000},
    {"calls_and_memory", {.num_ops = 50, .branches = true, .calls = true, .memory = true}, 1000},
    {"no_calls", {.num_ops = 50, .calls = false}, 1000},
};

class DifferentialTest : public ::testing::TestWithParam<std::tuple<int, bool>> {};

void RandomizeState(std::mt19937_64& rng, GuestEnv& env, uint8_t* memory) {
  for (int i = 0; i < 32; ++i) env.cpu.x[i] = rng() >> (rng() % 64);
  env.cpu.pc = 0x10000;
  env.cpu.fflags = static_cast<uint32_t>(rng());
  env.cpu.frm = static_cast<uint32_t>(rng());
  env.cpu.reservation_value = rng();
  env.cpu.instret = rng();
  env.exit_request = 0;
  for (uint64_t i = 0; i < ir::kGuestWindow + 16; ++i) memory[i] = static_cast<uint8_t>(rng());
}

TEST_P(DifferentialTest, JitMatchesEvaluator) {
  const Variant& v = kVariants[std::get<0>(GetParam())];
  const bool optimize = std::get<1>(GetParam());
  JitRunner runner;
  ir::InstallRandomBlockHelpers(runner.env());
  auto eval_env = std::make_unique<GuestEnv>();
  std::vector<uint8_t> eval_memory(ir::kGuestWindow + 16);
  int failures = 0;
  for (int n = 0; n < v.blocks && failures < 3; ++n) {
    const uint64_t seed = 1000003ull * n + std::get<0>(GetParam()) * 17 + optimize;
    std::mt19937_64 rng(seed);
    ir::Block block = ir::RandomBlock(rng, v.options);
    ASSERT_TRUE(ir::Verify(block).ok()) << ir::Verify(block) << "\n" << ir::PrintBlock(block);
    ir::Block jit_block = block;

    RandomizeState(rng, runner.env(), runner.guest_memory());
    eval_env->cpu = runner.env().cpu;
    eval_env->exit_request = 0;
    eval_env->guest_base = reinterpret_cast<uint64_t>(eval_memory.data());
    ir::InstallRandomBlockHelpers(*eval_env);
    memcpy(eval_memory.data(), runner.guest_memory(), eval_memory.size());

    absl::StatusOr<ir::EvalExit> expected = ir::Evaluate(block, *eval_env);
    ASSERT_TRUE(expected.ok()) << expected.status();

    std::string opt_text, asm_text;
    absl::StatusOr<TranslatedTb> tb = runner.Translate(
        jit_block, {.optimize = optimize, .dump_op_opt = &opt_text, .dump_out_asm = &asm_text});
    ASSERT_TRUE(tb.ok()) << tb.status() << "\n" << ir::PrintBlock(block);
    uint64_t ret = runner.Run(*tb);

    bool same = (ret & kTbExitMask) == expected->kind &&
                (ret & ~kTbExitMask) == runner.CodeAddress(*tb) &&
                memcmp(&runner.env().cpu, &eval_env->cpu, sizeof(riscv::CpuState)) == 0 &&
                memcmp(runner.guest_memory(), eval_memory.data(), eval_memory.size()) == 0;
    if (!same) {
      ++failures;
      std::string diff;
      for (int i = 0; i < 32; ++i) {
        if (runner.env().cpu.x[i] != eval_env->cpu.x[i]) {
          diff += "x" + std::to_string(i) + ": jit " + std::to_string(runner.env().cpu.x[i]) +
                  " eval " + std::to_string(eval_env->cpu.x[i]) + "\n";
        }
      }
      ADD_FAILURE() << v.name << " seed " << seed << ": exit jit " << (ret & kTbExitMask)
                    << " eval " << expected->kind << "\n"
                    << diff << "--- IR:\n"
                    << ir::PrintBlock(block) << "--- optimized:\n"
                    << opt_text << "--- host:\n"
                    << asm_text;
    }
  }
}

// The variants do what their names say (a test of the test).
TEST(DifferentialCoverageTest, PressureSpillsAndCallsHappen) {
  JitRunner runner;
  int spilled = 0, calls = 0;
  for (int n = 0; n < 50; ++n) {
    std::mt19937_64 rng(n);
    ir::Block block = ir::RandomBlock(rng, kVariants[1].options);  // pressure
    calls += ir::PrintBlock(block).find("call ") != std::string::npos;
    auto tb = runner.Translate(block);
    ASSERT_TRUE(tb.ok()) << tb.status();
    spilled += tb->spill_slots > 0;
  }
  EXPECT_GT(spilled, 25);
  EXPECT_GT(calls, 25);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, DifferentialTest,
    ::testing::Combine(::testing::Range(0, static_cast<int>(std::size(kVariants))),
                       ::testing::Bool()),
    [](const ::testing::TestParamInfo<std::tuple<int, bool>>& info) {
      return std::string(kVariants[std::get<0>(info.param)].name) +
             (std::get<1>(info.param) ? "_optimized" : "_unoptimized");
    });

}  // namespace
}  // namespace dbt::tb
