// The helper table: ids, names, call flags and entry points, all from the
// X-macro lists of helpers.h and fpu.h.
#include "common/riscv/helpers.h"

#include <cstring>

namespace dbt::riscv {
namespace {

// F/D operations that never raise an exception flag: pure bit manipulation
// of their operands, so a call whose result is unused may be deleted.
constexpr bool FpOpIsPure(HelperId id) {
  switch (id) {
    case HelperId::kFsgnjS:
    case HelperId::kFsgnjnS:
    case HelperId::kFsgnjxS:
    case HelperId::kFclassS:
    case HelperId::kFmvXW:
    case HelperId::kFmvWX:
    case HelperId::kFsgnjD:
    case HelperId::kFsgnjnD:
    case HelperId::kFsgnjxD:
    case HelperId::kFclassD:
    case HelperId::kFmvXD:
    case HelperId::kFmvDX:
      return true;
    default:
      return false;
  }
}

// An F/D helper reads its operands from its arguments and writes only
// env->cpu.fflags, which is not a global (the IR reaches it with ld/st).
constexpr uint32_t FpFlags(HelperId id) {
  return kHelperNoReadGlobals | kHelperNoWriteGlobals |
         (FpOpIsPure(id) ? uint32_t{kHelperNoSideEffects} : 0u);
}

struct HelperEntry {
  const char* name;
  uint32_t flags;
  const void* fn;
};

const HelperEntry kHelpers[kNumHelpers] = {
#define DBT_RISCV_FP_ENTRY(name) \
  {#name, FpFlags(HelperId::k##name), reinterpret_cast<const void*>(&name)},
    DBT_RISCV_FP_OPS(DBT_RISCV_FP_ENTRY)
#undef DBT_RISCV_FP_ENTRY
#define DBT_RISCV_RUNTIME_ENTRY(name, flags) \
  {#name, flags, reinterpret_cast<const void*>(&Helper##name)},
        DBT_RISCV_RUNTIME_HELPERS(DBT_RISCV_RUNTIME_ENTRY)
#undef DBT_RISCV_RUNTIME_ENTRY
};

}  // namespace

uint32_t HelperFlags(HelperId id) { return kHelpers[static_cast<int>(id)].flags; }

const char* HelperName(HelperId id) { return kHelpers[static_cast<int>(id)].name; }

void FillHelperTable(uint64_t* helpers) {
  std::memset(helpers, 0, sizeof(uint64_t) * kMaxHelpers);
  for (int i = 0; i < kNumHelpers; ++i) helpers[i] = reinterpret_cast<uint64_t>(kHelpers[i].fn);
}

}  // namespace dbt::riscv
