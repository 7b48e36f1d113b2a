// IR opcodes, their static description (from opcodes.inc) and the small
// enums that appear as constant arguments: conditions, memory operations,
// helper-call flags, barrier kinds.
#ifndef DBT_SERVICES_TRANSLATOR_IR_OPCODE_H_
#define DBT_SERVICES_TRANSLATOR_IR_OPCODE_H_

#include <cstdint>
#include <string_view>

namespace dbt::ir {

// Op flags (OpInfo::flags).
enum OpFlag : uint32_t {
  kOpBbEnd = 1u << 0,          // Ends a basic block (branch, label, TB exit).
  kOpBbExit = 1u << 1,         // Leaves the TB: globals synced and dead.
  kOpCondBranch = 1u << 2,     // May branch to a label or fall through.
  kOpSideEffects = 1u << 3,    // Never deleted, even when outputs are dead.
  kOpCallClobber = 1u << 4,    // Clobbers the host's caller-saved registers.
  kOpCanFault = 1u << 5,       // Guest memory access: globals synced before.
  kOpCommutative = 1u << 6,    // Inputs 0 and 1 may be swapped.
  kOpNoFallthrough = 1u << 7,  // Control never reaches the next op.
  kOpVariadic = 1u << 8,       // Counts vary per op (call); the table has maxima.
};

enum class Opcode : uint8_t {
#define DBT_IR_OP(name, n_out, n_in, n_const, flags) k##name,
#include "services/translator/ir/opcodes.inc"
#undef DBT_IR_OP
};

#define DBT_IR_OP(name, n_out, n_in, n_const, flags) +1
inline constexpr int kNumOpcodes = 0
#include "services/translator/ir/opcodes.inc"
    ;
#undef DBT_IR_OP

struct OpInfo {
  std::string_view name;  // lower_snake_case, as printed
  uint8_t n_out;
  uint8_t n_in;
  uint8_t n_const;
  uint32_t flags;
};

const OpInfo& GetOpInfo(Opcode opc);
inline std::string_view OpName(Opcode opc) { return GetOpInfo(opc).name; }
inline bool HasFlag(Opcode opc, uint32_t flag) { return (GetOpInfo(opc).flags & flag) != 0; }

// Upper bound of outputs + inputs + constants of any op (call: 1 + 6 + 2).
inline constexpr int kMaxOpArgs = 10;
inline constexpr int kMaxCallArgs = 6;

// Comparison conditions (setcond, movcond, brcond). "u" = unsigned.
enum class Cond : uint8_t { kEq, kNe, kLt, kGe, kLe, kGt, kLtu, kGeu, kLeu, kGtu };
inline constexpr int kNumConds = 10;
std::string_view CondName(Cond c);
Cond InvertCond(Cond c);  // !c(a, b) == InvertCond(c)(a, b)
Cond SwapCond(Cond c);    // c(a, b) == SwapCond(c)(b, a)

// Memory operation of qemu_ld/qemu_st/ld/st: log2 of the size in bits 0..1,
// sign extension of loads in bit 2. Stores ignore the sign bit.
enum MemOp : uint8_t {
  kMemU8 = 0,
  kMemU16 = 1,
  kMemU32 = 2,
  kMemU64 = 3,
  kMemSign = 4,
  kMemS8 = kMemSign | kMemU8,
  kMemS16 = kMemSign | kMemU16,
  kMemS32 = kMemSign | kMemU32,
};
inline constexpr int MemOpSizeLog2(uint64_t memop) { return static_cast<int>(memop & 3); }
inline constexpr int MemOpBytes(uint64_t memop) { return 1 << MemOpSizeLog2(memop); }
inline constexpr bool MemOpSigned(uint64_t memop) { return (memop & kMemSign) != 0; }
// Valid MemOps are 0..6 (a signed 64-bit load is written kMemU64).
inline constexpr bool MemOpValid(uint64_t memop) { return memop <= kMemS32; }
std::string_view MemOpName(uint64_t memop);  // "u8", "s32", "u64"...

// Helper-call flags (call carg1). With none set, a helper may read and
// write globals (they are synced before the call and reloaded after).
enum HelperFlag : uint32_t {
  kCallNoReadGlobals = 1u << 0,   // Does not read guest registers in env.
  kCallNoWriteGlobals = 1u << 1,  // Does not write guest registers in env.
  kCallNoSideEffects = 1u << 2,   // Pure: may be deleted when its result is dead.
};

// Barrier kinds (mb carg0): which earlier accesses are ordered before which
// later ones. On x86 (TSO) only store->load needs an instruction.
enum MbKind : uint32_t {
  kMbLoadLoad = 1u << 0,
  kMbLoadStore = 1u << 1,
  kMbStoreLoad = 1u << 2,
  kMbStoreStore = 1u << 3,
  kMbAll = 15,
};

}  // namespace dbt::ir

#endif  // DBT_SERVICES_TRANSLATOR_IR_OPCODE_H_
