// Random, verifier-clean IR blocks for differential testing (JIT against
// the evaluator). Blocks use globals x1..x(num_globals), local, normal
// and ebb temps within their scopes, every value op, forward branches and
// labels (with early exits), guest loads/stores inside the first
// kGuestWindow bytes of guest memory, env ld/st on non-global CpuState
// fields, helper calls (test helpers 0..2, see RandomBlockHelpers) and one
// of each kind of TB exit.
#ifndef DBT_SERVICES_TRANSLATOR_IR_RANDOM_BLOCK_H_
#define DBT_SERVICES_TRANSLATOR_IR_RANDOM_BLOCK_H_

#include <cstdint>
#include <random>

#include "common/jit_abi.h"
#include "services/translator/ir/block.h"

namespace dbt::ir {

struct RandomBlockOptions {
  int num_ops = 40;      // value ops, roughly
  int num_globals = 10;  // x1..x10
  int live_values = 0;   // extra values kept live across the whole block
  bool branches = true;
  bool calls = true;
  bool memory = true;
};

inline constexpr uint64_t kGuestWindow = 4096;  // addresses used: [0, 4096 + 8)

Block RandomBlock(std::mt19937_64& rng, const RandomBlockOptions& options);

// Installs the helpers random blocks call into env->helpers[0..2]:
//   0: pure mix of six arguments (NO_READ|NO_WRITE globals)
//   1: reads x1..x4 from env (NO_WRITE globals)
//   2: writes x5 and x6 in env (may read and write)
void InstallRandomBlockHelpers(GuestEnv& env);

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_RANDOM_BLOCK_H_
