// The meaning of each value-computing IR op, written once. The optimizer
// folds constants with these functions and the test-only evaluator runs IR
// with them; the x86-64 backend is tested against them (and against values
// computed by hand in its per-op tests), so a wrong definition here shows up
// as a JIT/evaluator mismatch there.
#ifndef DBT_SERVICES_TRANSLATOR_IR_SEMANTICS_H_
#define DBT_SERVICES_TRANSLATOR_IR_SEMANTICS_H_

#include <cstdint>
#include <optional>
#include <utility>

#include "services/translator/ir/opcode.h"

namespace dbt::ir {

bool EvalCond(Cond c, uint64_t a, uint64_t b);

// Ops with one output and one input (mov, neg, not, ext*, clz, ctz, bswap).
// nullopt if opc is not such an op.
std::optional<uint64_t> EvalUnary(Opcode opc, uint64_t a);

// Ops with one output and two inputs and no constants (add ... rotr, mul,
// muluh, mulsh, div*, rem*, andc). nullopt if opc is not such an op.
std::optional<uint64_t> EvalBinary(Opcode opc, uint64_t a, uint64_t b);

// Two-output ops: (lo, hi).
std::pair<uint64_t, uint64_t> EvalMulu2(uint64_t a, uint64_t b);
std::pair<uint64_t, uint64_t> EvalMuls2(uint64_t a, uint64_t b);
std::pair<uint64_t, uint64_t> EvalAdd2(uint64_t al, uint64_t ah, uint64_t bl, uint64_t bh);
std::pair<uint64_t, uint64_t> EvalSub2(uint64_t al, uint64_t ah, uint64_t bl, uint64_t bh);

// Loads: the value a memop reads from the little-endian raw bytes `raw`
// (zero- or sign-extended to 64 bits).
uint64_t ExtendLoaded(uint64_t raw, uint64_t memop);

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_SEMANTICS_H_
